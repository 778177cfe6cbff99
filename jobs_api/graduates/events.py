"""Outbox topics of the graduates domain.

``graduates.profile_changed`` is recorded in the same transaction as anything that changes what
matching may know of a graduate: the profile written (created, replaced, patched), a consent
granted or withdrawn (which may also hide the profile), the account deleted. Its payload names
the student records; handlers re-read the database, so a repeated event is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.outbox import publish
from jobs_api.identity.models import User

GRADUATE_PROFILE_CHANGED = "graduates.profile_changed"


def publish_profile_changed(session: Session, student_record_ids: Iterable[int]) -> None:
    ids = sorted(set(student_record_ids))
    if ids:
        publish(session, GRADUATE_PROFILE_CHANGED, {"student_record_ids": ids})


def publish_user_profile_changed(session: Session, user_id: int) -> None:
    """The event for the student record of account ``user_id`` (none without a record)."""
    record_id = session.scalar(select(User.student_record_id).where(User.id == user_id))
    if record_id is not None:
        publish_profile_changed(session, [record_id])
