"""Keeping job documents in line with their employer's profile (its name and type show in
every job document). Registered by the composition root for ``employers.profile_changed``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jobs_api.core.search import SearchBackend
from jobs_api.jobs.search_index import index_employer_jobs

DOCUMENT_FIELDS = frozenset({"name", "employer_type"})
"""Employer fields that job search documents carry."""


def sync_after_profile_change(
    session: Session, payload: dict[str, Any], *, search: SearchBackend
) -> None:
    """Re-index the employer's jobs when a field their documents carry changed (idempotent)."""
    if DOCUMENT_FIELDS & set(payload.get("changed", [])):
        index_employer_jobs(session, search, int(payload["employer_id"]))
