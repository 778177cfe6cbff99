"""Background jobs of employer verification.

:func:`expire_verifications` expires every verification older than its validity, a batch per
transaction; the CLI can call it directly. :func:`expire_verifications_job` is the rq job that
does the same with the worker's container and schedules its next run a day later
(:func:`schedule_daily_expiry`, rq's scheduler; the job id names the day, so calling it again
the same day keeps one run — call it once at worker start).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.orm import Session, sessionmaker

from employer_verification.automatic import expire_due
from employer_verification.cases import Policy
from employer_verification.config import verification_runtime
from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.queue import DEFAULT_QUEUE, QueueConnection

EXPIRY_JOB_PREFIX: Final = "verification-expiry"
EXPIRY_INTERVAL: Final = timedelta(days=1)


def expire_verifications(
    session_factory: sessionmaker[Session],
    policy: Policy,
    now: datetime | None = None,
    *,
    batch_size: int = 500,
) -> int:
    """Expire every verification whose validity ended by ``now``; returns how many."""
    now = now or utcnow()
    total = 0
    while True:
        with job_session(session_factory) as session:
            done = expire_due(session, policy, now, limit=batch_size)
        total += done
        if done < batch_size:
            return total


def schedule_daily_expiry(
    queue: QueueConnection, delay: timedelta = EXPIRY_INTERVAL, now: datetime | None = None
) -> str:
    """Schedule the next expiry run ``delay`` from now; returns its job id. The id names the
    day it runs, so scheduling twice for the same day keeps one job."""
    run_at = (now or utcnow()) + delay
    job_id = f"{EXPIRY_JOB_PREFIX}-{run_at:%Y%m%d}"
    queue.queue(DEFAULT_QUEUE).enqueue_in(
        delay, expire_verifications_job, job_id=job_id, result_ttl=7 * 24 * 3600
    )
    return job_id


def expire_now(container: Container) -> int:
    """Expire due verifications with the configured policy (the daily job and the CLI)."""
    settings = verification_runtime(container).settings
    policy = Policy(settings.validity_days, settings.review_sla_working_days)
    return expire_verifications(container.session_factory, policy)


def expire_verifications_job() -> int:
    container = worker_context.current()
    try:
        return expire_now(container)
    finally:
        schedule_daily_expiry(container.queue)
