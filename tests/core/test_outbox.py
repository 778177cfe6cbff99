"""The outbox delivers every committed event at least once, and none of a rolled-back one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.outbox import (
    HandlerRegistry,
    OutboxEvent,
    OutboxStatus,
    backoff_seconds,
    deliver_event,
    handler_registry,
    publish,
    relay_once,
)
from jobs_api.core.outbox.delivery import DeliveryOutcome
from jobs_api.core.queue import EVENTS_QUEUE, QueueConnection


class Recorder:
    """A handler that records payloads and fails the first ``failures`` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[dict[str, Any]] = []
        self.failures = failures

    def __call__(self, session: Session, payload: dict[str, Any]) -> None:
        self.calls.append(payload)
        if len(self.calls) <= self.failures:
            raise ConnectionError("downstream unavailable")


@pytest.fixture
def recorder(container: Container) -> Iterator[Recorder]:
    handler = Recorder()
    handler_registry.clear()
    handler_registry.register("test.happened", handler, name="recorder")
    worker_context.install(container)
    yield handler
    worker_context.uninstall()
    handler_registry.clear()


def _publish(container: Container, n: int = 1) -> list[int]:
    with job_session(container.session_factory) as session:
        events = [publish(session, "test.happened", {"n": i}) for i in range(n)]
        session.flush()
        return [e.id for e in events]


def _event(container: Container, event_id: int) -> OutboxEvent:
    with container.session_factory() as session:
        return session.execute(select(OutboxEvent).where(OutboxEvent.id == event_id)).scalar_one()


def _run_worker(container: Container) -> None:
    queue = container.queue.queue(EVENTS_QUEUE)
    SimpleWorker([queue], connection=container.queue.redis).work(burst=True)


def test_rolled_back_transaction_publishes_nothing(container: Container) -> None:
    with pytest.raises(RuntimeError), job_session(container.session_factory) as session:
        publish(session, "test.happened", {"n": 1})
        raise RuntimeError("business rule failed")
    with container.session_factory() as session:
        assert session.scalars(select(OutboxEvent)).all() == []


def test_committed_event_reaches_handler_through_rq(
    container: Container, recorder: Recorder
) -> None:
    [event_id] = _publish(container)
    report = relay_once(container.session_factory, container.queue)
    assert (report.claimed, report.enqueued, report.queue_errors) == (1, 1, 0)
    assert _event(container, event_id).status == OutboxStatus.DISPATCHED
    _run_worker(container)
    assert recorder.calls == [{"n": 0}]
    event = _event(container, event_id)
    assert event.status == OutboxStatus.DELIVERED
    assert event.attempts == 1
    assert event.delivered_at is not None
    assert relay_once(container.session_factory, container.queue).claimed == 0


def test_handler_failure_is_retried_with_backoff(container: Container) -> None:
    handler = Recorder(failures=2)
    registry = HandlerRegistry()
    registry.register("test.happened", handler)
    [event_id] = _publish(container)

    before = utcnow()
    outcome = deliver_event(container.session_factory, event_id, registry=registry)
    assert outcome is DeliveryOutcome.RETRY_SCHEDULED
    event = _event(container, event_id)
    assert event.status == OutboxStatus.PENDING
    assert event.attempts == 1
    assert "downstream unavailable" in (event.last_error or "")
    assert event.available_at >= before + timedelta(seconds=backoff_seconds(1))

    # not due yet: the relay leaves it alone
    assert relay_once(container.session_factory, container.queue, now=before).claimed == 0
    assert deliver_event(container.session_factory, event_id, registry=registry) == (
        DeliveryOutcome.RETRY_SCHEDULED
    )
    assert deliver_event(container.session_factory, event_id, registry=registry) == (
        DeliveryOutcome.DELIVERED
    )
    assert len(handler.calls) == 3
    assert _event(container, event_id).last_error is None


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff_seconds(n) for n in range(1, 5)] == [2.0, 4.0, 8.0, 16.0]
    assert backoff_seconds(40) == 3600.0


def test_event_goes_dead_after_max_attempts(container: Container) -> None:
    registry = HandlerRegistry()
    registry.register("test.happened", Recorder(failures=99))
    [event_id] = _publish(container)
    outcomes = [
        deliver_event(container.session_factory, event_id, registry=registry, max_attempts=3)
        for _ in range(4)
    ]
    assert outcomes == [
        DeliveryOutcome.RETRY_SCHEDULED,
        DeliveryOutcome.RETRY_SCHEDULED,
        DeliveryOutcome.DEAD,
        DeliveryOutcome.ALREADY_DONE,
    ]
    assert _event(container, event_id).status == OutboxStatus.DEAD


def test_delivered_event_is_not_handled_twice(container: Container) -> None:
    handler = Recorder()
    registry = HandlerRegistry()
    registry.register("test.happened", handler)
    [event_id] = _publish(container)
    assert deliver_event(container.session_factory, event_id, registry=registry) == (
        DeliveryOutcome.DELIVERED
    )
    assert deliver_event(container.session_factory, event_id, registry=registry) == (
        DeliveryOutcome.ALREADY_DONE
    )
    assert len(handler.calls) == 1


def test_failed_handler_database_work_is_rolled_back(container: Container) -> None:
    def writes_then_fails(session: Session, payload: dict[str, Any]) -> None:
        publish(session, "test.side_effect", {"from": payload["n"]})
        session.flush()
        raise ConnectionError("search down")

    registry = HandlerRegistry()
    registry.register("test.happened", writes_then_fails)
    [event_id] = _publish(container)
    deliver_event(container.session_factory, event_id, registry=registry)
    with container.session_factory() as session:
        topics = session.scalars(select(OutboxEvent.topic)).all()
    assert topics == ["test.happened"]
    assert _event(container, event_id).attempts == 1


def test_queue_down_keeps_events_pending_and_loses_none(
    container: Container, recorder: Recorder
) -> None:
    ids = _publish(container, 3)
    dead_queue = QueueConnection(
        url="redis://127.0.0.1:1/0",
        redis=Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2),
    )
    now = utcnow()
    report = relay_once(container.session_factory, dead_queue, now=now)
    assert (report.claimed, report.enqueued, report.queue_errors) == (3, 0, 3)
    for event_id in ids:
        event = _event(container, event_id)
        assert event.status == OutboxStatus.PENDING
        assert event.attempts == 0  # a queue outage does not count against the event
        assert event.available_at > now

    later = now + timedelta(seconds=backoff_seconds(1) + 1)
    assert relay_once(container.session_factory, container.queue, now=later).enqueued == 3
    _run_worker(container)
    assert sorted(call["n"] for call in recorder.calls) == [0, 1, 2]
    assert all(_event(container, i).status == OutboxStatus.DELIVERED for i in ids)


def test_lost_job_is_redispatched_after_the_lease(container: Container, recorder: Recorder) -> None:
    [event_id] = _publish(container)
    now = utcnow()
    relay_once(container.session_factory, container.queue, now=now, lease_seconds=60)
    container.queue.redis.flushdb()  # the queued job is lost (e.g. Redis restarted empty)

    assert relay_once(container.session_factory, container.queue, now=now).claimed == 0
    after_lease = now + timedelta(seconds=61)
    report = relay_once(
        container.session_factory, container.queue, now=after_lease, lease_seconds=60
    )
    assert report.enqueued == 1
    _run_worker(container)
    assert recorder.calls == [{"n": 0}]
    assert _event(container, event_id).status == OutboxStatus.DELIVERED


def test_relay_batches_and_orders_by_id(container: Container, recorder: Recorder) -> None:
    ids = _publish(container, 5)
    first = relay_once(container.session_factory, container.queue, batch_size=2)
    second = relay_once(container.session_factory, container.queue, batch_size=2)
    third = relay_once(container.session_factory, container.queue, batch_size=2)
    assert (first.claimed, second.claimed, third.claimed) == (2, 2, 1)
    _run_worker(container)
    assert [call["n"] for call in recorder.calls] == [0, 1, 2, 3, 4]
    assert all(_event(container, i).status == OutboxStatus.DELIVERED for i in ids)
