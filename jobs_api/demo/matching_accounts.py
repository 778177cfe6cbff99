"""Demo graduates that matching may use: an active account and the consents, in bulk.

The generated registry records come with profiles but without accounts, and matching (the
graduate vector index, candidate suggestions, push) only uses graduates with an active account
who consented to ``profile_matching``. After the demo accounts and the hiring data took the
records they need, every record still free gets a password-less active account (it cannot sign
in; it stands for a graduate who activated on another channel) and the consents. Idempotent:
records that already have an account are left alone. Demo data only.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, exists, insert, select
from sqlalchemy.orm import Session

from jobs_api.core.db import utcnow
from jobs_api.graduates.consent import CONSENT_TEXT_VERSION, grant_consents
from jobs_api.graduates.models import ConsentPurpose, ConsentRecord, GraduateProfile
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import Role
from jobs_api.registry.models import EnrollmentStatus, StudentRecord

BATCH = 1_000
DEMO_GRADUATE_PREFIX = "grad-"
"""Usernames of the demo graduate accounts (``jobs_api.identity.demo_accounts``)."""
DEMO_CONSENTS = (
    ConsentPurpose.PROFILE_MATCHING,
    ConsentPurpose.SHARE_WITH_EMPLOYERS,
    ConsentPurpose.PUSH_NOTIFICATIONS,
)


def create_demo_matching_accounts(session: Session) -> int:
    """Give every free demo record with a profile an account and consents; returns how many."""
    taken = exists().where(User.student_record_id == StudentRecord.id)
    free = (
        select(StudentRecord.id, StudentRecord.name)
        .join(GraduateProfile, GraduateProfile.student_record_id == StudentRecord.id)
        .where(~taken, StudentRecord.status != EnrollmentStatus.WITHDRAWN.value)
        .order_by(StudentRecord.id)
    )
    records = session.execute(free).all()
    now = utcnow()
    users = cast(Table, User.__table__)
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        ids = session.execute(
            insert(users).returning(users.c.id, sort_by_parameter_order=True),
            [
                {
                    "role": Role.GRADUATE.value,
                    "status": AccountStatus.ACTIVE.value,
                    "display_name": name,
                    "student_record_id": record_id,
                    "failed_logins": 0,
                    "lockouts": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for record_id, name in chunk
            ],
        ).scalars()
        session.execute(
            insert(cast(Table, ConsentRecord.__table__)),
            [
                {
                    "user_id": user_id,
                    "purpose": purpose.value,
                    "text_version": CONSENT_TEXT_VERSION,
                    "granted_at": now,
                }
                for user_id in ids
                for purpose in DEMO_CONSENTS
            ],
        )
    session.flush()
    return len(records)


def opt_in_demo_graduate_accounts(session: Session) -> int:
    """Grant the demo consents to the printed demo graduate accounts (``grad-…``), so that
    signing in as one shows 为你推荐 at once; returns how many accounts (idempotent)."""
    user_ids = list(
        session.scalars(
            select(User.id).where(
                User.role == Role.GRADUATE.value,
                User.username.startswith(DEMO_GRADUATE_PREFIX),
            )
        )
    )
    for user_id in user_ids:
        grant_consents(session, user_id, DEMO_CONSENTS)
    return len(user_ids)
