"""Consent records (PIPL): what a person agreed to, under which text, and when they withdrew.

Rows are never updated except to close them (``withdrawn_at``); granting again opens a new
row, so the history shows every change. Other packages ask :func:`has_consent` before using
data for a purpose (matching, pushing, sharing with employers).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.graduates.events import publish_user_profile_changed
from jobs_api.graduates.models import ConsentPurpose, ConsentRecord, GraduateProfile, Visibility
from jobs_api.graduates.schemas import ConsentRecordOut, ConsentsOut, ConsentStateOut
from jobs_api.identity.models import User
from jobs_api.identity.principal import Principal

# Bumped whenever the wording of the consent texts changes; records keep the version agreed to.
CONSENT_TEXT_VERSION = "2025-01"


def _open_records(session: Session, user_id: int) -> dict[str, ConsentRecord]:
    rows = session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user_id, ConsentRecord.withdrawn_at.is_(None))
        .order_by(ConsentRecord.granted_at)
    )
    return {row.purpose: row for row in rows}


def has_consent(session: Session, user_id: int, purpose: ConsentPurpose) -> bool:
    """Whether ``user_id`` currently consents to ``purpose``."""
    found = session.scalar(
        select(ConsentRecord.id)
        .where(
            ConsentRecord.user_id == user_id,
            ConsentRecord.purpose == purpose.value,
            ConsentRecord.withdrawn_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


def grant_consents(session: Session, user_id: int, purposes: Iterable[ConsentPurpose]) -> None:
    """Open a record for each purpose not already granted (activation, or a later grant)."""
    current = _open_records(session, user_id)
    now = utcnow()
    for purpose in dict.fromkeys(purposes):
        if purpose.value not in current:
            session.add(
                ConsentRecord(
                    user_id=user_id,
                    purpose=purpose.value,
                    text_version=CONSENT_TEXT_VERSION,
                    granted_at=now,
                )
            )
    session.flush()


def withdraw_consent(session: Session, user_id: int, purpose: ConsentPurpose) -> None:
    now = utcnow()
    session.execute(
        update(ConsentRecord)
        .where(
            ConsentRecord.user_id == user_id,
            ConsentRecord.purpose == purpose.value,
            ConsentRecord.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if purpose is ConsentPurpose.SHARE_WITH_EMPLOYERS:
        _hide_profile(session, user_id)
    session.flush()


def withdraw_all(session: Session, user_id: int) -> None:
    for purpose in ConsentPurpose:
        withdraw_consent(session, user_id, purpose)


def _hide_profile(session: Session, user_id: int) -> None:
    record_id = session.scalar(select(User.student_record_id).where(User.id == user_id))
    if record_id is None:
        return
    session.execute(
        update(GraduateProfile)
        .where(GraduateProfile.student_record_id == record_id)
        .values(visibility=Visibility.HIDDEN.value, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def consents_out(session: Session, user_id: int) -> ConsentsOut:
    history = list(
        session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id)
            .order_by(ConsentRecord.granted_at, ConsentRecord.id)
        )
    )
    latest: dict[str, ConsentRecord] = {}
    for row in history:
        latest[row.purpose] = row
    states = []
    for purpose in ConsentPurpose:
        current = latest.get(purpose.value)
        states.append(
            ConsentStateOut(
                purpose=purpose,
                granted=current is not None and current.withdrawn_at is None,
                text_version=current.text_version if current else None,
                granted_at=current.granted_at if current else None,
                withdrawn_at=current.withdrawn_at if current else None,
            )
        )
    return ConsentsOut(
        current_text_version=CONSENT_TEXT_VERSION,
        consents=states,
        history=[ConsentRecordOut.model_validate(row) for row in history],
    )


def set_consent(
    session: Session, principal: Principal, purpose: ConsentPurpose, granted: bool
) -> ConsentsOut:
    """Grant or withdraw one purpose for the caller; withdrawing sharing hides the profile."""
    if granted:
        grant_consents(session, principal.user_id, [purpose])
    else:
        withdraw_consent(session, principal.user_id, purpose)
    publish_user_profile_changed(session, principal.user_id)
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="consent.granted" if granted else "consent.withdrawn",
        subject_type="user",
        subject_id=principal.user_id,
        detail={"purpose": purpose.value, "text_version": CONSENT_TEXT_VERSION},
    )
    return consents_out(session, principal.user_id)
