"""The employer's side: propose an interview on an application, offer new times, cancel,
mark completed. Never commits.

Scope: members of the application's employer only (other employers get 404). Proposing and
offering new times reach the graduate, so the employer must be verified
(``employer_not_verified``); cancelling and completing stay open to any member, so an
employer whose verification lapsed can still call an interview off.

Proposing moves the application to ``interview`` through the pipeline (the only way to
change its status); one open interview per application at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jobs_api.applications.errors import ApplicationNotFound
from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.applications.pipeline import change_status
from jobs_api.core.db import utcnow
from jobs_api.employers.gate import require_verified_employer
from jobs_api.employers.scope import member_employer_id
from jobs_api.identity.principal import Principal
from jobs_api.interviews import notices
from jobs_api.interviews.errors import (
    InterviewAlreadyOpen,
    InterviewNotFound,
    InterviewStatusConflict,
)
from jobs_api.interviews.lifecycle import call_off
from jobs_api.interviews.models import Interview, InterviewSlot, InterviewStatus
from jobs_api.interviews.schemas import EmployerRescheduleIn, InterviewProposalIn
from jobs_api.interviews.slots import Span, busy_flags, check_mode, check_slots
from jobs_api.interviews.views import OPEN_STATUSES, application_closed, names_of
from jobs_api.jobs.models import Job


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed interview and the ids of its slots the graduate is busy in."""

    interview: Interview
    busy_slot_ids: frozenset[int]


def _own_application(session: Session, principal: Principal, application_id: int) -> Application:
    employer_id = member_employer_id(principal)
    application = session.get(Application, application_id)
    if application is None or application.employer_id != employer_id:
        raise ApplicationNotFound("申请不存在 (no such application)")
    return application


def own_interview(
    session: Session, principal: Principal, interview_id: int, *, lock: bool = True
) -> Interview:
    """The employer's interview, row-locked for a change (404 for other employers')."""
    employer_id = member_employer_id(principal)
    query = select(Interview).where(Interview.id == interview_id)
    if lock:
        query = query.with_for_update()
    interview = session.scalar(query)
    if interview is None or interview.employer_id != employer_id:
        raise InterviewNotFound("面试不存在 (no such interview)")
    return interview


def _add_slots(session: Session, interview: Interview, spans: list[Span]) -> list[InterviewSlot]:
    added = [
        InterviewSlot(interview_id=interview.id, starts_at=s.starts_at, ends_at=s.ends_at)
        for s in spans
    ]
    session.add_all(added)
    session.flush()
    return added


def _busy(session: Session, interview: Interview, slots: list[InterviewSlot]) -> frozenset[int]:
    flags = busy_flags(
        session,
        interview.user_id,
        [Span(s.starts_at, s.ends_at) for s in slots],
        exclude_id=interview.id,
    )
    return frozenset(slot.id for slot, busy in zip(slots, flags, strict=True) if busy)


def propose(
    session: Session,
    principal: Principal,
    application_id: int,
    body: InterviewProposalIn,
    *,
    now: datetime | None = None,
) -> Proposal:
    """Propose an interview with 1–5 slots; the graduate is told, the application moves to
    ``interview``. Slots the graduate is busy in are flagged, not refused."""
    now = now or utcnow()
    employer = require_verified_employer(session, member_employer_id(principal))
    application = _own_application(session, principal, application_id)
    spans = check_slots(body.slots, now)
    location, meeting_url = check_mode(body.mode, body.location, body.meeting_url)
    open_one = session.scalar(
        select(Interview.id).where(
            Interview.application_id == application.id,
            Interview.status.in_(sorted(OPEN_STATUSES)),
        )
    )
    if open_one is not None:
        raise InterviewAlreadyOpen(
            "该申请已有进行中的面试，请改期或取消后再安排 "
            "(this application already has an open interview; reschedule or cancel it)"
        )
    job = session.get(Job, application.job_id)
    job_title = job.title if job is not None else ""
    change_status(
        session,
        application,
        ApplicationStatus.INTERVIEW,
        actor_user_id=principal.user_id,
        job_title=job_title,
        employer_name=employer.name,
        notify_graduate=False,
    )
    last_round = session.scalar(
        select(func.max(Interview.round)).where(Interview.application_id == application.id)
    )
    interview = Interview(
        application_id=application.id,
        employer_id=application.employer_id,
        user_id=application.user_id,
        round=body.round or (last_round or 0) + 1,
        mode=body.mode,
        location=location,
        meeting_url=meeting_url,
        note=body.note.strip(),
        status=InterviewStatus.PROPOSED,
        created_by=principal.user_id,
    )
    session.add(interview)
    session.flush()
    slots = _add_slots(session, interview, spans)
    notices.invited(session, interview, names_of(session, interview), len(slots))
    return Proposal(interview, _busy(session, interview, slots))


def reschedule(
    session: Session,
    principal: Principal,
    interview_id: int,
    body: EmployerRescheduleIn,
    *,
    now: datetime | None = None,
) -> Proposal:
    """Replace the slots of an open interview; the graduate chooses again (a confirmed time
    is released) and is told."""
    now = now or utcnow()
    require_verified_employer(session, member_employer_id(principal))
    interview = own_interview(session, principal, interview_id)
    if interview.status not in OPEN_STATUSES:
        raise InterviewStatusConflict(
            "面试已取消或已结束，不能改期 (the interview is cancelled or completed)"
        )
    if application_closed(session, interview):
        raise InterviewStatusConflict(
            "该申请已结束（已录用、未通过或已撤回） "
            "(the application is closed: hired, not selected or withdrawn)"
        )
    spans = check_slots(body.slots, now)
    session.execute(delete(InterviewSlot).where(InterviewSlot.interview_id == interview.id))
    interview.status = InterviewStatus.PROPOSED
    interview.starts_at = None
    interview.ends_at = None
    interview.reminder_sent_at = None
    interview.reschedule_reason = ""
    if body.note is not None:
        interview.note = body.note.strip()
    session.flush()
    slots = _add_slots(session, interview, spans)
    notices.new_times(session, interview, names_of(session, interview), now)
    return Proposal(interview, _busy(session, interview, slots))


def cancel(
    session: Session,
    principal: Principal,
    interview_id: int,
    reason: str,
    *,
    now: datetime | None = None,
) -> Interview:
    """Call an open interview off with a reason the graduate reads."""
    now = now or utcnow()
    interview = own_interview(session, principal, interview_id)
    call_off(interview, reason, by_user_id=principal.user_id)
    session.flush()
    notices.cancelled_by_employer(session, interview, names_of(session, interview), now)
    return interview


def complete(
    session: Session, principal: Principal, interview_id: int, *, now: datetime | None = None
) -> Interview:
    """Mark a confirmed interview that has started as held (repeating it changes nothing)."""
    now = now or utcnow()
    interview = own_interview(session, principal, interview_id)
    if interview.status == InterviewStatus.COMPLETED:
        return interview
    if interview.status != InterviewStatus.CONFIRMED:
        raise InterviewStatusConflict(
            "只有已确认的面试可以标记为已完成 (only a confirmed interview can be completed)"
        )
    if interview.starts_at is None or interview.starts_at > now:
        raise InterviewStatusConflict(
            "面试尚未开始，不能标记为已完成 (the interview has not started yet)"
        )
    interview.status = InterviewStatus.COMPLETED
    session.flush()
    return interview
