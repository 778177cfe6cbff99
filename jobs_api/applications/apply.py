"""A graduate's side of applications: apply to an open job with a résumé, read their own
applications, withdraw one. Never commits.

Rules of :func:`apply`:

* only to *open* jobs: published, of an employer whose verification reaches graduates (else
  404, the job is not shown to graduates at all) and whose deadline has not passed (else 409
  ``job_not_open``);
* with one of the caller's own résumés (the default one when none is named); none at all, or
  one that is not theirs, is 422 ``resume_required``;
* one live application per graduate and job: the partial unique index
  ``uq_applications_live_user_job`` decides, so two concurrent requests cannot both succeed;
  the loser gets the same 409 ``already_applied`` as a plain second attempt. Applying again
  after withdrawing is allowed (withdrawn rows are outside the index);
* ``fair_id`` (applying from a fair's page) must name a fair the job is attached to.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobs_api.applications.errors import (
    AlreadyApplied,
    ApplicationNotFound,
    FairJobMismatch,
    InvalidCursor,
    JobNotOpen,
    ResumeRequired,
)
from jobs_api.applications.files import keep_copy
from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.applications.pipeline import change_status
from jobs_api.applications.schemas import ApplicationOut, ApplicationPageOut, ApplyIn
from jobs_api.applications.views import graduate_views
from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer
from jobs_api.fairs.models import FairJob
from jobs_api.graduates.errors import GraduateNotVerified
from jobs_api.graduates.models import Resume
from jobs_api.identity.principal import Principal
from jobs_api.jobs.errors import JobNotFound
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.registry.models import StudentRecord

DEFAULT_PAGE = 20

NO_RESUME_MESSAGE = "请先上传一份简历（PDF）再投递 (upload a PDF résumé before applying)"


def open_job(session: Session, job_id: int) -> tuple[Job, Employer]:
    """The job and its employer if graduates may apply to it now."""
    job = session.get(Job, job_id)
    employer = session.get(Employer, job.employer_id) if job is not None else None
    if job is None or employer is None or not employer.reaches_graduates:
        raise JobNotFound("岗位不存在 (no such job)")
    if job.status == JobStatus.CLOSED:
        raise JobNotOpen("该职位已停止招聘 (the job is closed)")
    if job.status != JobStatus.PUBLISHED:
        raise JobNotFound("岗位不存在 (no such job)")
    if job.deadline is not None and job.deadline < china_today():
        raise JobNotOpen("该职位的投递截止日期已过 (the application deadline has passed)")
    return job, employer


def choose_resume(session: Session, user_id: int, resume_id: int | None) -> Resume:
    """The named résumé if it is the caller's, else their default one."""
    if resume_id is not None:
        resume = session.get(Resume, resume_id)
        if resume is None or resume.user_id != user_id:
            raise ResumeRequired(
                "所选简历不存在，请重新选择 (no such résumé of yours)",
                fields={"resume_id": "not_found"},
            )
        return resume
    found = session.scalar(
        select(Resume)
        .where(Resume.user_id == user_id)
        .order_by(Resume.is_default.desc(), Resume.id.desc())
        .limit(1)
    )
    if found is None:
        raise ResumeRequired(NO_RESUME_MESSAGE, fields={"resume_id": "required"})
    return found


def _check_fair(session: Session, fair_id: int, job_id: int) -> None:
    attached = session.scalar(
        select(FairJob.id).where(FairJob.fair_id == fair_id, FairJob.job_id == job_id).limit(1)
    )
    if attached is None:
        raise FairJobMismatch(
            "该职位未参加此招聘会 (the job is not part of this fair)",
            fields={"fair_id": "job_not_in_fair"},
        )


def live_application_id(session: Session, user_id: int, job_id: int) -> int | None:
    return session.scalar(
        select(Application.id).where(
            Application.user_id == user_id,
            Application.job_id == job_id,
            Application.status != ApplicationStatus.WITHDRAWN,
        )
    )


def already_applied(application_id: int | None) -> AlreadyApplied:
    return AlreadyApplied(
        "你已投递过该职位，可在“我的申请”中查看进度 (you have already applied to this job)",
        fields={"application_id": str(application_id or "")},
    )


def insert_live(session: Session, application: Application) -> Application:
    """Insert ``application`` inside a savepoint; the live-application unique index turns a
    duplicate (also one committed by a concurrent request) into 409 ``already_applied``.

    Call it after a write of the same transaction (the job's counter), so that on SQLite the
    savepoint nests inside the transaction instead of starting one."""
    try:
        with session.begin_nested():
            session.add(application)
            session.flush()
    except IntegrityError:
        raise already_applied(
            live_application_id(session, application.user_id, application.job_id)
        ) from None
    return application


def apply(
    session: Session, principal: Principal, data_dir: Path, job_id: int, body: ApplyIn
) -> Application:
    """Apply to ``job_id`` as the (verified) graduate ``principal``."""
    if principal.student_record_id is None:
        raise GraduateNotVerified("账号尚未完成学籍核验，暂不能投递 (not a verified graduate)")
    job, _ = open_job(session, job_id)
    resume = choose_resume(session, principal.user_id, body.resume_id)
    if body.fair_id is not None:
        _check_fair(session, body.fair_id, job.id)
    record = session.get_one(StudentRecord, principal.student_record_id)
    keep_copy(data_dir, resume.sha256)
    # The counter first: a row lock on the job (PostgreSQL) and the start of the write
    # transaction (SQLite), undone with everything else if the insert is refused.
    session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(application_count=Job.application_count + 1)
        .execution_options(synchronize_session=False)
    )
    now = utcnow()
    application = Application(
        job_id=job.id,
        employer_id=job.employer_id,
        user_id=principal.user_id,
        student_record_id=record.id,
        university_id=record.university_id,
        fair_id=body.fair_id,
        resume_id=resume.id,
        resume_sha256=resume.sha256,
        resume_filename=resume.filename,
        cover_note=body.cover_note,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=now,
        status_changed_at=now,
    )
    insert_live(session, application)
    session.expire(job, ["application_count"])
    return application


def own_application(session: Session, principal: Principal, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None or application.user_id != principal.user_id:
        raise ApplicationNotFound("申请不存在 (no such application)")
    return application


def get_mine(session: Session, principal: Principal, application_id: int) -> ApplicationOut:
    return graduate_views(session, [own_application(session, principal, application_id)])[0]


def list_mine(
    session: Session,
    principal: Principal,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE,
) -> ApplicationPageOut:
    """The caller's applications, newest first; ``cursor`` continues after a page."""
    query = select(Application).where(Application.user_id == principal.user_id)
    if cursor is not None:
        if not cursor.isdigit():
            raise InvalidCursor("分页游标无效 (invalid cursor)", fields={"cursor": "invalid"})
        query = query.where(Application.id < int(cursor))
    rows = list(session.scalars(query.order_by(Application.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return ApplicationPageOut(
        items=graduate_views(session, rows),
        next_cursor=str(rows[-1].id) if more and rows else None,
    )


def withdraw(
    session: Session, principal: Principal, application_id: int, reason: str = ""
) -> Application:
    """Withdraw an own live application (a second click changes nothing)."""
    application = own_application(session, principal, application_id)
    change_status(
        session,
        application,
        ApplicationStatus.WITHDRAWN,
        actor_user_id=principal.user_id,
        reason=reason,
    )
    return application
