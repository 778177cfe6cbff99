"""A small matching world for the recommendation tests: the real embedding model (loaded once
per session), a runtime registered as the container's, and factories for graduates with a
profile and jobs with the fields matching reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.settings import Settings
from jobs_api.employers.models import Employer
from jobs_api.graduates.consent import grant_consents
from jobs_api.graduates.models import ConsentPurpose, GraduateProfile, Visibility
from jobs_api.identity.principal import Role
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.search_index import index_jobs as index_search
from jobs_api.reference.service import load_reference
from jobs_api.universities.models import University
from matching.embeddings.base import Embedder
from matching.embeddings.embedder import load_embedder
from matching.indexing import index_graduates, index_jobs
from matching.runtime import RUNTIME_KEY, MatchingRuntime
from tests.factories.graduates import make_record
from tests.factories.identity import Actor, make_university, sign_in
from tests.factories.identity import make_user as make_plain_user
from tests.factories.jobs import make_job

ALL_PURPOSES = tuple(ConsentPurpose)


@pytest.fixture(scope="session")
def model() -> Embedder:
    return load_embedder(Settings())


@pytest.fixture
def runtime(container: Container, model: Embedder) -> Iterator[MatchingRuntime]:
    """The container's matching runtime (so the API and pages use it too)."""
    made = MatchingRuntime(container.settings, embedder=model, autosave=False)
    container.extras[RUNTIME_KEY] = made
    yield made
    made.close()


@pytest.fixture
def session(container: Container) -> Iterator[Session]:
    with job_session(container.session_factory) as setup:
        load_reference(setup)
    with container.session_factory() as opened:
        yield opened


@dataclass
class Graduate:
    actor: Actor
    record_id: int


def make_graduate(
    session: Session,
    settings: Settings,
    *,
    university: University | None = None,
    name: str = "张伟",
    major_code: str = "080902",
    degree_level: str = "bachelor",
    skills: Sequence[str] = ("Java", "MySQL", "Spring Boot"),
    cities: Sequence[str] = ("330100",),
    expected_salary: int | None = 10000,
    consents: Sequence[ConsentPurpose] = ALL_PURPOSES,
    visibility: Visibility = Visibility.VERIFIED_EMPLOYERS,
    profile: bool = True,
    low_income_family: bool = False,
) -> Graduate:
    """A verified graduate (active account on an enrolled record) with a profile."""
    university = university or make_university(
        session, code="10335", name="浙江大学", city="330100"
    )
    made = make_record(
        session,
        university,
        settings,
        name=name,
        major_code=major_code,
        degree_level=degree_level,
        low_income_family=low_income_family,
    )
    user = make_plain_user(session, Role.GRADUATE, settings, student_record_id=made.id)
    if consents:
        grant_consents(session, user.id, consents)
    if profile:
        session.add(
            GraduateProfile(
                student_record_id=made.id,
                skills=list(skills),
                intended_city_codes=list(cities),
                expected_salary=expected_salary,
                summary="",
                visibility=visibility.value,
            )
        )
    session.flush()
    return Graduate(sign_in(session, user, settings), made.id)


def make_posting(
    session: Session,
    employer: Employer,
    *,
    title: str = "Java开发工程师",
    description: str = "负责后端服务开发，熟悉 Spring Boot 与 MySQL。",
    major_codes: Sequence[str] = ("080902",),
    skills: Sequence[str] = ("Java", "MySQL"),
    city_code: str = "330100",
    degree_level: str = "bachelor",
    applications: int = 0,
    headcount: int = 3,
    status: JobStatus = JobStatus.PUBLISHED,
) -> Job:
    job = make_job(
        session, employer, title=title, description=description, city_code=city_code, status=status
    )
    job.major_codes = list(major_codes)
    job.skills = list(skills)
    job.degree_level = degree_level
    job.application_count = applications
    job.headcount = headcount
    session.flush()
    return job


def index_everything(
    session: Session,
    container: Container,
    runtime: MatchingRuntime,
    *,
    jobs: Sequence[Job] = (),
    record_ids: Sequence[int] = (),
) -> None:
    """Jobs into the keyword and vector indexes, graduates into the vector index."""
    if jobs:
        ids = [j.id for j in jobs]
        index_search(session, container.search, ids)
        index_jobs(session, runtime, ids)
    if record_ids:
        index_graduates(session, runtime, record_ids)
    session.commit()
