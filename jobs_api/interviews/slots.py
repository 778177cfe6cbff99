"""Rules on interview times and modes, and clash lookups across one graduate's interviews.

* a slot lasts 10 minutes to 4 hours, starts in the future and within 180 days; the slots of
  one proposal do not overlap each other;
* onsite needs a location, online an ``https`` meeting link, phone nothing more;
* a *clash* is an overlap with another **confirmed** interview of the same graduate (any
  employer). Employers learn only that the graduate is busy; the graduate, whose interviews
  they are, is told which one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from itertools import combinations
from typing import Final
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.interviews.errors import InvalidInterview
from jobs_api.interviews.models import Interview, InterviewMode, InterviewStatus
from jobs_api.interviews.schemas import SlotIn

MIN_SLOT: Final = timedelta(minutes=10)
MAX_SLOT: Final = timedelta(hours=4)
HORIZON: Final = timedelta(days=180)
CHINA_TIME: Final = timezone(timedelta(hours=8), "CST")


@dataclass(frozen=True, slots=True)
class Span:
    starts_at: datetime
    ends_at: datetime

    def overlaps(self, other: Span) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def beijing(value: datetime) -> str:
    return value.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def beijing_range(span: Span) -> str:
    """``2026-12-01 14:00–15:00`` (Beijing time; the end's date only when it differs)."""
    start, end = span.starts_at.astimezone(CHINA_TIME), span.ends_at.astimezone(CHINA_TIME)
    end_text = end.strftime("%H:%M") if end.date() == start.date() else beijing(end)
    return f"{beijing(start)}–{end_text}"


def _slot_problem(span: Span, now: datetime) -> tuple[str, str] | None:
    length = span.ends_at - span.starts_at
    if length <= timedelta(0):
        return "结束时间须晚于开始时间", "the end must be after the start"
    if length < MIN_SLOT:
        return "每个时段至少 10 分钟", "a slot lasts at least 10 minutes"
    if length > MAX_SLOT:
        return "每个时段不超过 4 小时", "a slot lasts at most 4 hours"
    if span.starts_at <= now:
        return "时段须在未来", "slots must be in the future"
    if span.starts_at > now + HORIZON:
        return "时段须在 180 天以内", "slots must be within 180 days"
    return None


def check_slots(slots: Sequence[SlotIn], now: datetime, *, field: str = "slots") -> list[Span]:
    """The slots as UTC spans, or :class:`InvalidInterview` naming each bad one
    (``fields["slots.<i>"]``) — the first problem also in the message."""
    spans = [Span(s.starts_at.astimezone(UTC), s.ends_at.astimezone(UTC)) for s in slots]
    problems: dict[int, tuple[str, str]] = {}
    for index, span in enumerate(spans):
        problem = _slot_problem(span, now)
        if problem is not None:
            problems[index] = problem
    for first_index, second_index in combinations(range(len(spans)), 2):
        if spans[first_index].overlaps(spans[second_index]):
            problems.setdefault(second_index, ("时段之间不能重叠", "slots must not overlap"))
    if problems:
        first = min(problems)
        zh, en = problems[first]
        raise InvalidInterview(
            f"第 {first + 1} 个时段：{zh} (slot {first + 1}: {en})",
            fields={f"{field}.{i}": f"{zh} ({en})" for i, (zh, en) in problems.items()},
        )
    return spans


def _is_https_link(value: str) -> bool:
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and "." in host
        and not host.endswith(".")
        and parts.username is None
        and parts.password is None
    )


def check_mode(mode: InterviewMode, location: str, meeting_url: str) -> tuple[str, str]:
    """``(location, meeting_url)`` as stored for ``mode`` (the other one dropped), or
    :class:`InvalidInterview` when what the mode needs is missing or wrong."""
    location, meeting_url = location.strip(), meeting_url.strip()
    if mode is InterviewMode.ONSITE:
        if not location:
            raise InvalidInterview(
                "现场面试须填写面试地点 (an onsite interview needs a location)",
                fields={"location": "required"},
            )
        return location, ""
    if mode is InterviewMode.ONLINE:
        if not meeting_url:
            raise InvalidInterview(
                "线上面试须填写会议链接 (an online interview needs a meeting link)",
                fields={"meeting_url": "required"},
            )
        if not _is_https_link(meeting_url):
            raise InvalidInterview(
                "会议链接须为 https:// 开头的有效网址 (the meeting link must be a valid https URL)",
                fields={"meeting_url": "invalid_url"},
            )
        return "", meeting_url
    return "", ""


def confirmed_between(
    session: Session,
    user_ids: Iterable[int],
    start: datetime,
    end: datetime,
    *,
    exclude_id: int | None = None,
) -> list[Interview]:
    """Confirmed interviews of ``user_ids`` overlapping ``[start, end)``."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    query = select(Interview).where(
        Interview.user_id.in_(ids),
        Interview.status == InterviewStatus.CONFIRMED,
        Interview.starts_at < end,
        Interview.ends_at > start,
    )
    if exclude_id is not None:
        query = query.where(Interview.id != exclude_id)
    return list(session.scalars(query.order_by(Interview.starts_at)))


def busy_flags(
    session: Session, user_id: int, spans: Sequence[Span], *, exclude_id: int | None = None
) -> list[bool]:
    """For each span, whether the graduate has another confirmed interview overlapping it."""
    if not spans:
        return []
    start = min(s.starts_at for s in spans)
    end = max(s.ends_at for s in spans)
    taken = [
        Span(i.starts_at, i.ends_at)
        for i in confirmed_between(session, [user_id], start, end, exclude_id=exclude_id)
        if i.starts_at is not None and i.ends_at is not None
    ]
    return [any(span.overlaps(other) for other in taken) for span in spans]
