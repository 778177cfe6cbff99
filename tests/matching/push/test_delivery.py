"""Delivery: at least once with back-off, dead after the last attempt, never sent twice; the
webhook channel against a real local HTTP receiver (signed, idempotency key, 5xx retried,
4xx dead at once); operators' status and retry of the dead letters; batched inbox writes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.outbox import OutboxEvent
from jobs_api.core.pii import PiiVault
from jobs_api.inbox.models import InboxMessage
from jobs_api.inbox.service import Notice, deliver, deliver_many
from matching.push.delivery import (
    DELIVERIES_TOPIC,
    dead_letters,
    retry_dead,
    retry_delay,
    send_deliveries,
    send_due,
    status_counts,
)
from matching.push.fanout import FanoutCandidate, fan_out
from matching.push.models import DeliveryStatus, PushDelivery
from matching.push.preferences import PreferencesIn, update_preferences
from tests.matching.push.conftest import MakeGraduate
from tests.matching.push.helpers import NOON, published_job, webhook_receiver

Drain = Callable[[], None]
SECRET = "webhook-test-secret"


def _delivery(db: Session, user_id: int, channel: str, key: str = "job:1") -> PushDelivery:
    row = PushDelivery(
        user_id=user_id,
        channel=channel,
        kind="job_match",
        dedupe_key=key,
        job_ids=[1],
        payload={"title_zh": "新职位推荐：测试", "title_en": "New job", "link": "/jobs/1"},
        created_at=NOON,
    )
    db.add(row)
    db.flush()
    return row


def test_webhook_500_then_200_is_delivered_once_through_the_outbox(
    db: Session, container: Container, graduate: MakeGraduate, outbox: Drain
) -> None:
    with webhook_receiver(SECRET, script=[500]) as receiver:
        container.settings.push_webhook_url = receiver.url
        container.settings.push_webhook_secret = type(container.settings.secret_key)(SECRET)
        user = graduate()
        update_preferences(db, user.id, PreferencesIn(channels=["inbox", "webhook"]))
        job = published_job(db)
        db.commit()
        fan_out(
            container.session_factory,
            container.settings,
            job.id,
            [FanoutCandidate(user.id, 0.8)],
            now=NOON,
        )
        # the deliveries and their outbox event were committed together
        events = db.scalars(select(OutboxEvent).where(OutboxEvent.topic == DELIVERIES_TOPIC))
        assert len(events.all()) == 1
        outbox()  # the relay hands the event to the worker: inbox sent, webhook gets a 500
        webhook = db.scalars(select(PushDelivery).where(PushDelivery.channel == "webhook")).one()
        assert (webhook.status, webhook.attempts) == (DeliveryStatus.FAILED, 1)
        assert webhook.next_attempt_at is not None and "HTTP 500" in webhook.last_error
        # not due yet: the sweep leaves it alone
        early_time = webhook.next_attempt_at - timedelta(seconds=1)
        early = send_due(container.session_factory, container.settings, now=early_time)
        assert early.sent == 0 and len(receiver.received) == 1
        later = utcnow() + timedelta(hours=2)  # the worker sent at the real time
        assert send_due(container.session_factory, container.settings, now=later).sent == 1
        # and never again
        assert send_due(container.session_factory, container.settings, now=later).sent == 0
        outbox()
    assert [r.status for r in receiver.received] == [500, 200]
    assert all(r.signature_ok for r in receiver.received)
    assert {r.idempotency_key for r in receiver.received} == {f"{user.id}:job:{job.id}"}
    assert len(receiver.accepted) == 1
    body = receiver.accepted[0].body
    assert body["job_ids"] == [job.id] and body["title"] == "新职位推荐：Java开发工程师"
    db.expire_all()
    assert db.get(PushDelivery, webhook.id).status == DeliveryStatus.SENT  # type: ignore[union-attr]
    inbox = db.scalars(select(InboxMessage).where(InboxMessage.user_id == user.id)).all()
    assert [m.kind for m in inbox if m.kind.startswith("push.")] == ["push.job_match"]


def test_webhook_400_is_dead_without_retries(
    db: Session, container: Container, graduate: MakeGraduate
) -> None:
    with webhook_receiver(SECRET, script=[400, 400]) as receiver:
        settings = container.settings.model_copy(update={"push_webhook_url": receiver.url})
        user = graduate()
        row = _delivery(db, user.id, "webhook")
        db.commit()
        with job_session(container.session_factory) as session:
            report = send_deliveries(session, settings, [row.id], now=NOON)
        assert report.dead == 1 and report.retry == 0
        later = NOON + timedelta(days=1)
        assert send_due(container.session_factory, settings, now=later).sent == 0
    assert len(receiver.received) == 1
    db.expire_all()
    dead = db.get(PushDelivery, row.id)
    assert dead is not None and (dead.status, dead.attempts) == (DeliveryStatus.DEAD, 1)
    assert "HTTP 400" in dead.last_error


def test_retries_with_backoff_then_dead_then_operator_retry(
    db: Session, container: Container, graduate: MakeGraduate
) -> None:
    with webhook_receiver(SECRET, script=[503] * 3) as receiver:
        settings = container.settings.model_copy(
            update={"push_webhook_url": receiver.url, "push_max_attempts": 3}
        )
        user = graduate()
        row = _delivery(db, user.id, "webhook")
        db.commit()
        now = NOON
        gaps = []
        for _ in range(3):
            send_due(container.session_factory, settings, now=now)
            db.expire_all()
            current = db.get(PushDelivery, row.id)
            assert current is not None
            if current.next_attempt_at is not None:
                gaps.append((current.next_attempt_at - now).total_seconds())
                now = current.next_attempt_at
        assert len(receiver.received) == 3
        assert current.status == DeliveryStatus.DEAD and current.attempts == 3
        assert 1.6 <= gaps[0] <= 2.4 and 3.2 <= gaps[1] <= 4.8  # 2 s, 4 s with ±20 % jitter
        with job_session(container.session_factory) as session:
            assert status_counts(session) == {("dead", "webhook"): 1}
            assert [d.id for d in dead_letters(session)] == [row.id]
            assert retry_dead(session, row.id) == [row.id]
        # the receiver now answers 200: the revived delivery goes out once
        assert send_due(container.session_factory, settings, now=now).sent == 1
        assert send_due(container.session_factory, settings, now=now).sent == 0
    assert [r.status for r in receiver.received] == [503, 503, 503, 200]


def test_sent_is_never_sent_again_and_unconfigured_channel_is_dead(
    db: Session, container: Container, graduate: MakeGraduate
) -> None:
    user = graduate()
    inbox = _delivery(db, user.id, "inbox")
    email = _delivery(db, user.id, "email")  # no gateway configured
    db.commit()
    with job_session(container.session_factory) as session:
        first = send_deliveries(session, container.settings, [inbox.id, email.id], now=NOON)
    assert (first.sent, first.dead) == (1, 1)
    with job_session(container.session_factory) as session:
        second = send_deliveries(session, container.settings, [inbox.id, email.id], now=NOON)
    assert (second.sent, second.skipped) == (0, 2)
    messages = db.scalars(select(InboxMessage).where(InboxMessage.user_id == user.id)).all()
    assert [m.dedupe_key for m in messages if m.kind == "push.job_match"] == ["job:1"]


def test_retry_delay_grows_and_jitters() -> None:
    delays = [retry_delay(n).total_seconds() for n in (1, 2, 3, 12, 30)]
    assert 1.6 <= delays[0] <= 2.4 and 3.2 <= delays[1] <= 4.8 and 6.4 <= delays[2] <= 9.6
    assert delays[3] <= 3600 * 1.2 and delays[4] <= 3600 * 1.2


def test_deliver_many_is_idempotent_with_one_lookup(
    db: Session, container: Container, graduate: MakeGraduate
) -> None:
    a, b = graduate(), graduate()
    notice = Notice(kind="push.test", title_zh="测试", title_en="Test", dedupe_key="k:1")
    earlier = deliver(db, a.id, notice)
    items = [(a.id, notice), (b.id, notice), (b.id, notice)]
    made = deliver_many(db, items)
    assert made[0].id == earlier.id and made[1].id == made[2].id != earlier.id
    assert deliver_many(db, items)[1].id == made[1].id
    assert deliver_many(db, []) == []
    rows = db.scalars(select(InboxMessage).where(InboxMessage.kind == "push.test")).all()
    assert sorted(r.user_id for r in rows) == sorted([a.id, b.id])


def test_sms_gateway_gets_the_real_number_which_is_never_logged(
    db: Session,
    container: Container,
    graduate: MakeGraduate,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with webhook_receiver(SECRET, script=[503]) as receiver:
        settings = container.settings.model_copy(
            update={
                "push_sms_gateway_url": receiver.url,
                "push_email_gateway_url": receiver.url,
                "push_webhook_secret": SecretStr(SECRET),
            }
        )
        user = graduate()
        assert user.phone_cipher and user.phone_masked
        phone = PiiVault(settings.secret_key.get_secret_value()).decrypt(user.phone_cipher)
        sms = _delivery(db, user.id, "sms")
        email = _delivery(db, user.id, "email")  # the account has no e-mail address
        db.commit()
        with caplog.at_level(logging.DEBUG):
            send_due(container.session_factory, settings, now=NOON)  # 503: retried later
            send_due(container.session_factory, settings, now=NOON + timedelta(minutes=5))
    assert [r.body.get("phone") for r in receiver.received] == [phone, phone]
    assert all(r.signature_ok for r in receiver.received)
    assert phone not in caplog.text and phone not in "".join(
        str(r.last_error) for r in db.scalars(select(PushDelivery))
    )
    db.expire_all()
    assert db.get(PushDelivery, sms.id).status == DeliveryStatus.SENT  # type: ignore[union-attr]
    dead = db.get(PushDelivery, email.id)
    assert dead is not None and dead.status == DeliveryStatus.DEAD
    assert "no e-mail address" in dead.last_error
