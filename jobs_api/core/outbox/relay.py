from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.db import job_session, utcnow
from jobs_api.core.outbox.backoff import backoff_delay, backoff_seconds
from jobs_api.core.outbox.delivery import deliver_event_job
from jobs_api.core.outbox.models import OutboxEvent, OutboxStatus
from jobs_api.core.queue import EVENTS_QUEUE, QueueConnection

log = logging.getLogger(__name__)

__all__ = ["RelayReport", "backoff_seconds", "relay_once", "run_relay"]


@dataclass
class RelayReport:
    claimed: int = 0
    enqueued: int = 0
    queue_errors: int = 0


def _claim_due(
    session_factory: sessionmaker[Session], now: datetime, batch_size: int, lease: timedelta
) -> list[int]:
    """Mark due events as dispatched and commit, so that concurrent relays never share one.

    Due: pending and past ``available_at``, or dispatched longer than the lease ago without
    being delivered (the worker died or the job was lost): those are handed out again.
    """
    with job_session(session_factory) as session:
        due = or_(
            and_(OutboxEvent.status == OutboxStatus.PENDING, OutboxEvent.available_at <= now),
            and_(
                OutboxEvent.status == OutboxStatus.DISPATCHED,
                OutboxEvent.dispatched_at < now - lease,
            ),
        )
        ids = list(
            session.execute(
                select(OutboxEvent.id)
                .where(due)
                .order_by(OutboxEvent.id)
                .limit(batch_size)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if ids:
            session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_(ids))
                .values(status=OutboxStatus.DISPATCHED, dispatched_at=now)
            )
    return ids


def _release(
    session_factory: sessionmaker[Session], ids: list[int], now: datetime, failures: int
) -> None:
    """Give events back to ``pending`` after the queue refused them; they keep their attempts."""
    with job_session(session_factory) as session:
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(ids), OutboxEvent.status == OutboxStatus.DISPATCHED)
            .values(
                status=OutboxStatus.PENDING,
                available_at=now + backoff_delay(failures),
                last_error="queue unavailable",
            )
        )


def relay_once(
    session_factory: sessionmaker[Session],
    queue: QueueConnection,
    *,
    batch_size: int = 200,
    lease_seconds: int = 300,
    now: datetime | None = None,
    consecutive_queue_failures: int = 0,
) -> RelayReport:
    """Hand every due event to the ``events`` queue once. Safe to run in several processes."""
    now = now or utcnow()
    report = RelayReport()
    ids = _claim_due(session_factory, now, batch_size, timedelta(seconds=lease_seconds))
    report.claimed = len(ids)
    events_queue = queue.queue(EVENTS_QUEUE)
    for position, event_id in enumerate(ids):
        try:
            events_queue.enqueue(
                deliver_event_job,
                event_id,
                job_id=f"outbox-{event_id}-{int(now.timestamp() * 1000)}",
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
            )
        except RedisError as exc:
            remaining = ids[position:]
            report.queue_errors = len(remaining)
            log.warning("queue unavailable, %d events stay pending: %s", len(remaining), exc)
            _release(session_factory, remaining, now, consecutive_queue_failures + 1)
            break
        report.enqueued += 1
    return report


def run_relay(
    session_factory: sessionmaker[Session],
    queue: QueueConnection,
    stop: threading.Event,
    *,
    interval: float = 0.5,
    batch_size: int = 200,
    lease_seconds: int = 300,
) -> None:
    """Relay until ``stop`` is set; idles ``interval`` seconds whenever nothing is due."""
    queue_failures = 0
    while not stop.is_set():
        try:
            report = relay_once(
                session_factory,
                queue,
                batch_size=batch_size,
                lease_seconds=lease_seconds,
                consecutive_queue_failures=queue_failures,
            )
        except Exception:  # the database may be briefly unavailable; keep the loop alive
            log.exception("outbox relay pass failed")
            stop.wait(interval * 4)
            continue
        queue_failures = queue_failures + 1 if report.queue_errors else 0
        if report.claimed < batch_size:
            stop.wait(interval)
