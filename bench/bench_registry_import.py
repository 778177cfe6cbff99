"""How fast a university's 学籍 file imports, and how much memory it takes.

    .venv/bin/python -m bench.bench_registry_import --rows 500000
    .venv/bin/python -m bench.bench_registry_import --rows 500000 \\
        --database-url postgresql+psycopg://user@host:5432/postgres

Generates a valid CSV of ``--rows`` rows (UTF-8 with BOM, one university, a few per cent of
rows broken in the ways real files are: check digits, unknown majors, gender mismatches, bad
dates, duplicate student numbers, empty names, another university's code) into a temporary
directory, then for each database — SQLite always, PostgreSQL when ``--database-url`` or
``GRADMATCH_TEST_DATABASE_URL`` is given (a throwaway database is created beside the one named
and dropped afterwards) — runs, in a fresh child process so that peak RSS is the import's own:

1. the import (upload stored, rows streamed, validated, upserted in batches), and
2. the same file again (every row unchanged).

Prints rows/s, batch timings and peak RSS, and writes bench/results/registry_import.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text

from bench.common import peak_rss_mib, write_results
from jobs_api.core.db import build_engine, build_session_factory, job_session
from jobs_api.core.pii import PiiVault
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.settings import Settings
from jobs_api.demo import names, regions
from jobs_api.demo.codes import id_check_digit
from jobs_api.identity.models import User
from jobs_api.identity.principal import Principal, Role
from jobs_api.reference.service import load_reference
from jobs_api.reference.sources import read_disciplines, read_major_categories, read_majors
from jobs_api.registry import service
from jobs_api.registry.columns import COLUMNS
from jobs_api.registry.config import RegistryConfig
from jobs_api.registry.models import RegistryImport
from jobs_api.registry.runner import BatchReport, run_import
from jobs_api.registry.storage import store_upload, upload_dir
from jobs_api.universities.models import University

UNIVERSITY_CODE = "10335"
DEFECTS = ("checksum", "major", "gender", "date", "duplicate", "name", "university")
TODAY = date(2026, 3, 1)


# --- the file ------------------------------------------------------------------------------


def generate_csv(path: Path, rows: int, invalid_share: float, seed: int) -> dict[str, int]:
    """Write the file row by row; returns how many rows carry each defect."""
    rng = random.Random(seed)
    disciplines = read_disciplines()
    majors = [m.code for m in read_majors(read_major_categories(disciplines), disciplines)]
    counties = {year: regions.counties_in_force("33", year) for year in range(2002, 2007)}
    defects = dict.fromkeys(DEFECTS, 0)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([c.label for c in COLUMNS])
        for i in range(rows):
            # Unique by construction: (birth date, sequence) never repeats within a county
            # and the sequence's parity gives the gender.
            birth = date(2003, 9, 1) + timedelta(days=i // 1000)
            sequence = i % 1000
            male = sequence % 2 == 1
            county = rng.choice(counties[birth.year])
            first17 = f"{county}{birth:%Y%m%d}{sequence:03d}"
            id_number = first17 + id_check_digit(first17)
            row = {
                "姓名": names.random_person_name(rng, "男" if male else "女"),
                "身份证号": id_number,
                "学号": f"{2022}{i:07d}",
                "院校代码": UNIVERSITY_CODE,
                "学院": "计算机科学与技术学院",
                "专业代码": rng.choice(majors),
                "学历层次": "本科",
                "入学日期": "2022-09-01",
                "预计毕业日期": "2026-06-30",
                "学籍状态": "在籍",
                "性别": "男" if male else "女",
                "低收入家庭": "是" if rng.random() < 0.06 else "否",
                "零就业家庭": "否",
                "残疾": "否",
            }
            if i > 10 and rng.random() < invalid_share:
                defect = rng.choice(DEFECTS)
                defects[defect] += 1
                _break(row, defect, rng, i)
            writer.writerow(row.values())
    return defects


def _break(row: dict[str, str], defect: str, rng: random.Random, i: int) -> None:
    if defect == "checksum":
        last = row["身份证号"][-1]
        row["身份证号"] = row["身份证号"][:-1] + ("0" if last != "0" else "1")
    elif defect == "major":
        row["专业代码"] = "999999"
    elif defect == "gender":
        row["性别"] = "女" if row["性别"] == "男" else "男"
    elif defect == "date":
        row["入学日期"] = "2022-13-01"
    elif defect == "duplicate":
        row["学号"] = f"{2022}{rng.randrange(i):07d}"
    elif defect == "name":
        row["姓名"] = ""
    else:
        row["院校代码"] = "10284"


# --- one backend, in a child process -------------------------------------------------------


def _prepare(database_url: str, data_dir: Path) -> tuple[Any, Principal]:
    engine = build_engine(database_url)
    upgrade_schema(engine)
    factory = build_session_factory(engine)
    with job_session(factory) as session:
        load_reference(session)
        university = University(
            code=UNIVERSITY_CODE,
            name="浙江大学",
            province_code="330000",
            city_code="330100",
            level="undergraduate",
        )
        session.add(university)
        session.flush()
        user = User(
            username=f"bench-{uuid.uuid4().hex[:8]}",
            role=Role.CAREER_OFFICE.value,
            university_id=university.id,
        )
        session.add(user)
        session.flush()
        principal = Principal(
            user_id=user.id,
            role=Role.CAREER_OFFICE,
            session_id="bench",
            university_id=university.id,
        )
    return factory, principal


def _one_pass(
    factory: Any, principal: Principal, settings: Settings, csv_path: Path, batch_size: int
) -> dict[str, Any]:
    directory = upload_dir(settings)
    load_before = os.getloadavg()[0]
    cpu_started = time.process_time()
    started = time.perf_counter()
    with csv_path.open("rb") as handle:
        stored = store_upload(handle, directory, 2**31)
    with job_session(factory) as session:
        import_id = service.submit_import(session, principal, stored, csv_path.name).record.id
    staged = time.perf_counter() - started
    batches: list[BatchReport] = []
    report = run_import(
        factory,
        import_id,
        vault=PiiVault(settings.secret_key.get_secret_value()),
        upload_dir=directory,
        config=RegistryConfig(batch_size=batch_size),
        on_batch=batches.append,
        today=TODAY,
    )
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    with factory() as session:
        imp = session.get(RegistryImport, import_id)
        assert imp is not None and imp.status == "completed", report.status
        counts = {
            "rows_total": imp.rows_total,
            "inserted": imp.rows_inserted,
            "updated": imp.rows_updated,
            "unchanged": imp.rows_unchanged,
            "rejected": imp.rows_rejected,
            "errors_total": imp.errors_total,
            "errors_stored": imp.errors_stored,
        }
    timings = sorted(b.seconds for b in batches)
    return {
        **counts,
        "seconds": round(seconds, 2),
        "store_upload_seconds": round(staged, 2),
        "rows_per_second": round(imp.rows_total / seconds),
        # CPU time of this (client) process only: the import's own work, less sensitive to
        # other load on the machine than wall time (PostgreSQL's server CPU is not included).
        "process_cpu_seconds": round(cpu_seconds, 2),
        "rows_per_cpu_second": round(imp.rows_total / cpu_seconds),
        "load_average_1m_at_start": round(load_before, 2),
        "batches": len(batches),
        "batch_seconds": {
            "mean": round(statistics.fmean(timings), 3),
            "p50": round(timings[len(timings) // 2], 3),
            "p95": round(timings[int(len(timings) * 0.95)], 3),
            "max": round(timings[-1], 3),
            "first": round(batches[0].seconds, 3),
            "last": round(batches[-1].seconds, 3),
        },
    }


def run_backend(database_url: str, csv_path: Path, batch_size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="gradmatch-bench-registry-") as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=database_url)
        factory, principal = _prepare(database_url, Path(tmp))
        rss_before = peak_rss_mib()
        first = _one_pass(factory, principal, settings, csv_path, batch_size)
        rss_import = peak_rss_mib()
        again = _one_pass(factory, principal, settings, csv_path, batch_size)
        engine = factory.kw["bind"]
        size = None
        if engine.dialect.name == "sqlite":
            size = round(Path(make_url(database_url).database or "").stat().st_size / 2**20, 1)
        else:
            with engine.connect() as conn:
                raw = conn.execute(text("select pg_database_size(current_database())")).scalar()
                size = round(int(raw) / 2**20, 1)
        engine.dispose()
    return {
        "import": first,
        "reimport_unchanged": again,
        "peak_rss_mib_before_import": rss_before,
        "peak_rss_mib_after_import": rss_import,
        "peak_rss_mib": peak_rss_mib(),
        "database_mib": size,
    }


# --- orchestration -------------------------------------------------------------------------


def _throwaway_postgres(url: str) -> tuple[str, Any]:
    base = make_url(url)
    name = f"gradmatch_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = build_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return base.set(database=name).render_as_string(hide_password=False), (admin, name)


def _drop_postgres(handle: Any) -> None:
    admin, name = handle
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _child(database_url: str, csv_path: Path, batch_size: int) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.bench_registry_import",
        "--child-database-url",
        database_url,
        "--child-csv",
        str(csv_path),
        "--batch-size",
        str(batch_size),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"benchmark child failed ({done.returncode})")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--invalid-share", type=float, default=0.03)
    parser.add_argument("--batch-size", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=os.environ.get("GRADMATCH_TEST_DATABASE_URL"))
    parser.add_argument("--child-database-url", help=argparse.SUPPRESS)
    parser.add_argument("--child-csv", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_database_url:
        figures = run_backend(args.child_database_url, Path(args.child_csv), args.batch_size)
        print(json.dumps(figures))
        return

    with tempfile.TemporaryDirectory(prefix="gradmatch-bench-csv-") as tmp:
        csv_path = Path(tmp) / "registry_500k.csv"
        started = time.perf_counter()
        defects = generate_csv(csv_path, args.rows, args.invalid_share, args.seed)
        figures: dict[str, Any] = {
            "rows": args.rows,
            "batch_size": args.batch_size,
            "file_mib": round(csv_path.stat().st_size / 2**20, 1),
            "generate_seconds": round(time.perf_counter() - started, 1),
            "defective_rows": defects,
            "backends": {},
        }
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        figures["backends"]["sqlite"] = _child(sqlite_url, csv_path, args.batch_size)
        if args.database_url:
            url, handle = _throwaway_postgres(args.database_url)
            try:
                figures["backends"]["postgresql"] = _child(url, csv_path, args.batch_size)
            finally:
                _drop_postgres(handle)

    path = write_results("registry_import", figures)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
