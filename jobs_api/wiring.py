"""Composition root shared by ``jobs_api.app`` and ``jobs_api.cli``: which handler reacts to
which outbox event. Nothing else imports this module."""

from __future__ import annotations

from functools import partial

from jobs_api.core.container import Container
from jobs_api.core.outbox import HandlerRegistry
from jobs_api.jobs import events as job_events


def register_event_handlers(registry: HandlerRegistry, container: Container) -> None:
    """Register every package's outbox handlers (idempotent: names are unique)."""
    registry.register(
        job_events.JOBS_CHANGED,
        partial(job_events.sync_changed_jobs, search=container.search),
        name="jobs.search_index",
    )
    registry.register(
        job_events.EMPLOYER_VISIBILITY_CHANGED,
        partial(job_events.sync_employer_jobs, search=container.search),
        name="jobs.search_index.employer",
    )
