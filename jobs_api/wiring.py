"""Composition root shared by ``jobs_api.app`` and ``jobs_api.cli``: which handler reacts to
which outbox event. Nothing else imports this module."""

from __future__ import annotations

from functools import partial

from employer_verification import handlers as verification_handlers
from employer_verification.config import verification_runtime
from jobs_api.core.container import Container
from jobs_api.core.outbox import HandlerRegistry
from jobs_api.employers import events as employer_events
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
    verification = verification_runtime(container)
    registry.register(
        employer_events.EMPLOYER_REGISTERED,
        partial(verification_handlers.on_employer_registered, runtime=verification),
        name="verification.registered",
    )
    registry.register(
        employer_events.EMPLOYER_DETAILS_CHANGED,
        partial(verification_handlers.on_employer_details_changed, runtime=verification),
        name="verification.details_changed",
    )
