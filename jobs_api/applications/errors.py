"""Typed errors of the applications package, each with a stable code."""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import Conflict, Forbidden, NotFound, ValidationFailed


class ApplicationNotFound(NotFound):
    """No such application in the caller's scope (existence is not revealed)."""

    default_code: ClassVar[str] = "application_not_found"


class TransitionNotAllowed(Conflict):
    """The application's current status does not allow the requested change."""

    default_code: ClassVar[str] = "application_transition_not_allowed"


class AlreadyApplied(Conflict):
    """The graduate already has a live (not withdrawn) application to this job."""

    default_code: ClassVar[str] = "already_applied"


class JobNotOpen(Conflict):
    """The job exists and is visible but no longer takes applications (closed, deadline)."""

    default_code: ClassVar[str] = "job_not_open"


class ResumeRequired(ValidationFailed):
    """Applying needs a résumé: the chosen one is not the caller's, or they have none."""

    default_code: ClassVar[str] = "resume_required"


class FairJobMismatch(ValidationFailed):
    """``fair_id`` names a fair the job is not attached to."""

    default_code: ClassVar[str] = "fair_job_mismatch"


class StatusNotAllowed(ValidationFailed):
    """A status the caller may not set (employers never set ``submitted``/``withdrawn``)."""

    default_code: ClassVar[str] = "application_status_not_allowed"


class InvalidCursor(ValidationFailed):
    default_code: ClassVar[str] = "invalid_cursor"


class ResumeFileMissing(NotFound):
    """The stored copy of the application's résumé is not on disk."""

    default_code: ClassVar[str] = "application_resume_missing"


class ResumeWithdrawn(Forbidden):
    """The graduate withdrew the application: its résumé is no longer shared."""

    default_code: ClassVar[str] = "application_withdrawn"
