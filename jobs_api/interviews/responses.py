"""The graduate's side: confirm one slot, ask to reschedule, decline. Never commits.

A graduate acts on their own interviews only (others' are 404). Confirming refuses a slot
that overlaps another of the graduate's confirmed interviews (409 ``interview_clash``, naming
that interview: it is the graduate's own, so employer and job title are fair to show).
Confirmations of one graduate are serialised by locking the graduate's account row, so two
simultaneous confirmations cannot both pass the clash check.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.db import utcnow
from jobs_api.identity.models import User
from jobs_api.identity.principal import Principal
from jobs_api.interviews import notices
from jobs_api.interviews.errors import (
    InterviewClash,
    InterviewNotFound,
    InterviewStatusConflict,
    InvalidInterview,
)
from jobs_api.interviews.lifecycle import call_off, required_reason
from jobs_api.interviews.models import Interview, InterviewSlot, InterviewStatus
from jobs_api.interviews.schemas import SlotIn
from jobs_api.interviews.slots import Span, beijing_range, check_slots, confirmed_between
from jobs_api.interviews.views import application_closed, names_of

CONFIRMABLE = frozenset({InterviewStatus.PROPOSED, InterviewStatus.RESCHEDULE_REQUESTED})
RESCHEDULABLE = frozenset(
    {InterviewStatus.PROPOSED, InterviewStatus.CONFIRMED, InterviewStatus.RESCHEDULE_REQUESTED}
)


def _own(session: Session, principal: Principal, interview_id: int) -> Interview:
    interview = session.scalar(
        select(Interview).where(Interview.id == interview_id).with_for_update()
    )
    if interview is None or interview.user_id != principal.user_id:
        raise InterviewNotFound("面试不存在 (no such interview)")
    return interview


def confirm(
    session: Session,
    principal: Principal,
    interview_id: int,
    slot_id: int,
    *,
    now: datetime | None = None,
) -> Interview:
    """Choose one of the offered slots; the employer member who proposed it is told.
    Confirming the slot that is already confirmed changes nothing."""
    now = now or utcnow()
    session.execute(select(User.id).where(User.id == principal.user_id).with_for_update())
    interview = _own(session, principal, interview_id)
    slot = session.get(InterviewSlot, slot_id)
    if slot is None or slot.interview_id != interview.id:
        raise InvalidInterview(
            "所选时段不存在 (no such slot in this interview)", fields={"slot_id": "unknown_slot"}
        )
    if (
        interview.status == InterviewStatus.CONFIRMED
        and interview.starts_at == slot.starts_at
        and interview.ends_at == slot.ends_at
    ):
        return interview
    if interview.status not in CONFIRMABLE:
        raise InterviewStatusConflict(
            "该面试当前不能确认时段 (this interview cannot be confirmed now)"
        )
    if application_closed(session, interview):
        raise InterviewStatusConflict(
            "该申请已结束（已录用、未通过或已撤回） "
            "(the application is closed: hired, not selected or withdrawn)"
        )
    if slot.starts_at <= now:
        raise InvalidInterview(
            "该时段已过，请选择其他时段或申请改期 (this slot has passed)",
            fields={"slot_id": "slot_passed"},
        )
    clashes = confirmed_between(
        session, [principal.user_id], slot.starts_at, slot.ends_at, exclude_id=interview.id
    )
    if clashes:
        other = clashes[0]
        assert other.starts_at is not None and other.ends_at is not None
        names = names_of(session, other)
        when = beijing_range(Span(other.starts_at, other.ends_at))
        raise InterviewClash(
            f"该时段与你已确认的面试冲突：{names.employer_name}·{names.job_title}，"
            f"{when}（北京时间） (this slot overlaps your confirmed interview for "
            f"{names.job_title} at {names.employer_name}, {when} Beijing time)",
            fields={"slot_id": "interview_clash"},
        )
    interview.status = InterviewStatus.CONFIRMED
    interview.starts_at = slot.starts_at
    interview.ends_at = slot.ends_at
    interview.reminder_sent_at = None
    interview.reschedule_reason = ""
    session.flush()
    notices.confirmed(session, interview, names_of(session, interview), now)
    return interview


def _preferred_text(spans: list[Span]) -> str:
    if not spans:
        return ""
    return "期望时间（北京时间）：" + "；".join(beijing_range(s) for s in spans)


def request_reschedule(
    session: Session,
    principal: Principal,
    interview_id: int,
    reason: str,
    preferred_times: list[SlotIn],
    *,
    now: datetime | None = None,
) -> Interview:
    """Ask the employer for other times, with a reason and optionally preferred times; a
    confirmed time is released. The employer member who proposed it is told."""
    now = now or utcnow()
    interview = _own(session, principal, interview_id)
    cleaned = required_reason(reason)
    spans = check_slots(preferred_times, now, field="preferred_times") if preferred_times else []
    if interview.status not in RESCHEDULABLE:
        raise InterviewStatusConflict(
            "面试已取消或已结束，不能申请改期 (the interview is cancelled or completed)"
        )
    interview.status = InterviewStatus.RESCHEDULE_REQUESTED
    interview.reschedule_reason = "\n".join(p for p in (cleaned, _preferred_text(spans)) if p)
    interview.starts_at = None
    interview.ends_at = None
    interview.reminder_sent_at = None
    session.flush()
    notices.reschedule_requested(session, interview, names_of(session, interview), now)
    return interview


def decline(
    session: Session,
    principal: Principal,
    interview_id: int,
    reason: str,
    *,
    now: datetime | None = None,
) -> Interview:
    """Decline (or cancel a confirmed) interview with a reason the employer reads."""
    now = now or utcnow()
    interview = _own(session, principal, interview_id)
    call_off(interview, reason, by_user_id=principal.user_id)
    session.flush()
    notices.declined(session, interview, names_of(session, interview), now)
    return interview
