"""Automatic close of published jobs whose application deadline has passed.

A job's ``deadline`` is the last day (Asia/Shanghai) on which graduates may apply; from the
day after, :func:`close_expired_batch` closes it: ``status = closed``, ``closed_at = now``,
``closed_reason = "deadline"``, and ``jobs.changed`` is recorded in the same transaction so the
outbox handler takes it out of search. Only ``published`` jobs are touched (a draft or a post
under review is not searchable, and publishing it with a past deadline is refused anyway).

Sized for millions of jobs: the candidates come from the ``(status, deadline)`` index, at most
``batch_size`` (1,000) per transaction, each batch committed on its own
(:func:`close_expired_jobs`), so a long run never holds one huge transaction and a crash loses
at most one batch, which the next run redoes. Idempotent: a closed job no longer matches the
query, and the update re-checks the status, so two overlapping runs close each job once
(PostgreSQL also skips rows another run has locked).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Final

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.audit import SYSTEM_ACTOR, record_audit
from jobs_api.core.db import job_session, utcnow
from jobs_api.jobs.events import publish_jobs_changed
from jobs_api.jobs.models import Job, JobCloseReason, JobStatus
from jobs_api.jobs.posting import china_today

BATCH_SIZE: Final = 1_000
CLOSE_STAGE: Final = "关闭过期岗位"

Progress = Callable[[str, int, int], None]


def _expired(today: date) -> tuple[ColumnElement[bool], ...]:
    return (Job.status == JobStatus.PUBLISHED, Job.deadline < today)


def count_expired(session: Session, today: date | None = None) -> int:
    """Published jobs whose deadline is before ``today`` (China), i.e. due for closing."""
    today = today or china_today()
    return session.execute(
        select(func.count()).select_from(Job).where(*_expired(today))
    ).scalar_one()


def close_expired_batch(
    session: Session,
    today: date | None = None,
    *,
    limit: int = BATCH_SIZE,
    now: datetime | None = None,
) -> list[int]:
    """Close up to ``limit`` published jobs whose deadline is before ``today`` (China); returns
    their ids. Flushes only: the caller commits (one batch, one transaction)."""
    today = today or china_today()
    now = now or utcnow()
    candidates = (
        select(Job.id)
        .where(*_expired(today))
        .order_by(Job.deadline, Job.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(candidates))
    if not ids:
        return []
    session.execute(
        update(Job)
        .where(Job.id.in_(ids), Job.status == JobStatus.PUBLISHED)
        .values(
            status=JobStatus.CLOSED,
            closed_at=now,
            closed_reason=JobCloseReason.DEADLINE,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    publish_jobs_changed(session, ids)
    record_audit(
        session,
        actor_user_id=None,
        actor_role=SYSTEM_ACTOR,
        action="jobs.closed_at_deadline",
        subject_type="jobs",
        subject_id=f"deadline-before-{today.isoformat()}",
        detail={"job_ids": ids, "count": len(ids)},
    )
    session.flush()
    return ids


def close_expired_jobs(
    session_factory: sessionmaker[Session],
    today: date | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> int:
    """Close every published job whose deadline is before ``today`` (China), one committed
    transaction per batch of ``batch_size``; returns how many were closed."""
    today = today or china_today()
    total_due = 0
    if progress is not None:
        with session_factory() as session:
            total_due = count_expired(session, today)
        progress(CLOSE_STAGE, 0, total_due)
    closed = 0
    while True:
        with job_session(session_factory) as session:
            done = len(close_expired_batch(session, today, limit=batch_size))
        closed += done
        if progress is not None:
            progress(CLOSE_STAGE, closed, max(total_due, closed))
        if done < batch_size:
            return closed
