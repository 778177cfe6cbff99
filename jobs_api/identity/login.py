"""Signing in with a login name (username or mobile number) and a password.

The order of checks, and why:

1. the client address: more than ``IP_FAILURES`` failures from it in 15 minutes → 429
   ``too_many_attempts`` before anything else (a password spray across many accounts);
2. the lockout of the login name (the account's, or a phantom one for names without an
   account, see :mod:`jobs_api.identity.lockout`) → 423 ``account_locked``, password not
   checked;
3. the password, against the stored hash, or against a dummy hash when there is no account,
   so both take an Argon2 verification's time and give the same 401 ``invalid_credentials``;
4. only after a correct password: the account status (pending activation, disabled,
   deleted), then a rehash when the hasher's parameters changed, the lockout cleared, a
   session and a token pair.

The account row is locked for the attempt (``FOR UPDATE``), so parallel guesses against one
account are counted one after the other and cannot race past the lockout. Every outcome is
audited; the login name is masked there when it may be a phone number.
Failures raise recorded refusals: the route commits the counters and audit rows anyway.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.identity import lockout
from jobs_api.identity.errors import (
    AccountDisabled,
    AccountNotActivated,
    InvalidCredentials,
    TooManyAttempts,
)
from jobs_api.identity.kit import IdentityKit, find_user, masked_login_name, normalise_login_name
from jobs_api.identity.limiter import IP_FAILURES, is_exceeded, retry_after_seconds
from jobs_api.identity.lockout import LockoutState
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.sessions import ANONYMOUS, TokenPair, start_session

INVALID_CREDENTIALS_MESSAGE = "用户名或密码错误 (wrong username or password)"
TOO_MANY_ATTEMPTS_MESSAGE = (
    "尝试次数过多，请稍后再试 (too many attempts from this address; try later)"
)


def phantom_key(kit: IdentityKit, login_name: str) -> str:
    """Where the lockout state of a name without an account is kept (never the name itself)."""
    return "login-lock:" + kit.vault.lookup_hash(normalise_login_name(login_name))


def load_lockout(kit: IdentityKit, user: User | None, login_name: str) -> LockoutState:
    if user is not None:
        return lockout.state_of(user)
    return LockoutState.from_json(kit.attempts.load(phantom_key(kit, login_name)))


def _store_lockout(
    kit: IdentityKit, user: User | None, login_name: str, state: LockoutState
) -> None:
    if user is not None:
        lockout.apply_to(user, state)
    else:
        kit.attempts.save(
            phantom_key(kit, login_name), state.to_json(), ttl=lockout.PHANTOM_STATE_TTL
        )


def check_client(kit: IdentityKit, client_ip: str, now: datetime) -> None:
    """Refuse a client address that failed too often lately."""
    if is_exceeded(kit.attempts, IP_FAILURES, client_ip, now):
        raise TooManyAttempts(
            TOO_MANY_ATTEMPTS_MESSAGE,
            retry_after=retry_after_seconds(kit.attempts, IP_FAILURES, client_ip, now),
        )


def note_client_failure(kit: IdentityKit, client_ip: str, now: datetime) -> None:
    kit.attempts.hit(IP_FAILURES.key(client_ip), window=IP_FAILURES.window, now=now)


def register_failure(
    session: Session,
    kit: IdentityKit,
    user: User | None,
    login_name: str,
    *,
    now: datetime,
    client_ip: str,
    reason: str,
) -> LockoutState:
    """Count one failed attempt against the login name and the client; audit it (and the
    lock it may start). Returns the new lockout state."""
    note_client_failure(kit, client_ip, now)
    state = load_lockout(kit, user, login_name).after_failure(now)
    _store_lockout(kit, user, login_name, state)
    subject = str(user.id) if user is not None else "unknown"
    record_audit(
        session,
        actor_user_id=None,
        actor_role=ANONYMOUS,
        action="auth.login_failed",
        subject_type="user",
        subject_id=subject,
        detail={"login_name": masked_login_name(login_name), "reason": reason},
    )
    if state.is_locked(now) and user is not None:
        record_audit(
            session,
            actor_user_id=None,
            actor_role="system",
            action="auth.account_locked",
            subject_type="user",
            subject_id=user.id,
            detail={
                "locked_until": state.locked_until.isoformat() if state.locked_until else None,
                "lockouts": state.lockouts,
            },
        )
    session.flush()
    return state


def clear_lockout(user: User) -> None:
    lockout.apply_to(user, lockout.CLEAR)


def password_login(
    session: Session,
    kit: IdentityKit,
    login_name: str,
    password: str,
    *,
    client_ip: str,
    user_agent: str = "",
    now: datetime | None = None,
) -> TokenPair:
    now = now or utcnow()
    check_client(kit, client_ip, now)
    user = find_user(session, kit.vault, login_name, lock=True)
    state = load_lockout(kit, user, login_name)
    if state.is_locked(now) and state.locked_until is not None:
        note_client_failure(kit, client_ip, now)
        record_audit(
            session,
            actor_user_id=None,
            actor_role=ANONYMOUS,
            action="auth.login_failed",
            subject_type="user",
            subject_id=str(user.id) if user is not None else "unknown",
            detail={"login_name": masked_login_name(login_name), "reason": "locked"},
        )
        session.flush()
        raise lockout.locked_error(state.locked_until, now)

    if user is None or user.password_hash is None:
        kit.hasher.verify_dummy(password)
        if user is not None and user.status == AccountStatus.PENDING_ACTIVATION:
            raise AccountNotActivated(
                "账号尚未激活，请先使用收到的验证码激活账号并设置密码 "
                "(activate the account with the code you received first)"
            )
        verified = False
    else:
        verified = kit.hasher.verify(user.password_hash, password)

    if not verified:
        reason = "unknown_account" if user is None else "wrong_password"
        state = register_failure(
            session, kit, user, login_name, now=now, client_ip=client_ip, reason=reason
        )
        if state.is_locked(now) and state.locked_until is not None:
            raise lockout.locked_error(state.locked_until, now)
        raise InvalidCredentials(INVALID_CREDENTIALS_MESSAGE)

    assert user is not None and user.password_hash is not None
    if user.status == AccountStatus.PENDING_ACTIVATION:
        raise AccountNotActivated(
            "账号尚未激活，请先使用收到的验证码激活账号 (activate the account first)"
        )
    if user.status != AccountStatus.ACTIVE:
        record_audit(
            session,
            actor_user_id=None,
            actor_role=ANONYMOUS,
            action="auth.login_failed",
            subject_type="user",
            subject_id=user.id,
            detail={"login_name": masked_login_name(login_name), "reason": user.status},
        )
        session.flush()
        raise AccountDisabled("账号已停用或注销，如有疑问请联系管理员 (account disabled)")

    if kit.hasher.needs_rehash(user.password_hash):
        user.password_hash = kit.hasher.hash(password)
    clear_lockout(user)
    user.last_login_at = now
    pair = start_session(session, user, secret=kit.secret, now=now, user_agent=user_agent)
    record_audit(
        session,
        actor_user_id=user.id,
        actor_role=user.role,
        action="auth.login",
        subject_type="user",
        subject_id=user.id,
        detail={"session_id": pair.session_id},
    )
    session.flush()
    return pair
