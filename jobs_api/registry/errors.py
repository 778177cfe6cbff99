"""Typed errors of the registry package (file-level problems, imports, the national service).

Per-row problems of an import are not exceptions: they are stored as
:class:`jobs_api.registry.models.RegistryImportError` rows (codes in
:class:`jobs_api.registry.validation.RowErrorCode`).
"""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import DomainError, NotFound, ServiceUnavailable, ValidationFailed


class ImportNotFound(NotFound):
    default_code: ClassVar[str] = "registry_import_not_found"


class UploadTooLarge(DomainError):
    status = 413
    default_code: ClassVar[str] = "upload_too_large"


class UnsupportedFileType(DomainError):
    """The content is neither a CSV text file nor an XLSX workbook (checked by content)."""

    status = 415
    default_code: ClassVar[str] = "unsupported_file_type"


class FileProblem(ValidationFailed):
    """The file as a whole cannot be imported (empty, unreadable, header missing columns).

    Raised at upload when it can be seen at once; raised by the runner (and recorded as the
    import's failure) when it shows only while reading.
    """

    default_code: ClassVar[str] = "registry_file_invalid"


class EmptyFile(FileProblem):
    default_code: ClassVar[str] = "empty_file"


class UnreadableEncoding(FileProblem):
    default_code: ClassVar[str] = "unreadable_encoding"


class HeaderInvalid(FileProblem):
    default_code: ClassVar[str] = "header_invalid"


class NoUniversityScope(ValidationFailed):
    """A career-office account that is not attached to a university."""

    default_code: ClassVar[str] = "no_university_scope"


class RegistryServiceUnavailable(ServiceUnavailable):
    """The national student-status service did not answer in time or answered 5xx."""

    default_code: ClassVar[str] = "registry_service_unavailable"


class RegistryResponseInvalid(DomainError):
    """The national student-status service answered, but not with what its contract says."""

    status = 502
    default_code: ClassVar[str] = "registry_response_invalid"
