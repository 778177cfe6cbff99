"""Sign-in sessions: token pairs, rotating refresh tokens, revocation.

An :class:`~jobs_api.identity.models.AuthSession` is one sign-in, valid at most
``SESSION_LIFETIME`` (30 days) however often it is refreshed. It holds a chain of refresh
tokens: opaque random strings, stored only as SHA-256 hashes, each valid ``REFRESH_TOKEN_TTL``
(14 days, never past the session's end) and exchangeable exactly once. Exchanging a token
that was already exchanged is reuse: the chain has leaked, so the whole session is revoked,
and with it every access token carrying its id (``authenticate`` checks the session on each
request).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.identity.errors import InvalidRefreshToken, RefreshTokenReused, SessionRevoked
from jobs_api.identity.models import AccountStatus, AuthSession, RefreshToken, User
from jobs_api.identity.principal import EmployerRole, Principal, Role
from jobs_api.identity.tokens import issue_access_token

SESSION_LIFETIME = timedelta(days=30)
REFRESH_TOKEN_TTL = timedelta(days=14)
ANONYMOUS = "anonymous"


class RevokeReason:
    LOGOUT = "logout"
    LOGOUT_ALL = "logout_all"
    REFRESH_TOKEN_REUSED = "refresh_token_reused"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    ACCOUNT_UNAVAILABLE = "account_unavailable"


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
    session_id: str
    token_type: str = "bearer"


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_for(user: User, session_id: str) -> Principal:
    return Principal(
        user_id=user.id,
        role=Role(user.role),
        session_id=session_id,
        university_id=user.university_id,
        province_code=user.province_code,
        employer_id=user.employer_id,
        employer_role=EmployerRole(user.employer_role) if user.employer_role else None,
        student_record_id=user.student_record_id,
    )


def _issue_pair(
    session: Session, auth_session: AuthSession, user: User, secret: str, now: datetime
) -> tuple[TokenPair, RefreshToken]:
    raw = secrets.token_urlsafe(32)
    token = RefreshToken(
        session_id=auth_session.id,
        token_hash=hash_refresh_token(raw),
        issued_at=now,
        expires_at=min(now + REFRESH_TOKEN_TTL, auth_session.expires_at),
    )
    session.add(token)
    session.flush()
    access, expires = issue_access_token(principal_for(user, auth_session.id), secret, now=now)
    pair = TokenPair(
        access_token=access,
        expires_in=int((expires - now).total_seconds()),
        refresh_token=raw,
        session_id=auth_session.id,
    )
    return pair, token


def start_session(
    session: Session, user: User, *, secret: str, now: datetime | None = None, user_agent: str = ""
) -> TokenPair:
    """A new sign-in for ``user`` (credentials already checked) and its first token pair."""
    now = now or utcnow()
    auth_session = AuthSession(
        id=str(uuid.uuid4()),
        user_id=user.id,
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
        user_agent=user_agent[:200],
    )
    session.add(auth_session)
    session.flush()
    pair, _ = _issue_pair(session, auth_session, user, secret, now)
    return pair


def revoke_session(
    session: Session,
    auth_session: AuthSession,
    reason: str,
    *,
    actor_user_id: int | None,
    actor_role: str,
    now: datetime | None = None,
) -> bool:
    """Revoke one session (idempotent); ``True`` when it was still open."""
    if auth_session.revoked_at is not None:
        return False
    auth_session.revoked_at = now or utcnow()
    auth_session.revoked_reason = reason
    record_audit(
        session,
        actor_user_id=actor_user_id,
        actor_role=actor_role,
        action="auth.session_revoked",
        subject_type="user",
        subject_id=auth_session.user_id,
        detail={"session_id": auth_session.id, "reason": reason},
    )
    session.flush()
    return True


def revoke_user_sessions(
    session: Session,
    user_id: int,
    reason: str,
    *,
    actor_user_id: int | None,
    actor_role: str,
    keep_session_id: str | None = None,
    now: datetime | None = None,
) -> int:
    """Revoke every open session of ``user_id`` except ``keep_session_id``; how many."""
    now = now or utcnow()
    query = select(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if keep_session_id is not None:
        query = query.where(AuthSession.id != keep_session_id)
    revoked = list(session.scalars(query))
    for auth_session in revoked:
        auth_session.revoked_at = now
        auth_session.revoked_reason = reason
    if revoked:
        record_audit(
            session,
            actor_user_id=actor_user_id,
            actor_role=actor_role,
            action="auth.sessions_revoked",
            subject_type="user",
            subject_id=user_id,
            detail={"sessions": len(revoked), "reason": reason, "kept": keep_session_id},
        )
    session.flush()
    return len(revoked)


def _session_of_token(session: Session, raw_token: str) -> tuple[RefreshToken, AuthSession]:
    token = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(raw_token))
    )
    auth_session = session.get(AuthSession, token.session_id) if token is not None else None
    if token is None or auth_session is None:
        raise InvalidRefreshToken("刷新令牌无效，请重新登录 (unknown refresh token)")
    return token, auth_session


def refresh(
    session: Session, raw_token: str, *, secret: str, now: datetime | None = None
) -> TokenPair:
    """Exchange a refresh token for a new pair (rotation). Reuse revokes the session and
    raises :class:`RefreshTokenReused` (a recorded refusal: the revocation must commit)."""
    now = now or utcnow()
    token, auth_session = _session_of_token(session, raw_token)
    user = session.get(User, auth_session.user_id)
    if auth_session.revoked_at is not None:
        raise SessionRevoked("登录已失效，请重新登录 (session ended, please sign in again)")
    if token.used_at is not None:
        _revoke_for_reuse(session, auth_session, now)
    if token.expires_at <= now or auth_session.expires_at <= now:
        raise InvalidRefreshToken("刷新令牌已过期，请重新登录 (refresh token expired)")
    if user is None or user.status != AccountStatus.ACTIVE:
        revoke_session(
            session,
            auth_session,
            RevokeReason.ACCOUNT_UNAVAILABLE,
            actor_user_id=None,
            actor_role="system",
            now=now,
        )
        raise SessionRevoked("账号不可用 (account not available)")
    # Mark the token used only if nobody else did in the meantime (two concurrent refreshes
    # with one token: exactly one wins, the other is reuse).
    claimed = session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        _revoke_for_reuse(session, auth_session, now)
    session.refresh(token)
    pair, successor = _issue_pair(session, auth_session, user, secret, now)
    token.replaced_by = successor.id
    auth_session.last_refreshed_at = now
    session.flush()
    return pair


def _revoke_for_reuse(session: Session, auth_session: AuthSession, now: datetime) -> NoReturn:
    revoke_session(
        session,
        auth_session,
        RevokeReason.REFRESH_TOKEN_REUSED,
        actor_user_id=None,
        actor_role="system",
        now=now,
    )
    raise RefreshTokenReused(
        "刷新令牌已被使用过，为保护账号安全，本次登录已失效，请重新登录 "
        "(refresh token reused; the session has been revoked)"
    )


def session_for_refresh_token(session: Session, raw_token: str) -> AuthSession | None:
    """The session a refresh token belongs to (any state), or ``None``."""
    token = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(raw_token))
    )
    return session.get(AuthSession, token.session_id) if token is not None else None
