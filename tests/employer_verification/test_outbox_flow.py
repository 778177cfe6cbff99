"""The outbox path end to end: ``employers.registered`` -> relay -> rq worker -> case decided,
and the employer's jobs follow its standing in search (in after verification, out after
rejection or expiry) — with the handlers the composition root registers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from employer_verification.cases import Policy
from employer_verification.models import CaseState, VerificationCase
from employer_verification.tasks import expire_verifications
from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.outbox import OutboxEvent, OutboxStatus, handler_registry, relay_once
from jobs_api.core.queue import EVENTS_QUEUE
from jobs_api.core.search import SearchQuery
from jobs_api.employers.events import (
    publish_employer_details_changed,
    publish_employer_registered,
)
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.jobs.search_index import JOB_INDEX, ensure_job_index
from jobs_api.wiring import register_event_handlers
from tests.factories.jobs import make_job
from tests.factories.verification import make_applicant


@pytest.fixture
def wired(platform_with_reference: Container) -> Iterator[Container]:
    ensure_job_index(platform_with_reference.search)
    handler_registry.clear()
    register_event_handlers(handler_registry, platform_with_reference)
    worker_context.install(platform_with_reference)
    yield platform_with_reference
    worker_context.uninstall()
    handler_registry.clear()


def _drain(container: Container) -> None:
    """Relay and work until every event is delivered (a decision publishes a visibility
    event, which needs another round); a failed delivery fails the test with its error."""
    for _ in range(5):
        relay_once(container.session_factory, container.queue)
        queue = container.queue.queue(EVENTS_QUEUE)
        SimpleWorker([queue], connection=container.queue.redis).work(burst=True)
        with container.session_factory() as session:
            waiting = session.scalars(
                select(OutboxEvent).where(OutboxEvent.status != OutboxStatus.DELIVERED)
            ).all()
            failed = [f"{e.topic}: {e.last_error}" for e in waiting if e.last_error]
            assert failed == []
            if not waiting:
                return
    raise AssertionError("outbox events still waiting after 5 rounds")


def _found(container: Container, text: str) -> set[str]:
    page = container.search.search(JOB_INDEX, SearchQuery(text=text, size=50))
    return {hit.id for hit in page.hits}


def _register(container: Container, **kwargs: object) -> tuple[int, int]:
    """A registered employer with a published job, as registration leaves it."""
    with job_session(container.session_factory) as session:
        employer = make_applicant(session, **kwargs)  # type: ignore[arg-type]
        job = make_job(session, employer, title="嵌入式软件工程师")
        publish_employer_registered(session, employer.id)
        return employer.id, job.id


def _current(container: Container, employer_id: int) -> VerificationCase:
    with container.session_factory() as session:
        return session.scalars(
            select(VerificationCase)
            .where(VerificationCase.employer_id == employer_id)
            .order_by(VerificationCase.id.desc())
        ).first()  # type: ignore[return-value]


def test_registration_is_verified_through_the_outbox_and_jobs_enter_search(
    wired: Container,
) -> None:
    employer_id, job_id = _register(wired)
    assert _found(wired, "嵌入式") == set()
    _drain(wired)
    case = _current(wired, employer_id)
    assert case.state == CaseState.AUTO_VERIFIED
    assert _found(wired, "嵌入式") == {str(job_id)}
    with wired.session_factory() as session:
        statuses = set(session.scalars(select(OutboxEvent.status)))
        assert statuses == {OutboxStatus.DELIVERED}


def test_a_redelivered_event_does_not_decide_twice(wired: Container) -> None:
    employer_id, _ = _register(wired)
    _drain(wired)
    with job_session(wired.session_factory) as session:
        publish_employer_registered(session, employer_id)  # the same event, again
    _drain(wired)
    with wired.session_factory() as session:
        cases = session.scalars(
            select(VerificationCase).where(VerificationCase.employer_id == employer_id)
        ).all()
        assert [c.state for c in cases] == [CaseState.AUTO_VERIFIED]


def test_a_doubtful_employer_stays_out_of_search(wired: Container) -> None:
    employer_id, _ = _register(wired, registry_status="经营异常")
    _drain(wired)
    assert _current(wired, employer_id).state == CaseState.NEEDS_REVIEW
    assert _found(wired, "嵌入式") == set()


def test_a_change_of_name_takes_the_jobs_out_of_search_until_rechecked(
    wired: Container,
) -> None:
    employer_id, job_id = _register(wired)
    _drain(wired)
    assert _found(wired, "嵌入式") == {str(job_id)}
    with job_session(wired.session_factory) as session:
        session.get_one(Employer, employer_id).name = "杭州云帆智能装备有限公司"
        publish_employer_details_changed(session, employer_id, ["name"])
    _drain(wired)
    assert _current(wired, employer_id).state == CaseState.NEEDS_REVIEW
    assert _found(wired, "嵌入式") == set()


def test_expiry_takes_the_jobs_out_of_search(wired: Container) -> None:
    employer_id, job_id = _register(wired)
    _drain(wired)
    assert _found(wired, "嵌入式") == {str(job_id)}
    later = utcnow() + timedelta(days=366)
    assert expire_verifications(wired.session_factory, Policy(), now=later) == 1
    _drain(wired)
    with wired.session_factory() as session:
        status = session.get_one(Employer, employer_id).verification_status
        assert status == VerificationStatus.EXPIRED
    assert _found(wired, "嵌入式") == set()
