"""Indexing jobs and graduates: embed what changed only, add and remove by matchability."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.settings import Settings
from jobs_api.employers.models import VerificationStatus
from jobs_api.graduates.consent import grant_consents, withdraw_consent
from jobs_api.graduates.models import ConsentPurpose, GraduateProfile, Visibility
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import Role
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.reference.service import load_reference
from matching.embeddings.base import Embedder, FloatMatrix, ProgressCallback
from matching.embeddings.embedder import load_embedder
from matching.indexing import index_graduates, index_jobs
from matching.models import MatchGraduateProvince, MatchVector
from matching.regions import graduates_wanting
from matching.runtime import MatchingRuntime
from matching.store import stored_hashes
from tests.factories.graduates import make_record
from tests.factories.identity import make_university, make_user
from tests.factories.jobs import make_employer, make_job


class CountingEmbedder:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.passages: list[str] = []
        self.queries: list[str] = []

    def embed_passages(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 64,
        progress: ProgressCallback | None = None,
    ) -> FloatMatrix:
        self.passages.extend(texts)
        return self.inner.embed_passages(texts, batch_size=batch_size, progress=progress)

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        self.queries.extend(texts)
        return self.inner.embed_queries(texts)


@pytest.fixture(scope="session")
def model() -> Embedder:
    return load_embedder(Settings())


@pytest.fixture
def embedder(model: Embedder) -> CountingEmbedder:
    return CountingEmbedder(model)


@pytest.fixture
def runtime(container: Container, embedder: CountingEmbedder) -> Iterator[MatchingRuntime]:
    made = MatchingRuntime(container.settings, embedder=embedder, autosave=False)
    yield made
    made.close()


@pytest.fixture
def session(container: Container) -> Iterator[Session]:
    with job_session(container.session_factory) as setup:
        load_reference(setup)
    with container.session_factory() as opened:
        yield opened


def make_matchable_graduate(
    session: Session, settings: Settings, *, skills: Sequence[str] = ("Python",)
) -> tuple[int, User]:
    """A student record with a visible profile, an active account and matching consent."""
    record = make_record(session, make_university(session), settings).record
    user = make_user(session, Role.GRADUATE, settings, student_record_id=record.id)
    grant_consents(session, user.id, [ConsentPurpose.PROFILE_MATCHING])
    session.add(
        GraduateProfile(
            student_record_id=record.id,
            skills=list(skills),
            intended_city_codes=["330100"],
            summary="喜欢后端开发",
        )
    )
    session.flush()
    return record.id, user


def vector_rows(session: Session, kind: str) -> set[int]:
    return set(session.scalars(select(MatchVector.entity_id).where(MatchVector.kind == kind)))


def test_published_job_is_embedded_and_indexed(
    session: Session, runtime: MatchingRuntime, embedder: CountingEmbedder
) -> None:
    job = make_job(session, make_employer(session), title="Java开发工程师")

    report = index_jobs(session, runtime, [job.id])
    session.commit()

    assert report.embedded == 1
    assert len(embedder.passages) == 1
    assert "Java开发工程师" in embedder.passages[0]
    assert vector_rows(session, "job") == {job.id}
    index = runtime.index("job")
    assert index.contains([job.id]) == [True]
    stored = runtime.vectors(session, "job", [job.id])[job.id]
    hits = index.search(stored, 5)
    assert hits[0].id == job.id
    assert hits[0].score > 0.99


def test_unchanged_edit_is_not_embedded_again_and_a_title_edit_is(
    session: Session, runtime: MatchingRuntime, embedder: CountingEmbedder
) -> None:
    job = make_job(session, make_employer(session), title="数据分析师")
    index_jobs(session, runtime, [job.id])
    first = stored_hashes(session, "job", [job.id])[job.id]

    job.view_count = 7  # not part of the text
    again = index_jobs(session, runtime, [job.id])
    assert again.embedded == 0
    assert again.unchanged == 1
    assert len(embedder.passages) == 1

    job.title = "高级数据分析师"
    edited = index_jobs(session, runtime, [job.id])
    second = stored_hashes(session, "job", [job.id])[job.id]

    assert edited.embedded == 1
    assert len(embedder.passages) == 2
    assert "高级数据分析师" in embedder.passages[-1]
    assert second != first
    assert runtime.index("job").contains([job.id]) == [True]


def test_a_text_stored_under_another_job_is_reused(
    session: Session, runtime: MatchingRuntime, embedder: CountingEmbedder
) -> None:
    employer = make_employer(session)
    first = make_job(session, employer, title="测试工程师")
    index_jobs(session, runtime, [first.id])
    twin = make_job(session, employer, title="测试工程师")  # same text as the first

    report = index_jobs(session, runtime, [twin.id])

    assert report.embedded == 0
    assert report.reused == 1
    assert len(embedder.passages) == 1
    hashes = stored_hashes(session, "job", [first.id, twin.id])
    assert hashes[first.id] == hashes[twin.id]
    assert runtime.index("job").contains([twin.id]) == [True]


def test_closed_job_leaves_the_index_and_the_store(
    session: Session, runtime: MatchingRuntime
) -> None:
    job = make_job(session, make_employer(session), title="前端开发工程师")
    index_jobs(session, runtime, [job.id])
    assert runtime.index("job").contains([job.id]) == [True]

    job.status = JobStatus.CLOSED
    report = index_jobs(session, runtime, [job.id])

    assert report.removed == 1
    assert runtime.index("job").contains([job.id]) == [False]
    assert vector_rows(session, "job") == set()


def test_unverified_employer_hides_the_job_but_keeps_its_vector(
    session: Session, runtime: MatchingRuntime, embedder: CountingEmbedder
) -> None:
    employer = make_employer(session)
    job = make_job(session, employer, title="运维工程师")
    index_jobs(session, runtime, [job.id])

    employer.verification_status = VerificationStatus.EXPIRED
    index_jobs(session, runtime, [job.id])
    assert runtime.index("job").contains([job.id]) == [False]
    assert vector_rows(session, "job") == {job.id}

    employer.verification_status = VerificationStatus.VERIFIED
    back = index_jobs(session, runtime, [job.id])
    assert back.embedded == 0
    assert runtime.index("job").contains([job.id]) == [True]
    assert len(embedder.passages) == 1


def test_drafts_and_missing_jobs_are_never_embedded(
    session: Session, runtime: MatchingRuntime, embedder: CountingEmbedder
) -> None:
    draft = make_job(session, make_employer(session), status=JobStatus.DRAFT)
    report = index_jobs(session, runtime, [draft.id, draft.id + 999])
    assert report.embedded == 0
    assert embedder.passages == []
    assert runtime.index("job").count() == 0


def test_graduate_with_consent_is_indexed_and_leaves_on_withdrawal(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    record_id, user = make_matchable_graduate(session, container.settings)

    report = index_graduates(session, runtime, [record_id])
    assert report.embedded == 1
    assert runtime.index("graduate").contains([record_id]) == [True]

    withdraw_consent(session, user.id, ConsentPurpose.PROFILE_MATCHING)
    session.flush()
    gone = index_graduates(session, runtime, [record_id])

    assert gone.removed == 1
    assert runtime.index("graduate").contains([record_id]) == [False]
    assert vector_rows(session, "graduate") == set()  # derived data goes with the consent


def test_the_provinces_a_graduate_wants_follow_the_profile_and_the_consent(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    record_id, user = make_matchable_graduate(session, container.settings)
    anywhere, _ = make_matchable_graduate(session, container.settings, skills=["Go"])
    profiles = {p.student_record_id: p for p in session.scalars(select(GraduateProfile))}
    profiles[anywhere].intended_city_codes = []
    session.flush()
    index_graduates(session, runtime, [record_id, anywhere])
    assert graduates_wanting(session, "330000").tolist() == [record_id]  # 杭州 is in 浙江

    profiles[record_id].intended_city_codes = ["110105", "320000", "440300", "xx"]
    session.flush()
    index_graduates(session, runtime, [record_id])
    assert graduates_wanting(session, "330000").tolist() == []
    wanted = {
        code: graduates_wanting(session, code).tolist() for code in ("110000", "320000", "440000")
    }
    assert wanted == {"110000": [record_id], "320000": [record_id], "440000": [record_id]}

    withdraw_consent(session, user.id, ConsentPurpose.PROFILE_MATCHING)
    session.flush()
    index_graduates(session, runtime, [record_id])
    assert session.scalars(select(MatchGraduateProvince)).all() == []


def test_deleted_account_leaves_the_index_a_hidden_profile_stays(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    hidden, _ = make_matchable_graduate(session, container.settings)
    deleted, deleted_user = make_matchable_graduate(session, container.settings, skills=["Go"])
    index_graduates(session, runtime, [hidden, deleted])
    assert runtime.index("graduate").count() == 2

    profile = session.scalars(
        select(GraduateProfile).where(GraduateProfile.student_record_id == hidden)
    ).one()
    profile.visibility = Visibility.HIDDEN  # hidden from employers, still matched for push
    deleted_user.status = AccountStatus.DELETED
    session.flush()
    index_graduates(session, runtime, [hidden, deleted])

    assert runtime.index("graduate").contains([hidden, deleted]) == [True, False]


def test_graduate_without_consent_is_never_embedded(
    session: Session, container: Container, runtime: MatchingRuntime, embedder: CountingEmbedder
) -> None:
    record_id, user = make_matchable_graduate(session, container.settings)
    withdraw_consent(session, user.id, ConsentPurpose.PROFILE_MATCHING)
    session.flush()

    index_graduates(session, runtime, [record_id])

    assert embedder.passages == []
    assert runtime.index("graduate").count() == 0


def test_force_re_embeds_current_texts(
    session: Session, runtime: MatchingRuntime, embedder: CountingEmbedder
) -> None:
    job = make_job(session, make_employer(session), title="算法工程师")
    index_jobs(session, runtime, [job.id])
    forced = index_jobs(session, runtime, [job.id], force=True)
    assert forced.embedded == 1
    assert len(embedder.passages) == 2
    vector = runtime.vectors(session, "job", [job.id])[job.id]
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-2


def test_query_vectors_are_cached(
    session: Session, container: Container, runtime: MatchingRuntime, embedder: CountingEmbedder
) -> None:
    record_id, _ = make_matchable_graduate(session, container.settings)
    job = make_job(session, make_employer(session), title="Python开发工程师")

    first = runtime.query_vector_for_profile(session, record_id)
    again = runtime.query_vector_for_profile(session, record_id)
    for_job = runtime.query_vector_for_job(session, job.id)

    assert first is not None and again is not None and for_job is not None
    assert first.shape == (384,)
    assert np.array_equal(first, again)
    assert len(embedder.queries) == 2
    assert runtime.query_vector_for_job(session, job.id + 999) is None
    assert runtime.query_vector_for_profile(session, record_id + 999) is None
    unused = session.get(Job, job.id)
    assert unused is not None
