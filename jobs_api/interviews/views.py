"""Reading interviews: the employer's calendar, the graduate's list, and the API shapes of
both (the graduate sees the meeting link only once the interview is confirmed; employers see
"busy" on proposed slots that clash with the graduate's other confirmed interviews, never
with whom)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from jobs_api.applications.errors import ApplicationNotFound
from jobs_api.applications.models import CLOSED_STATUSES, Application
from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer
from jobs_api.employers.scope import member_employer_id
from jobs_api.identity.principal import Principal
from jobs_api.interviews.errors import InterviewNotFound, InvalidInterview
from jobs_api.interviews.models import Interview, InterviewSlot, InterviewStatus
from jobs_api.interviews.notices import Names
from jobs_api.interviews.schemas import GraduateInterviewOut, InterviewOut, SlotOut
from jobs_api.interviews.slots import Span, confirmed_between
from jobs_api.jobs.models import Job
from jobs_api.registry.models import StudentRecord

OPEN_STATUSES: Final = frozenset(
    {InterviewStatus.PROPOSED, InterviewStatus.CONFIRMED, InterviewStatus.RESCHEDULE_REQUESTED}
)
AWAITING_GRADUATE: Final = frozenset({InterviewStatus.PROPOSED})
CALENDAR_LIMIT: Final = 500
MAX_CALENDAR_WINDOW: Final = timedelta(days=366)
CALENDAR_YEARS: Final = range(2000, 2101)
GRADUATE_LIMIT: Final = 200
DEFAULT_CALENDAR_DAYS: Final = 28


class When(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"


@dataclass(frozen=True, slots=True)
class Row:
    """An interview with what its views name, and its slots (earliest first)."""

    interview: Interview
    job_id: int
    names: Names
    slots: list[InterviewSlot]

    @property
    def sort_time(self) -> datetime:
        if self.interview.starts_at is not None:
            return self.interview.starts_at
        if self.slots:
            return self.slots[0].starts_at
        return self.interview.created_at


def _select() -> Any:
    return (
        select(Interview, Job.id, Job.title, Employer.name, StudentRecord.name)
        .join(Application, Application.id == Interview.application_id)
        .join(Job, Job.id == Application.job_id)
        .join(Employer, Employer.id == Interview.employer_id)
        .join(StudentRecord, StudentRecord.id == Application.student_record_id)
    )


def _rows(session: Session, query: Any) -> list[Row]:
    found = session.execute(query).all()
    ids = [interview.id for interview, *_ in found]
    slots: dict[int, list[InterviewSlot]] = defaultdict(list)
    if ids:
        for slot in session.scalars(
            select(InterviewSlot)
            .where(InterviewSlot.interview_id.in_(ids))
            .order_by(InterviewSlot.starts_at, InterviewSlot.id)
        ):
            slots[slot.interview_id].append(slot)
    return [
        Row(interview, job_id, Names(title, employer, candidate), slots[interview.id])
        for interview, job_id, title, employer, candidate in found
    ]


def load_row(session: Session, interview_id: int) -> Row:
    rows = _rows(session, _select().where(Interview.id == interview_id))
    if not rows:
        raise InterviewNotFound("面试不存在 (no such interview)")
    return rows[0]


def application_closed(session: Session, interview: Interview) -> bool:
    """Whether the interview's application was hired, rejected or withdrawn."""
    status = session.scalar(
        select(Application.status).where(Application.id == interview.application_id)
    )
    return status in CLOSED_STATUSES


def names_of(session: Session, interview: Interview) -> Names:
    return load_row(session, interview.id).names


def busy_slot_ids(session: Session, rows: Sequence[Row]) -> set[int]:
    """Ids of the proposed slots (of interviews awaiting the graduate) that overlap another
    confirmed interview of the same graduate: one query for all the rows."""
    waiting = [r for r in rows if r.interview.status in AWAITING_GRADUATE and r.slots]
    if not waiting:
        return set()
    start = min(s.starts_at for r in waiting for s in r.slots)
    end = max(s.ends_at for r in waiting for s in r.slots)
    taken: dict[int, list[tuple[int, Span]]] = defaultdict(list)
    for other in confirmed_between(session, {r.interview.user_id for r in waiting}, start, end):
        if other.starts_at is not None and other.ends_at is not None:
            taken[other.user_id].append((other.id, Span(other.starts_at, other.ends_at)))
    busy: set[int] = set()
    for row in waiting:
        for slot in row.slots:
            span = Span(slot.starts_at, slot.ends_at)
            if any(
                other_id != row.interview.id and span.overlaps(other)
                for other_id, other in taken[row.interview.user_id]
            ):
                busy.add(slot.id)
    return busy


def employer_out(row: Row, busy: set[int] | None = None) -> InterviewOut:
    interview = row.interview
    busy = busy or set()
    return InterviewOut(
        id=interview.id,
        application_id=interview.application_id,
        job_id=row.job_id,
        job_title=row.names.job_title,
        candidate_name=row.names.candidate_name,
        round=interview.round,
        mode=interview.mode,
        location=interview.location,
        meeting_url=interview.meeting_url,
        note=interview.note,
        status=interview.status,
        slots=[
            SlotOut(id=s.id, starts_at=s.starts_at, ends_at=s.ends_at, busy=s.id in busy)
            for s in row.slots
        ],
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        reschedule_reason=interview.reschedule_reason,
        cancel_reason=interview.cancel_reason,
        cancelled_by_graduate=interview.cancelled_by is not None
        and interview.cancelled_by == interview.user_id,
        created_at=interview.created_at,
    )


def graduate_out(row: Row) -> GraduateInterviewOut:
    interview = row.interview
    confirmed = interview.status == InterviewStatus.CONFIRMED
    return GraduateInterviewOut(
        id=interview.id,
        application_id=interview.application_id,
        employer_name=row.names.employer_name,
        job_title=row.names.job_title,
        round=interview.round,
        mode=interview.mode,
        location=interview.location,
        meeting_url=interview.meeting_url if confirmed and interview.meeting_url else None,
        note=interview.note,
        status=interview.status,
        slots=[SlotOut(id=s.id, starts_at=s.starts_at, ends_at=s.ends_at) for s in row.slots],
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        reschedule_reason=interview.reschedule_reason,
        cancel_reason=interview.cancel_reason,
        created_at=interview.created_at,
    )


def employer_calendar(
    session: Session,
    principal: Principal,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    status: InterviewStatus | None = None,
) -> list[Row]:
    """The employer's interviews with a confirmed time or a proposed slot in ``[start, end)``
    (default: the next four weeks from now), earliest first."""
    employer_id = member_employer_id(principal)
    start = start or utcnow() - timedelta(hours=4)
    if start.year not in CALENDAR_YEARS or (end is not None and end.year not in CALENDAR_YEARS):
        raise InvalidInterview(
            "日期须在 2000–2100 年之间 (dates must be within 2000-2100)",
            fields={"start": "out_of_range"},
        )
    end = end or start + timedelta(days=DEFAULT_CALENDAR_DAYS)
    if end - start > MAX_CALENDAR_WINDOW:
        raise InvalidInterview(
            "查询范围不超过 366 天 (the window may span at most 366 days)",
            fields={"end": "window_too_long"},
        )
    slot_in_range = exists().where(
        InterviewSlot.interview_id == Interview.id,
        InterviewSlot.starts_at < end,
        InterviewSlot.ends_at > start,
    )
    query = _select().where(
        Interview.employer_id == employer_id,
        or_(
            Interview.starts_at.is_not(None)
            & (Interview.starts_at < end)
            & (Interview.ends_at > start),
            Interview.starts_at.is_(None) & slot_in_range,
        ),
    )
    if status is not None:
        query = query.where(Interview.status == status)
    rows = _rows(session, query.order_by(Interview.id).limit(CALENDAR_LIMIT))
    return sorted(rows, key=lambda r: (r.sort_time, r.interview.id))


@dataclass(frozen=True, slots=True)
class ApplicationTarget:
    """The application an employer schedules an interview on, as the form shows it."""

    application_id: int
    user_id: int
    job_title: str
    candidate_name: str
    status: str


def application_target(
    session: Session, principal: Principal, application_id: int
) -> ApplicationTarget:
    """An own application of the member's employer (others' are 404)."""
    employer_id = member_employer_id(principal)
    found = session.execute(
        select(Application, Job.title, StudentRecord.name)
        .join(Job, Job.id == Application.job_id)
        .join(StudentRecord, StudentRecord.id == Application.student_record_id)
        .where(Application.id == application_id)
    ).first()
    if found is None or found[0].employer_id != employer_id:
        raise ApplicationNotFound("申请不存在 (no such application)")
    application, job_title, candidate_name = found
    return ApplicationTarget(
        application.id, application.user_id, job_title, candidate_name, application.status
    )


def employer_row(session: Session, principal: Principal, interview_id: int) -> Row:
    row = load_row(session, interview_id)
    if row.interview.employer_id != member_employer_id(principal):
        raise InterviewNotFound("面试不存在 (no such interview)")
    return row


def graduate_interviews(
    session: Session, principal: Principal, when: When = When.UPCOMING
) -> list[Row]:
    """The graduate's own interviews: upcoming (awaiting a choice, or confirmed and not yet
    over; earliest first) or past (over, cancelled or completed; latest first)."""
    now = utcnow()
    mine = _select().where(Interview.user_id == principal.user_id)
    waiting = Interview.status.in_([InterviewStatus.PROPOSED, InterviewStatus.RESCHEDULE_REQUESTED])
    confirmed = Interview.status == InterviewStatus.CONFIRMED
    if when is When.UPCOMING:
        query = mine.where(or_(waiting, confirmed & (Interview.ends_at >= now)))
    else:
        query = mine.where(
            or_(
                Interview.status.in_([InterviewStatus.CANCELLED, InterviewStatus.COMPLETED]),
                confirmed & (Interview.ends_at < now),
            )
        )
    rows = _rows(session, query.order_by(Interview.id.desc()).limit(GRADUATE_LIMIT))
    return sorted(rows, key=lambda r: (r.sort_time, r.interview.id), reverse=when is When.PAST)


def graduate_row(session: Session, principal: Principal, interview_id: int) -> Row:
    row = load_row(session, interview_id)
    if row.interview.user_id != principal.user_id:
        raise InterviewNotFound("面试不存在 (no such interview)")
    return row
