from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jobs_api.core.db import utcnow
from jobs_api.core.outbox.models import OutboxEvent, OutboxStatus


def publish(session: Session, topic: str, payload: dict[str, Any]) -> OutboxEvent:
    """Record an event in the caller's transaction; it is delivered only if that commits."""
    now = utcnow()
    event = OutboxEvent(
        topic=topic,
        payload=payload,
        status=OutboxStatus.PENDING,
        attempts=0,
        created_at=now,
        available_at=now,
    )
    session.add(event)
    return event
