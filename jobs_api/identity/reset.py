"""Passwords after sign-up: reset with a one-time code, change when signed in, activation.

* :func:`request_password_reset` answers the same whether or not the account exists (the
  route always says 202); it is rate-limited per client address and per login name, both
  counted for unknown names too, so the limit reveals nothing.
* :func:`confirm_password_reset` checks the code, sets the new password, clears the lockout
  and revokes every session.
* :func:`change_password` needs the current password (a wrong one counts towards the
  lockout) and revokes every other session.
* :func:`activate_account` turns a pending account (created by an administrator or invited
  by an employer owner) active with its activation code and a first password.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.identity import lockout
from jobs_api.identity.codes import consume_code, send_code
from jobs_api.identity.errors import InvalidCode, TooManyAttempts, WrongPassword
from jobs_api.identity.kit import IdentityKit, find_user, masked_login_name, normalise_login_name
from jobs_api.identity.limiter import (
    RESET_REQUESTS_PER_IP,
    RESET_REQUESTS_PER_NAME,
    is_exceeded,
    retry_after_seconds,
)
from jobs_api.identity.login import (
    TOO_MANY_ATTEMPTS_MESSAGE,
    check_client,
    clear_lockout,
    load_lockout,
    note_client_failure,
    register_failure,
)
from jobs_api.identity.models import AccountStatus, CodePurpose, User
from jobs_api.identity.passwords import check_password_policy
from jobs_api.identity.principal import Principal
from jobs_api.identity.sessions import ANONYMOUS, RevokeReason, revoke_user_sessions

RESET_ACCEPTED_MESSAGE = (
    "如果该账号存在且可用，验证码已发送至其绑定的手机或邮箱，10 分钟内有效 "
    "(if the account exists, a code has been sent to it)"
)


def _check_password(kit: IdentityKit, user: User, password: str) -> None:
    vault = kit.vault
    phone_hash = user.phone_hash
    check_password_policy(
        password,
        username=user.username,
        is_phone=(lambda p: vault.lookup_hash(p) == phone_hash) if phone_hash else None,
    )


def request_password_reset(
    session: Session,
    kit: IdentityKit,
    login_name: str,
    *,
    client_ip: str,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    name_key = kit.vault.lookup_hash(normalise_login_name(login_name))
    for limit, subject in ((RESET_REQUESTS_PER_IP, client_ip), (RESET_REQUESTS_PER_NAME, name_key)):
        if is_exceeded(kit.attempts, limit, subject, now):
            raise TooManyAttempts(
                TOO_MANY_ATTEMPTS_MESSAGE,
                retry_after=retry_after_seconds(kit.attempts, limit, subject, now),
            )
    for limit, subject in ((RESET_REQUESTS_PER_IP, client_ip), (RESET_REQUESTS_PER_NAME, name_key)):
        kit.attempts.hit(limit.key(subject), window=limit.window, now=now)
    user = find_user(session, kit.vault, login_name)
    if user is None or user.status != AccountStatus.ACTIVE:
        return
    send_code(
        session, kit.sender(session), user, CodePurpose.PASSWORD_RESET, secret=kit.secret, now=now
    )
    record_audit(
        session,
        actor_user_id=None,
        actor_role=ANONYMOUS,
        action="auth.password_reset_requested",
        subject_type="user",
        subject_id=user.id,
        detail={"login_name": masked_login_name(login_name)},
    )
    session.flush()


def _consume(
    session: Session,
    kit: IdentityKit,
    user: User | None,
    purpose: CodePurpose,
    code: str,
    *,
    client_ip: str,
    now: datetime,
) -> User:
    try:
        consume_code(session, user, purpose, code, secret=kit.secret, now=now)
    except InvalidCode:
        note_client_failure(kit, client_ip, now)
        raise
    assert user is not None
    return user


def confirm_password_reset(
    session: Session,
    kit: IdentityKit,
    login_name: str,
    code: str,
    new_password: str,
    *,
    client_ip: str,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    check_client(kit, client_ip, now)
    user = find_user(session, kit.vault, login_name)
    if user is not None and user.status != AccountStatus.ACTIVE:
        user = None  # disabled / pending accounts cannot reset: same answer as no account
    if user is not None:
        _check_password(kit, user, new_password)
    else:
        check_password_policy(new_password, username=normalise_login_name(login_name))
    user = _consume(
        session, kit, user, CodePurpose.PASSWORD_RESET, code, client_ip=client_ip, now=now
    )
    user.password_hash = kit.hasher.hash(new_password)
    clear_lockout(user)
    record_audit(
        session,
        actor_user_id=user.id,
        actor_role=user.role,
        action="auth.password_reset",
        subject_type="user",
        subject_id=user.id,
        detail={},
    )
    revoke_user_sessions(
        session,
        user.id,
        RevokeReason.PASSWORD_RESET,
        actor_user_id=user.id,
        actor_role=user.role,
        now=now,
    )
    session.flush()


def change_password(
    session: Session,
    kit: IdentityKit,
    principal: Principal,
    old_password: str,
    new_password: str,
    *,
    client_ip: str,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    user = session.get(User, principal.user_id, with_for_update=True)
    assert user is not None  # authenticate() checked the account
    state = load_lockout(kit, user, user.username or "")
    if state.is_locked(now) and state.locked_until is not None:
        raise lockout.locked_error(state.locked_until, now)
    if user.password_hash is None or not kit.hasher.verify(user.password_hash, old_password):
        state = register_failure(
            session,
            kit,
            user,
            user.username or "",
            now=now,
            client_ip=client_ip,
            reason="wrong_current_password",
        )
        if state.is_locked(now) and state.locked_until is not None:
            raise lockout.locked_error(state.locked_until, now)
        message = "当前密码错误 (the current password is wrong)"
        raise WrongPassword(message, fields={"old_password": message})
    _check_password(kit, user, new_password)
    if kit.hasher.verify(user.password_hash, new_password):
        message = "新密码不能与当前密码相同 (the new password equals the current one)"
        raise WrongPassword(message, fields={"new_password": message}, code="password_unchanged")
    user.password_hash = kit.hasher.hash(new_password)
    clear_lockout(user)
    record_audit(
        session,
        actor_user_id=user.id,
        actor_role=user.role,
        action="auth.password_changed",
        subject_type="user",
        subject_id=user.id,
        detail={"session_id": principal.session_id},
    )
    revoke_user_sessions(
        session,
        user.id,
        RevokeReason.PASSWORD_CHANGED,
        actor_user_id=user.id,
        actor_role=user.role,
        keep_session_id=principal.session_id,
        now=now,
    )
    session.flush()


def activate_account(
    session: Session,
    kit: IdentityKit,
    login_name: str,
    code: str,
    new_password: str,
    *,
    client_ip: str,
    now: datetime | None = None,
) -> User:
    now = now or utcnow()
    check_client(kit, client_ip, now)
    user = find_user(session, kit.vault, login_name)
    if user is not None and user.status != AccountStatus.PENDING_ACTIVATION:
        user = None  # already active, disabled or deleted: nothing to activate
    if user is not None:
        _check_password(kit, user, new_password)
    else:
        check_password_policy(new_password, username=normalise_login_name(login_name))
    user = _consume(session, kit, user, CodePurpose.ACTIVATION, code, client_ip=client_ip, now=now)
    user.password_hash = kit.hasher.hash(new_password)
    user.status = AccountStatus.ACTIVE
    clear_lockout(user)
    record_audit(
        session,
        actor_user_id=user.id,
        actor_role=user.role,
        action="auth.account_activated",
        subject_type="user",
        subject_id=user.id,
        detail={},
    )
    session.flush()
    return user
