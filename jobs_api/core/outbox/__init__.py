"""Transactional outbox: events written in the business transaction, delivered at least once.

* :func:`publish` adds an event row in the caller's transaction (no commit).
* :func:`relay_once` moves due events to rq (the ``events`` queue); Redis down means the rows
  stay pending and are retried with back-off.
* :func:`deliver_event` (an rq job) runs every handler registered for the event's topic; a
  handler failure (say, Elasticsearch down) schedules a retry with back-off, and after
  ``outbox_max_attempts`` failures the event is parked as ``dead`` for an operator.

Handlers are registered by the composition root (``jobs_api.app`` / ``jobs_api.cli``) and must
be idempotent: at-least-once delivery means a handler may see an event twice.
"""

from jobs_api.core.outbox.delivery import deliver_event, deliver_event_job
from jobs_api.core.outbox.handlers import HandlerRegistry, handler_registry
from jobs_api.core.outbox.models import OutboxEvent, OutboxStatus
from jobs_api.core.outbox.publish import publish
from jobs_api.core.outbox.relay import RelayReport, backoff_seconds, relay_once

__all__ = [
    "HandlerRegistry",
    "OutboxEvent",
    "OutboxStatus",
    "RelayReport",
    "backoff_seconds",
    "deliver_event",
    "deliver_event_job",
    "handler_registry",
    "publish",
    "relay_once",
]
