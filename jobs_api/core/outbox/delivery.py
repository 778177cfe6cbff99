from __future__ import annotations

import logging
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core import worker_context
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.outbox.backoff import backoff_delay
from jobs_api.core.outbox.handlers import HandlerRegistry, handler_registry
from jobs_api.core.outbox.models import OutboxEvent, OutboxStatus

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRY_SCHEDULED = "retry_scheduled"
    DEAD = "dead"
    ALREADY_DONE = "already_done"
    MISSING = "missing"


def deliver_event(
    session_factory: sessionmaker[Session],
    event_id: int,
    *,
    registry: HandlerRegistry = handler_registry,
    max_attempts: int = 12,
) -> DeliveryOutcome:
    """Run every handler of one event; record success, or schedule a retry with back-off.

    Handlers run inside a savepoint: a failing handler's database work is rolled back while
    the failure itself (attempt count, error, next attempt time) is committed.
    """
    with job_session(session_factory) as session:
        event = session.execute(
            select(OutboxEvent).where(OutboxEvent.id == event_id).with_for_update()
        ).scalar_one_or_none()
        if event is None:
            return DeliveryOutcome.MISSING
        if event.status in (OutboxStatus.DELIVERED, OutboxStatus.DEAD):
            return DeliveryOutcome.ALREADY_DONE
        failure: str | None = None
        try:
            with session.begin_nested():
                for handler in registry.for_topic(event.topic):
                    handler.func(session, dict(event.payload))
        except Exception as exc:  # any handler failure is retried, never lost
            failure = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
            log.warning("outbox event %s (%s) failed: %s", event.id, event.topic, failure)
        now = utcnow()
        event.attempts += 1
        if failure is None:
            event.status = OutboxStatus.DELIVERED
            event.delivered_at = now
            event.last_error = None
            return DeliveryOutcome.DELIVERED
        event.last_error = failure
        if event.attempts >= max_attempts:
            event.status = OutboxStatus.DEAD
            return DeliveryOutcome.DEAD
        event.status = OutboxStatus.PENDING
        event.available_at = now + backoff_delay(event.attempts)
        return DeliveryOutcome.RETRY_SCHEDULED


def deliver_event_job(event_id: int) -> str:
    """rq entry point: deliver one outbox event with the worker's container."""
    container = worker_context.current()
    return deliver_event(
        container.session_factory,
        event_id,
        max_attempts=container.settings.outbox_max_attempts,
    ).value
