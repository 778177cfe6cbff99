"""How long `gradmatch demo` takes at scale, stage by stage, on the embedded defaults.

    .venv/bin/python -m bench.bench_demo --graduates 50000 --employers 20000 --jobs 100000

Runs in a fresh temporary data directory (SQLite file + embedded search), prints the figures
and writes them to bench/results/demo.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import peak_rss_mib, write_results
from jobs_api.core.db import build_engine, build_session_factory, job_session
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.search import build_search_backend
from jobs_api.core.settings import Settings
from jobs_api.demo.generator import generate_demo
from jobs_api.reference.service import load_reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--graduates", type=int, default=50_000)
    parser.add_argument("--employers", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gradmatch-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), elasticsearch_url="embedded://")
        engine = build_engine(settings.resolved_database_url())
        started = time.perf_counter()
        upgrade_schema(engine)
        factory = build_session_factory(engine)
        with job_session(factory) as session:
            load_reference(session)
        setup_seconds = time.perf_counter() - started
        search = build_search_backend(settings)
        report = generate_demo(
            factory,
            search,
            graduates=args.graduates,
            employers=args.employers,
            jobs=args.jobs,
            seed=args.seed,
            progress=lambda stage, done, total: None,
        )
        search.close()
        db_mib = round(Path(tmp, "gradmatch.db").stat().st_size / 2**20, 1)
        engine.dispose()

    figures = {
        "backend": "sqlite + embedded search (FTS5)",
        "requested": vars(args),
        "schema_and_reference_seconds": round(setup_seconds, 2),
        "demo_seconds": round(report.seconds, 2),
        "stage_seconds": {k: round(v, 2) for k, v in report.stage_seconds.items()},
        "rows_written": report.rows,
        "rows_per_second": round(report.rows / report.seconds),
        "jobs_indexed": report.indexed_jobs,
        "database_mib": db_mib,
        "peak_rss_mib": peak_rss_mib(),
    }
    path = write_results("demo", figures)
    for key, value in figures.items():
        print(f"{key:>30}: {value}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
