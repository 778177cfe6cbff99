"""Typed errors of the graduates package, each with a stable code."""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import (
    Conflict,
    DomainError,
    ErrorCode,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from jobs_api.identity.errors import RecordedRefusal


class ActivationFailed(DomainError, RecordedRefusal):
    """The one answer for any mismatch during activation: it never says which field was wrong,
    nor whether the ID number is known. A recorded refusal: the route answers without raising,
    so the failure's audit row commits."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "activation_failed"


class AlreadyActivated(Conflict):
    default_code: ClassVar[str] = "already_activated"


class RecordNotEligible(Forbidden):
    """The registry record matched but its status (e.g. 退学) does not allow an account."""

    default_code: ClassVar[str] = "registry_status_not_eligible"


class GraduateNotVerified(Forbidden):
    """The caller is a graduate but not (or no longer) linked to an eligible registry record."""

    default_code: ClassVar[str] = "graduate_not_verified"


class GraduateNotFound(NotFound):
    default_code: ClassVar[str] = "graduate_not_found"


class RegistryFieldReadOnly(ValidationFailed):
    default_code: ClassVar[str] = "registry_field_read_only"


class ProfileInvalid(ValidationFailed):
    """A profile value failed a check against reference data or another field."""


class ConsentRequired(Conflict):
    default_code: ClassVar[str] = "consent_required"


class ResumeNotFound(NotFound):
    default_code: ClassVar[str] = "resume_not_found"


class ResumeTooLarge(DomainError):
    status: ClassVar[int] = 413
    default_code: ClassVar[str] = ErrorCode.PAYLOAD_TOO_LARGE


class ResumeNotPdf(DomainError):
    status: ClassVar[int] = 415
    default_code: ClassVar[str] = "resume_not_pdf"


class ResumeMalformed(ValidationFailed):
    default_code: ClassVar[str] = "resume_malformed"


class ResumeLimitReached(Conflict):
    default_code: ClassVar[str] = "resume_limit_reached"


class PasswordMismatch(DomainError):
    """The password given to confirm a sensitive action is wrong."""

    status: ClassVar[int] = 403
    default_code: ClassVar[str] = "password_incorrect"


class NoGraduateScope(Forbidden):
    """An administrator account without the scope its role needs (no university/province)."""

    default_code: ClassVar[str] = "scope_missing"
