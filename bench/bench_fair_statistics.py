"""How fast a large fair's organizer statistics, the public list and the fair page answer.

    .venv/bin/python -m bench.bench_fair_statistics --applications 200000
    .venv/bin/python -m bench.bench_fair_statistics --applications 200000 \\
        --database-url postgresql+psycopg://user@host:5432/postgres

Builds one national fair with every university taking part (``--universities``), employers
registered with their jobs attached (``--jobs``), and ``--applications`` applications by
``--graduates`` graduates: four in five through the fair, the rest not; one in twelve
applications has an offer. Then times (median of ``--repeat`` runs) the organizer's
statistics (:func:`jobs_api.fairs.statistics.fair_statistics`), the public list's first page
and the fair page, on SQLite always and on PostgreSQL when ``--database-url`` or
``GRADMATCH_TEST_DATABASE_URL`` is given (a throwaway database beside the one named, dropped
afterwards). Writes bench/results/fair_statistics.json.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, make_url, select, text
from sqlalchemy.orm import Session

from bench.common import peak_rss_mib, write_results
from jobs_api.agreements.models import Offer
from jobs_api.applications.models import Application
from jobs_api.core.db import build_engine, build_session_factory, job_session
from jobs_api.core.schema import upgrade_schema
from jobs_api.employers.models import Employer
from jobs_api.fairs import browsing
from jobs_api.fairs import statistics as fair_stats
from jobs_api.fairs.models import Fair, FairEmployer, FairJob, FairUniversity, OrganizerLevel
from jobs_api.identity.models import User
from jobs_api.identity.principal import Principal, Role
from jobs_api.jobs.models import Job
from jobs_api.jobs.posting import china_today
from jobs_api.reference.service import load_reference
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University

BATCH = 5_000


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def _ids(session: Session, model: Any) -> list[int]:
    return list(session.scalars(select(model.id).order_by(model.id)))


def build(engine: Engine, args: argparse.Namespace) -> tuple[int, int]:
    """The data set; returns (fair id, national administrator's user id)."""
    rng = random.Random(7)
    today = china_today()
    with job_session(build_session_factory(engine)) as session:
        load_reference(session)
        _insert(
            session,
            University,
            [
                {
                    "code": f"{10000 + n}",
                    "name": f"基准大学{n}",
                    "province_code": "330000",
                    "city_code": "330100",
                    "level": "undergraduate",
                }
                for n in range(args.universities)
            ],
        )
        universities = _ids(session, University)
        _insert(
            session,
            User,
            [{"username": "bench-admin", "role": Role.NATIONAL_ADMIN.value, "status": "active"}],
        )
        admin = session.scalars(select(User.id)).one()
        _insert(
            session,
            Employer,
            [
                {
                    "name": f"基准用人单位{n}",
                    "uscc": f"91330100BENCH{n:05d}",
                    "employer_type_code": "private_enterprise",
                    "industry_code": "I",
                    "city_code": "330100",
                    "size": "100-499",
                    "verification_status": "verified",
                }
                for n in range(args.employers)
            ],
        )
        employers = _ids(session, Employer)
        _insert(
            session,
            Job,
            [
                {
                    "employer_id": employers[n % len(employers)],
                    "title": f"基准职位{n}",
                    "industry_code": "I",
                    "city_code": "330100",
                    "degree_level": "bachelor",
                    "salary_min": 8000,
                    "salary_max": 15000,
                    "headcount": 1 + n % 5,
                    "status": "published",
                }
                for n in range(args.jobs)
            ],
        )
        jobs = _ids(session, Job)
        job_employer = dict(session.execute(select(Job.id, Job.employer_id)).all())
        _insert(
            session,
            Fair,
            [
                {
                    "title": "基准全国专场",
                    "starts_on": today,
                    "ends_on": today + timedelta(days=5),
                    "status": "published",
                    "organizer_level": OrganizerLevel.NATIONAL.value,
                    "created_by": admin,
                }
            ],
        )
        fair_id = session.scalars(select(Fair.id)).one()
        _insert(
            session,
            FairUniversity,
            [{"fair_id": fair_id, "university_id": u} for u in universities],
        )
        _insert(
            session,
            FairEmployer,
            [{"fair_id": fair_id, "employer_id": e, "registered_by": admin} for e in employers],
        )
        _insert(
            session,
            FairJob,
            [{"fair_id": fair_id, "job_id": j, "employer_id": job_employer[j]} for j in jobs],
        )
        _insert(
            session,
            StudentRecord,
            [
                {
                    "university_id": universities[n % len(universities)],
                    "student_number": f"B{n:08d}",
                    "name": "基准",
                    "id_number_hash": uuid.uuid4().hex,
                    "id_number_cipher": "x",
                    "id_number_masked": "3301**********0000",
                    "gender": "女",
                    "major_code": "080902",
                    "degree_level": "bachelor",
                    "enrollment_date": date(2022, 9, 1),
                    "expected_graduation_date": date(2026, 6, 30),
                    "graduation_year": 2026,
                }
                for n in range(args.graduates)
            ],
        )
        records = dict(session.execute(select(StudentRecord.id, StudentRecord.university_id)).all())
        record_ids = sorted(records)
        _insert(
            session,
            User,
            [
                {"username": f"bench-g{r}", "role": "graduate", "student_record_id": r}
                for r in record_ids
            ],
        )
        users = dict(
            session.execute(
                select(User.student_record_id, User.id).where(User.student_record_id.is_not(None))
            ).all()
        )
        rows: list[dict[str, Any]] = []
        per = max(1, args.applications // len(record_ids))
        for record_id in record_ids:
            for job_id in rng.sample(jobs, min(per, len(jobs))):
                rows.append(
                    {
                        "job_id": job_id,
                        "employer_id": job_employer[job_id],
                        "user_id": users[record_id],
                        "student_record_id": record_id,
                        "university_id": records[record_id],
                        "fair_id": fair_id if rng.random() < 0.8 else None,
                        "resume_sha256": "0" * 64,
                        "resume_filename": "简历.pdf",
                    }
                )
        _insert(session, Application, rows)
        offers = [
            {
                "application_id": application_id,
                "job_id": job_id,
                "employer_id": employer_id,
                "user_id": user_id,
                "position_title": "基准职位",
                "monthly_salary": 12000,
                "workplace_city_code": "330100",
                "start_date": today + timedelta(days=90),
                "respond_by": today + timedelta(days=14),
                "status": "accepted" if n % 3 == 0 else "issued",
                "issued_by": admin,
            }
            for n, (application_id, job_id, employer_id, user_id) in enumerate(
                session.execute(
                    select(
                        Application.id,
                        Application.job_id,
                        Application.employer_id,
                        Application.user_id,
                    ).where(Application.id % 12 == 0)
                ).all()
            )
        ]
        _insert(session, Offer, offers)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    return fair_id, admin


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = build_engine(url)
    upgrade_schema(engine)
    started = time.perf_counter()
    fair_id, admin = build(engine, args)
    built = round(time.perf_counter() - started, 1)
    organizer = Principal(user_id=admin, role=Role.NATIONAL_ADMIN, session_id="bench")
    factory = build_session_factory(engine)
    with factory() as session:
        result = fair_stats.fair_statistics(session, organizer, fair_id)
        figures = {
            "build_seconds": built,
            "applications_counted": result.applications,
            "offers_counted": result.offers,
            "universities": len(result.by_university),
            "statistics_ms": _median_ms(
                lambda: fair_stats.fair_statistics(session, organizer, fair_id), args.repeat
            ),
            "list_first_page_ms": _median_ms(
                lambda: browsing.list_fairs(session, None), args.repeat
            ),
            "fair_page_ms": _median_ms(
                lambda: browsing.fair_detail(session, None, fair_id), args.repeat
            ),
        }
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--graduates", type=int, default=40_000)
    parser.add_argument("--jobs", type=int, default=2_000)
    parser.add_argument("--employers", type=int, default=500)
    parser.add_argument("--universities", type=int, default=729)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("GRADMATCH_TEST_DATABASE_URL"))
    args = parser.parse_args()
    results: dict[str, Any] = {
        "parameters": {k: v for k, v in vars(args).items() if k != "database_url"}
    }
    with tempfile.TemporaryDirectory() as directory:
        results["sqlite"] = measure(f"sqlite:///{Path(directory) / 'bench.db'}", args)
        print("sqlite", results["sqlite"])
    if args.database_url:
        base = make_url(args.database_url)
        name = f"gradmatch_bench_fairs_{uuid.uuid4().hex[:6]}"
        admin = build_engine(
            base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = base.set(database=name).render_as_string(hide_password=False)
            results["postgresql"] = measure(url, args)
            print("postgresql", results["postgresql"])
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    results["peak_rss_mib"] = peak_rss_mib()
    print("written", write_results("fair_statistics", results))


if __name__ == "__main__":
    main()
