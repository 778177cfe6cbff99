"""``generate_demo`` end to end: a small demo on a real database and search engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from stdnum.cn import ric, uscc

from jobs_api.core.container import Container
from jobs_api.core.db import build_engine, build_session_factory, job_session
from jobs_api.core.pii import PiiVault, mask_id_number
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.search import SearchBackend, SearchQuery
from jobs_api.core.search.embedded import EmbeddedSearchBackend
from jobs_api.demo.catalog import DemoReferenceMissing
from jobs_api.demo.generator import (
    STAGE_EMPLOYERS,
    STAGE_GRADUATES,
    STAGE_INDEX,
    STAGE_JOBS,
    STAGE_UNIVERSITIES,
    DemoAlreadyLoaded,
    DemoReport,
    generate_demo,
)
from jobs_api.employers.models import REACHES_GRADUATES, Employer
from jobs_api.graduates.models import GraduateProfile
from jobs_api.jobs.models import Job
from jobs_api.jobs.search_index import JOB_INDEX
from jobs_api.reference.models import DegreeLevel, EmployerType, Industry, Major, Occupation, Region
from jobs_api.reference.service import load_reference
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University
from tests.demo.conftest import NOW

VAULT = PiiVault("demo-test-secret")
SMALL = {"graduates": 300, "employers": 50, "jobs": 500}


def _load_reference(factory: sessionmaker[Session]) -> None:
    with job_session(factory) as session:
        load_reference(session)


def _orphans(session: Session, column: Any, target: Any) -> int:
    """Rows whose ``column`` value is not a key of ``target``."""
    return session.execute(
        select(func.count()).where(column.is_not(None), column.not_in(select(target)))
    ).scalar_one()


@pytest.fixture
def demo(container: Container) -> tuple[DemoReport, list[tuple[str, int, int]]]:
    _load_reference(container.session_factory)
    calls: list[tuple[str, int, int]] = []
    report = generate_demo(
        container.session_factory,
        container.search,
        **SMALL,
        seed=5,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
        now=NOW,
        vault=VAULT,
    )
    return report, calls


def test_small_demo_lands_rows_with_valid_foreign_keys(
    container: Container, demo: tuple[DemoReport, list[tuple[str, int, int]]]
) -> None:
    report, _ = demo
    assert (report.graduates, report.employers, report.jobs) == (300, 50, 500)
    with container.session_factory() as session:
        count = lambda model: session.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
        assert count(University) == report.universities >= 40
        assert count(StudentRecord) == count(GraduateProfile) == 300
        assert count(Employer) == 50
        assert count(Job) == 500
        checks = [
            (StudentRecord.university_id, University.id),
            (StudentRecord.major_code, Major.code),
            (StudentRecord.degree_level, DegreeLevel.code),
            (GraduateProfile.student_record_id, StudentRecord.id),
            (University.city_code, Region.code),
            (University.province_code, Region.code),
            (Employer.employer_type_code, EmployerType.code),
            (Employer.industry_code, Industry.code),
            (Employer.city_code, Region.code),
            (Job.employer_id, Employer.id),
            (Job.occupation_code, Occupation.code),
            (Job.industry_code, Industry.code),
            (Job.city_code, Region.code),
            (Job.degree_level, DegreeLevel.code),
        ]
        for column, target in checks:
            assert _orphans(session, column, target) == 0, column
        majors = set(session.scalars(select(Major.code)))
        for codes in session.scalars(select(Job.major_codes)):
            assert set(codes) <= majors
        regions = set(session.scalars(select(Region.code)))
        for codes in session.scalars(select(GraduateProfile.intended_city_codes)):
            assert set(codes) <= regions
        for record in session.scalars(select(StudentRecord)):
            number = VAULT.decrypt(record.id_number_cipher)
            assert ric.is_valid(number)
            assert record.id_number_hash == VAULT.lookup_hash(number)
            assert record.id_number_masked == mask_id_number(number)
            assert ric.get_birth_date(number) < record.enrollment_date
        for employer in session.scalars(select(Employer)):
            assert uscc.is_valid(employer.uscc)


def test_searchable_jobs_are_indexed_and_found(
    container: Container, demo: tuple[DemoReport, list[tuple[str, int, int]]]
) -> None:
    report, calls = demo
    with container.session_factory() as session:
        searchable = set(
            session.scalars(
                select(Job.id)
                .join(Employer, Employer.id == Job.employer_id)
                .where(
                    Job.status == "published",
                    Employer.verification_status.in_([str(s) for s in REACHES_GRADUATES]),
                )
            )
        )
    assert report.indexed_jobs == len(searchable) == container.search.count(JOB_INDEX) > 0
    page = container.search.search(JOB_INDEX, SearchQuery(text="软件", size=50))
    assert page.total > 0
    assert {int(hit.id) for hit in page.hits} <= searchable
    assert any("软件" in hit.source["occupation_name"] + hit.source["title"] for hit in page.hits)
    stages = [stage for stage, _, _ in calls]
    for stage in (STAGE_UNIVERSITIES, STAGE_GRADUATES, STAGE_EMPLOYERS, STAGE_JOBS, STAGE_INDEX):
        assert stage in stages
        last = [c for c in calls if c[0] == stage][-1]
        assert last[1] == last[2]


def test_a_second_run_refuses_and_changes_nothing(
    container: Container, demo: tuple[DemoReport, list[tuple[str, int, int]]]
) -> None:
    with pytest.raises(DemoAlreadyLoaded):
        generate_demo(container.session_factory, container.search, **SMALL, seed=6, vault=VAULT)
    with container.session_factory() as session:
        assert session.execute(select(func.count()).select_from(Job)).scalar_one() == 500


def test_missing_reference_data_is_reported(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    upgrade_schema(engine)
    try:
        with (
            EmbeddedSearchBackend(tmp_path / "search") as search,
            pytest.raises(DemoReferenceMissing),
        ):
            generate_demo(build_session_factory(engine), search, **SMALL, seed=1, vault=VAULT)
    finally:
        engine.dispose()


@pytest.fixture
def fresh_platforms(tmp_path: Path) -> Iterator[list[tuple[sessionmaker[Session], SearchBackend]]]:
    engines: list[Engine] = []
    backends: list[SearchBackend] = []
    for name in ("a", "b"):
        engine = build_engine(f"sqlite:///{tmp_path / name}.db")
        upgrade_schema(engine)
        engines.append(engine)
        backends.append(EmbeddedSearchBackend(tmp_path / f"search-{name}"))
    factories = [build_session_factory(e) for e in engines]
    for factory in factories:
        _load_reference(factory)
    yield list(zip(factories, backends, strict=True))
    for backend in backends:
        backend.close()
    for engine in engines:
        engine.dispose()


def _snapshot(factory: sessionmaker[Session]) -> list[list[tuple[Any, ...]]]:
    tables = (
        (StudentRecord, ("id_number_hash", "name", "major_code", "degree_level", "college")),
        (GraduateProfile, ("skills", "intended_city_codes", "expected_salary", "summary")),
        (Employer, ("name", "uscc", "city_code", "verification_status", "description")),
        (Job, ("employer_id", "title", "salary_min", "salary_max", "major_codes", "published_at")),
    )
    with factory() as session:
        return [
            [
                tuple(row)
                for row in session.execute(select(*(getattr(m, c) for c in cols)).order_by(m.id))
            ]
            for m, cols in tables
        ]


def test_same_seed_gives_the_same_database(
    fresh_platforms: list[tuple[sessionmaker[Session], SearchBackend]],
) -> None:
    for factory, search in fresh_platforms:
        generate_demo(
            factory, search, graduates=200, employers=30, jobs=300, seed=42, now=NOW, vault=VAULT
        )
    first, second = (_snapshot(factory) for factory, _ in fresh_platforms)
    assert first == second
    assert all(first)
