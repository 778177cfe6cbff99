"""Matching's outbox handlers, background jobs and the batch re-embedding.

* Outbox handlers (registered by ``jobs_api.wiring``): ``jobs.changed``,
  ``employers.visibility_changed`` and ``employers.profile_changed`` (the employer's name and
  type are part of a job's text) re-index those jobs; ``graduates.profile_changed`` re-indexes
  those graduates. They run in the delivery's transaction and only flush.
* :func:`start_matching` (worker start): loads both vector indexes and repairs them from the
  embedding store without embedding anything, then queues :func:`embed_missing_job` when
  matchable jobs or graduates have no current vector (first start, demo data, a new model), so
  the worker is serving at once and the embedding runs as an ordinary job, logging progress.
* :func:`reconcile_vectors_job` repeats that check every hour (rq's scheduler), so drift from
  other writers (``gradmatch reembed`` in another process, a rolled-back delivery) is repaired
  and jobs that became recommendable without an event get embedded.
* :func:`reembed` (``gradmatch reembed`` and that job): walks the matchable jobs and/or
  graduates in id order, ``batch`` at a time, each batch in its own committed transaction,
  embedding only texts whose content hash changed (every text with ``force``). A run that
  stops half-way is resumed by running it again: committed batches are current and skipped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from rq import Retry
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.queue import DEFAULT_QUEUE, QueueConnection
from jobs_api.jobs.models import Job
from matching.indexing import IndexReport, index_graduates, index_jobs
from matching.models import MatchVector
from matching.runtime import MatchingRuntime, StartReport, expected_ids_statement, matching_runtime
from matching.store import Kind

log = logging.getLogger(__name__)

EMBED_MISSING_JOB_ID = "matching-embed-missing"
RECONCILE_JOB_PREFIX: Final = "matching-reconcile"
RECONCILE_INTERVAL: Final = timedelta(hours=1)
DEFAULT_BATCH = 256
EMBED_CHUNK = 1_024
"""Entities one background embedding run handles before it queues the next."""
JOB_FIELDS_IN_TEXT = frozenset({"name", "employer_type_code"})
"""Employer profile fields that are part of a job's passage."""

ReembedChoice = Literal["jobs", "graduates", "all"]
KINDS_OF: dict[str, tuple[Kind, ...]] = {
    "jobs": ("job",),
    "graduates": ("graduate",),
    "all": ("job", "graduate"),
}
ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, done, total)`` (the CLI draws bars; the worker logs)."""
STAGES: dict[Kind, str] = {"job": "向量化岗位", "graduate": "向量化毕业生"}


# --------------------------------------------------------------------------- outbox handlers
#
# Handlers only queue a job: embedding needs the model (loaded on first use, seconds) and may
# fail on its own; the job search index, whose handlers share these events, must not wait for
# it or be retried with it. The jobs re-read the database, so a job queued by a delivery that
# rolled back is harmless.

INDEX_RETRY = Retry(max=6, interval=[10, 30, 60, 300, 900, 3600])


def _queue(container: Container, func: Callable[..., Any], *args: Any) -> None:
    container.queue.queue(DEFAULT_QUEUE).enqueue(func, *args, retry=INDEX_RETRY)


def on_jobs_changed(session: Session, payload: dict[str, Any], *, container: Container) -> None:
    _queue(container, index_jobs_job, sorted({int(i) for i in payload["job_ids"]}))


def on_employer_jobs_changed(
    session: Session, payload: dict[str, Any], *, container: Container
) -> None:
    """``employers.visibility_changed``, and ``employers.profile_changed`` when a field of the
    job text changed: every job of the employer."""
    changed = payload.get("changed")
    if changed is not None and not JOB_FIELDS_IN_TEXT & set(changed):
        return
    _queue(container, index_employer_jobs_job, int(payload["employer_id"]))


def on_graduate_profile_changed(
    session: Session, payload: dict[str, Any], *, container: Container
) -> None:
    _queue(container, index_graduates_job, sorted({int(i) for i in payload["student_record_ids"]}))


def index_jobs_job(job_ids: list[int]) -> int:
    """rq job: store and index (or remove) these jobs' vectors; returns texts embedded."""
    container = worker_context.current()
    with job_session(container.session_factory) as session:
        return index_jobs(session, matching_runtime(container), job_ids).embedded


def index_employer_jobs_job(employer_id: int) -> int:
    container = worker_context.current()
    with job_session(container.session_factory) as session:
        ids = session.scalars(select(Job.id).where(Job.employer_id == employer_id)).all()
        return index_jobs(session, matching_runtime(container), ids).embedded


def index_graduates_job(student_record_ids: list[int]) -> int:
    container = worker_context.current()
    with job_session(container.session_factory) as session:
        return index_graduates(session, matching_runtime(container), student_record_ids).embedded


# --------------------------------------------------------------------------- batch re-embedding


@dataclass
class ReembedSummary:
    reports: dict[str, IndexReport] = field(default_factory=dict)
    seconds: float = 0.0
    complete: bool = True

    @property
    def embedded(self) -> int:
        return sum(r.embedded for r in self.reports.values())

    @property
    def embed_seconds(self) -> float:
        return sum(r.embed_seconds for r in self.reports.values())

    @property
    def texts_per_second(self) -> float:
        return self.embedded / self.embed_seconds if self.embed_seconds > 0 else 0.0


def _selection(kind: Kind, model_id: str | None) -> Any:
    """Matchable ids of ``kind``; with ``model_id``, only those without a vector of that model
    (missing rows and rows of another model)."""
    ids = expected_ids_statement(kind)
    if model_id is None:
        return ids
    column = ids.selected_columns[0]
    current = select(MatchVector.entity_id).where(
        MatchVector.kind == kind, MatchVector.model == model_id
    )
    return ids.where(column.not_in(current))


def _batches(
    session_factory: sessionmaker[Session], statement: Any, batch: int
) -> Iterator[list[int]]:
    column = statement.selected_columns[0]
    last = 0
    while True:
        with session_factory() as session:
            ids = list(
                session.scalars(statement.where(column > last).order_by(column).limit(batch))
            )
        if not ids:
            return
        last = ids[-1]
        yield ids


def reembed(
    session_factory: sessionmaker[Session],
    runtime: MatchingRuntime,
    kinds: ReembedChoice = "all",
    *,
    batch: int = DEFAULT_BATCH,
    force: bool = False,
    only_missing: bool = False,
    max_items: int | None = None,
    progress: ProgressCallback | None = None,
) -> ReembedSummary:
    """Bring every matchable job / graduate's stored vector and index entry up to date.

    ``max_items`` stops after about that many entities (whole batches) and sets
    ``summary.complete`` to ``False``; running again continues (with ``only_missing``)."""
    if batch < 1:
        raise ValueError("batch must be positive")
    started = time.perf_counter()
    summary = ReembedSummary()
    model_id = runtime.embedder.model_id if only_missing else None
    handled = 0
    for kind in KINDS_OF[kinds]:
        statement = _selection(kind, model_id)
        with session_factory() as session:
            total = int(
                session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
            )
        stage = STAGES[kind]
        total_report = IndexReport()
        done = 0
        if progress is not None:
            progress(stage, 0, total)
        indexer = index_jobs if kind == "job" else index_graduates
        for ids in _batches(session_factory, statement, batch):
            if max_items is not None and handled >= max_items:
                summary.complete = False
                break
            with job_session(session_factory) as session:
                total_report.add(indexer(session, runtime, ids, force=force))
            done += len(ids)
            handled += len(ids)
            if progress is not None:
                progress(stage, min(done, total), total)
        summary.reports[kind] = total_report
    runtime.save()
    summary.seconds = time.perf_counter() - started
    return summary


def _log_progress(stage: str, done: int, total: int) -> None:
    log.info("%s: %d / %d", stage, done, total)


def embed_missing_job() -> dict[str, int]:
    """rq job: embed the matchable jobs and graduates without a current vector, at most
    :data:`EMBED_CHUNK` per run; a run that leaves some queues the next one, so outbox events
    (listened to first) are not held up behind a long first embedding."""
    container = worker_context.current()
    runtime = matching_runtime(container)
    summary = reembed(
        container.session_factory,
        runtime,
        "all",
        only_missing=True,
        max_items=EMBED_CHUNK,
        progress=_log_progress,
    )
    log.info(
        "embedded %d texts in %.1f s (%.1f texts/s)%s",
        summary.embedded,
        summary.seconds,
        summary.texts_per_second,
        "" if summary.complete else "; continuing",
    )
    if not summary.complete:
        _enqueue_embed_missing(container)
    return {kind: report.embedded for kind, report in summary.reports.items()}


def _enqueue_embed_missing(container: Container) -> None:
    container.queue.queue(DEFAULT_QUEUE).enqueue(embed_missing_job, job_timeout=6 * 3600)


def start_matching(container: Container) -> StartReport:
    """Worker start: load and repair the vector indexes; queue the embedding of what has no
    vector yet (never embeds here, so start-up stays fast)."""
    runtime = matching_runtime(container)
    report = runtime.start(container.session_factory)
    runtime.save()
    missing = sum(report.unembedded.values())
    if missing:
        log.info(
            "%d jobs and %d graduates have no vector yet; embedding them in the background",
            report.unembedded.get("job", 0),
            report.unembedded.get("graduate", 0),
        )
        container.queue.queue(DEFAULT_QUEUE).enqueue(
            embed_missing_job, job_id=EMBED_MISSING_JOB_ID, job_timeout=6 * 3600
        )
    return report


def schedule_vector_reconcile(
    queue: QueueConnection, delay: timedelta = RECONCILE_INTERVAL, now: datetime | None = None
) -> str:
    """Schedule the next reconciliation ``delay`` from now; the job id names the UTC hour it
    runs, so scheduling twice for one hour keeps one job."""
    run_at = (now or utcnow()) + delay
    job_id = f"{RECONCILE_JOB_PREFIX}-{run_at:%Y%m%d%H}"
    queue.queue(DEFAULT_QUEUE).enqueue_in(
        delay, reconcile_vectors_job, job_id=job_id, result_ttl=24 * 3600
    )
    return job_id


def reconcile_vectors_job() -> dict[str, int]:
    """rq job: check both vector indexes against the store (see :func:`start_matching`)."""
    container = worker_context.current()
    try:
        report = start_matching(container)
        return {
            f"{kind}_{name}": value
            for kind, rec in report.reconciled.items()
            for name, value in (("added", rec.added), ("removed", rec.removed))
        }
    finally:
        schedule_vector_reconcile(container.queue)
