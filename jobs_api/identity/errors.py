from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import Forbidden, Unauthenticated


class NotAuthenticated(Unauthenticated):
    default_code: ClassVar[str] = "not_authenticated"


class InvalidToken(Unauthenticated):
    default_code: ClassVar[str] = "invalid_token"


class SessionRevoked(Unauthenticated):
    default_code: ClassVar[str] = "session_revoked"


class RoleNotAllowed(Forbidden):
    default_code: ClassVar[str] = "role_not_allowed"


class OutOfScope(Forbidden):
    """The caller's role may do this, but not for this university / province / employer."""

    default_code: ClassVar[str] = "out_of_scope"
