"""One error hierarchy with stable codes, rendered as ``{"error": {code, message, fields}}``.

Domain packages subclass :class:`DomainError` (or raise it with their own code); the handler in
:mod:`jobs_api.core.error_handlers` renders every error the same way, and
:func:`error_responses` lists them in OpenAPI.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, Field


class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    VALIDATION_FAILED = "validation_failed"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    RATE_LIMITED = "rate_limited"
    SERVICE_UNAVAILABLE = "service_unavailable"
    INTERNAL = "internal_error"


class DomainError(Exception):
    """An error a client can act on. ``code`` is stable; ``message`` is for people."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = ErrorCode.BAD_REQUEST

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status_code = status
        else:
            self.status_code = type(self).status


class ValidationFailed(DomainError):
    status = 422
    default_code: ClassVar[str] = ErrorCode.VALIDATION_FAILED


class Unauthenticated(DomainError):
    status = 401
    default_code: ClassVar[str] = ErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    status = 403
    default_code: ClassVar[str] = ErrorCode.FORBIDDEN


class NotFound(DomainError):
    status = 404
    default_code: ClassVar[str] = ErrorCode.NOT_FOUND


class Conflict(DomainError):
    status = 409
    default_code: ClassVar[str] = ErrorCode.CONFLICT


class ServiceUnavailable(DomainError):
    status = 503
    default_code: ClassVar[str] = ErrorCode.SERVICE_UNAVAILABLE


class ErrorBody(BaseModel):
    code: str = Field(description="Stable, machine-readable error code")
    message: str = Field(description="Human-readable explanation")
    fields: dict[str, str] = Field(
        default_factory=dict, description="Per-field problems, keyed by dotted field path"
    )


class ErrorResponse(BaseModel):
    error: ErrorBody


_STATUS_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed for this caller",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
    503: "A backend is unavailable",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the error statuses a route can return."""
    return {
        status: {"model": ErrorResponse, "description": _STATUS_DESCRIPTIONS.get(status, "Error")}
        for status in statuses
    }
