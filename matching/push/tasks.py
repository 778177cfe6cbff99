"""rq jobs of push notifications and the outbox handler that starts a fan-out.

* :func:`on_jobs_changed` (outbox handler of ``jobs.changed``): for each published job not yet
  fanned out, queue :func:`fan_out_job` (rq job id ``push-fanout-<job id>``, so repeated
  events queue it once; the job itself is idempotent).
* :func:`fan_out_job`: candidates from
  ``matching.recommend.service.suggest_candidates(..., purpose="push_notifications")``
  (verified, opted in, not applied; a test or an operator may install another source under
  :data:`CANDIDATE_SOURCE_KEY`), then :func:`matching.push.fanout.fan_out`.
* :func:`send_due_job` every 5 minutes and :func:`send_digests_job` at 08:30 Beijing time,
  each scheduling its next run (job ids name the slot, so overlapping workers queue one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.queue import DEFAULT_QUEUE, QueueConnection
from jobs_api.jobs.models import Job, JobStatus
from matching.push.delivery import send_due
from matching.push.digest import send_digests
from matching.push.fanout import FanoutCandidate, FanoutReport, fan_out
from matching.push.models import PushFanout
from matching.push.selection import next_digest_due
from matching.recommend.for_job import MAX_PUSH_CANDIDATES
from matching.recommend.service import CandidateFit, suggest_candidates
from matching.runtime import matching_runtime

CANDIDATE_SOURCE_KEY: Final = "push.candidate_source"
FANOUT_LIMIT: Final = MAX_PUSH_CANDIDATES
"""Candidates asked for per job (the recommender's own cap, best first)."""
SWEEP_INTERVAL: Final = timedelta(minutes=5)

CandidateSource = Callable[[Session, int, int], Sequence[FanoutCandidate]]
"""(session, job id, limit) -> the job's push candidates, best first."""


def candidates_from_fits(fits: Iterable[CandidateFit]) -> list[FanoutCandidate]:
    """Turn recommender results into fan-out candidates (reasons kept for the match row)."""
    out = []
    for fit in fits:
        out.append(
            FanoutCandidate(
                user_id=fit.user_id,
                score=float(fit.score),
                priority_group=bool(fit.priority_group),
                reasons=tuple(
                    {
                        "code": r.code,
                        "matched": r.matched,
                        "text_zh": r.text_zh,
                        "text_en": r.text_en,
                    }
                    for r in fit.match.reasons
                ),
            )
        )
    return out


def recommender_source(container: Container) -> CandidateSource:
    """The recommender's suggestions for push (``purpose="push_notifications"``)."""
    runtime = matching_runtime(container)

    def source(session: Session, job_id: int, limit: int) -> list[FanoutCandidate]:
        fits = suggest_candidates(
            session,
            runtime,
            job_id,
            limit=limit,
            purpose="push_notifications",
            exclude_applied=True,
        )
        return candidates_from_fits(fits)

    return source


def fanout_job_id(job_id: int) -> str:
    return f"push-fanout-{job_id}"


def on_jobs_changed(session: Session, payload: dict[str, Any], *, queue: QueueConnection) -> None:
    """Queue a fan-out for every published job of the event that has none finished."""
    job_ids = [int(i) for i in payload.get("job_ids", [])]
    if not job_ids:
        return
    published = session.scalars(
        select(Job.id).where(Job.id.in_(job_ids), Job.status == JobStatus.PUBLISHED)
    ).all()
    finished = set(
        session.scalars(
            select(PushFanout.job_id).where(
                PushFanout.job_id.in_(job_ids), PushFanout.status == "done"
            )
        )
    )
    for job_id in published:
        if job_id not in finished:
            queue.queue(DEFAULT_QUEUE).enqueue(
                fan_out_job, job_id, job_id=fanout_job_id(job_id), result_ttl=24 * 3600
            )


def run_fan_out(container: Container, job_id: int) -> FanoutReport:
    source = cast("CandidateSource | None", container.extras.get(CANDIDATE_SOURCE_KEY))
    if source is None:
        source = recommender_source(container)
    with job_session(container.session_factory) as session:
        candidates = list(source(session, job_id, FANOUT_LIMIT))
    return fan_out(container.session_factory, container.settings, job_id, candidates)


def fan_out_job(job_id: int) -> dict[str, Any]:
    report = run_fan_out(worker_context.current(), job_id)
    return {"status": report.status, "matched": report.matched, "notified": report.notified}


# --- periodic jobs -------------------------------------------------------------------------


def _next_sweep(now: datetime) -> datetime:
    floor = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
    return floor + SWEEP_INTERVAL


def schedule_push_sweep(queue: QueueConnection, now: datetime | None = None) -> str:
    now = now or utcnow()
    run_at = _next_sweep(now)
    job_id = f"push-sweep-{run_at:%Y%m%d%H%M}"
    queue.queue(DEFAULT_QUEUE).enqueue_in(
        run_at - now, send_due_job, job_id=job_id, result_ttl=3600
    )
    return job_id


def schedule_push_digest(queue: QueueConnection, now: datetime | None = None) -> str:
    now = now or utcnow()
    run_at = next_digest_due(now)
    job_id = f"push-digest-{run_at:%Y%m%d}"
    queue.queue(DEFAULT_QUEUE).enqueue_in(
        run_at - now, send_digests_job, job_id=job_id, result_ttl=24 * 3600
    )
    return job_id


def send_due_job() -> int:
    container = worker_context.current()
    try:
        return send_due(container.session_factory, container.settings).sent
    finally:
        schedule_push_sweep(container.queue)


def send_digests_job() -> int:
    container = worker_context.current()
    try:
        report = send_digests(container.session_factory, container.settings)
        send_due(container.session_factory, container.settings)
        return report.users
    finally:
        schedule_push_digest(container.queue)
