"""Deleting a graduate account (PIPL's right to erasure), confirmed with the password.

Removed or cleared:

* the account's login name, phone (hash, cipher and masked form), e-mail, display name and
  password hash; its status becomes ``deleted`` and it can never sign in again;
* the link from the account to the registry record (``users.student_record_id``), so the
  record no longer leads to any contact data and the person may claim it again later;
* every sign-in session (revoked at once), unused one-time codes and development-mailbox
  messages addressed to the account;
* the graduate profile (skills, certificates, internships, projects, intentions, summary)
  and every résumé row; résumé files are removed after the commit unless another account
  uploaded the same bytes;
* every open consent is closed (``withdrawn_at``).

Kept, and why:

* the ``users`` row itself, emptied to ``id``, ``role``, ``status`` and timestamps: audit
  events, consent records and other domains' rows point at the id;
* the registry record (``student_records``) unchanged: it belongs to the university, and
  employment statistics need its university, college, major, degree, graduation year,
  gender and priority-group flags (重点群体) — counted per record, without any account;
* consent records (purpose, text version, granted/withdrawn times): proof that earlier
  processing had a lawful basis; they hold no personal data beyond the account id;
* audit events: the legally required log of who processed whose data; their details never
  hold personal data in clear.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.graduates.consent import withdraw_all
from jobs_api.graduates.events import publish_profile_changed
from jobs_api.graduates.profile import find_profile
from jobs_api.graduates.resumes import delete_all_resumes
from jobs_api.graduates.schemas import DeletionOut
from jobs_api.identity import lockout
from jobs_api.identity.errors import WrongPassword
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.login import clear_lockout, load_lockout, register_failure
from jobs_api.identity.models import AccountStatus, DevMailboxMessage, OneTimeCode, User
from jobs_api.identity.principal import Principal
from jobs_api.identity.sessions import revoke_user_sessions

REVOKE_REASON = "account_deleted"
KEPT = [
    "users row with id, role, status and timestamps only (other records refer to the id)",
    "student registry record, unchanged: it belongs to the university and feeds employment "
    "statistics (university, college, major, degree, graduation year, gender, priority flags)",
    "consent records without personal data: proof of the lawful basis of earlier processing",
    "audit log entries: the legally required record of who processed whose data",
]


def _confirm_password(
    session: Session, kit: IdentityKit, user: User, password: str, client_ip: str, now: datetime
) -> None:
    """Same rules as changing the password: locked accounts are refused, a wrong password
    counts towards the lockout (identity's recorded refusal, committed by the route)."""
    state = load_lockout(kit, user, user.username or "")
    if state.is_locked(now) and state.locked_until is not None:
        raise lockout.locked_error(state.locked_until, now)
    if user.password_hash is None or not kit.hasher.verify(user.password_hash, password):
        state = register_failure(
            session,
            kit,
            user,
            user.username or "",
            now=now,
            client_ip=client_ip,
            reason="wrong_password_for_deletion",
        )
        if state.is_locked(now) and state.locked_until is not None:
            raise lockout.locked_error(state.locked_until, now)
        message = "密码错误 (the password is wrong)"
        raise WrongPassword(message, fields={"password": message})


def delete_my_account(
    session: Session,
    kit: IdentityKit,
    principal: Principal,
    password: str,
    *,
    data_dir: Path,
    client_ip: str,
    now: datetime | None = None,
) -> DeletionOut:
    now = now or utcnow()
    user = session.get(User, principal.user_id)
    assert user is not None  # authenticate() checked the account
    _confirm_password(session, kit, user, password, client_ip, now)
    record_id = user.student_record_id
    resumes = delete_all_resumes(session, user.id, data_dir)
    withdraw_all(session, user.id)
    if record_id is not None:
        profile = find_profile(session, record_id)
        if profile is not None:
            session.delete(profile)
        publish_profile_changed(session, [record_id])
    sessions = revoke_user_sessions(
        session,
        user.id,
        REVOKE_REASON,
        actor_user_id=user.id,
        actor_role=user.role,
        now=now,
    )
    session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None))
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(DevMailboxMessage)
        .where(DevMailboxMessage.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    user.username = None
    user.phone_hash = None
    user.phone_cipher = None
    user.phone_masked = None
    user.email = None
    user.display_name = ""
    user.password_hash = None
    user.student_record_id = None
    user.status = AccountStatus.DELETED.value
    clear_lockout(user)
    record_audit(
        session,
        actor_user_id=user.id,
        actor_role=principal.role.value,
        action="graduate.account_deleted",
        subject_type="user",
        subject_id=user.id,
        detail={
            "resumes_removed": resumes,
            "sessions_revoked": sessions,
        },
    )
    session.flush()
    return DeletionOut(user_id=user.id, status=user.status, kept=KEPT)
