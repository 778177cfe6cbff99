"""Reading jobs: one job (public when searchable, any state for its own employer's members),
the employer's own list, and the public employer page with its open-job count.

A public read of a job counts as a view (:func:`record_view`): one atomic ``UPDATE ... SET
view_count = view_count + 1`` (no read-modify-write, so concurrent readers lose no
increments), only while the job is published, and never for its own employer's members."""

from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from jobs_api.employers.models import Employer
from jobs_api.employers.profile import public_view, visible_employer
from jobs_api.employers.schemas import PublicEmployerOut
from jobs_api.employers.scope import member_employer_id
from jobs_api.identity.principal import Principal, Role
from jobs_api.jobs.errors import InvalidJob, JobNotFound
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.jobs.schemas import JobOut, JobPageOut, JobSummaryOut
from jobs_api.jobs.views import job_out

DEFAULT_PAGE = 50


def get_job(session: Session, principal: Principal | None, job_id: int) -> JobOut:
    """A published job of an employer that reaches graduates, for anyone; any job of the
    caller's own employer (with its latest review) for its members; 404 otherwise."""
    job = session.get(Job, job_id)
    if job is None:
        raise JobNotFound("岗位不存在 (no such job)")
    own = (
        principal is not None
        and principal.role is Role.EMPLOYER_MEMBER
        and principal.employer_id == job.employer_id
    )
    if own:
        return job_out(session, job, with_review=True)
    employer = session.get_one(Employer, job.employer_id)
    if job.status != JobStatus.PUBLISHED or not employer.reaches_graduates:
        raise JobNotFound("岗位不存在 (no such job)")
    record_view(session, job)
    return job_out(session, job, with_review=False)


def record_view(session: Session, job: Job) -> None:
    """Count one view of a published job, atomically in the database; ``job`` gets the new
    count. Callers skip the job's own employer's members."""
    views = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.PUBLISHED)
        .values(view_count=Job.view_count + 1)
        .returning(Job.view_count)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if views is not None:
        set_committed_value(job, "view_count", views)


def list_own_jobs(
    session: Session,
    principal: Principal,
    *,
    status: JobStatus | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE,
) -> JobPageOut:
    """The caller's employer's jobs, newest first; ``cursor`` continues after a page."""
    employer_id = member_employer_id(principal)
    query = select(Job).where(Job.employer_id == employer_id)
    if status is not None:
        query = query.where(Job.status == status.value)
    if cursor is not None:
        if not cursor.isdigit():
            raise InvalidJob("分页游标无效 (invalid cursor)", fields={"cursor": "invalid"})
        query = query.where(Job.id < int(cursor))
    rows = list(session.scalars(query.order_by(Job.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return JobPageOut(
        items=[JobSummaryOut.model_validate(j) for j in rows],
        next_cursor=str(rows[-1].id) if more and rows else None,
    )


def open_jobs_count(session: Session, employer_id: int) -> int:
    """Published jobs of an employer whose deadline has not passed."""
    return session.execute(
        select(func.count())
        .select_from(Job)
        .where(
            Job.employer_id == employer_id,
            Job.status == JobStatus.PUBLISHED,
            or_(Job.deadline.is_(None), Job.deadline >= china_today()),
        )
    ).scalar_one()


def public_employer(session: Session, employer_id: int) -> PublicEmployerOut:
    """The page graduates see of a verified employer (404 for any other)."""
    employer = visible_employer(session, employer_id)
    return public_view(session, employer, open_jobs=open_jobs_count(session, employer.id))
