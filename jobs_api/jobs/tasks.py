"""Background jobs of the jobs domain.

:func:`close_expired_jobs_job` is the rq job that closes published jobs past their deadline
(:mod:`jobs_api.jobs.deadlines`) with the worker's container and schedules its next run an
hour later (:func:`schedule_hourly_deadline_close`, rq's scheduler). Hourly, so a job closes
within the first hour of the day after its deadline (Asia/Shanghai) whenever the worker was
started. The job id names the hour it runs, so scheduling twice for the same hour keeps one
run — call it once at worker start (``jobs_api.wiring.schedule_periodic_jobs``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import utcnow
from jobs_api.core.queue import DEFAULT_QUEUE, QueueConnection
from jobs_api.jobs.deadlines import close_expired_jobs

DEADLINE_JOB_PREFIX: Final = "jobs-deadline-close"
DEADLINE_INTERVAL: Final = timedelta(hours=1)


def schedule_hourly_deadline_close(
    queue: QueueConnection, delay: timedelta = DEADLINE_INTERVAL, now: datetime | None = None
) -> str:
    """Schedule the next deadline close ``delay`` from now; returns its job id (named after
    the UTC hour it runs, so scheduling twice for one hour keeps one job)."""
    run_at = (now or utcnow()) + delay
    job_id = f"{DEADLINE_JOB_PREFIX}-{run_at:%Y%m%d%H}"
    queue.queue(DEFAULT_QUEUE).enqueue_in(
        delay, close_expired_jobs_job, job_id=job_id, result_ttl=24 * 3600
    )
    return job_id


def close_expired_now(container: Container) -> int:
    """Close every job past its deadline (the hourly job and ``gradmatch close-expired-jobs``)."""
    return close_expired_jobs(container.session_factory)


def close_expired_jobs_job() -> int:
    container = worker_context.current()
    try:
        return close_expired_now(container)
    finally:
        schedule_hourly_deadline_close(container.queue)
