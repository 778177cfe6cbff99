"""Push fan-out of one newly published job over 1 M graduates.

    nice -n 10 .venv/bin/python -m bench.bench_push_fanout --graduates 1000000 --notify 1000,20000

Graduate profile vectors are synthetic 384-dim embeddings with the cluster structure of
``bench.bench_vector_index`` (shared direction, 48 topics, log-normal cluster sizes), held in
the FAISS graduate index; the job's query vector is a new point from the same distribution.
Stages, each timed:

* **generate** the vectors and **build** the FAISS index (IVF-SQ8, as a bulk load does);
* **candidates**: the top 1,000 graduates from ``FaissVectorIndex.search`` (the index API's
  largest k: what ``suggest_candidates`` can ask for), and, as the baseline in the same run,
  the exact top-N by brute force (float32 inner products over all 1 M, ``argpartition``)
  for the larger fan-out sizes; recall of the index's top 1,000 against the exact top 1,000;
* **provincial**: each graduate wants one province (31, skewed: :func:`province_shares`); for
  the smallest, a middling and the largest one, how many of the national top 1,000 want it, and
  the top 1,000 among those who do (``include_ids``, the search ``matching.regions`` adds):
  its time and recall against the exact top 1,000 of the province; and the time to read each
  such allow-list from ``match_graduate_provinces`` (1 M rows, one per graduate);
* **fan-out** (:func:`matching.push.fanout.fan_out`) into a fresh database per size (SQLite
  file; PostgreSQL with ``--database-url``): consent filter, settings and today's counts,
  selection (priority groups first, per-job instant budget), then ``PushMatch`` rows, one
  ``PushDelivery`` per enabled channel and the outbox event, committed per batch of 500;
* **send**: :func:`matching.push.delivery.send_due` — inbox deliveries in batches
  (``deliver_many``), e-mail ones one POST each to a local gateway on 127.0.0.1;
* **re-run**: the same fan-out again (idempotent: finds the job done, writes nothing).

Graduates' settings are drawn as a realistic mix: 70 % instant (default), 18 % daily, 7 %
weekly, 5 % off; 8 % are in a priority group; 15 % also use e-mail. The job is published at
noon Beijing time (outside quiet hours). Results: ``bench/results/push_fanout.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from bench.bench_vector_index import DIMENSION, Generator, generate
from bench.common import RESULTS_DIR, peak_rss_mib, write_results
from jobs_api.cli_progress import progress_bars
from jobs_api.core.db import Base, build_engine, build_session_factory, job_session
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.settings import Settings
from jobs_api.employers.models import Employer
from jobs_api.graduates.models import ConsentPurpose, ConsentRecord
from jobs_api.identity.models import User
from jobs_api.inbox.models import InboxMessage
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.reference.service import load_reference
from matching.models import MatchGraduateProvince
from matching.push.delivery import send_due
from matching.push.fanout import DEFAULT_INSTANT_BUDGET, FanoutCandidate, fan_out
from matching.push.models import NotificationPreference, PushDelivery, PushMatch
from matching.regions import provincial_allow_list
from matching.vector_index.base import MAX_K
from matching.vector_index.faiss_index import FaissVectorIndex

NAME = "push_fanout"
NOON = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


class _Gateway(BaseHTTPRequestHandler):
    """A local e-mail gateway that accepts every message (127.0.0.1 only)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


def _now(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def exact_top(data: np.ndarray[Any, Any], query: np.ndarray[Any, Any], n: int) -> Any:
    scores = data @ query
    top = np.argpartition(-scores, n)[:n]
    order = top[np.argsort(-scores[top])]
    return order, scores[order]


PROVINCES = 31


def province_shares(count: int = PROVINCES) -> np.ndarray[Any, Any]:
    """Skewed like graduates' destinations: Zipf weights, the largest province ≈ 12.5 %, the
    smallest ≈ 1.6 % (independent of the profile vectors)."""
    weights = 1.0 / np.arange(1, count + 1) ** 0.6
    return np.asarray(weights / weights.sum())


def wanted_provinces(graduates: int, seed: int) -> np.ndarray[Any, Any]:
    """The province (0..30) each graduate wants."""
    return np.random.default_rng(seed).choice(PROVINCES, size=graduates, p=province_shares())


def picked_provinces() -> dict[str, int]:
    shares = province_shares()
    return {
        "smallest": PROVINCES - 1,
        "middling": int(np.argmin(np.abs(shares - 0.04))),
        "largest": 0,
    }


def province_code(province: int) -> str:
    return f"{11 + province:02d}0000"


def allow_list_reads(
    database_url: str | None, work: Path, graduates: int, seed: int
) -> dict[str, Any]:
    """``matching.regions.provincial_allow_list`` over one ``match_graduate_provinces`` row
    per graduate (the province it wants): time to read each picked province's allow-list
    (median of 5)."""
    engine = build_engine(database_url or f"sqlite:///{work / 'provinces.db'}")
    upgrade_schema(engine)
    wanted = wanted_provinces(graduates, seed)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM match_graduate_provinces"))
        for start in range(0, graduates, 100_000):
            conn.execute(
                insert(MatchGraduateProvince),
                [
                    {"student_record_id": start + i, "province_code": province_code(int(p))}
                    for i, p in enumerate(wanted[start : start + 100_000])
                ],
            )
    found: dict[str, Any] = {}
    sessions = build_session_factory(engine)
    for label, province in picked_provinces().items():
        timings = []
        for _ in range(5):
            with sessions() as session:
                started = time.perf_counter()
                allowed = provincial_allow_list(session, province_code(province), graduates)
                timings.append((time.perf_counter() - started) * 1000)
        assert allowed is not None and len(allowed) == int((wanted == province).sum())
        found[label] = {"ids": len(allowed), "read_ms": round(float(np.median(timings)), 1)}
    engine.dispose()
    return found


def provincial_search(
    index: FaissVectorIndex,
    data: np.ndarray[Any, Any],
    job_vector: np.ndarray[Any, Any],
    national: set[int],
    seed: int,
) -> dict[str, Any]:
    """What the search among the graduates who want the job's province adds
    (``matching.regions``): for the smallest, a middling and the largest province, how many of the
    national top 1,000 want it, and the provincial top 1,000 (``include_ids``): its time
    (median of 5) and recall against the exact top 1,000 of that province."""
    wanted = wanted_provinces(data.shape[0], seed)
    found: dict[str, Any] = {}
    for label, province in picked_provinces().items():
        allowed = np.flatnonzero(wanted == province).astype(np.int64)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            hits = index.search(job_vector, MAX_K, include_ids=allowed)
            timings.append((time.perf_counter() - started) * 1000)
        exact, _ = exact_top(data[allowed], job_vector, MAX_K)
        truth = {int(i) for i in allowed[exact]}
        found[label] = {
            "share": round(allowed.shape[0] / data.shape[0], 4),
            "graduates_wanting": int(allowed.shape[0]),
            "in_national_top_1000": len(national & set(allowed.tolist())),
            "provincial_top_1000_ms": round(float(np.median(timings)), 1),
            "provincial_recall_at_1000": round(len(truth & {h.id for h in hits}) / MAX_K, 4),
        }
    return found


def seed_database(engine: Engine, user_ids: list[int], rng: np.random.Generator) -> int:
    """Accounts, consents and settings of the candidates; one verified employer and job."""
    factory = build_session_factory(engine)
    with job_session(factory) as session:
        load_reference(session)
        employer = Employer(
            name="杭州云帆网络科技有限公司",
            uscc="91330100MA2B3C4D5E",
            employer_type_code="private_enterprise",
            industry_code="I",
            city_code="330100",
            size="100-499",
            verification_status="verified",
        )
        session.add(employer)
        session.flush()
        job = Job(
            employer_id=employer.id,
            title="Java开发工程师",
            industry_code="I",
            city_code="330100",
            degree_level="bachelor",
            major_codes=["080902"],
            skills=["Java"],
            salary_min=12000,
            salary_max=18000,
            description="负责后端服务开发。",
            status=JobStatus.PUBLISHED,
            published_at=NOON,
        )
        session.add(job)
        session.flush()
        job_id = job.id
        for start in range(0, len(user_ids), 5000):
            chunk = user_ids[start : start + 5000]
            session.execute(
                insert(User),
                [
                    {
                        "id": uid,
                        "username": f"g{uid}",
                        "email": f"g{uid}@example.edu.cn",
                        "role": "graduate",
                        "status": "active",
                    }
                    for uid in chunk
                ],
            )
            session.execute(
                insert(ConsentRecord),
                [
                    {
                        "user_id": uid,
                        "purpose": ConsentPurpose.PUSH_NOTIFICATIONS.value,
                        "text_version": "2025-01",
                        "granted_at": NOON,
                    }
                    for uid in chunk
                ],
            )
            draws = rng.random(len(chunk))
            email = rng.random(len(chunk)) < 0.15
            rows = []
            for uid, draw, mail in zip(chunk, draws, email, strict=True):
                frequency = (
                    "instant"
                    if draw < 0.70
                    else "daily"
                    if draw < 0.88
                    else "weekly"
                    if draw < 0.95
                    else "off"
                )
                if frequency != "instant" or mail:
                    rows.append(
                        {
                            "user_id": uid,
                            "channels": ["inbox", "email"] if mail else ["inbox"],
                            "frequency": frequency,
                            "quiet_start_minute": 22 * 60,
                            "quiet_end_minute": 8 * 60,
                            "daily_cap": 5,
                        }
                    )
            if rows:
                session.execute(insert(NotificationPreference), rows)
    return job_id


def run_fanout(
    database_url: str | None,
    work: Path,
    ids: Any,
    scores: Any,
    label: str,
    rng: np.random.Generator,
    gateway_url: str,
) -> dict[str, Any]:
    figures: dict[str, Any] = {"notify": len(ids)}
    if database_url:
        engine = build_engine(database_url)
        upgrade_schema(engine)
        names = [t.name for t in Base.metadata.sorted_tables if not t.name.startswith("ref_")]
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    else:
        path = work / f"{label}.db"
        path.unlink(missing_ok=True)
        engine = build_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    user_ids = [int(i) + 1 for i in ids]
    started = time.perf_counter()
    job_id = seed_database(engine, user_ids, rng)
    figures["seed_seconds"] = _now(started)
    priority = rng.random(len(user_ids)) < 0.08
    candidates = [
        FanoutCandidate(uid, float(score), bool(p))
        for uid, score, p in zip(user_ids, scores, priority, strict=True)
    ]
    settings = Settings(
        environment="test",
        data_dir=work,
        database_url=str(engine.url.render_as_string(hide_password=False)),
        push_email_gateway_url=gateway_url,
    )
    factory = build_session_factory(engine)
    started = time.perf_counter()
    report = fan_out(factory, settings, job_id, candidates, now=NOON)
    figures["fan_out_seconds"] = _now(started)
    figures["fan_out"] = {
        "matched": report.matched,
        "notified": report.notified,
        "deferred": report.deferred,
        "skipped": report.skipped,
        "deliveries": report.deliveries,
        "decisions": report.decisions,
        "instant_budget": DEFAULT_INSTANT_BUDGET,
    }
    figures["fan_out_per_graduate_ms"] = round(
        figures["fan_out_seconds"] / max(1, len(candidates)) * 1000, 3
    )
    started = time.perf_counter()
    sent = send_due(factory, settings, now=NOON, batch_size=500, max_batches=10_000)
    figures["send_seconds"] = _now(started)
    figures["send"] = {"sent": sent.sent, "dead": sent.dead, "by_channel": sent.by_channel}
    started = time.perf_counter()
    again = fan_out(factory, settings, job_id, candidates, now=NOON)
    figures["rerun_seconds"] = _now(started)
    with Session(engine) as session:
        figures["rows"] = {
            "push_matches": session.scalar(select(func.count()).select_from(PushMatch)),
            "push_deliveries": session.scalar(select(func.count()).select_from(PushDelivery)),
            "inbox_messages": session.scalar(select(func.count()).select_from(InboxMessage)),
        }
    figures["rerun_status"] = again.status
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graduates", type=int, default=1_000_000)
    parser.add_argument("--notify", default="1000,20000", help="fan-out sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--work-dir", type=Path, default=None)
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.notify.split(","))
    console = Console()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-push-"))
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {
        "graduates": args.graduates,
        "dimension": DIMENSION,
        "database": "postgresql" if args.database_url else "sqlite",
        "stages": {},
    }
    stages = figures["stages"]
    with progress_bars(console) as progress:
        started = time.perf_counter()
        data, _ = generate(args.graduates, 1, args.seed, progress)
        stages["generate_seconds"] = _now(started)
        index = FaissVectorIndex(work / "graduates", "graduates", DIMENSION)
        started = time.perf_counter()
        index.add(
            np.arange(args.graduates, dtype=np.int64), data, np.zeros(args.graduates, np.int64)
        )
        stages["build_seconds"] = _now(started)
    job_vector = Generator(args.graduates, args.seed).sample(1, np.random.default_rng(99))[0]
    index.search(job_vector, 20)  # warm-up
    started = time.perf_counter()
    hits = index.search(job_vector, MAX_K)
    stages["index_top_1000_ms"] = round((time.perf_counter() - started) * 1000, 2)
    started = time.perf_counter()
    exact_ids, exact_scores = exact_top(data, job_vector, max(sizes[-1], MAX_K))
    stages["exact_top_n_ms"] = round((time.perf_counter() - started) * 1000, 1)
    exact_1000 = set(int(i) for i in exact_ids[:MAX_K])
    figures["index_recall_at_1000"] = round(len(exact_1000 & {h.id for h in hits}) / MAX_K, 4)
    figures["score_quantiles"] = {
        f"top{n}": round(float(exact_scores[n - 1]), 4) for n in (100, 1000, sizes[-1])
    }
    console.print("provincial searches ...")
    figures["provincial"] = provincial_search(
        index, data, job_vector, {h.id for h in hits}, args.seed
    )
    console.print(figures["provincial"])
    del data
    rng = np.random.default_rng(args.seed)
    gateway = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    gateway_url = f"http://127.0.0.1:{gateway.server_address[1]}/email"
    runs: dict[str, Any] = {}
    for size in sizes:
        if size <= MAX_K:
            ids = np.array([h.id for h in hits[:size]])
            scores = np.array([h.score for h in hits[:size]])
            source = "faiss index"
        else:
            ids, scores = exact_ids[:size], exact_scores[:size]
            source = "exact top-N"
        console.print(f"fan-out of {size} graduates ({source}) ...")
        runs[str(size)] = run_fanout(
            args.database_url or None, work, ids, scores, f"n{size}", rng, gateway_url
        )
        runs[str(size)]["candidates_from"] = source
        console.print(runs[str(size)])
    gateway.shutdown()
    gateway.server_close()
    figures["runs"] = runs
    console.print("provincial allow-lists from the database ...")
    figures["provincial_allow_list_reads"] = allow_list_reads(
        args.database_url or None, work, args.graduates, args.seed
    )
    console.print(figures["provincial_allow_list_reads"])
    figures["peak_rss_mib"] = peak_rss_mib()
    path = write_results(NAME, _merge(NAME, figures))
    console.print(f"[green]wrote {path}[/]")


def _merge(name: str, figures: dict[str, Any]) -> dict[str, Any]:
    """Keep the other database's run of an earlier invocation next to this one."""
    path = RESULTS_DIR / f"{name}.json"
    merged: dict[str, Any] = {}
    if path.exists():
        merged = dict(json.loads(path.read_text()).get("figures", {}))
    merged[figures["database"]] = figures
    return merged


if __name__ == "__main__":
    main()
