"""Steps both sides of an interview share: a required reason, and calling an open interview
off (the employer cancels, the graduate declines)."""

from __future__ import annotations

from jobs_api.interviews.errors import InterviewStatusConflict, InvalidInterview
from jobs_api.interviews.models import Interview, InterviewStatus
from jobs_api.interviews.views import OPEN_STATUSES


def required_reason(reason: str) -> str:
    cleaned = reason.strip()
    if not cleaned:
        raise InvalidInterview("请填写原因 (a reason is required)", fields={"reason": "required"})
    return cleaned


def call_off(interview: Interview, reason: str, *, by_user_id: int) -> None:
    """Mark an open interview cancelled with its (required) reason; never flushes."""
    cleaned = required_reason(reason)
    if interview.status not in OPEN_STATUSES:
        raise InterviewStatusConflict(
            "面试已取消或已结束 (the interview is already cancelled or completed)"
        )
    interview.status = InterviewStatus.CANCELLED
    interview.cancel_reason = cleaned
    interview.cancelled_by = by_user_id
