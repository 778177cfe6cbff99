"""Job search at scale: index N synthetic job documents into a search backend, then time a
typical query mix of the public search (``GET /api/v1/jobs/search``).

    .venv/bin/python -m bench.bench_job_search --jobs 1000000 --backend embedded
    .venv/bin/python -m bench.bench_job_search --jobs 1000000 --backend elasticsearch

Documents come from the demo generator (titles that fit their occupation, pay by city tier
and degree, accepted majors, benefits, descriptions) for synthetic employers, turned into
search documents exactly as :mod:`jobs_api.jobs.search_index` does for the database, and are
bulk-indexed straight through :class:`SearchBackend` (no database rows). The embedded engine
works in a temporary directory; Elasticsearch is the one in ``GRADMATCH_ELASTICSEARCH_URL``
(or ``GRADMATCH_TEST_ELASTICSEARCH_URL``, see ``scripts/services env``), under a throw-away
index prefix that is dropped at the end (``--keep`` keeps it).

Query mix (each query carries the "still open" filter ``open_until >= today`` the API adds):

* ``keyword`` 40 %: a title, skill or word, relevance order, highlights;
* ``keyword_filters`` 30 %: keyword + city (or province) + degree;
* ``filters_newest`` 15 %: province + degree (+ employer type), newest first;
* ``keyword_facets`` 10 %: keyword + the five facets of the search page;
* ``deep_page`` 5 %: page 10 of a keyword query, reached through cursors (the timed figure is
  the 10th page's request).

Figures per query type and overall (p50/p95/p99, mean, ms), index build time and rate, size
on disk; they are merged into ``bench/results/job_search.json`` under the backend's name.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from rich.console import Console

from bench.common import RESULTS_DIR, machine, peak_rss_mib, write_results
from jobs_api.cli_progress import progress_bars
from jobs_api.core.db import build_engine, build_session_factory, job_session
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.search import Range, SearchBackend, SearchQuery, SortField
from jobs_api.core.search.elastic import ElasticsearchBackend
from jobs_api.core.search.embedded import EmbeddedSearchBackend
from jobs_api.core.search.segment import query_tokens, warm_up
from jobs_api.core.settings import Settings
from jobs_api.demo import regions
from jobs_api.demo.catalog import Catalog, load_catalog
from jobs_api.demo.employers import EmployerFactory
from jobs_api.demo.jobs import FAMILIES, JobFactory, PlacedEmployer
from jobs_api.jobs.search_index import JOB_INDEX, JOB_INDEX_SPEC, ReferenceNames, _document
from jobs_api.reference.service import load_reference

RESULT_NAME = "job_search"
FACETS = ("province_code", "industry_section", "degree_level", "employer_type", "benefits")
MIX = (
    ("keyword", 0.40),
    ("keyword_filters", 0.30),
    ("filters_newest", 0.15),
    ("keyword_facets", 0.10),
    ("deep_page", 0.05),
)
BATCH = 5_000
DEGREES = ("junior_college", "bachelor", "master", "doctor")
STAGE_INDEX = "索引岗位"
STAGE_QUERIES = "查询"


def _employers(
    catalog: Catalog, count: int, rng: random.Random
) -> list[tuple[PlacedEmployer, str]]:
    """Synthetic employers (id, city, industry, archetype, size; all verified) and names."""
    factory = EmployerFactory(catalog, rng, datetime.now(UTC))
    placed = []
    for employer_id in range(1, count + 1):
        draft = factory.make()
        placed.append(
            (
                PlacedEmployer(
                    id=employer_id,
                    city_code=draft.city_code,
                    industry_code=draft.industry_code,
                    archetype=draft.archetype,
                    verification_status="verified",
                    size=draft.size,
                ),
                f"{draft.name}|{draft.employer_type_code}",
            )
        )
    return placed


def documents(
    catalog: Catalog, names: ReferenceNames, total: int, seed: int
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``total`` job documents, deterministic for a seed; every one searchable and open."""
    rng = random.Random(f"{seed}-employers")
    employers = _employers(catalog, max(50, total // 20), rng)
    by_id = {placed.id: label.split("|") for placed, label in employers}
    now = datetime.now(UTC)
    factory = JobFactory(catalog, [p for p, _ in employers], random.Random(f"{seed}-jobs"), now)
    for job_id in range(1, total + 1):
        row = factory.make()
        name, employer_type = by_id[row["employer_id"]]
        if row["published_at"] is None or row["status"] != "published":
            row["published_at"] = now - timedelta(days=factory.rng.uniform(0, 90))
            row["deadline"] = (now + timedelta(days=factory.rng.uniform(14, 120))).date()
        row.update(id=job_id, employer_name=name, employer_type_code=employer_type)
        yield str(job_id), _document(row, names)


class QueryMaker:
    """Random queries of each type from the generator's own vocabulary."""

    def __init__(self, catalog: Catalog, seed: int) -> None:
        self.rng = random.Random(f"{seed}-queries")
        titles = sorted({t for f in FAMILIES for r in f.roles for t in r.titles})
        skills = sorted({s for f in FAMILIES for s in f.skills})
        words = sorted({w for t in titles for w in query_tokens(t) if len(w) >= 2})
        self.keywords = titles, skills, words
        self.cities = list(catalog.prefectures)
        big = (*regions.TIER_1, *regions.NEW_TIER_1)
        self.big_cities = [c for c in big if c in catalog.regions]
        self.provinces = sorted({catalog.province_of(c) for c in self.cities})
        self.employer_types = sorted(catalog.employer_types)
        self.today = datetime.now(UTC).date().isoformat()

    def keyword(self) -> str:
        titles, skills, words = self.keywords
        roll = self.rng.random()
        pool = titles if roll < 0.5 else skills if roll < 0.8 else words
        return self.rng.choice(pool)

    def _open(self) -> dict[str, Range]:
        return {"open_until": Range(gte=self.today)}

    def _place(self) -> dict[str, list[str]]:
        if self.rng.random() < 0.7:  # graduates mostly look in the big cities
            pool = self.big_cities if self.rng.random() < 0.7 else self.cities
            return {"city_code": [self.rng.choice(pool)]}
        return {"province_code": [self.rng.choice(self.provinces)]}

    def make(self, kind: str) -> SearchQuery:
        rng = self.rng
        if kind == "keyword":
            return SearchQuery(text=self.keyword(), ranges=self._open(), highlight=True)
        if kind == "keyword_filters":
            terms = {**self._place(), "degree_level": [rng.choice(DEGREES[:3])]}
            return SearchQuery(
                text=self.keyword(), terms=terms, ranges=self._open(), highlight=True
            )
        if kind == "filters_newest":
            terms = {
                "province_code": [rng.choice(self.provinces)],
                "degree_level": [rng.choice(DEGREES[:3])],
            }
            if rng.random() < 0.3:
                terms["employer_type"] = [rng.choice(self.employer_types)]
            return SearchQuery(
                terms=terms,
                ranges=self._open(),
                sort=(SortField("published_at", descending=True),),
            )
        if kind == "keyword_facets":
            return SearchQuery(
                text=self.keyword(), ranges=self._open(), facets=FACETS, highlight=True
            )
        # deep_page: a broad keyword (a skill or a word) so that 10 pages exist
        _, skills, words = self.keywords
        return SearchQuery(text=rng.choice(skills + words), ranges=self._open(), highlight=True)


def _percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {}
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "count": len(ordered),
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "max_ms": round(ordered[-1], 2),
    }


def _timed(search: SearchBackend, query: SearchQuery) -> tuple[float, float, Any]:
    """Wall-clock and this process's CPU milliseconds of one search (the CPU time is the
    embedded engine's own work; for Elasticsearch it is only the client's share)."""
    started, cpu = time.perf_counter(), time.process_time()
    page = search.search(JOB_INDEX, query)
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000, page


def run_queries(
    search: SearchBackend, maker: QueryMaker, count: int, progress: Any
) -> dict[str, Any]:
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    samples: dict[str, list[float]] = {k: [] for k in kinds}
    cpu: dict[str, list[float]] = {k: [] for k in kinds}
    load_before = os.getloadavg()[0]
    hits: dict[str, list[int]] = {k: [] for k in kinds}
    deep_reached = 0
    for warm in range(20):  # connections, caches, jieba
        search.search(JOB_INDEX, maker.make(kinds[warm % 4]))
    for done in range(1, count + 1):
        kind = maker.rng.choices(kinds, weights=weights)[0]
        query = maker.make(kind)
        if kind == "deep_page":
            page = search.search(JOB_INDEX, query)
            for _ in range(8):  # pages 2..9
                if page.next_cursor is None:
                    break
                page = search.search(
                    JOB_INDEX,
                    SearchQuery(
                        text=query.text,
                        ranges=query.ranges,
                        highlight=True,
                        search_after=page.next_cursor,
                    ),
                )
            if page.next_cursor is None:
                continue  # fewer than 10 pages for this word: not a page-10 sample
            query = SearchQuery(
                text=query.text, ranges=query.ranges, highlight=True, search_after=page.next_cursor
            )
            deep_reached += 1
        elapsed, cpu_ms, result = _timed(search, query)
        samples[kind].append(elapsed)
        cpu[kind].append(cpu_ms)
        hits[kind].append(result.total)
        if done % 50 == 0 or done == count:
            progress(STAGE_QUERIES, done, count)
    every = [s for values in samples.values() for s in values]
    every_cpu = [s for values in cpu.values() for s in values]
    return {
        "overall": _percentiles(every),
        "overall_process_cpu": _percentiles(every_cpu),
        "by_type": {
            kind: {
                **_percentiles(samples[kind]),
                "process_cpu_p50_ms": _percentiles(cpu[kind]).get("p50_ms"),
                "process_cpu_p95_ms": _percentiles(cpu[kind]).get("p95_ms"),
                "median_total_hits": int(statistics.median(hits[kind])) if hits[kind] else 0,
            }
            for kind in kinds
        },
        "deep_page_samples": deep_reached,
        "load_average_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def _directory_mib(path: Path) -> float:
    for db in path.glob("*.db"):
        with sqlite3.connect(db) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return round(size / 2**20, 1)


def _es_store_mib(url: str, physical: str) -> float:
    with Elasticsearch(url) as es:
        es.indices.flush(index=physical)
        stats = es.indices.stats(index=physical, metric="store")
    return round(float(stats["_all"]["primaries"]["store"]["size_in_bytes"]) / 2**20, 1)


def _elasticsearch_url() -> str:
    url = os.environ.get("GRADMATCH_ELASTICSEARCH_URL", "")
    if not url or url.startswith("embedded"):
        url = os.environ.get("GRADMATCH_TEST_ELASTICSEARCH_URL", "")
    if not url:
        raise SystemExit(
            'set GRADMATCH_ELASTICSEARCH_URL (or run: eval "$(bash scripts/services env)")'
        )
    return url


def _merge_results(backend: str, figures: dict[str, Any]) -> Path:
    path = RESULTS_DIR / f"{RESULT_NAME}.json"
    backends: dict[str, Any] = {}
    if path.exists():
        backends = json.loads(path.read_text()).get("figures", {}).get("backends", {})
    backends[backend] = {**figures, "machine": machine()}
    return write_results(RESULT_NAME, {"backends": backends})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1_000_000, help="documents to index")
    parser.add_argument("--queries", type=int, default=3_000, help="queries to time")
    parser.add_argument("--backend", choices=("embedded", "elasticsearch"), default="embedded")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the Elasticsearch index")
    args = parser.parse_args()
    console = Console(stderr=True)

    with tempfile.TemporaryDirectory(prefix="gradmatch-bench-search-") as tmp:
        settings = Settings(data_dir=Path(tmp), elasticsearch_url="embedded://")
        engine = build_engine(settings.resolved_database_url())
        upgrade_schema(engine)
        factory = build_session_factory(engine)
        with job_session(factory) as session:
            load_reference(session)
        with factory() as session:
            catalog = load_catalog(session)
            names = ReferenceNames.load(session)
        engine.dispose()
        warm_up()

        search: SearchBackend
        es_url = ""
        if args.backend == "embedded":
            search = EmbeddedSearchBackend(Path(tmp) / "search", index_prefix="bench")
        else:
            es_url = _elasticsearch_url()
            prefix = f"bench{uuid.uuid4().hex[:8]}"
            search = ElasticsearchBackend(es_url, index_prefix=prefix, request_timeout=120)
        try:
            search.drop_index(JOB_INDEX)
            search.ensure_index(JOB_INDEX_SPEC)
            with progress_bars(console) as progress:
                started = time.perf_counter()
                done = 0
                batch: list[tuple[str, dict[str, Any]]] = []
                progress(STAGE_INDEX, 0, args.jobs)
                for pair in documents(catalog, names, args.jobs, args.seed):
                    batch.append(pair)
                    if len(batch) == BATCH:
                        done += search.bulk_index(JOB_INDEX, batch)
                        batch = []
                        progress(STAGE_INDEX, done, args.jobs)
                if batch:
                    done += search.bulk_index(JOB_INDEX, batch)
                search.refresh(JOB_INDEX)
                progress(STAGE_INDEX, done, args.jobs)
                build_seconds = time.perf_counter() - started
                indexed = search.count(JOB_INDEX)
                if args.backend == "embedded":
                    size_mib = _directory_mib(Path(tmp) / "search")
                else:
                    size_mib = _es_store_mib(es_url, f"{prefix}_{JOB_INDEX}")
                console.print(
                    f"indexed {indexed} jobs in {build_seconds:.0f} s, index {size_mib} MiB"
                )
                maker = QueryMaker(catalog, args.seed)
                timings = run_queries(search, maker, args.queries, progress)
            info = search.server_info()
        finally:
            if args.backend == "elasticsearch" and not args.keep:
                search.drop_index(JOB_INDEX)
            search.close()

    figures = {
        "backend": f"{info.kind} {info.version}",
        "jobs": indexed,
        "queries": args.queries,
        "seed": args.seed,
        "index_build_seconds": round(build_seconds, 1),
        "docs_per_second": round(indexed / build_seconds) if build_seconds else 0,
        "index_size_mib": size_mib,
        "latency": timings,
        "peak_rss_mib": peak_rss_mib(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = _merge_results(args.backend, figures)
    console.print_json(json.dumps(figures, ensure_ascii=False))
    console.print(f"written to {path}")


if __name__ == "__main__":
    main()
