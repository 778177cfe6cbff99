"""Outbox topics of the jobs domain and their handlers (registered by the composition root).

Whatever changes a job's searchability — publish, edit, close, an employer's verification —
records an event in the same transaction; the handlers bring the search index in line. They
are idempotent: they re-read the database and write the current state.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from jobs_api.core.outbox import publish
from jobs_api.core.search import SearchBackend
from jobs_api.jobs.search_index import index_employer_jobs, index_jobs

JOBS_CHANGED = "jobs.changed"
EMPLOYER_VISIBILITY_CHANGED = "employers.visibility_changed"


def publish_jobs_changed(session: Session, job_ids: Iterable[int]) -> None:
    publish(session, JOBS_CHANGED, {"job_ids": sorted(set(job_ids))})


def publish_employer_visibility_changed(session: Session, employer_id: int) -> None:
    publish(session, EMPLOYER_VISIBILITY_CHANGED, {"employer_id": employer_id})


def sync_changed_jobs(session: Session, payload: dict[str, Any], *, search: SearchBackend) -> None:
    index_jobs(session, search, [int(i) for i in payload["job_ids"]])


def sync_employer_jobs(session: Session, payload: dict[str, Any], *, search: SearchBackend) -> None:
    index_employer_jobs(session, search, int(payload["employer_id"]))
