"""The matching runtime: outbox to vectors, persistence, start-up repair, re-embedding."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from rq import SimpleWorker
from sqlalchemy.orm import Session

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.outbox import handler_registry, relay_once
from jobs_api.core.queue import DEFAULT_QUEUE, EVENTS_QUEUE
from jobs_api.core.settings import Settings
from jobs_api.demo.matching_accounts import (
    create_demo_matching_accounts,
    opt_in_demo_graduate_accounts,
)
from jobs_api.employers.events import publish_employer_profile_changed
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.graduates.events import publish_profile_changed
from jobs_api.graduates.models import GraduateProfile
from jobs_api.identity.principal import Role
from jobs_api.jobs.events import publish_employer_visibility_changed, publish_jobs_changed
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.reference.service import load_reference
from jobs_api.wiring import register_event_handlers
from matching.embeddings.base import Embedder
from matching.embeddings.embedder import load_embedder
from matching.indexing import index_jobs
from matching.runtime import RUNTIME_KEY, MatchingRuntime, matching_runtime
from matching.sources import matchable_graduate_ids
from matching.store import index_hash, stored_hashes
from matching.tasks import (
    EMBED_MISSING_JOB_ID,
    reconcile_vectors_job,
    reembed,
    schedule_vector_reconcile,
    start_matching,
)
from matching.vector_index.faiss_index import FaissVectorIndex
from tests.factories.graduates import make_record
from tests.factories.identity import make_university, make_user
from tests.factories.jobs import make_employer, make_job
from tests.matching.test_indexing import CountingEmbedder, make_matchable_graduate


@pytest.fixture(scope="session")
def model() -> Embedder:
    return load_embedder(Settings())


@pytest.fixture
def embedder(model: Embedder) -> CountingEmbedder:
    return CountingEmbedder(model)


@pytest.fixture
def wired(container: Container, embedder: CountingEmbedder) -> Iterator[Container]:
    """The container as the worker has it: handlers registered, runtime with the counter."""
    with job_session(container.session_factory) as session:
        load_reference(session)
    runtime = MatchingRuntime(container.settings, embedder=embedder, save_seconds=0)
    container.extras[RUNTIME_KEY] = runtime
    handler_registry.clear()
    register_event_handlers(handler_registry, container)
    worker_context.install(container)
    yield container
    worker_context.uninstall()
    handler_registry.clear()
    runtime.close()


def drain(container: Container) -> None:
    relay_once(container.session_factory, container.queue)
    queues = [container.queue.queue(EVENTS_QUEUE), container.queue.queue(DEFAULT_QUEUE)]
    SimpleWorker(queues, connection=container.queue.redis).work(burst=True)


def fresh_runtime(container: Container, embedder: CountingEmbedder) -> MatchingRuntime:
    return MatchingRuntime(container.settings, embedder=embedder, save_seconds=0)


def test_publish_then_close_through_the_outbox(
    wired: Container, embedder: CountingEmbedder
) -> None:
    with job_session(wired.session_factory) as session:
        job = make_job(session, make_employer(session), title="嵌入式软件工程师")
        publish_jobs_changed(session, [job.id])
    drain(wired)

    runtime = matching_runtime(wired)
    with wired.session_factory() as session:
        assert set(stored_hashes(session, "job", [job.id])) == {job.id}
    assert runtime.index("job").contains([job.id]) == [True]
    assert len(embedder.passages) == 1

    with job_session(wired.session_factory) as session:
        closing = session.get(Job, job.id)
        assert closing is not None
        closing.status = JobStatus.CLOSED
        publish_jobs_changed(session, [job.id])
    drain(wired)

    assert runtime.index("job").contains([job.id]) == [False]
    assert len(embedder.passages) == 1


def test_profile_event_indexes_the_graduate(wired: Container) -> None:
    with job_session(wired.session_factory) as session:
        record_id, _ = make_matchable_graduate(session, wired.settings)
        publish_profile_changed(session, [record_id])
    drain(wired)
    assert matching_runtime(wired).index("graduate").contains([record_id]) == [True]


def test_a_new_runtime_loads_the_saved_index(
    container: Container, embedder: CountingEmbedder, session: Session
) -> None:
    first = fresh_runtime(container, embedder)
    job = make_job(session, make_employer(session), title="嵌入式工程师")
    index_jobs(session, first, [job.id])
    session.commit()
    first.close()

    second = fresh_runtime(container, embedder)
    try:
        assert second.index("job").contains([job.id]) == [True]
        assert len(embedder.passages) == 1
    finally:
        second.close()


def test_lost_files_are_rebuilt_from_the_store(
    container: Container, embedder: CountingEmbedder, session: Session
) -> None:
    first = fresh_runtime(container, embedder)
    jobs = [make_job(session, make_employer(session), title=t) for t in ("会计", "出纳")]
    index_jobs(session, first, [j.id for j in jobs])
    session.commit()
    first.close()
    directory = Path(container.settings.data_dir) / "vectors"
    removed = [p for p in directory.iterdir() if "jobs-vectors" in p.name]
    assert removed
    for path in removed:
        path.unlink()

    second = fresh_runtime(container, embedder)
    try:
        report = second.start(container.session_factory)
        assert report.reconciled["job"].missing == 2
        assert second.index("job").contains([j.id for j in jobs]) == [True, True]
        assert len(embedder.passages) == 2  # nothing embedded again
    finally:
        second.close()


def test_stale_and_extra_vectors_are_repaired_at_start(
    container: Container, embedder: CountingEmbedder, session: Session
) -> None:
    runtime = fresh_runtime(container, embedder)
    try:
        job = make_job(session, make_employer(session), title="护士")
        index_jobs(session, runtime, [job.id])
        session.commit()
        index = runtime.index("job")
        wrong = np.zeros(index.dimension, dtype=np.float32)
        wrong[0] = 1.0
        index.add([job.id], [wrong], [12345])  # a stale vector
        index.add([job.id + 500], [wrong], [678])  # an id the store does not know

        report = runtime.start(container.session_factory)

        assert report.reconciled["job"].changed == 1
        assert report.reconciled["job"].extra == 1
        assert index.contains([job.id, job.id + 500]) == [True, False]
        stored = runtime.vectors(session, "job", [job.id])[job.id]
        hits = index.search(stored, 1)
        assert hits[0].id == job.id and hits[0].score > 0.99
        held = dict(index.ids_with_hashes())
        expected = stored_hashes(session, "job", [job.id])[job.id]
        assert held[job.id] == index_hash(expected)
    finally:
        runtime.close()


def test_unreadable_files_start_empty_and_are_refilled(
    container: Container, embedder: CountingEmbedder, session: Session
) -> None:
    first = fresh_runtime(container, embedder)
    job = make_job(session, make_employer(session), title="园林设计师")
    index_jobs(session, first, [job.id])
    session.commit()
    first.close()
    directory = Path(container.settings.data_dir) / "vectors"
    for path in directory.glob("*jobs-vectors*.faiss"):
        path.write_bytes(b"broken")

    second = fresh_runtime(container, embedder)
    try:
        second.start(container.session_factory)
        assert second.index("job").contains([job.id]) == [True]
    finally:
        second.close()


def test_start_queues_the_embedding_of_what_has_no_vector(
    wired: Container, embedder: CountingEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    with job_session(wired.session_factory) as session:
        employer = make_employer(session)
        ids = [make_job(session, employer, title=f"销售代表{i}").id for i in range(3)]
        record_id, _ = make_matchable_graduate(session, wired.settings)

    report = start_matching(wired)

    assert report.unembedded == {"job": 3, "graduate": 1}
    queued = wired.queue.queue(DEFAULT_QUEUE).job_ids
    assert EMBED_MISSING_JOB_ID in queued
    assert embedder.passages == []  # start-up never embeds

    with caplog.at_level(logging.INFO, logger="matching.tasks"):
        drain(wired)
    # Progress is routine: INFO, not WARNING.
    progress = [r for r in caplog.records if r.getMessage().startswith("向量化岗位: 3 / 3")]
    assert [r.levelno for r in progress] == [logging.INFO]

    runtime = matching_runtime(wired)
    assert runtime.index("job").contains(ids) == [True, True, True]
    assert runtime.index("graduate").contains([record_id]) == [True]
    assert len(embedder.passages) == 4
    assert start_matching(wired).unembedded == {"job": 0, "graduate": 0}


def test_reembed_is_resumable_and_force_redoes_everything(
    container: Container, embedder: CountingEmbedder, session: Session
) -> None:
    employer = make_employer(session)
    ids = [make_job(session, employer, title=f"教师{i}").id for i in range(3)]
    session.commit()
    runtime = fresh_runtime(container, embedder)
    try:
        # a run that stopped after the first batch
        index_jobs(session, runtime, ids[:1])
        session.commit()
        seen: list[tuple[str, int, int]] = []

        resumed = reembed(
            container.session_factory,
            runtime,
            "jobs",
            batch=2,
            progress=lambda stage, done, total: seen.append((stage, done, total)),
        )

        assert resumed.reports["job"].embedded == 2
        assert resumed.reports["job"].unchanged == 1
        assert seen[0] == ("向量化岗位", 0, 3)
        assert seen[-1] == ("向量化岗位", 3, 3)
        assert resumed.texts_per_second > 0
        assert reembed(container.session_factory, runtime, "all").embedded == 0
        forced = reembed(container.session_factory, runtime, "jobs", force=True)
        assert forced.embedded == 3
    finally:
        runtime.close()


def test_a_reader_reloads_what_the_writer_saved(
    container: Container, embedder: CountingEmbedder, session: Session
) -> None:
    writer = fresh_runtime(container, embedder)
    reader = MatchingRuntime(container.settings, embedder=embedder, refresh_seconds=0)
    try:
        assert reader.index("job").count() == 0
        job = make_job(session, make_employer(session), title="翻译")
        index_jobs(session, writer, [job.id])  # save_seconds=0: saved at once
        session.commit()
        index = reader.index("job")
        assert isinstance(index, FaissVectorIndex)
        assert index.contains([job.id]) == [True]
    finally:
        writer.close()
        reader.close()


def test_one_runtime_per_container(container: Container) -> None:
    assert matching_runtime(container) is matching_runtime(container)
    with pytest.raises(ValueError, match="unknown vector kind"):
        matching_runtime(container).index("employer")
    matching_runtime(container).close()


@pytest.fixture
def session(container: Container) -> Iterator[Session]:
    with job_session(container.session_factory) as setup:
        load_reference(setup)
    with container.session_factory() as opened:
        yield opened


def test_demo_graduates_become_matchable_once(session: Session, container: Container) -> None:
    university = make_university(session)
    free = make_record(session, university, container.settings).record
    session.add(GraduateProfile(student_record_id=free.id, skills=["Excel"]))
    no_profile = make_record(session, university, container.settings).record
    taken, _ = make_matchable_graduate(session, container.settings)
    session.commit()

    assert create_demo_matching_accounts(session) == 1
    assert create_demo_matching_accounts(session) == 0
    session.commit()

    matchable = set(session.scalars(matchable_graduate_ids()))
    assert free.id in matchable and taken in matchable
    assert no_profile.id not in matchable


def test_the_printed_demo_graduate_account_is_opted_in(
    session: Session, container: Container
) -> None:
    university = make_university(session)
    record = make_record(session, university, container.settings).record
    session.add(GraduateProfile(student_record_id=record.id, skills=["Excel"]))
    user = make_user(session, Role.GRADUATE, container.settings, student_record_id=record.id)
    user.username = "grad-demo-1"
    session.commit()
    assert record.id not in set(session.scalars(matchable_graduate_ids()))

    assert opt_in_demo_graduate_accounts(session) == 1
    assert opt_in_demo_graduate_accounts(session) == 1  # idempotent: no second consent row
    session.commit()

    assert record.id in set(session.scalars(matchable_graduate_ids()))


def test_hourly_reconcile_repairs_and_schedules_the_next(
    wired: Container, embedder: CountingEmbedder
) -> None:
    with job_session(wired.session_factory) as session:
        job = make_job(session, make_employer(session), title="电工")
        index_jobs(session, matching_runtime(wired), [job.id])
    index = matching_runtime(wired).index("job")
    index.remove([job.id])  # drift: e.g. another process saved over the files

    job_id = schedule_vector_reconcile(wired.queue, delay=timedelta(seconds=0))
    assert job_id.startswith("matching-reconcile-")
    result = reconcile_vectors_job()

    assert result["job_added"] == 1
    assert index.contains([job.id]) == [True]
    scheduled = wired.queue.queue(DEFAULT_QUEUE).scheduled_job_registry.get_job_ids()
    assert any(i.startswith("matching-reconcile-") for i in scheduled)
    assert len(embedder.passages) == 1


def test_background_embedding_runs_in_chunks(
    container: Container, embedder: CountingEmbedder, session: Session
) -> None:
    employer = make_employer(session)
    for i in range(3):
        make_job(session, employer, title=f"厨师{i}")
    session.commit()
    runtime = fresh_runtime(container, embedder)
    try:
        first = reembed(
            container.session_factory, runtime, "jobs", batch=1, only_missing=True, max_items=2
        )
        assert not first.complete
        assert first.embedded == 2
        rest = reembed(container.session_factory, runtime, "jobs", only_missing=True)
        assert rest.complete
        assert rest.embedded == 1
        assert runtime.index("job").count() == 3
    finally:
        runtime.close()


def test_employer_events_reach_their_jobs(wired: Container, embedder: CountingEmbedder) -> None:
    with job_session(wired.session_factory) as session:
        employer = make_employer(session, name="宁波港务集团")
        job = make_job(session, employer, title="港口调度员")
        publish_jobs_changed(session, [job.id])
    drain(wired)
    index = matching_runtime(wired).index("job")
    assert index.contains([job.id]) == [True]

    with job_session(wired.session_factory) as session:
        publish_employer_profile_changed(session, employer.id, ["size"])  # not in the text
    drain(wired)
    assert len(embedder.passages) == 1

    with job_session(wired.session_factory) as session:
        renamed = session.get_one(Employer, employer.id)
        renamed.name = "宁波舟山港集团"
        publish_employer_profile_changed(session, employer.id, ["name"])
    drain(wired)
    assert len(embedder.passages) == 2
    assert "宁波舟山港集团" in embedder.passages[-1]

    with job_session(wired.session_factory) as session:
        lapsed = session.get_one(Employer, employer.id)
        lapsed.verification_status = VerificationStatus.EXPIRED
        publish_employer_visibility_changed(session, employer.id)
    drain(wired)
    assert index.contains([job.id]) == [False]
