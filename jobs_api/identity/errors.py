from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Unauthenticated,
    ValidationFailed,
)


class RecordedRefusal:
    """Marker for refusals whose side effects must be committed although the request fails:
    failed-login counters and lockouts, wrong-code attempts, the revocation that follows
    refresh-token reuse, and their audit rows. The identity routes turn these errors into the
    error response themselves (instead of raising), so the request's one commit point keeps
    what the service flushed."""


class NotAuthenticated(Unauthenticated):
    default_code: ClassVar[str] = "not_authenticated"


class InvalidToken(Unauthenticated):
    default_code: ClassVar[str] = "invalid_token"


class SessionRevoked(Unauthenticated, RecordedRefusal):
    default_code: ClassVar[str] = "session_revoked"


class RoleNotAllowed(Forbidden):
    default_code: ClassVar[str] = "role_not_allowed"


class OutOfScope(Forbidden):
    """The caller's role may do this, but not for this university / province / employer."""

    default_code: ClassVar[str] = "out_of_scope"


class InvalidCredentials(Unauthenticated, RecordedRefusal):
    """Unknown account or wrong password: one answer for both, so existence does not leak."""

    default_code: ClassVar[str] = "invalid_credentials"


class Throttled(DomainError, RecordedRefusal):
    """A refusal that tells the client when to try again (``Retry-After``)."""

    status = 429

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(1, retry_after)


class AccountLocked(Throttled):
    status = 423
    default_code: ClassVar[str] = "account_locked"


class TooManyAttempts(Throttled):
    default_code: ClassVar[str] = "too_many_attempts"


class AccountNotActivated(Forbidden, RecordedRefusal):
    default_code: ClassVar[str] = "account_not_activated"


class AccountDisabled(Forbidden, RecordedRefusal):
    default_code: ClassVar[str] = "account_disabled"


class InvalidRefreshToken(Unauthenticated):
    default_code: ClassVar[str] = "invalid_refresh_token"


class RefreshTokenReused(Unauthenticated, RecordedRefusal):
    default_code: ClassVar[str] = "refresh_token_reused"


class InvalidCode(DomainError, RecordedRefusal):
    """Wrong, expired, used or exhausted code, or no such account: one answer for all."""

    default_code: ClassVar[str] = "invalid_code"


class WrongPassword(DomainError, RecordedRefusal):
    """The current password given to change it is wrong (counts towards the lockout)."""

    default_code: ClassVar[str] = "wrong_password"


class WeakPassword(ValidationFailed):
    default_code: ClassVar[str] = "weak_password"


class InvalidAccount(ValidationFailed):
    """Bad account data: username or phone format, a scope that does not fit the role."""

    default_code: ClassVar[str] = "invalid_account"


class UsernameTaken(Conflict):
    default_code: ClassVar[str] = "username_taken"


class PhoneTaken(Conflict):
    default_code: ClassVar[str] = "phone_taken"


class StudentRecordTaken(Conflict):
    default_code: ClassVar[str] = "student_record_taken"
