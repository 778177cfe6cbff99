"""How fairs are shown: :class:`FairOut` for a batch of fairs with a few grouped queries
(participating universities, employer and job counts, names), never one query per fair."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from jobs_api.employers.models import REACHES_GRADUATES, Employer
from jobs_api.fairs.models import Fair, FairEmployer, FairJob, FairUniversity, OrganizerLevel
from jobs_api.fairs.schemas import FairOut, FairWhen, UniversityRef
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.reference.models import Industry, Region
from jobs_api.universities.models import University

NATIONAL_NAME = "全国"


def reaches_graduates() -> ColumnElement[bool]:
    return Employer.verification_status.in_([s.value for s in REACHES_GRADUATES])


def searchable_job() -> ColumnElement[bool]:
    """A job graduates can see: published, of an employer whose verification holds (the same
    rule as the search index)."""
    return (Job.status == JobStatus.PUBLISHED) & reaches_graduates()


def phase_of(fair: Fair, today: date | None = None) -> FairWhen:
    today = today or china_today()
    if today < fair.starts_on:
        return FairWhen.UPCOMING
    if today <= fair.ends_on:
        return FairWhen.ONGOING
    return FairWhen.PAST


def _universities(
    session: Session, ids: list[int], per_fair: int | None
) -> tuple[dict[int, list[UniversityRef]], dict[int, int]]:
    """Participating universities of each fair by code (the first ``per_fair`` of each when
    given: a national fair has hundreds), and how many there are."""
    counts = dict(
        session.execute(
            select(FairUniversity.fair_id, func.count())
            .where(FairUniversity.fair_id.in_(ids))
            .group_by(FairUniversity.fair_id)
        ).all()
    )
    rank = (
        func.row_number()
        .over(partition_by=FairUniversity.fair_id, order_by=University.code)
        .label("rank")
    )
    ranked = (
        select(FairUniversity.fair_id, University.id, University.code, University.name, rank)
        .join(University, University.id == FairUniversity.university_id)
        .where(FairUniversity.fair_id.in_(ids))
        .subquery()
    )
    query = select(ranked.c.fair_id, ranked.c.id, ranked.c.code, ranked.c.name)
    if per_fair is not None:
        query = query.where(ranked.c.rank <= per_fair)
    found: dict[int, list[UniversityRef]] = defaultdict(list)
    for fair_id, uid, code, name in session.execute(
        query.order_by(ranked.c.fair_id, ranked.c.code)
    ):
        found[fair_id].append(UniversityRef(id=uid, code=code, name=name))
    return found, {fair_id: int(n) for fair_id, n in counts.items()}


def employer_counts(session: Session, ids: list[int]) -> dict[int, int]:
    """Registered employers whose verification holds, per fair."""
    rows = session.execute(
        select(FairEmployer.fair_id, func.count())
        .join(Employer, Employer.id == FairEmployer.employer_id)
        .where(FairEmployer.fair_id.in_(ids), reaches_graduates())
        .group_by(FairEmployer.fair_id)
    )
    return {fair_id: int(n) for fair_id, n in rows}


def job_counts(session: Session, ids: list[int]) -> dict[int, int]:
    """Attached jobs graduates can see, per fair."""
    rows = session.execute(
        select(FairJob.fair_id, func.count())
        .join(Job, Job.id == FairJob.job_id)
        .join(Employer, Employer.id == Job.employer_id)
        .where(FairJob.fair_id.in_(ids), searchable_job())
        .group_by(FairJob.fair_id)
    )
    return {fair_id: int(n) for fair_id, n in rows}


def _organizer_names(session: Session, fairs: Sequence[Fair]) -> dict[int, str]:
    university_ids = {f.organizer_university_id for f in fairs if f.organizer_university_id}
    province_codes = {f.organizer_province_code for f in fairs if f.organizer_province_code}
    universities = dict(
        session.execute(
            select(University.id, University.name).where(University.id.in_(university_ids))
        ).all()
    )
    provinces = dict(
        session.execute(
            select(Region.code, Region.name).where(Region.code.in_(province_codes))
        ).all()
    )
    names: dict[int, str] = {}
    for fair in fairs:
        if fair.organizer_level == OrganizerLevel.UNIVERSITY and fair.organizer_university_id:
            names[fair.id] = universities.get(fair.organizer_university_id, "")
        elif fair.organizer_level == OrganizerLevel.PROVINCE and fair.organizer_province_code:
            names[fair.id] = provinces.get(fair.organizer_province_code, "")
        else:
            names[fair.id] = NATIONAL_NAME
    return names


LIST_UNIVERSITIES = 10


def fair_outs(
    session: Session,
    fairs: Sequence[Fair],
    *,
    for_me: set[int] | None = None,
    universities_per_fair: int | None = LIST_UNIVERSITIES,
) -> list[FairOut]:
    """The fairs as :class:`FairOut`, in the given order; ``for_me`` holds the ids of fairs
    the signed-in graduate's university takes part in. Lists name the first
    ``universities_per_fair`` participants of each fair (``university_count`` has them all)."""
    if not fairs:
        return []
    ids = [f.id for f in fairs]
    universities, university_counts = _universities(session, ids, universities_per_fair)
    employers = employer_counts(session, ids)
    jobs = job_counts(session, ids)
    organizers = _organizer_names(session, fairs)
    industry_codes = {f.industry_code for f in fairs if f.industry_code}
    industries = dict(
        session.execute(
            select(Industry.code, Industry.name).where(Industry.code.in_(industry_codes))
        ).all()
    )
    today = china_today()
    return [
        FairOut(
            id=f.id,
            title=f.title,
            theme=f.theme,
            industry_code=f.industry_code,
            industry_name=industries.get(f.industry_code) if f.industry_code else None,
            description=f.description,
            starts_on=f.starts_on,
            ends_on=f.ends_on,
            status=f.status,
            phase=phase_of(f, today),
            organizer_level=f.organizer_level,
            organizer_name=organizers[f.id],
            organizer_province_code=f.organizer_province_code,
            universities=universities.get(f.id, []),
            university_count=university_counts.get(f.id, 0),
            for_my_university=f.id in (for_me or set()),
            employer_count=employers.get(f.id, 0),
            job_count=jobs.get(f.id, 0),
            created_at=f.created_at,
            updated_at=f.updated_at,
        )
        for f in fairs
    ]


def fair_out(session: Session, fair: Fair, *, for_me: bool = False) -> FairOut:
    """One fair with all its participating universities."""
    return fair_outs(
        session, [fair], for_me={fair.id} if for_me else None, universities_per_fair=None
    )[0]
