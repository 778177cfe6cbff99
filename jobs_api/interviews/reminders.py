"""Inbox reminders of confirmed interviews: one 24 hours before and one 1 hour before.

Exactly once per interview and kind: ``reminder_sent_at`` records the last one sent (a value
earlier than one hour before the start means the 24-hour reminder went out), and the inbox
dedupe key (kind + confirmed start) makes a rerun, or a run racing another, deliver nothing
new. A new confirmed time resets ``reminder_sent_at`` and has new keys, so it is reminded
again. An interview confirmed less than an hour ahead gets only the 1-hour reminder.

Work goes in batches by interview id (one transaction each), so a crash loses at most the
batch in flight, which the next run picks up.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.applications.models import CLOSED_STATUSES, Application
from jobs_api.core.db import job_session, utcnow
from jobs_api.employers.models import Employer
from jobs_api.interviews import notices
from jobs_api.interviews.models import Interview, InterviewStatus
from jobs_api.interviews.notices import Names
from jobs_api.jobs.models import Job

FIRST_REMINDER: Final = timedelta(hours=24)
LAST_REMINDER: Final = timedelta(hours=1)
DEFAULT_BATCH: Final = 500


def reminder_kind(interview: Interview, now: datetime) -> str | None:
    """``"24h"``, ``"1h"`` or ``None`` (nothing due) for a confirmed interview."""
    starts_at = interview.starts_at
    if starts_at is None or starts_at <= now or starts_at > now + FIRST_REMINDER:
        return None
    sent = interview.reminder_sent_at
    if starts_at - now <= LAST_REMINDER:
        return "1h" if sent is None or sent < starts_at - LAST_REMINDER else None
    return "24h" if sent is None else None


def send_batch(session: Session, now: datetime, after_id: int, limit: int) -> tuple[int, int, int]:
    """Send the reminders due among the next ``limit`` candidates after ``after_id``;
    returns (candidates seen, reminders sent, last id seen)."""
    rows = session.execute(
        select(Interview, Job.title, Employer.name)
        .join(Application, Application.id == Interview.application_id)
        .join(Job, Job.id == Application.job_id)
        .join(Employer, Employer.id == Interview.employer_id)
        .where(
            Interview.status == InterviewStatus.CONFIRMED,
            Interview.starts_at > now,
            Interview.starts_at <= now + FIRST_REMINDER,
            or_(Interview.reminder_sent_at.is_(None), Interview.starts_at <= now + LAST_REMINDER),
            Interview.id > after_id,
            Application.status.not_in(sorted(CLOSED_STATUSES)),
        )
        .order_by(Interview.id)
        .limit(limit)
    ).all()
    reminded: list[int] = []
    for interview, job_title, employer_name in rows:
        kind = reminder_kind(interview, now)
        if kind is None:
            continue
        notices.reminder(session, interview, Names(job_title, employer_name), kind)
        reminded.append(interview.id)
    if reminded:  # one statement for the batch, not one per interview
        session.execute(
            update(Interview)
            .where(Interview.id.in_(reminded))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        )
    session.flush()
    return len(rows), len(reminded), rows[-1][0].id if rows else after_id


def send_due_reminders(
    session_factory: sessionmaker[Session],
    now: datetime | None = None,
    *,
    batch_size: int = DEFAULT_BATCH,
) -> int:
    """Send every reminder due at ``now``, a batch per transaction; returns how many."""
    now = now or utcnow()
    after_id, total = 0, 0
    while True:
        with job_session(session_factory) as session:
            seen, sent, after_id = send_batch(session, now, after_id, batch_size)
        total += sent
        if seen < batch_size:
            return total
