"""Who is told now, who later, who never: quiet hours (wrapping midnight), daily cap,
frequency, priority groups first and never cut by a job's budget."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matching.push.models import Frequency
from matching.push.preferences import Preferences
from matching.push.selection import (
    Candidate,
    Decision,
    beijing_day_start,
    decide,
    in_quiet_hours,
    next_digest_due,
    select,
)


def _at(hour: int, minute: int = 0) -> datetime:
    """A UTC instant that is ``hour:minute`` in Beijing (UTC+8) on 2026-06-10."""
    return datetime(2026, 6, 10, hour, minute, tzinfo=UTC).replace() - _EIGHT


_EIGHT = datetime(2026, 1, 1, 8, tzinfo=UTC) - datetime(2026, 1, 1, 0, tzinfo=UTC)


def _cand(
    user_id: int,
    score: float = 0.5,
    *,
    priority: bool = False,
    frequency: Frequency = Frequency.INSTANT,
    quiet: tuple[int | None, int | None] = (22 * 60, 8 * 60),
    cap: int = 5,
    sent_today: int = 0,
) -> Candidate:
    prefs = Preferences(
        user_id=user_id,
        frequency=frequency,
        quiet_start_minute=quiet[0],
        quiet_end_minute=quiet[1],
        daily_cap=cap,
        opted_in=True,
    )
    return Candidate(user_id, score, priority, prefs, sent_today)


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (22, 0, True),
        (23, 30, True),
        (0, 0, True),
        (7, 59, True),
        (8, 0, False),
        (12, 0, False),
        (21, 59, False),
    ],
)
def test_quiet_hours_wrap_midnight_in_beijing_time(hour: int, minute: int, quiet: bool) -> None:
    prefs = Preferences(user_id=1, quiet_start_minute=22 * 60, quiet_end_minute=8 * 60)
    assert in_quiet_hours(prefs, _at(hour, minute)) is quiet


def test_quiet_hours_within_one_day_and_none() -> None:
    lunch = Preferences(user_id=1, quiet_start_minute=12 * 60, quiet_end_minute=14 * 60)
    assert in_quiet_hours(lunch, _at(12, 0)) and in_quiet_hours(lunch, _at(13, 59))
    assert not in_quiet_hours(lunch, _at(14, 0)) and not in_quiet_hours(lunch, _at(23, 0))
    never = Preferences(user_id=1, quiet_start_minute=None, quiet_end_minute=None)
    assert not in_quiet_hours(never, _at(3, 0))


def test_beijing_not_utc_decides() -> None:
    # 15:00 UTC is 23:00 in Beijing: quiet, although it is afternoon in UTC.
    prefs = Preferences(user_id=1)
    assert in_quiet_hours(prefs, datetime(2026, 6, 10, 15, 0, tzinfo=UTC))
    assert not in_quiet_hours(prefs, datetime(2026, 6, 10, 1, 0, tzinfo=UTC))  # 09:00 Beijing


def test_decisions_by_frequency_quiet_hours_and_cap() -> None:
    noon = _at(12)
    assert decide(_cand(1), noon).decision is Decision.SEND_NOW
    assert decide(_cand(1), _at(23)).reason == "quiet_hours"
    assert decide(_cand(1, frequency=Frequency.DAILY), noon).reason == "daily"
    assert decide(_cand(1, frequency=Frequency.WEEKLY), noon).decision is Decision.DIGEST
    off = decide(_cand(1, frequency=Frequency.OFF), noon)
    assert off.decision is Decision.SKIP and off.reason == "off"
    assert decide(_cand(1, cap=3, sent_today=2), noon).decision is Decision.SEND_NOW
    capped = decide(_cand(1, cap=3, sent_today=3), noon)
    assert capped.decision is Decision.DIGEST and capped.reason == "daily_cap"
    # off wins over everything, even for priority-group graduates
    assert decide(_cand(1, priority=True, frequency=Frequency.OFF), noon).decision is Decision.SKIP


def test_priority_group_first_then_score() -> None:
    picked = select(
        [_cand(1, 0.9), _cand(2, 0.4, priority=True), _cand(3, 0.7), _cand(4, 0.8, priority=True)],
        _at(12),
    )
    assert [s.candidate.user_id for s in picked] == [4, 2, 1, 3]
    assert all(s.decision is Decision.SEND_NOW for s in picked)


def test_budget_cuts_only_non_priority_graduates() -> None:
    candidates = [_cand(i, 1.0 - i / 100) for i in range(1, 6)]
    candidates += [_cand(10 + i, 0.1, priority=True) for i in range(3)]
    picked = select(candidates, _at(12), instant_budget=4)
    decisions = {s.candidate.user_id: s for s in picked}
    # the three priority graduates use three of the four places; one more for the best score
    assert [uid for uid in (10, 11, 12) if decisions[uid].decision is Decision.SEND_NOW] == [
        10,
        11,
        12,
    ]
    assert decisions[1].decision is Decision.SEND_NOW
    assert all(decisions[i].reason == "budget" for i in (2, 3, 4, 5))
    # priority graduates beyond the budget still go out
    many = [_cand(20 + i, 0.2, priority=True) for i in range(6)]
    assert all(s.decision is Decision.SEND_NOW for s in select(many, _at(12), instant_budget=2))


def test_budget_not_used_by_deferred_candidates() -> None:
    picked = select(
        [_cand(1, 0.9, frequency=Frequency.DAILY), _cand(2, 0.8), _cand(3, 0.7)],
        _at(12),
        instant_budget=2,
    )
    assert [s.decision for s in picked] == [Decision.DIGEST, Decision.SEND_NOW, Decision.SEND_NOW]


def test_naive_now_refused_and_day_helpers() -> None:
    with pytest.raises(ValueError):
        select([_cand(1)], datetime(2026, 6, 10, 12))
    # 2026-06-10 01:00 Beijing = 2026-06-09 17:00 UTC; its day began at 2026-06-09 16:00 UTC
    assert beijing_day_start(_at(1)) == datetime(2026, 6, 9, 16, tzinfo=UTC)
    assert next_digest_due(_at(8, 29)) == datetime(2026, 6, 10, 0, 30, tzinfo=UTC)
    assert next_digest_due(_at(8, 30)) == datetime(2026, 6, 11, 0, 30, tzinfo=UTC)
