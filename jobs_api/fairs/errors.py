"""Typed errors of the fairs domain, each with a stable code."""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import Conflict, NotFound, ValidationFailed
from jobs_api.identity.errors import OutOfScope


class FairNotFound(NotFound):
    """No such fair, or one outside the caller's scope (existence does not leak)."""

    default_code: ClassVar[str] = "fair_not_found"


class InvalidFair(ValidationFailed):
    """A fair's fields do not fit the rules or the reference data (see ``fields``)."""

    default_code: ClassVar[str] = "invalid_fair"


class FairOutOfScope(OutOfScope):
    """The organizer named a university outside its scope (another university or province)."""

    default_code: ClassVar[str] = "fair_out_of_scope"


class FairStateConflict(Conflict):
    """The fair's status does not allow this (e.g. editing or publishing a cancelled fair)."""

    default_code: ClassVar[str] = "fair_state_conflict"


class FairNotOpen(Conflict):
    """Employers register and attach jobs only while a published fair has not ended."""

    default_code: ClassVar[str] = "fair_not_open"


class FairNotRegistered(Conflict):
    """Attaching a job needs the employer's registration for the fair first."""

    default_code: ClassVar[str] = "fair_not_registered"


class JobNotAttachable(Conflict):
    """Only the employer's own published jobs can be attached (not drafts, not closed ones)."""

    default_code: ClassVar[str] = "job_not_attachable"


class FairJobNotFound(NotFound):
    """The job is not the caller's, or not attached to the fair."""

    default_code: ClassVar[str] = "fair_job_not_found"
