"""Typed errors of employer verification (stable codes, zh-CN messages)."""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
)


class CaseNotFound(NotFound):
    """No such case, or one outside the caller's scope (existence does not leak)."""

    default_code: ClassVar[str] = "verification_case_not_found"


class EmployerNotFound(NotFound):
    default_code: ClassVar[str] = "employer_not_found"


class CaseAlreadyDecided(Conflict):
    default_code: ClassVar[str] = "verification_case_already_decided"


class IllegalTransition(Conflict):
    """A state change the verification state machine does not allow."""

    default_code: ClassVar[str] = "verification_illegal_transition"


class InvalidDecision(ValidationFailed):
    default_code: ClassVar[str] = "verification_decision_invalid"


class BlacklistEntryInvalid(ValidationFailed):
    default_code: ClassVar[str] = "blacklist_entry_invalid"


class BlacklistEntryNotFound(NotFound):
    default_code: ClassVar[str] = "blacklist_entry_not_found"


class BlacklistEntryExists(Conflict):
    default_code: ClassVar[str] = "blacklist_entry_exists"


class NoProvinceScope(ValidationFailed):
    """An administrator account without the province its role needs."""

    default_code: ClassVar[str] = "no_province_scope"


class ImportNotFound(NotFound):
    default_code: ClassVar[str] = "enterprise_registry_import_not_found"


class UploadTooLarge(DomainError):
    status = 413
    default_code: ClassVar[str] = "upload_too_large"


class ImportFileInvalid(ValidationFailed):
    """The file as a whole cannot be imported (empty, not text, header missing columns)."""

    default_code: ClassVar[str] = "enterprise_registry_file_invalid"


class EnterpriseRegistryUnavailable(ServiceUnavailable):
    """The enterprise credit service did not answer in time, or answered 5xx / 429."""

    default_code: ClassVar[str] = "enterprise_registry_unavailable"


class EnterpriseRegistryResponseInvalid(DomainError):
    """The enterprise credit service answered, but not as its contract says."""

    status = 502
    default_code: ClassVar[str] = "enterprise_registry_response_invalid"
