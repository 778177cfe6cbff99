"""``gradmatch demo``: realistic universities, graduates, employers and jobs, fast.

:func:`generate_demo` writes everything in **one transaction** with SQLAlchemy Core bulk
inserts (batches of :data:`BATCH_SIZE` rows), commits, and then indexes the new searchable jobs
through :mod:`jobs_api.jobs.search_index`. It is deterministic: the same seed gives the same
people, employers and jobs (each stage draws from its own ``random.Random`` seeded with
``f"{seed}:{stage}"``, so changing one count leaves the other stages alone; pass ``now`` to pin
the dates too). ID-number ciphertexts differ between runs (AES-GCM uses a fresh nonce); the
numbers, their hashes and masks do not.

It refuses to run twice: when any of the demo universities is already stored it raises
:class:`DemoAlreadyLoaded` before writing anything (``gradmatch demo --if-empty`` turns that
into a no-op). The reference tables must be loaded first (``load_reference``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.db import job_session, utcnow
from jobs_api.core.pii import PiiVault, mask_id_number
from jobs_api.core.search import SearchBackend
from jobs_api.core.settings import get_settings
from jobs_api.demo.catalog import Catalog, load_catalog
from jobs_api.demo.employers import EmployerFactory
from jobs_api.demo.jobs import JobFactory, PlacedEmployer
from jobs_api.demo.people import GraduateDraft, GraduateFactory, PlacedUniversity
from jobs_api.demo.universities import UNIVERSITIES, DemoUniversity
from jobs_api.employers.models import Employer
from jobs_api.graduates.models import GraduateProfile
from jobs_api.jobs import search_index
from jobs_api.jobs.models import Job
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University

Progress = Callable[[str, int, int], None]

BATCH_SIZE = 5_000
STAGE_UNIVERSITIES = "高校"
STAGE_GRADUATES = "毕业生与学籍"
STAGE_EMPLOYERS = "用人单位"
STAGE_JOBS = "岗位"
STAGE_INDEX = "索引岗位"


class DemoAlreadyLoaded(RuntimeError):
    """Demo data is already in this database; nothing was written."""


@dataclass(slots=True)
class DemoReport:
    seed: int
    universities: int = 0
    graduates: int = 0
    employers: int = 0
    jobs: int = 0
    indexed_jobs: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows written (a graduate is two: registry record and profile)."""
        return self.universities + 2 * self.graduates + self.employers + self.jobs

    def summary(self) -> str:
        return (
            f"{self.universities} 所高校, {self.graduates} 名毕业生, {self.employers} 家用人单位, "
            f"{self.jobs} 个岗位 (已索引 {self.indexed_jobs}), seed {self.seed}, "
            f"{self.seconds:.1f} s"
        )


def _batches(total: int) -> Iterator[int]:
    done = 0
    while done < total:
        size = min(BATCH_SIZE, total - done)
        yield size
        done += size


def _rng(seed: int, stage: str) -> random.Random:
    return random.Random(f"{seed}:{stage}")


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _insert_returning_ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    table = _table(model)
    result = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return list(result.scalars().all())


def resolve_city(catalog: Catalog, university: DemoUniversity) -> tuple[str, str] | None:
    """(province, prefecture) codes of a demo university as ``ref_regions`` holds them."""
    if university.province_code not in catalog.regions:
        return None
    city = catalog.prefecture_or_none(university.city_code)
    if city is None or catalog.province_of(city) != university.province_code:
        candidates = catalog.prefectures_of(university.province_code)
        if not candidates:
            return None
        city = candidates[0]
    return university.province_code, city


def _insert_universities(
    session: Session, catalog: Catalog, now: datetime
) -> list[PlacedUniversity]:
    specs: list[tuple[DemoUniversity, str, str]] = []
    for spec in UNIVERSITIES:
        resolved = resolve_city(catalog, spec)
        if resolved is not None:
            specs.append((spec, *resolved))
    rows = [
        {
            "code": spec.code,
            "name": spec.name,
            "province_code": province,
            "city_code": city,
            "level": spec.level,
            "is_double_first_class": spec.double_first_class,
            "created_at": now,
        }
        for spec, province, city in specs
    ]
    ids = _insert_returning_ids(session, University, rows)
    return [
        PlacedUniversity(id=uid, spec=spec, city_code=city, province_code=province)
        for uid, (spec, province, city) in zip(ids, specs, strict=True)
    ]


def _record_row(draft: GraduateDraft, vault: PiiVault, now: datetime) -> dict[str, Any]:
    return {
        "university_id": draft.university_id,
        "student_number": draft.student_number,
        "name": draft.name,
        "id_number_hash": vault.lookup_hash(draft.id_number),
        "id_number_cipher": vault.encrypt(draft.id_number),
        "id_number_masked": mask_id_number(draft.id_number),
        "gender": draft.gender,
        "college": draft.college,
        "major_code": draft.major_code,
        "degree_level": draft.degree_level,
        "enrollment_date": draft.enrollment_date,
        "expected_graduation_date": draft.expected_graduation_date,
        "graduation_year": draft.graduation_year,
        "status": draft.status,
        "low_income_family": draft.low_income_family,
        "zero_employment_family": draft.zero_employment_family,
        "has_disability": draft.has_disability,
        "created_at": now,
        "updated_at": now,
    }


def _profile_row(draft: GraduateDraft, record_id: int, now: datetime) -> dict[str, Any]:
    return {
        "student_record_id": record_id,
        "skills": draft.skills,
        "certificates": draft.certificates,
        "intended_city_codes": draft.intended_city_codes,
        "intended_industry_codes": draft.intended_industry_codes,
        "expected_salary": draft.expected_salary,
        "summary": draft.summary,
        "visibility": "verified_employers",
        "created_at": now,
        "updated_at": now,
    }


def _insert_graduates(
    session: Session,
    factory: GraduateFactory,
    total: int,
    vault: PiiVault,
    now: datetime,
    progress: Progress | None,
) -> int:
    done = 0
    for size in _batches(total):
        drafts = [factory.make() for _ in range(size)]
        ids = _insert_returning_ids(
            session, StudentRecord, [_record_row(d, vault, now) for d in drafts]
        )
        session.execute(
            insert(_table(GraduateProfile)),
            [_profile_row(d, rid, now) for d, rid in zip(drafts, ids, strict=True)],
        )
        done += size
        if progress is not None:
            progress(STAGE_GRADUATES, done, total)
    return done


def _insert_employers(
    session: Session, factory: EmployerFactory, total: int, progress: Progress | None
) -> list[PlacedEmployer]:
    placed: list[PlacedEmployer] = []
    for size in _batches(total):
        drafts = [factory.make() for _ in range(size)]
        rows = [
            {
                "name": d.name,
                "uscc": d.uscc,
                "employer_type_code": d.employer_type_code,
                "industry_code": d.industry_code,
                "city_code": d.city_code,
                "size": d.size,
                "description": d.description,
                "verification_status": d.verification_status,
                "created_at": d.created_at,
                "updated_at": d.created_at,
            }
            for d in drafts
        ]
        ids = _insert_returning_ids(session, Employer, rows)
        placed += [
            PlacedEmployer(
                id=eid,
                city_code=d.city_code,
                industry_code=d.industry_code,
                archetype=d.archetype,
                verification_status=d.verification_status,
                size=d.size,
            )
            for eid, d in zip(ids, drafts, strict=True)
        ]
        if progress is not None:
            progress(STAGE_EMPLOYERS, len(placed), total)
    return placed


def _insert_jobs(
    session: Session, factory: JobFactory, total: int, progress: Progress | None
) -> int:
    done = 0
    for size in _batches(total):
        session.execute(insert(_table(Job)), [factory.make() for _ in range(size)])
        done += size
        if progress is not None:
            progress(STAGE_JOBS, done, total)
    return done


def demo_loaded(session: Session) -> bool:
    codes = [u.code for u in UNIVERSITIES]
    found = session.execute(
        select(func.count()).select_from(University).where(University.code.in_(codes))
    ).scalar_one()
    return bool(found)


def generate_demo(
    session_factory: sessionmaker[Session],
    search: SearchBackend,
    *,
    graduates: int = 5_000,
    employers: int = 1_000,
    jobs: int = 10_000,
    seed: int = 2026,
    progress: Progress | None = None,
    now: datetime | None = None,
    vault: PiiVault | None = None,
) -> DemoReport:
    """Generate and store demo data, then index its searchable jobs.

    ``progress(stage, done, total)`` is called as each stage advances. ``vault`` encrypts and
    hashes ID numbers (default: one keyed with ``GRADMATCH_SECRET_KEY``). Raises
    :class:`DemoAlreadyLoaded` when demo data is already present and
    :class:`~jobs_api.demo.catalog.DemoReferenceMissing` when reference data is missing.
    """
    if min(graduates, employers, jobs) < 0:
        raise ValueError("counts must not be negative")
    if jobs and not employers:
        raise ValueError("jobs need employers: pass employers > 0")
    started = time.perf_counter()
    now = now or utcnow()
    vault = vault or PiiVault(get_settings().secret_key.get_secret_value())
    report = DemoReport(seed=seed)

    def stage_done(name: str, since: float) -> float:
        moment = time.perf_counter()
        report.stage_seconds[name] = round(moment - since, 3)
        return moment

    with job_session(session_factory) as session:
        if demo_loaded(session):
            raise DemoAlreadyLoaded(
                "demo data is already loaded (the demo universities exist); "
                "use a fresh database to generate it again"
            )
        catalog = load_catalog(session)
        mark = time.perf_counter()
        universities = _insert_universities(session, catalog, now)
        report.universities = len(universities)
        if progress is not None:
            progress(STAGE_UNIVERSITIES, len(universities), len(universities))
        mark = stage_done(STAGE_UNIVERSITIES, mark)
        people = GraduateFactory(catalog, universities, _rng(seed, "graduates"), now.date())
        report.graduates = _insert_graduates(session, people, graduates, vault, now, progress)
        mark = stage_done(STAGE_GRADUATES, mark)
        placed = _insert_employers(
            session, EmployerFactory(catalog, _rng(seed, "employers"), now), employers, progress
        )
        report.employers = len(placed)
        mark = stage_done(STAGE_EMPLOYERS, mark)
        first_job_id = session.execute(select(func.max(Job.id))).scalar_one() or 0
        if jobs:
            factory = JobFactory(catalog, placed, _rng(seed, "jobs"), now)
            report.jobs = _insert_jobs(session, factory, jobs, progress)
        mark = stage_done(STAGE_JOBS, mark)

    with session_factory() as session:
        report.indexed_jobs = search_index.index_searchable_jobs(
            session, search, min_id=first_job_id, progress=progress, stage=STAGE_INDEX
        )
    stage_done(STAGE_INDEX, mark)
    report.seconds = round(time.perf_counter() - started, 3)
    return report
