"""The review deadline and how a case stands against it.

A case that enters ``needs_review`` is due a number of **working days** later (2 by default):
the clock advances day by day in China Standard Time, skipping Saturdays and Sundays, keeping
the time of day (Friday 10:00 -> Tuesday 10:00). Public holidays and the weekend days worked
in their place (调休) are not modelled; they change every year by State Council notice.

Indicator: ``overdue`` past the deadline, ``due_soon`` within :data:`DUE_SOON` of it,
``on_time`` otherwise.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Final

CHINA: Final = timezone(timedelta(hours=8), "CST")  # China has no daylight saving time
DUE_SOON: Final = timedelta(hours=24)


class Sla(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def review_due(queued_at: datetime, working_days: int) -> datetime:
    local = queued_at.astimezone(CHINA)
    remaining = working_days
    while remaining > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            remaining -= 1
    return local.astimezone(UTC)


def sla_state(due_at: datetime, now: datetime) -> Sla:
    if now > due_at:
        return Sla.OVERDUE
    if due_at - now <= DUE_SOON:
        return Sla.DUE_SOON
    return Sla.ON_TIME
