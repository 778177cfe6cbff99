"""The daily expiry job: scheduled with rq's scheduler under a day-named id (scheduling twice
keeps one run), and when it runs it expires what is due and schedules the next day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from rq.registry import ScheduledJobRegistry

from employer_verification.automatic import verify_registered
from employer_verification.tasks import expire_verifications_job, schedule_daily_expiry
from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.queue import DEFAULT_QUEUE
from jobs_api.employers.models import Employer
from tests.factories.verification import local_verifier, make_applicant


@pytest.fixture
def worker(platform_with_reference: Container) -> Iterator[Container]:
    worker_context.install(platform_with_reference)
    yield platform_with_reference
    worker_context.uninstall()


def _scheduled(container: Container) -> list[str]:
    queue = container.queue.queue(DEFAULT_QUEUE)
    return ScheduledJobRegistry(queue=queue).get_job_ids()


def test_scheduling_twice_the_same_day_keeps_one_run(worker: Container) -> None:
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    first = schedule_daily_expiry(worker.queue, now=now)
    again = schedule_daily_expiry(worker.queue, now=now + timedelta(hours=3))
    assert first == again == "verification-expiry-20260303"
    assert _scheduled(worker) == [first]


def test_the_job_expires_due_verifications_and_schedules_the_next_run(worker: Container) -> None:
    with job_session(worker.session_factory) as session:
        employer = make_applicant(session)
        verify_registered(
            session, local_verifier(session), employer.id, now=utcnow() - timedelta(days=370)
        )
        employer_id = employer.id
    before = utcnow()
    assert expire_verifications_job() == 1
    after = utcnow()
    with worker.session_factory() as session:
        assert session.get_one(Employer, employer_id).verification_status == "expired"
    (scheduled,) = _scheduled(worker)
    day = timedelta(days=1)
    assert scheduled in {f"verification-expiry-{t + day:%Y%m%d}" for t in (before, after)}
