"""Typed errors of the employers domain, each with a stable code."""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    ValidationFailed,
)


class InvalidEmployerData(ValidationFailed):
    """A registration or profile field is missing or not valid (see ``fields``)."""

    default_code: ClassVar[str] = "invalid_employer"


class InvalidUscc(ValidationFailed):
    """The Unified Social Credit Code fails its format or check digit (GB 32100-2015)."""

    default_code: ClassVar[str] = "invalid_uscc"


class TermsNotAccepted(ValidationFailed):
    default_code: ClassVar[str] = "terms_not_accepted"


class EmployerAlreadyRegistered(Conflict):
    """The credit code belongs to an organisation on the platform (which one is not said)."""

    default_code: ClassVar[str] = "employer_already_registered"


class RegistrationThrottled(DomainError):
    """Too many registration attempts from one client address; ``retry_after`` in seconds."""

    status: ClassVar[int] = 429
    default_code: ClassVar[str] = "too_many_registrations"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class LicenceMissing(ValidationFailed):
    default_code: ClassVar[str] = "licence_missing"


class LicenceTypeNotAllowed(DomainError):
    """The upload is not a PDF, JPEG or PNG by its content (whatever its name says)."""

    status: ClassVar[int] = 415
    default_code: ClassVar[str] = "licence_type_not_allowed"


class LicenceMalformed(ValidationFailed):
    default_code: ClassVar[str] = "licence_malformed"


class LicenceTooLarge(DomainError):
    status: ClassVar[int] = 413
    default_code: ClassVar[str] = "licence_too_large"


class UploadMalformed(DomainError):
    default_code: ClassVar[str] = "upload_malformed"


class UploadNotMultipart(DomainError):
    status: ClassVar[int] = 415
    default_code: ClassVar[str] = "upload_not_multipart"


class EmployerNotFound(NotFound):
    default_code: ClassVar[str] = "employer_not_found"


class LicenceNotFound(NotFound):
    default_code: ClassVar[str] = "licence_not_found"


class MemberNotFound(NotFound):
    default_code: ClassVar[str] = "member_not_found"


class OwnerRequired(Forbidden):
    """Only the employer's owner may do this (recruiters may not)."""

    default_code: ClassVar[str] = "employer_owner_required"


class NotAnEmployerMember(Forbidden):
    """The account is an employer member without an employer (should not happen)."""

    default_code: ClassVar[str] = "no_employer"


class EmployerNotVerified(Forbidden):
    """The gate: only employers whose verification reaches graduates post jobs or join fairs."""

    default_code: ClassVar[str] = "employer_not_verified"


class CannotRemoveOwner(Conflict):
    default_code: ClassVar[str] = "cannot_remove_owner"
