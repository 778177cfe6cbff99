"""A fair's figures for its organizer, with a handful of grouped SQL aggregates.

Definitions (documented in :class:`jobs_api.fairs.schemas.FairStatsOut`):

* employers: rows of ``fair_employers``; jobs and headcount: attached jobs (any status) and
  the sum of their ``headcount``;
* applications: ``applications.fair_id`` = the fair **and** the job attached to the fair
  (an application through the fair to a job detached since no longer counts), withdrawn
  ones excluded;
* offers: offers on those applications, except offers the employer withdrew;
  offers_accepted: those accepted;
* by university: the same two figures by the applicant's university; every participating
  university is listed (with zeros), others only when their graduates applied.
"""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from jobs_api.agreements.models import Offer, OfferStatus
from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.fairs.models import FairEmployer, FairJob, FairUniversity
from jobs_api.fairs.organizing import managed_fair
from jobs_api.fairs.schemas import FairStatsOut, UniversityStatsOut
from jobs_api.identity.principal import Principal
from jobs_api.jobs.models import Job
from jobs_api.universities.models import University


def fair_statistics(session: Session, principal: Principal, fair_id: int) -> FairStatsOut:
    fair = managed_fair(session, principal, fair_id)
    employers = session.execute(
        select(func.count()).select_from(FairEmployer).where(FairEmployer.fair_id == fair.id)
    ).scalar_one()
    jobs, headcount = session.execute(
        select(func.count(), func.coalesce(func.sum(Job.headcount), 0))
        .select_from(FairJob)
        .join(Job, Job.id == FairJob.job_id)
        .where(FairJob.fair_id == fair.id)
    ).one()
    # Offers on jobs of the fair (index on offers.job_id), summed per application first, then
    # one pass over the fair's applications (index on applications.fair_id), each joined to
    # the fair's job row (unique on fair_id, job_id), grouped by university: no DISTINCT.
    fair_jobs = select(FairJob.job_id).where(FairJob.fair_id == fair.id)
    per_application = (
        select(
            Offer.application_id.label("application_id"),
            func.count().label("offers"),
            func.sum(case((Offer.status == OfferStatus.ACCEPTED.value, 1), else_=0)).label(
                "accepted"
            ),
        )
        .where(Offer.job_id.in_(fair_jobs), Offer.status != OfferStatus.WITHDRAWN.value)
        .group_by(Offer.application_id)
        .subquery()
    )
    rows_by_university = session.execute(
        select(
            Application.university_id,
            func.count(),
            func.coalesce(func.sum(per_application.c.offers), 0),
            func.coalesce(func.sum(per_application.c.accepted), 0),
        )
        .join(FairJob, (FairJob.job_id == Application.job_id) & (FairJob.fair_id == fair.id))
        .outerjoin(per_application, per_application.c.application_id == Application.id)
        .where(
            Application.fair_id == fair.id,
            Application.status != ApplicationStatus.WITHDRAWN.value,
        )
        .group_by(Application.university_id)
    ).all()
    applications = {uid: int(n) for uid, n, _, _ in rows_by_university}
    offers = {uid: (int(n), int(accepted)) for uid, _, n, accepted in rows_by_university}
    participating = set(
        session.scalars(
            select(FairUniversity.university_id).where(FairUniversity.fair_id == fair.id)
        )
    )
    ids = participating | set(applications) | set(offers)
    names = dict(
        session.execute(select(University.id, University.name).where(University.id.in_(ids))).all()
    )
    rows = [
        UniversityStatsOut(
            university_id=uid,
            name=names.get(uid, ""),
            participating=uid in participating,
            applications=int(applications.get(uid, 0)),
            offers=offers.get(uid, (0, 0))[0],
            offers_accepted=offers.get(uid, (0, 0))[1],
        )
        for uid in ids
    ]
    rows.sort(key=lambda r: (not r.participating, -r.applications, r.name))
    return FairStatsOut(
        fair_id=fair.id,
        employers=int(employers),
        jobs=int(jobs),
        headcount=int(headcount),
        applications=sum(r.applications for r in rows),
        offers=sum(r.offers for r in rows),
        offers_accepted=sum(r.offers_accepted for r in rows),
        by_university=rows,
    )
