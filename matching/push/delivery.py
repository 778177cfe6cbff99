"""Sending push deliveries: at least once, never twice, with back-off and a dead-letter list.

A :class:`~matching.push.models.PushDelivery` row is written in the same transaction as the
outbox event :data:`DELIVERIES_TOPIC` that asks for it to be sent (fan-out and digest do
both), so a crash never loses a send. The event's handler and the periodic sweep
(:func:`send_due`) both go through :func:`send_deliveries`, which locks the rows
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL), skips any row already ``sent`` or ``dead`` and
records each outcome: sent; ``failed`` with ``next_attempt_at`` after an exponential back-off
with jitter; ``dead`` after ``push_max_attempts`` or a permanent error. Receivers get the
dedupe key as ``Idempotency-Key`` for the rare send whose outcome could not be recorded.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.db import job_session, utcnow
from jobs_api.core.outbox import publish
from jobs_api.core.outbox.backoff import backoff_seconds
from jobs_api.core.settings import Settings
from matching.push.channels import (
    Channel,
    InboxChannel,
    PermanentChannelError,
    TemporaryChannelError,
    load_recipients,
    open_channels,
)
from matching.push.models import DeliveryStatus, PushDelivery

log = logging.getLogger(__name__)

DELIVERIES_TOPIC = "push.deliveries"
MAX_ERROR_LENGTH = 500


def publish_deliveries(session: Session, delivery_ids: Sequence[int]) -> None:
    """Ask for ``delivery_ids`` to be sent once the caller's transaction commits."""
    if delivery_ids:
        publish(session, DELIVERIES_TOPIC, {"delivery_ids": sorted(delivery_ids)})


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The outbox's exponential back-off (2 s, 4 s, ... capped at 1 h) with ±20 % jitter, so
    deliveries that failed together do not all retry at the same instant."""
    jitter = (rng or random).uniform(0.8, 1.2)
    return timedelta(seconds=backoff_seconds(attempts) * jitter)


@dataclass
class SendReport:
    sent: int = 0
    retry: int = 0
    dead: int = 0
    skipped: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


def _lock(session: Session, ids: Sequence[int]) -> list[PushDelivery]:
    return list(
        session.scalars(
            select(PushDelivery)
            .where(
                PushDelivery.id.in_(ids),
                PushDelivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED]),
            )
            .order_by(PushDelivery.priority_group.desc(), PushDelivery.id)
            .with_for_update(skip_locked=True)
        )
    )


def _record_failure(
    delivery: PushDelivery, error: Exception, now: datetime, max_attempts: int, permanent: bool
) -> bool:
    """Returns whether the delivery is now dead."""
    delivery.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
    if permanent or delivery.attempts >= max_attempts:
        delivery.status = DeliveryStatus.DEAD
        delivery.next_attempt_at = None
        return True
    delivery.status = DeliveryStatus.FAILED
    delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    return False


def send_deliveries(
    session: Session,
    settings: Settings,
    delivery_ids: Sequence[int],
    *,
    now: datetime | None = None,
    channels: dict[str, Channel] | None = None,
) -> SendReport:
    """Send the given deliveries that are still pending/failed (in the caller's transaction).
    Inbox deliveries are written as one batch; other channels one request each."""
    now = now or utcnow()
    report = SendReport()
    rows = _lock(session, delivery_ids)
    report.skipped = len(set(delivery_ids)) - len(rows)
    if not rows:
        return report
    if channels is None:
        with open_channels(session, settings) as opened:
            _send_rows(session, settings, rows, opened, now, report)
    else:
        _send_rows(session, settings, rows, channels, now, report)
    session.flush()
    return report


def _send_rows(
    session: Session,
    settings: Settings,
    rows: list[PushDelivery],
    channels: dict[str, Channel],
    now: datetime,
    report: SendReport,
) -> None:
    recipients = load_recipients(session, [row.user_id for row in rows])
    inbox_rows = [row for row in rows if row.channel == "inbox"]
    inbox = channels.get("inbox")
    if inbox_rows and isinstance(inbox, InboxChannel):
        inbox.send_many(inbox_rows)
        for row in inbox_rows:
            _mark_sent(row, now, report)
        rows = [row for row in rows if row.channel != "inbox"]
    for row in rows:
        row.attempts += 1
        channel = channels.get(row.channel)
        recipient = recipients.get(row.user_id)
        try:
            if channel is None or recipient is None:
                raise PermanentChannelError(f"{row.channel}: channel not configured")
            channel.send(row, recipient)
        except TemporaryChannelError as exc:
            dead = _record_failure(row, exc, now, settings.push_max_attempts, permanent=False)
            report.dead += dead
            report.retry += not dead
            log.warning("push delivery %s (%s) failed: %s", row.id, row.channel, row.last_error)
        except PermanentChannelError as exc:
            _record_failure(row, exc, now, settings.push_max_attempts, permanent=True)
            report.dead += 1
            log.warning("push delivery %s (%s) dead: %s", row.id, row.channel, row.last_error)
        else:
            row.attempts -= 1  # _mark_sent counts the attempt
            _mark_sent(row, now, report)


def _mark_sent(row: PushDelivery, now: datetime, report: SendReport) -> None:
    row.attempts += 1
    row.status = DeliveryStatus.SENT
    row.sent_at = now
    row.next_attempt_at = None
    row.last_error = ""
    report.sent += 1
    report.by_channel[row.channel] = report.by_channel.get(row.channel, 0) + 1


def due_delivery_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Pending or failed deliveries whose time has come, priority group first."""
    due = or_(PushDelivery.next_attempt_at.is_(None), PushDelivery.next_attempt_at <= now)
    return list(
        session.scalars(
            select(PushDelivery.id)
            .where(PushDelivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED]), due)
            .order_by(PushDelivery.priority_group.desc(), PushDelivery.id)
            .limit(limit)
        )
    )


def send_due(
    session_factory: sessionmaker[Session],
    settings: Settings,
    *,
    now: datetime | None = None,
    batch_size: int = 200,
    max_batches: int = 50,
) -> SendReport:
    """Send every due delivery, one committed batch at a time (the periodic sweep)."""
    now = now or utcnow()
    total = SendReport()
    for _ in range(max_batches):
        with job_session(session_factory) as session:
            ids = due_delivery_ids(session, now, batch_size)
            if not ids:
                break
            report = send_deliveries(session, settings, ids, now=now)
        for name in ("sent", "retry", "dead", "skipped"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        for channel, count in report.by_channel.items():
            total.by_channel[channel] = total.by_channel.get(channel, 0) + count
        if len(ids) < batch_size or report.sent + report.retry + report.dead == 0:
            break
    return total


def on_deliveries_event(session: Session, payload: dict[str, Any], *, settings: Settings) -> None:
    """Outbox handler of :data:`DELIVERIES_TOPIC` (failures are recorded on the rows, so the
    event itself succeeds; the sweep retries them)."""
    send_deliveries(session, settings, [int(i) for i in payload["delivery_ids"]])


# --- operators: status and the dead-letter list ------------------------------------------


def status_counts(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(PushDelivery.status, PushDelivery.channel, func.count()).group_by(
            PushDelivery.status, PushDelivery.channel
        )
    )
    return {(status, channel): int(count) for status, channel, count in rows}


def dead_letters(session: Session, limit: int = 50) -> list[PushDelivery]:
    return list(
        session.scalars(
            select(PushDelivery)
            .where(PushDelivery.status == DeliveryStatus.DEAD)
            .order_by(PushDelivery.id.desc())
            .limit(limit)
        )
    )


def retry_dead(session: Session, delivery_id: int | None = None) -> list[int]:
    """Put dead deliveries (one, or all) back to pending with a fresh attempt budget; returns
    their ids (the caller publishes them)."""
    query = select(PushDelivery.id).where(PushDelivery.status == DeliveryStatus.DEAD)
    if delivery_id is not None:
        query = query.where(PushDelivery.id == delivery_id)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(PushDelivery)
            .where(PushDelivery.id.in_(ids))
            .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
        publish_deliveries(session, ids)
    return ids
