"""Interview times and interviews for tests: slot bodies for the API, and interviews stored
directly (e.g. an already confirmed one, for clash tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jobs_api.core.db import utcnow
from jobs_api.interviews.models import Interview, InterviewMode, InterviewSlot, InterviewStatus
from tests.factories.applications import Hiring


def at_hour(days: int, hour: int) -> datetime:
    """``days`` from today at ``hour``:00 UTC (a whole hour, so slots line up in tests)."""
    today = utcnow().replace(minute=0, second=0, microsecond=0, hour=0)
    return today + timedelta(days=days, hours=hour)


def slot(start: datetime, minutes: int = 60) -> dict[str, str]:
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=minutes)).isoformat(),
    }


def proposal(*starts: datetime, minutes: int = 60, **overrides: Any) -> dict[str, Any]:
    """A valid proposal body (onsite in Hangzhou) with one slot per start."""
    body: dict[str, Any] = {
        "slots": [slot(s, minutes) for s in starts],
        "mode": "onsite",
        "location": "杭州市西湖区文三路 90 号 8 楼",
        "note": "请携带简历一份。",
    }
    body.update(overrides)
    return body


def make_interview(
    session: Session,
    hiring: Hiring,
    starts: list[datetime],
    *,
    minutes: int = 60,
    status: InterviewStatus = InterviewStatus.PROPOSED,
    confirmed_index: int = 0,
    mode: InterviewMode = InterviewMode.ONSITE,
    meeting_url: str = "",
) -> Interview:
    """An interview stored directly with one slot per start; ``confirmed`` takes the slot
    at ``confirmed_index``."""
    interview = Interview(
        application_id=hiring.application.id,
        employer_id=hiring.employer.id,
        user_id=hiring.graduate.user.id,
        round=1,
        mode=mode,
        location="杭州市滨江区网商路 699 号" if mode is InterviewMode.ONSITE else "",
        meeting_url=meeting_url,
        status=status,
        created_by=hiring.member.user.id,
    )
    session.add(interview)
    session.flush()
    for start in starts:
        session.add(
            InterviewSlot(
                interview_id=interview.id,
                starts_at=start.astimezone(UTC),
                ends_at=start.astimezone(UTC) + timedelta(minutes=minutes),
            )
        )
    if status is InterviewStatus.CONFIRMED:
        interview.starts_at = starts[confirmed_index]
        interview.ends_at = starts[confirmed_index] + timedelta(minutes=minutes)
    session.flush()
    return interview
