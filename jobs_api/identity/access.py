"""Access rules that routes declare, and the authentication behind them.

Every route states who may call it with exactly one rule among its dependencies:

    @router.get("/me", ...)
    def me(principal: Annotated[Principal, Depends(allow(Role.GRADUATE))]) -> ...

    @router.get("/reference/majors", dependencies=[Depends(PUBLIC)])

``allow`` checks the role only; the scope (which university, province, employer or graduate)
is checked in the service layer against the returned ``Principal``. The authorization-matrix
test reads these rules off the app's route table, so a route without one fails the suite.

Credentials: ``Authorization: Bearer <access token>`` for API clients, or the HttpOnly
``gradmatch_access`` cookie that the web pages set. Access tokens carry a session id that is
checked against ``auth_sessions`` on every request: logout and refresh-token reuse revoke at
once, not when the token expires.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jobs_api.core.db import utcnow
from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import Unauthenticated
from jobs_api.identity.errors import NotAuthenticated, RoleNotAllowed, SessionRevoked
from jobs_api.identity.models import AccountStatus, AuthSession, User
from jobs_api.identity.principal import ALL_ROLES, Principal, Role
from jobs_api.identity.tokens import decode_access_token

ACCESS_COOKIE = "gradmatch_access"


def bearer_or_cookie_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.cookies.get(ACCESS_COOKIE) or None


def authenticate(request: Request, session: Session) -> Principal | None:
    """The caller's principal, ``None`` without credentials; bad or revoked ones raise 401."""
    token = bearer_or_cookie_token(request)
    if token is None:
        return None
    secret = request.app.state.container.settings.secret_key.get_secret_value()
    principal = decode_access_token(token, secret)
    auth_session = session.get(AuthSession, principal.session_id)
    if (
        auth_session is None
        or auth_session.revoked_at is not None
        or auth_session.expires_at <= utcnow()
        or auth_session.user_id != principal.user_id
    ):
        raise SessionRevoked("登录已失效，请重新登录 (session ended, please sign in again)")
    user = session.get(User, principal.user_id)
    if user is None or user.status != AccountStatus.ACTIVE:
        raise SessionRevoked("账号不可用 (account not available)")
    return principal


class AccessRule:
    """A route's declared audience: ``roles`` may call it; ``None`` means anyone."""

    def __init__(self, roles: Iterable[Role] | None, name: str) -> None:
        self.roles = frozenset(roles) if roles is not None else None
        self.name = name

    @property
    def is_public(self) -> bool:
        return self.roles is None

    def __repr__(self) -> str:
        return f"AccessRule({self.name})"

    def __call__(self, request: Request, session: SessionDep) -> Principal | None:
        if self.roles is None:
            try:
                return authenticate(request, session)
            except Unauthenticated:  # a stale or broken token on a public route: anonymous
                return None
        principal = authenticate(request, session)
        if principal is None:
            raise NotAuthenticated("请先登录 (sign-in required)")
        if principal.role not in self.roles:
            raise RoleNotAllowed("当前身份无权访问 (your role may not do this)")
        request.state.principal = principal
        return principal


PUBLIC = AccessRule(None, "public")
_rules: dict[frozenset[Role], AccessRule] = {}


def allow(*roles: Role) -> AccessRule:
    """The rule admitting exactly ``roles`` (one shared instance per role set)."""
    key = frozenset(roles) if roles else ALL_ROLES
    if key not in _rules:
        _rules[key] = AccessRule(key, "+".join(sorted(r.value for r in key)))
    return _rules[key]


def authenticated() -> AccessRule:
    """Any signed-in caller, whatever the role."""
    return allow(*ALL_ROLES)


OptionalPrincipal = Annotated[Principal | None, Depends(PUBLIC)]
