"""Search follows the database through the outbox, and a search outage delays, never loses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.outbox import OutboxEvent, OutboxStatus, handler_registry, relay_once
from jobs_api.core.queue import EVENTS_QUEUE
from jobs_api.core.search import SearchBackend, SearchQuery
from jobs_api.core.search.elastic import ElasticsearchBackend
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.jobs.events import publish_employer_visibility_changed, publish_jobs_changed
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.search_index import JOB_INDEX
from jobs_api.reference.service import load_reference
from jobs_api.wiring import register_event_handlers
from tests.factories.jobs import make_employer, make_job


@pytest.fixture
def wired(container: Container) -> Iterator[Container]:
    with job_session(container.session_factory) as session:
        load_reference(session)
    handler_registry.clear()
    register_event_handlers(handler_registry, container)
    worker_context.install(container)
    yield container
    worker_context.uninstall()
    handler_registry.clear()


def _drain(container: Container) -> None:
    relay_once(container.session_factory, container.queue)
    queue = container.queue.queue(EVENTS_QUEUE)
    SimpleWorker([queue], connection=container.queue.redis).work(burst=True)


def _ids(search: SearchBackend, text: str) -> set[str]:
    page = search.search(JOB_INDEX, SearchQuery(text=text, size=50))
    return {hit.id for hit in page.hits}


def test_published_job_appears_after_the_event_is_delivered(wired: Container) -> None:
    with job_session(wired.session_factory) as session:
        job = make_job(session, make_employer(session), title="软件工程师")
        publish_jobs_changed(session, [job.id])
    _drain(wired)
    assert _ids(wired.search, "软件") == {str(job.id)}


def test_closed_job_leaves_search(wired: Container) -> None:
    with job_session(wired.session_factory) as session:
        job = make_job(session, make_employer(session), title="数据分析师")
        publish_jobs_changed(session, [job.id])
    _drain(wired)
    assert _ids(wired.search, "数据分析") == {str(job.id)}
    with job_session(wired.session_factory) as session:
        stored = session.get_one(Job, job.id)
        stored.status = JobStatus.CLOSED
        stored.closed_at = utcnow()
        publish_jobs_changed(session, [job.id])
    _drain(wired)
    assert _ids(wired.search, "数据分析") == set()


def test_rejected_employer_jobs_leave_search(wired: Container) -> None:
    with job_session(wired.session_factory) as session:
        employer = make_employer(session)
        jobs = [make_job(session, employer, title=f"护士 {i}") for i in range(3)]
        publish_jobs_changed(session, [j.id for j in jobs])
    _drain(wired)
    assert len(_ids(wired.search, "护士")) == 3
    with job_session(wired.session_factory) as session:
        session.get_one(Employer, employer.id).verification_status = VerificationStatus.REJECTED
        publish_employer_visibility_changed(session, employer.id)
    _drain(wired)
    assert _ids(wired.search, "护士") == set()


def test_search_outage_delays_the_update_and_loses_nothing(wired: Container) -> None:
    live_search = wired.search
    wired.search = ElasticsearchBackend("http://127.0.0.1:1", index_prefix="down")
    handler_registry.clear()
    register_event_handlers(handler_registry, wired)
    with job_session(wired.session_factory) as session:
        job = make_job(session, make_employer(session), title="机械设计工程师")
        publish_jobs_changed(session, [job.id])
    _drain(wired)
    with wired.session_factory() as session:
        event = session.scalars(select(OutboxEvent)).one()
        assert event.status == OutboxStatus.PENDING
        assert event.attempts == 1
        assert event.last_error
        event_id = event.id

    wired.search.close()
    wired.search = live_search
    handler_registry.clear()
    register_event_handlers(handler_registry, wired)
    with job_session(wired.session_factory) as session:  # the back-off has passed
        session.get_one(OutboxEvent, event_id).available_at = utcnow()
    _drain(wired)
    with wired.session_factory() as session:
        assert session.get_one(OutboxEvent, event_id).status == OutboxStatus.DELIVERED
    assert _ids(wired.search, "机械设计") == {str(job.id)}
