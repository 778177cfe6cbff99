"""Browsing fairs (anyone): published fairs by phase (upcoming / ongoing / past), by industry
and organizer province; a signed-in graduate sees the fairs their university takes part in
first, flagged 为你的学校举办. A fair's page lists its employers and the attached jobs that
graduates can see (published jobs of employers whose verification holds).

Drafts are seen only by their organizer; cancelled fairs stay readable (with their status)
but leave the lists."""

from __future__ import annotations

from math import ceil

from sqlalchemy import ColumnElement, exists, func, literal, select
from sqlalchemy.orm import Session

from jobs_api.employers.models import Employer
from jobs_api.fairs.errors import FairNotFound, InvalidFair
from jobs_api.fairs.models import Fair, FairEmployer, FairJob, FairStatus, FairUniversity
from jobs_api.fairs.organizing import NOT_FOUND, manages
from jobs_api.fairs.schemas import (
    FairDetailOut,
    FairEmployerOut,
    FairJobOut,
    FairPageOut,
    FairWhen,
)
from jobs_api.fairs.views import fair_out, fair_outs, reaches_graduates, searchable_job
from jobs_api.identity.principal import Principal, Role
from jobs_api.jobs.models import Job
from jobs_api.jobs.posting import china_today
from jobs_api.registry.models import StudentRecord

DEFAULT_PAGE = 20
MAX_DETAIL_ROWS = 200


def graduate_university_id(session: Session, principal: Principal | None) -> int | None:
    """The university of a signed-in graduate linked to the registry, else ``None``."""
    if principal is None or principal.role is not Role.GRADUATE:
        return None
    if principal.student_record_id is None:
        return None
    return session.scalar(
        select(StudentRecord.university_id).where(StudentRecord.id == principal.student_record_id)
    )


def _phase_condition(when: FairWhen) -> ColumnElement[bool]:
    today = china_today()
    if when is FairWhen.UPCOMING:
        return Fair.starts_on > today
    if when is FairWhen.ONGOING:
        return (Fair.starts_on <= today) & (Fair.ends_on >= today)
    if when is FairWhen.PAST:
        return Fair.ends_on < today
    return Fair.ends_on >= today


def _takes_part(university_id: int) -> ColumnElement[bool]:
    return exists().where(
        FairUniversity.fair_id == Fair.id, FairUniversity.university_id == university_id
    )


def list_fairs(
    session: Session,
    principal: Principal | None,
    *,
    when: FairWhen = FairWhen.CURRENT,
    industry_code: str | None = None,
    province_code: str | None = None,
    page: int = 1,
    limit: int = DEFAULT_PAGE,
) -> FairPageOut:
    """Published fairs, soonest first (past ones: latest first)."""
    if page < 1:
        raise InvalidFair("页码无效 (invalid page)", fields={"page": "≥ 1"})
    conditions = [Fair.status == FairStatus.PUBLISHED, _phase_condition(when)]
    if industry_code:
        conditions.append(Fair.industry_code == industry_code)
    if province_code:
        conditions.append(Fair.organizer_province_code == province_code)
    total = int(
        session.execute(select(func.count()).select_from(Fair).where(*conditions)).scalar_one()
    )
    university_id = graduate_university_id(session, principal)
    mine = _takes_part(university_id) if university_id is not None else literal(False)
    query = select(Fair, mine.label("mine")).where(*conditions)
    if university_id is not None:
        query = query.order_by(mine.desc())
    if when is FairWhen.PAST:
        query = query.order_by(Fair.ends_on.desc(), Fair.id.desc())
    else:
        query = query.order_by(Fair.starts_on, Fair.id)
    rows = session.execute(query.offset((page - 1) * limit).limit(limit)).all()
    fairs = [fair for fair, _ in rows]
    for_me = {fair.id for fair, flag in rows if flag}
    return FairPageOut(
        items=fair_outs(session, fairs, for_me=for_me),
        total=total,
        page=page,
        pages=max(1, ceil(total / limit)),
    )


def readable_fair(session: Session, principal: Principal | None, fair_id: int) -> Fair:
    """A published or cancelled fair (anyone), or a draft for its organizer; 404 otherwise."""
    fair = session.get(Fair, fair_id)
    if fair is None or (fair.status == FairStatus.DRAFT and not manages(principal, fair)):
        raise FairNotFound(NOT_FOUND)
    return fair


def fair_employers(
    session: Session, fair_id: int, limit: int = MAX_DETAIL_ROWS
) -> list[FairEmployerOut]:
    """Registered employers whose verification holds, with their visible job counts."""
    jobs = (
        select(FairJob.employer_id, func.count().label("n"))
        .join(Job, Job.id == FairJob.job_id)
        .join(Employer, Employer.id == Job.employer_id)
        .where(FairJob.fair_id == fair_id, searchable_job())
        .group_by(FairJob.employer_id)
        .subquery()
    )
    rows = session.execute(
        select(FairEmployer, Employer, func.coalesce(jobs.c.n, 0))
        .join(Employer, Employer.id == FairEmployer.employer_id)
        .outerjoin(jobs, jobs.c.employer_id == FairEmployer.employer_id)
        .where(FairEmployer.fair_id == fair_id, reaches_graduates())
        .order_by(FairEmployer.registered_at, FairEmployer.id)
        .limit(limit)
    ).all()
    return [
        FairEmployerOut(
            employer_id=employer.id,
            name=employer.name,
            industry_code=employer.industry_code,
            city_code=employer.city_code,
            booth_intro=entry.booth_intro,
            job_count=int(count),
        )
        for entry, employer, count in rows
    ]


def fair_jobs(
    session: Session, fair_id: int, limit: int = MAX_DETAIL_ROWS
) -> tuple[list[FairJobOut], int]:
    """Attached jobs graduates can see (newest first) and how many there are."""
    condition = (FairJob.fair_id == fair_id) & searchable_job()
    base = (
        select(FairJob.job_id)
        .join(Job, Job.id == FairJob.job_id)
        .join(Employer, Employer.id == Job.employer_id)
        .where(condition)
    )
    total = int(session.execute(select(func.count()).select_from(base.subquery())).scalar_one())
    rows = session.execute(
        select(Job, Employer.name)
        .join(FairJob, FairJob.job_id == Job.id)
        .join(Employer, Employer.id == Job.employer_id)
        .where(condition)
        .order_by(FairJob.attached_at.desc(), FairJob.id.desc())
        .limit(limit)
    ).all()
    jobs = [
        FairJobOut(
            job_id=job.id,
            title=job.title,
            employer_id=job.employer_id,
            employer_name=name,
            city_code=job.city_code,
            degree_level=job.degree_level,
            salary_min=job.salary_min,
            salary_max=job.salary_max,
            headcount=job.headcount,
            deadline=job.deadline,
            link=f"/jobs/{job.id}",
            apply_link=f"/jobs/{job.id}/apply?fair_id={fair_id}",
        )
        for job, name in rows
    ]
    return jobs, total


def fair_detail(session: Session, principal: Principal | None, fair_id: int) -> FairDetailOut:
    fair = readable_fair(session, principal, fair_id)
    university_id = graduate_university_id(session, principal)
    for_me = university_id is not None and bool(
        session.scalar(
            select(FairUniversity.id).where(
                FairUniversity.fair_id == fair.id, FairUniversity.university_id == university_id
            )
        )
    )
    jobs, total = fair_jobs(session, fair.id)
    return FairDetailOut(
        fair=fair_out(session, fair, for_me=for_me),
        employers=fair_employers(session, fair.id),
        jobs=jobs,
        jobs_total=total,
    )
