"""Typed errors of the applications package, each with a stable code."""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import Conflict, NotFound


class ApplicationNotFound(NotFound):
    """No such application in the caller's scope (existence is not revealed)."""

    default_code: ClassVar[str] = "application_not_found"


class TransitionNotAllowed(Conflict):
    """The application's current status does not allow the requested change."""

    default_code: ClassVar[str] = "application_transition_not_allowed"
