"""Who is looking at a page: the signed-in account's name and role for the header, each
role's home page, and the ``next`` parameter of the sign-in page (relative paths only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit

from sqlalchemy.orm import Session
from starlette.requests import Request

from jobs_api.core.errors import DomainError
from jobs_api.identity.access import authenticate
from jobs_api.identity.principal import Principal, Role
from jobs_api.identity.profile import describe_account
from jobs_api.inbox.service import unread_count
from jobs_api.web.i18n import N_

ROLE_LABELS: Final[dict[Role, str]] = {
    Role.GRADUATE: N_("毕业生"),
    Role.EMPLOYER_MEMBER: N_("用人单位"),
    Role.CAREER_OFFICE: N_("高校就业指导中心"),
    Role.PROVINCIAL_ADMIN: N_("省级就业管理部门"),
    Role.NATIONAL_ADMIN: N_("全国就业管理部门"),
}
ROLE_HOMES: Final[dict[Role, str]] = {
    Role.GRADUATE: "/me",
    Role.EMPLOYER_MEMBER: "/employer",
    Role.CAREER_OFFICE: "/office",
    Role.PROVINCIAL_ADMIN: "/office",
    Role.NATIONAL_ADMIN: "/office",
}
# Where ``next`` may never point: the API, assets and the session routes themselves.
_NEXT_REFUSED: Final = ("/api", "/static", "/session", "/login", "/logout")
_NEXT_MAX: Final = 1000


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int
    display_name: str
    role: Role
    scope_name: str | None
    session_id: str
    unread: int = 0  # unread inbox messages (the header's badge)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def home(self) -> str:
        return ROLE_HOMES[self.role]

    @property
    def is_office(self) -> bool:
        return ROLE_HOMES[self.role] == "/office"


def load_viewer(session: Session, principal: Principal | None) -> Viewer | None:
    if principal is None:
        return None
    account = describe_account(session, principal.user_id)
    scope = account.scope
    return Viewer(
        user_id=principal.user_id,
        display_name=account.display_name or account.username or "",
        role=principal.role,
        scope_name=scope.university_name or scope.province_name or scope.employer_name,
        session_id=principal.session_id,
        unread=unread_count(session, principal.user_id),
    )


def viewer_from_request(request: Request) -> Viewer | None:
    """The viewer of a page rendered outside a route (error pages), in a read-only session."""
    container = getattr(request.app.state, "container", None)
    if container is None:
        return None
    session = container.session_factory()
    try:
        principal = getattr(request.state, "principal", None) or authenticate(request, session)
        return load_viewer(session, principal)
    except DomainError:
        return None
    finally:
        session.rollback()
        session.close()


def safe_path(value: str | None) -> str | None:
    """``value`` if it is a relative path on this site (``/...``, never ``//host`` or a URL
    with a scheme), else ``None``: the only kind of redirect target taken from a request."""
    if not value or len(value) > _NEXT_MAX or not value.startswith("/"):
        return None
    if value.startswith("//") or "\\" in value:
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def safe_next(value: str | None) -> str | None:
    """``value`` if it is a same-site page worth returning to after signing in."""
    target = safe_path(value)
    if target is None:
        return None
    path = urlsplit(target).path
    if any(path == p or path.startswith(p + "/") for p in _NEXT_REFUSED):
        return None
    return target


def login_location(next_path: str | None = None) -> str:
    target = safe_next(next_path)
    return "/login" if target is None else f"/login?next={quote(target, safe='/')}"


def request_target(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")
