"""Composition root shared by ``jobs_api.app`` and ``jobs_api.cli``: which handler reacts to
which outbox event, and which concrete services the domains' ports get. Nothing else imports
this module."""

from __future__ import annotations

from functools import partial

from employer_verification import handlers as verification_handlers
from employer_verification.config import verification_runtime
from employer_verification.screening.engine import JobPost, RuleMatch, screen_job
from employer_verification.screening.rules import default_rules
from employer_verification.tasks import schedule_daily_expiry
from jobs_api.core.container import Container
from jobs_api.core.outbox import HandlerRegistry
from jobs_api.employers import events as employer_events
from jobs_api.graduates import events as graduate_events
from jobs_api.interviews.tasks import schedule_interview_reminders
from jobs_api.jobs import events as job_events
from jobs_api.jobs.employer_sync import sync_after_profile_change
from jobs_api.jobs.screening_port import (
    SCREENER_KEY,
    SKILLS_SEPARATOR,
    JobPostText,
    ScreeningMatch,
    ScreeningOutcome,
)
from jobs_api.jobs.tasks import schedule_hourly_deadline_close
from matching import tasks as matching_tasks
from matching.push.delivery import DELIVERIES_TOPIC, on_deliveries_event
from matching.push.tasks import on_jobs_changed, schedule_push_digest, schedule_push_sweep


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
    registry.register(
        employer_events.EMPLOYER_PROFILE_CHANGED,
        partial(sync_after_profile_change, search=container.search),
        name="jobs.search_index.employer_profile",
    )
    registry.register(
        job_events.JOBS_CHANGED,
        partial(matching_tasks.on_jobs_changed, container=container),
        name="matching.vectors.jobs",
    )
    registry.register(
        job_events.EMPLOYER_VISIBILITY_CHANGED,
        partial(matching_tasks.on_employer_jobs_changed, container=container),
        name="matching.vectors.employer",
    )
    registry.register(
        employer_events.EMPLOYER_PROFILE_CHANGED,
        partial(matching_tasks.on_employer_jobs_changed, container=container),
        name="matching.vectors.employer_profile",
    )
    registry.register(
        graduate_events.GRADUATE_PROFILE_CHANGED,
        partial(matching_tasks.on_graduate_profile_changed, container=container),
        name="matching.vectors.graduates",
    )
    registry.register(
        job_events.JOBS_CHANGED,
        partial(on_jobs_changed, queue=container.queue),
        name="push.fanout",
    )
    registry.register(
        DELIVERIES_TOPIC,
        partial(on_deliveries_event, settings=container.settings),
        name="push.deliveries",
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


# --- job-post screening: employer_verification's rules behind the jobs domain's port ----------

_FIELD_NAMES = {"requirements": "skills"}
"""Screener field -> job field (the jobs domain has no free-text requirements; skills are
screened in their place, joined with ``SKILLS_SEPARATOR``)."""


def _match(found: RuleMatch) -> ScreeningMatch:
    return ScreeningMatch(
        rule_id=found.rule_id,
        category=found.category,
        severity=found.severity,
        field=_FIELD_NAMES.get(found.field, found.field),
        start=found.start,
        end=found.end,
        excerpt=found.excerpt,
        message_zh=found.message_zh,
        message_en=found.message_en,
    )


def screen_job_post(post: JobPostText) -> ScreeningOutcome:
    """:data:`jobs_api.jobs.screening_port.JobScreener` backed by the verification package's
    rule engine (no occupation salary bands yet: only the absolute salary rules apply)."""
    result = screen_job(
        JobPost(
            title=post.title,
            description=post.description,
            requirements=SKILLS_SEPARATOR.join(post.skills),
            salary_min=post.salary_min,
            salary_max=post.salary_max,
            salary_months=post.salary_months,
            city_code=post.city_code,
            occupation_code=post.occupation_code,
            benefits=tuple(post.benefits),
        )
    )
    return ScreeningOutcome(matches=tuple(_match(m) for m in result.matches))


def install_services(container: Container) -> None:
    """Plug concrete services into the domains' ports (at start-up, idempotent). The rule
    file is loaded here, so a broken one stops the start instead of the first post."""
    default_rules()
    container.extras.setdefault(SCREENER_KEY, screen_job_post)


def schedule_periodic_jobs(container: Container) -> list[str]:
    """Queue each package's recurring jobs (at worker start; idempotent per day)."""
    return [
        schedule_daily_expiry(container.queue),
        schedule_hourly_deadline_close(container.queue),
        schedule_interview_reminders(container.queue),
        matching_tasks.schedule_vector_reconcile(container.queue),
        schedule_push_sweep(container.queue),
        schedule_push_digest(container.queue),
    ]
