"""Interview reminders: 24 hours and 1 hour before a confirmed interview, each exactly once
(reruns and a lost ``reminder_sent_at`` send nothing new), in batches; the quarter-hour job,
its schedule at worker start, and ``gradmatch send-interview-reminders``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.cli import app as cli_app
from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import utcnow
from jobs_api.core.queue import DEFAULT_QUEUE
from jobs_api.inbox.models import InboxMessage
from jobs_api.interviews.models import Interview, InterviewStatus
from jobs_api.interviews.reminders import send_due_reminders
from jobs_api.interviews.tasks import (
    next_run,
    schedule_interview_reminders,
    send_interview_reminders_job,
)
from jobs_api.wiring import schedule_periodic_jobs
from tests.employers.fixtures import Campus
from tests.factories.applications import Hiring, make_hiring
from tests.factories.interviews import make_interview

NOW = datetime(2031, 5, 12, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


@pytest.fixture
def hiring(db: Session, container: Container, campus: Campus) -> Hiring:
    made = make_hiring(db, container.settings)
    db.commit()
    return made


def _confirmed(db: Session, hiring: Hiring, start: datetime) -> Interview:
    interview = make_interview(db, hiring, [start], status=InterviewStatus.CONFIRMED)
    db.commit()
    return interview


def _reminders(db: Session, user_id: int) -> list[InboxMessage]:
    db.expire_all()
    return list(
        db.scalars(
            select(InboxMessage)
            .where(InboxMessage.user_id == user_id, InboxMessage.kind == "interview.reminder")
            .order_by(InboxMessage.id)
        )
    )


def test_24h_then_1h_reminder_each_exactly_once(
    db: Session, container: Container, hiring: Hiring
) -> None:
    start = NOW + timedelta(hours=20)
    interview = _confirmed(db, hiring, start)
    factory = container.session_factory
    assert send_due_reminders(factory, NOW - timedelta(hours=5)) == 0  # 25 h ahead: not yet
    assert send_due_reminders(factory, NOW) == 1
    assert send_due_reminders(factory, NOW) == 0  # rerun
    assert send_due_reminders(factory, NOW + timedelta(hours=10)) == 0  # still 10 h ahead
    (first,) = _reminders(db, hiring.graduate.user.id)
    assert "24 小时内" in first.body_zh and "2031-05-13 06:00–07:00" in first.body_zh
    assert first.link == "/me/interviews" and first.payload["interview_id"] == interview.id
    assert send_due_reminders(factory, start - timedelta(minutes=50)) == 1
    assert send_due_reminders(factory, start - timedelta(minutes=35)) == 0
    assert send_due_reminders(factory, start + timedelta(minutes=5)) == 0  # started
    reminders = _reminders(db, hiring.graduate.user.id)
    assert len(reminders) == 2 and "1 小时内" in reminders[1].body_zh


def test_a_lost_flag_does_not_send_twice(db: Session, container: Container, hiring: Hiring) -> None:
    interview = _confirmed(db, hiring, NOW + timedelta(hours=3))
    assert send_due_reminders(container.session_factory, NOW) == 1
    stored = db.get_one(Interview, interview.id)
    stored.reminder_sent_at = None  # as if the flag had been lost after the notice
    db.commit()
    send_due_reminders(container.session_factory, NOW + timedelta(minutes=15))
    assert len(_reminders(db, hiring.graduate.user.id)) == 1  # the inbox key held


def test_only_confirmed_interviews_are_reminded_and_a_new_time_is_reminded_again(
    db: Session, container: Container, hiring: Hiring
) -> None:
    make_interview(db, hiring, [NOW + timedelta(hours=2)])  # proposed
    cancelled = make_interview(db, hiring, [NOW + timedelta(hours=3)])
    cancelled.status = InterviewStatus.CANCELLED
    soon = make_interview(
        db, hiring, [NOW + timedelta(minutes=30)], status=InterviewStatus.CONFIRMED
    )
    db.commit()
    assert send_due_reminders(container.session_factory, NOW) == 1  # only the 1 h one
    (only,) = _reminders(db, hiring.graduate.user.id)
    assert "1 小时内" in only.body_zh
    moved = db.get_one(Interview, soon.id)
    moved.starts_at = NOW + timedelta(hours=5)
    moved.ends_at = moved.starts_at + timedelta(hours=1)
    moved.reminder_sent_at = None  # what confirming a new time does
    db.commit()
    assert send_due_reminders(container.session_factory, NOW) == 1
    assert len(_reminders(db, hiring.graduate.user.id)) == 2


def test_reminders_go_out_in_batches(db: Session, container: Container, campus: Campus) -> None:
    graduates = []
    for hour in range(1, 8):
        hiring = make_hiring(db, container.settings)
        make_interview(
            db, hiring, [NOW + timedelta(hours=hour * 2)], status=InterviewStatus.CONFIRMED
        )
        graduates.append(hiring.graduate.user.id)
    db.commit()
    assert send_due_reminders(container.session_factory, NOW, batch_size=3) == 7
    assert send_due_reminders(container.session_factory, NOW, batch_size=3) == 0
    for user_id in graduates:
        assert len(_reminders(db, user_id)) == 1


@pytest.fixture
def worker(container: Container) -> Iterator[Container]:
    worker_context.install(container)
    yield container
    worker_context.uninstall()


def _scheduled(container: Container) -> list[str]:
    queue = container.queue.queue(DEFAULT_QUEUE)
    registry = ScheduledJobRegistry(queue=queue)  # type: ignore[no-untyped-call]
    return [j for j in registry.get_job_ids() if "interview" in j]


def test_the_quarter_hour_schedule_keeps_one_job_per_run(worker: Container) -> None:
    assert next_run(datetime(2031, 5, 12, 2, 7, 30, tzinfo=UTC)) == datetime(
        2031, 5, 12, 2, 15, tzinfo=UTC
    )
    assert next_run(datetime(2031, 5, 12, 2, 45, tzinfo=UTC)) == datetime(
        2031, 5, 12, 3, 0, tzinfo=UTC
    )
    first = schedule_interview_reminders(worker.queue, now=NOW + timedelta(minutes=1))
    again = schedule_interview_reminders(worker.queue, now=NOW + timedelta(minutes=14))
    assert first == again == "interview-reminders-203105120215"
    assert _scheduled(worker) == [first]


def test_the_worker_start_schedules_it(worker: Container) -> None:
    started = [j for j in schedule_periodic_jobs(worker) if j.startswith("interview-reminders-")]
    assert len(started) == 1 and _scheduled(worker) == started


def test_the_job_sends_and_schedules_the_next_run(
    db: Session, worker: Container, hiring: Hiring
) -> None:
    _confirmed(db, hiring, utcnow() + timedelta(hours=2))
    before = utcnow()
    assert send_interview_reminders_job() == 1
    after = utcnow()
    assert len(_reminders(db, hiring.graduate.user.id)) == 1
    (scheduled,) = _scheduled(worker)
    assert scheduled in {f"interview-reminders-{next_run(t):%Y%m%d%H%M}" for t in (before, after)}


def test_the_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADMATCH_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GRADMATCH_ENVIRONMENT", "test")
    runner = CliRunner()
    assert runner.invoke(cli_app, ["migrate"]).exit_code == 0
    result = runner.invoke(cli_app, ["send-interview-reminders"])
    assert result.exit_code == 0, result.output
    assert "sent 0 interview reminders" in result.output


def test_no_reminder_once_the_application_is_closed(
    db: Session, container: Container, hiring: Hiring
) -> None:
    _confirmed(db, hiring, NOW + timedelta(hours=3))
    db.get_one(Application, hiring.application.id).status = ApplicationStatus.WITHDRAWN
    db.commit()
    assert send_due_reminders(container.session_factory, NOW) == 0
    assert _reminders(db, hiring.graduate.user.id) == []
