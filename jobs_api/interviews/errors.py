"""Typed errors of the interviews package, each with a stable code."""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import Conflict, NotFound, ValidationFailed


class InterviewNotFound(NotFound):
    """No such interview in the caller's scope (existence is not revealed)."""

    default_code: ClassVar[str] = "interview_not_found"


class InvalidInterview(ValidationFailed):
    """Slots, mode details or reasons that cannot be accepted; ``fields`` says which."""

    default_code: ClassVar[str] = "interview_invalid"


class InterviewClash(Conflict):
    """The chosen slot overlaps another confirmed interview of the same graduate."""

    default_code: ClassVar[str] = "interview_clash"


class InterviewStatusConflict(Conflict):
    """The interview's current status does not allow the requested action."""

    default_code: ClassVar[str] = "interview_status_conflict"


class InterviewAlreadyOpen(Conflict):
    """The application already has an interview that is neither cancelled nor completed."""

    default_code: ClassVar[str] = "interview_already_open"
