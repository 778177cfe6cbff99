"""Outbox topics of the employers domain.

Verification (``employer_verification``) reacts to these through handlers the composition root
registers; when an employer's standing changes, ``jobs.events.EMPLOYER_VISIBILITY_CHANGED``
brings its jobs in or out of search and matching.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from jobs_api.core.outbox import publish

EMPLOYER_REGISTERED = "employers.registered"
"""payload: {"employer_id": int} — a new organisation submitted its details and licence."""

EMPLOYER_DETAILS_CHANGED = "employers.details_changed"
"""payload: {"employer_id": int, "changed": ["name", "uscc", ...]} — a change of name or
credit code voids the current verification."""

EMPLOYER_PROFILE_CHANGED = "employers.profile_changed"
"""payload: {"employer_id": int, "changed": [field, ...]} — any edit of the profile (name,
type, industry, city, size, description, contact); the jobs domain re-syncs the employer's
job documents when a field they carry changed. Not a verification matter by itself."""


def publish_employer_registered(session: Session, employer_id: int) -> None:
    publish(session, EMPLOYER_REGISTERED, {"employer_id": employer_id})


def publish_employer_details_changed(
    session: Session, employer_id: int, changed: Iterable[str]
) -> None:
    publish(
        session, EMPLOYER_DETAILS_CHANGED, {"employer_id": employer_id, "changed": sorted(changed)}
    )


def publish_employer_profile_changed(
    session: Session, employer_id: int, changed: Iterable[str]
) -> None:
    publish(
        session, EMPLOYER_PROFILE_CHANGED, {"employer_id": employer_id, "changed": sorted(changed)}
    )
