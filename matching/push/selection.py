"""Who hears about a new job now, who later, who not at all (pure logic, no database).

For each candidate of a fan-out (a graduate the matcher found for one job) :func:`select`
decides:

* ``send_now`` — frequency ``instant``, outside the graduate's quiet hours (Beijing time, the
  window may wrap midnight: 22:00–08:00), fewer alerts today than the daily cap, and within the
  job's instant budget;
* ``digest`` — left for the daily/weekly digest: frequency daily or weekly, quiet hours, cap
  reached, or over the job's budget;
* ``skip`` — frequency ``off``.

Priority-group graduates (low-income family, zero-employment family, disability) are served
first: they come first in the result and the per-job budget never cuts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from matching.push.models import Frequency
from matching.push.preferences import Preferences

BEIJING = ZoneInfo("Asia/Shanghai")


class Decision(StrEnum):
    SEND_NOW = "send_now"
    DIGEST = "digest"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Candidate:
    user_id: int
    score: float
    priority_group: bool
    preferences: Preferences
    sent_today: int = 0  # job alerts this account already got today (Beijing day)


@dataclass(frozen=True, slots=True)
class Selection:
    candidate: Candidate
    decision: Decision
    reason: str  # instant | daily | weekly | off | quiet_hours | daily_cap | budget


def beijing_minute(now: datetime) -> int:
    local = now.astimezone(BEIJING)
    return local.hour * 60 + local.minute


def beijing_day_start(now: datetime) -> datetime:
    """The UTC instant at which ``now``'s Beijing calendar day began."""
    local = now.astimezone(BEIJING)
    return datetime.combine(local.date(), time(0), tzinfo=BEIJING).astimezone(UTC)


def beijing_date(now: datetime) -> str:
    return now.astimezone(BEIJING).date().isoformat()


def in_quiet_hours(preferences: Preferences, now: datetime) -> bool:
    """Whether ``now`` falls in the quiet window [start, end) in Beijing time; a window whose
    start is after its end wraps midnight (22:00–08:00 covers 23:30 and 07:59, not 08:00)."""
    start, end = preferences.quiet_start_minute, preferences.quiet_end_minute
    if start is None or end is None or start == end:
        return False
    minute = beijing_minute(now)
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def decide(candidate: Candidate, now: datetime) -> Selection:
    """One candidate's decision, ignoring the per-job budget."""
    frequency = candidate.preferences.frequency
    if frequency is Frequency.OFF:
        return Selection(candidate, Decision.SKIP, "off")
    if frequency is not Frequency.INSTANT:
        return Selection(candidate, Decision.DIGEST, frequency.value)
    if in_quiet_hours(candidate.preferences, now):
        return Selection(candidate, Decision.DIGEST, "quiet_hours")
    if candidate.sent_today >= candidate.preferences.daily_cap:
        return Selection(candidate, Decision.DIGEST, "daily_cap")
    return Selection(candidate, Decision.SEND_NOW, "instant")


def serving_order(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Priority group first, then best score; ties by account id (stable, reproducible)."""
    return sorted(candidates, key=lambda c: (not c.priority_group, -c.score, c.user_id))


def select(
    candidates: Iterable[Candidate], now: datetime, *, instant_budget: int | None = None
) -> list[Selection]:
    """Decide for every candidate, in serving order. ``instant_budget`` caps how many
    non-priority graduates get an instant alert for this job (the rest go to the digest);
    priority-group graduates are never cut by it (they still count against it)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    chosen: list[Selection] = []
    sent = 0
    for candidate in serving_order(candidates):
        selection = decide(candidate, now)
        if selection.decision is Decision.SEND_NOW:
            over = instant_budget is not None and sent >= instant_budget
            if over and not candidate.priority_group:
                selection = Selection(candidate, Decision.DIGEST, "budget")
            else:
                sent += 1
        chosen.append(selection)
    return chosen


def next_digest_due(now: datetime, hour: int = 8, minute: int = 30) -> datetime:
    """The next 08:30 Beijing time strictly after ``now`` (UTC)."""
    local = now.astimezone(BEIJING)
    due = datetime.combine(local.date(), time(hour, minute), tzinfo=BEIJING)
    if due <= local:
        due += timedelta(days=1)
    return due.astimezone(UTC)
