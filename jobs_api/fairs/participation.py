"""Employers at fairs: register (verified employers only) with a booth intro, withdraw, and
attach or detach their own published jobs. A job can be attached to several fairs.

* Registering and attaching need the employer's verification to reach graduates (403
  ``employer_not_verified``) and a published fair that has not ended (409 ``fair_not_open``;
  drafts are 404 like any unknown fair).
* Jobs of other employers are 404 (``job_not_found``); drafts, jobs under review, closed
  jobs and jobs past their deadline are refused with 409 ``job_not_attachable``.
* Withdrawing detaches the employer's jobs from the fair as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.employers.gate import require_verified_employer
from jobs_api.employers.scope import member_employer_id
from jobs_api.fairs.errors import (
    FairJobNotFound,
    FairNotFound,
    FairNotOpen,
    FairNotRegistered,
    JobNotAttachable,
)
from jobs_api.fairs.models import Fair, FairEmployer, FairJob, FairStatus
from jobs_api.fairs.organizing import NOT_FOUND
from jobs_api.fairs.schemas import RegistrationIn
from jobs_api.identity.principal import Principal
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today, own_job

NOT_REGISTERED = "贵单位尚未报名该招聘会 (your employer has not registered for this fair)"


@dataclass(frozen=True, slots=True)
class Registration:
    fair: Fair
    entry: FairEmployer
    job_ids: list[int]


def _visible_fair(session: Session, fair_id: int) -> Fair:
    fair = session.get(Fair, fair_id)
    if fair is None or fair.status == FairStatus.DRAFT:
        raise FairNotFound(NOT_FOUND)
    return fair


def _open_fair(session: Session, fair_id: int) -> Fair:
    fair = _visible_fair(session, fair_id)
    if fair.status != FairStatus.PUBLISHED:
        raise FairNotOpen("招聘会已取消 (the fair was cancelled)")
    if fair.ends_on < china_today():
        raise FairNotOpen("招聘会已结束 (the fair has ended)")
    return fair


def _entry(session: Session, fair_id: int, employer_id: int) -> FairEmployer | None:
    return session.scalar(
        select(FairEmployer).where(
            FairEmployer.fair_id == fair_id, FairEmployer.employer_id == employer_id
        )
    )


def _job_ids(session: Session, fair_id: int, employer_id: int) -> list[int]:
    return list(
        session.scalars(
            select(FairJob.job_id)
            .where(FairJob.fair_id == fair_id, FairJob.employer_id == employer_id)
            .order_by(FairJob.job_id)
        )
    )


def _audit(
    session: Session, principal: Principal, action: str, fair_id: int, **detail: object
) -> None:
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action=action,
        subject_type="fair",
        subject_id=fair_id,
        detail={"employer_id": principal.employer_id, **detail},
    )


def register(
    session: Session, principal: Principal, fair_id: int, data: RegistrationIn
) -> Registration:
    """Register the caller's employer (again: update the booth intro)."""
    employer = require_verified_employer(session, member_employer_id(principal))
    fair = _open_fair(session, fair_id)
    entry = _entry(session, fair.id, employer.id)
    if entry is None:
        entry = FairEmployer(
            fair_id=fair.id,
            employer_id=employer.id,
            registered_by=principal.user_id,
            registered_at=utcnow(),
            booth_intro=data.booth_intro,
        )
        session.add(entry)
        session.flush()
        _audit(session, principal, "fair.employer_registered", fair.id)
    elif entry.booth_intro != data.booth_intro:
        entry.booth_intro = data.booth_intro
        session.flush()
    return Registration(fair, entry, _job_ids(session, fair.id, employer.id))


def withdraw(session: Session, principal: Principal, fair_id: int) -> None:
    """Withdraw the caller's employer from a fair, detaching its jobs (404 when not
    registered)."""
    employer_id = member_employer_id(principal)
    fair = _visible_fair(session, fair_id)
    entry = _entry(session, fair.id, employer_id)
    if entry is None:
        raise FairNotRegistered(NOT_REGISTERED, status=404)
    session.execute(
        delete(FairJob).where(FairJob.fair_id == fair.id, FairJob.employer_id == employer_id)
    )
    session.delete(entry)
    session.flush()
    _audit(session, principal, "fair.employer_withdrawn", fair.id)


def attach_job(session: Session, principal: Principal, fair_id: int, job_id: int) -> Registration:
    """Attach an own published job to a fair the employer registered for (idempotent)."""
    employer = require_verified_employer(session, member_employer_id(principal))
    fair = _open_fair(session, fair_id)
    entry = _entry(session, fair.id, employer.id)
    if entry is None:
        raise FairNotRegistered(NOT_REGISTERED)
    job: Job = own_job(session, principal, job_id)
    if job.status != JobStatus.PUBLISHED:
        raise JobNotAttachable(
            "只能关联已发布的职位 (only published jobs can be attached)",
            fields={"job_id": "职位未发布或已关闭 (not published, or closed)"},
        )
    if job.deadline is not None and job.deadline < china_today():
        raise JobNotAttachable(
            "职位已过截止日期 (the job's deadline has passed)",
            fields={"job_id": "已过截止日期 (deadline passed)"},
        )
    exists = session.scalar(
        select(FairJob.id).where(FairJob.fair_id == fair.id, FairJob.job_id == job.id)
    )
    if exists is None:
        session.add(
            FairJob(fair_id=fair.id, job_id=job.id, employer_id=employer.id, attached_at=utcnow())
        )
        session.flush()
        _audit(session, principal, "fair.job_attached", fair.id, job_id=job.id)
    return Registration(fair, entry, _job_ids(session, fair.id, employer.id))


def detach_job(session: Session, principal: Principal, fair_id: int, job_id: int) -> Registration:
    """Detach an own job from a fair (404 when it is not attached, or not the caller's)."""
    employer_id = member_employer_id(principal)
    fair = _visible_fair(session, fair_id)
    entry = _entry(session, fair.id, employer_id)
    if entry is None:
        raise FairNotRegistered(NOT_REGISTERED, status=404)
    row = session.scalar(
        select(FairJob).where(
            FairJob.fair_id == fair.id, FairJob.job_id == job_id, FairJob.employer_id == employer_id
        )
    )
    if row is None:
        raise FairJobNotFound("该职位未关联到此招聘会 (the job is not attached to this fair)")
    session.delete(row)
    session.flush()
    _audit(session, principal, "fair.job_detached", fair.id, job_id=job_id)
    return Registration(fair, entry, _job_ids(session, fair.id, employer_id))


def list_registrations(session: Session, principal: Principal) -> list[Registration]:
    """The fairs the caller's employer registered for, latest start first, with its jobs."""
    employer_id = member_employer_id(principal)
    rows = session.execute(
        select(Fair, FairEmployer)
        .join(FairEmployer, FairEmployer.fair_id == Fair.id)
        .where(FairEmployer.employer_id == employer_id)
        .order_by(Fair.starts_on.desc(), Fair.id.desc())
    ).all()
    pairs = list(rows)
    attached: dict[int, list[int]] = {}
    if pairs:
        for fair_id, job_id in session.execute(
            select(FairJob.fair_id, FairJob.job_id)
            .where(
                FairJob.employer_id == employer_id,
                FairJob.fair_id.in_([fair.id for fair, _ in pairs]),
            )
            .order_by(FairJob.job_id)
        ):
            attached.setdefault(fair_id, []).append(job_id)
    return [Registration(fair, entry, attached.get(fair.id, [])) for fair, entry in pairs]


def registration_of(session: Session, principal: Principal, fair_id: int) -> Registration | None:
    """The caller's registration for one fair, if any."""
    employer_id = member_employer_id(principal)
    fair = _visible_fair(session, fair_id)
    entry = _entry(session, fair.id, employer_id)
    if entry is None:
        return None
    return Registration(fair, entry, _job_ids(session, fair.id, employer_id))
