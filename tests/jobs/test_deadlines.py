"""The automatic close at the deadline: published jobs close the day after their deadline
(Asia/Shanghai) with a reason, leave search through the outbox, in batches, idempotently; the
hourly rq job reschedules itself; publishing with a past deadline is refused and a job closed
at its deadline comes back only with a new deadline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jobs_api.cli import app
from jobs_api.core import worker_context
from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.outbox import OutboxEvent
from jobs_api.core.queue import DEFAULT_QUEUE
from jobs_api.core.search import SearchQuery
from jobs_api.core.settings import get_settings
from jobs_api.employers.models import Employer
from jobs_api.jobs.deadlines import close_expired_batch, close_expired_jobs, count_expired
from jobs_api.jobs.events import JOBS_CHANGED, publish_jobs_changed
from jobs_api.jobs.models import Job, JobCloseReason, JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.jobs.search_index import JOB_INDEX
from jobs_api.jobs.tasks import close_expired_jobs_job, schedule_hourly_deadline_close
from jobs_api.wiring import schedule_periodic_jobs
from tests.employers.fixtures import Drain, member_of
from tests.factories.jobs import make_employer, make_job

JOBS = "/api/v1/jobs"
TODAY = date(2026, 6, 30)


def _job(
    db: Session,
    employer: Employer,
    deadline: date | None,
    *,
    title: str = "Java开发工程师",
    status: JobStatus = JobStatus.PUBLISHED,
) -> Job:
    job = make_job(db, employer, title=title, status=status)
    job.deadline = deadline
    db.flush()
    return job


def _changed(db: Session) -> list[list[int]]:
    db.expire_all()
    return [
        list(e.payload["job_ids"])
        for e in db.scalars(
            select(OutboxEvent).where(OutboxEvent.topic == JOBS_CHANGED).order_by(OutboxEvent.id)
        )
    ]


def test_only_published_jobs_past_their_deadline_close(db: Session) -> None:
    employer = make_employer(db)
    yesterday = _job(db, employer, TODAY - timedelta(days=1))
    long_ago = _job(db, employer, TODAY - timedelta(days=90))
    today = _job(db, employer, TODAY)  # open through its deadline day
    tomorrow = _job(db, employer, TODAY + timedelta(days=1))
    no_deadline = _job(db, employer, None)
    draft = _job(db, employer, TODAY - timedelta(days=3), status=JobStatus.DRAFT)
    db.commit()

    assert count_expired(db, TODAY) == 2
    closed = close_expired_batch(db, TODAY)
    db.commit()

    assert sorted(closed) == sorted([yesterday.id, long_ago.id])
    db.expire_all()
    for job in (yesterday, long_ago):
        assert job.status == JobStatus.CLOSED
        assert job.closed_reason == JobCloseReason.DEADLINE
        assert job.closed_at is not None
    for job in (today, tomorrow, no_deadline):
        assert job.status == JobStatus.PUBLISHED and job.closed_at is None
    assert draft.status == JobStatus.DRAFT
    assert _changed(db) == [sorted(closed)]
    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "jobs.closed_at_deadline"))
    assert [a.detail["count"] for a in audit] == [2]


def test_the_closer_is_idempotent(db: Session, container: Container) -> None:
    employer = make_employer(db)
    job = _job(db, employer, TODAY - timedelta(days=1))
    db.commit()
    assert close_expired_jobs(container.session_factory, TODAY) == 1
    db.expire_all()
    first_closed_at = db.get_one(Job, job.id).closed_at
    assert first_closed_at is not None
    assert close_expired_jobs(container.session_factory, TODAY) == 0
    db.expire_all()
    assert db.get_one(Job, job.id).closed_at == first_closed_at
    assert _changed(db) == [[job.id]]  # one event, not one per run


def test_batches_at_the_boundary(db: Session, container: Container) -> None:
    employer = make_employer(db)
    due = [_job(db, employer, TODAY - timedelta(days=1 + i % 3)).id for i in range(7)]
    db.commit()
    seen: list[tuple[int, int]] = []

    closed = close_expired_jobs(
        container.session_factory,
        TODAY,
        batch_size=3,
        progress=lambda _stage, done, total: seen.append((done, total)),
    )

    assert closed == 7
    batches = _changed(db)
    assert [len(b) for b in batches] == [3, 3, 1]  # one transaction and one event per batch
    assert sorted(i for b in batches for i in b) == sorted(due)
    assert seen == [(0, 7), (3, 7), (6, 7), (7, 7)]
    # exactly a multiple of the batch size: one more (empty) round, and it stops
    more = [_job(db, employer, TODAY - timedelta(days=1)).id for _ in range(3)]
    db.commit()
    assert close_expired_jobs(container.session_factory, TODAY, batch_size=3) == 3
    assert sorted(_changed(db)[-1]) == sorted(more)
    assert count_expired(db, TODAY) == 0


def test_a_closed_job_leaves_search(db: Session, container: Container, outbox: Drain) -> None:
    employer = make_employer(db)
    expired = _job(db, employer, TODAY - timedelta(days=1), title="嵌入式软件工程师")
    current = _job(db, employer, TODAY + timedelta(days=10), title="嵌入式硬件工程师")
    publish_jobs_changed(db, [expired.id, current.id])
    db.commit()
    outbox()

    def found() -> set[str]:
        page = container.search.search(JOB_INDEX, SearchQuery(text="嵌入式", size=20))
        return {hit.id for hit in page.hits}

    assert found() == {str(expired.id), str(current.id)}
    assert close_expired_jobs(container.session_factory, TODAY) == 1
    outbox()
    assert found() == {str(current.id)}


@pytest.fixture
def worker(container: Container, db: Session) -> Iterator[Container]:
    worker_context.install(container)
    yield container
    worker_context.uninstall()


def _scheduled(container: Container) -> list[str]:
    return ScheduledJobRegistry(queue=container.queue.queue(DEFAULT_QUEUE)).get_job_ids()


def test_the_hourly_job_closes_and_reschedules(db: Session, worker: Container) -> None:
    employer = make_employer(db)
    job = _job(db, employer, china_today() - timedelta(days=1))
    db.commit()
    assert close_expired_jobs_job() == 1
    db.expire_all()
    assert db.get_one(Job, job.id).status == JobStatus.CLOSED
    (scheduled,) = _scheduled(worker)
    assert scheduled.startswith("jobs-deadline-close-")


def test_scheduling_twice_in_one_hour_keeps_one_run(worker: Container) -> None:
    first = schedule_hourly_deadline_close(worker.queue)
    again = schedule_hourly_deadline_close(worker.queue)
    assert first == again
    assert _scheduled(worker) == [first]
    assert first in schedule_periodic_jobs(worker)  # the worker start schedules it too
    assert len([j for j in _scheduled(worker) if j.startswith("jobs-deadline-close-")]) == 1


def test_cli_closes_expired_jobs(
    db: Session, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    employer = make_employer(db)
    job = _job(db, employer, china_today() - timedelta(days=2))
    db.commit()
    monkeypatch.setenv("GRADMATCH_DATABASE_URL", container.settings.resolved_database_url())
    monkeypatch.setenv("GRADMATCH_REDIS_URL", container.settings.redis_url)
    monkeypatch.setenv("GRADMATCH_ELASTICSEARCH_URL", container.settings.elasticsearch_url)
    monkeypatch.setenv("GRADMATCH_DATA_DIR", str(container.settings.data_dir))
    monkeypatch.setenv("GRADMATCH_ENVIRONMENT", "test")
    monkeypatch.setenv("GRADMATCH_SEARCH_INDEX_PREFIX", container.settings.search_index_prefix)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["close-expired-jobs"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "closed 1 jobs" in result.output
    db.expire_all()
    assert db.get_one(Job, job.id).closed_reason == JobCloseReason.DEADLINE


# --- publishing and the deadline -----------------------------------------------------------


def test_publishing_with_a_past_deadline_is_refused(
    api: TestClient, db: Session, container: Container
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    job = _job(db, employer, china_today() - timedelta(days=1), status=JobStatus.DRAFT)
    db.commit()
    refused = api.post(f"{JOBS}/{job.id}/publish", headers=owner.headers)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "job_deadline_passed"
    assert "截止日期已过" in error["message"] and "deadline" in error["fields"]


def test_a_job_closed_at_its_deadline_republishes_only_with_a_new_one(
    api: TestClient, db: Session, container: Container
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    job = _job(db, employer, china_today() - timedelta(days=1))
    db.commit()
    assert close_expired_jobs(container.session_factory) == 1
    shown = api.get(f"{JOBS}/{job.id}", headers=owner.headers).json()
    assert shown["status"] == "closed" and shown["closed_reason"] == "deadline"

    refused = api.post(f"{JOBS}/{job.id}/publish", headers=owner.headers)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "job_deadline_passed"

    new_deadline = (china_today() + timedelta(days=20)).isoformat()
    edited = api.patch(f"{JOBS}/{job.id}", json={"deadline": new_deadline}, headers=owner.headers)
    assert edited.status_code == 200, edited.text
    again = api.post(f"{JOBS}/{job.id}/publish", headers=owner.headers)
    assert again.status_code == 200
    body = again.json()
    assert body["status"] == "published" and body["closed_reason"] is None
    assert body["deadline"] == new_deadline


def test_an_employer_close_records_its_reason(
    api: TestClient, db: Session, container: Container
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    job = _job(db, employer, None)
    db.commit()
    closed = api.post(f"{JOBS}/{job.id}/close", headers=owner.headers).json()
    assert closed["closed_reason"] == "employer"
