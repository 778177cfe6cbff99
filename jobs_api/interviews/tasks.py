"""Background jobs of interviews.

:func:`send_interview_reminders_job` sends the due reminders
(:func:`jobs_api.interviews.reminders.send_due_reminders`) with the worker's container and
schedules its next run at the next quarter hour (rq's scheduler). The job id names that
quarter hour, so however many workers start or runs overlap, each quarter hour has one job.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import utcnow
from jobs_api.core.queue import DEFAULT_QUEUE, QueueConnection
from jobs_api.interviews.reminders import send_due_reminders

REMINDER_JOB_PREFIX: Final = "interview-reminders"
REMINDER_INTERVAL: Final = timedelta(minutes=15)


def next_run(now: datetime) -> datetime:
    """The next quarter hour strictly after ``now``."""
    floor = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    return floor + REMINDER_INTERVAL


def schedule_interview_reminders(queue: QueueConnection, now: datetime | None = None) -> str:
    """Schedule the reminder run of the next quarter hour; returns its job id."""
    now = now or utcnow()
    run_at = next_run(now)
    job_id = f"{REMINDER_JOB_PREFIX}-{run_at:%Y%m%d%H%M}"
    queue.queue(DEFAULT_QUEUE).enqueue_in(
        run_at - now, send_interview_reminders_job, job_id=job_id, result_ttl=24 * 3600
    )
    return job_id


def send_reminders_now(container: Container) -> int:
    """Send the due reminders (the periodic job and ``gradmatch send-interview-reminders``)."""
    return send_due_reminders(container.session_factory)


def send_interview_reminders_job() -> int:
    container = worker_context.current()
    try:
        return send_reminders_now(container)
    finally:
        schedule_interview_reminders(container.queue)
