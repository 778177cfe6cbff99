"""Typed errors of the offers and agreements package, each with a stable code."""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import Conflict, NotFound, ValidationFailed


class OfferNotFound(NotFound):
    """No such offer in the caller's scope (existence is not revealed)."""

    default_code: ClassVar[str] = "offer_not_found"


class AgreementNotFound(NotFound):
    """No such agreement in the caller's scope (existence is not revealed)."""

    default_code: ClassVar[str] = "agreement_not_found"


class OfferStateConflict(Conflict):
    """The offer's status does not allow this action (answered, withdrawn, expired)."""

    default_code: ClassVar[str] = "offer_state_conflict"


class OfferAlreadyOpen(Conflict):
    """The application already has an open or accepted offer."""

    default_code: ClassVar[str] = "offer_already_open"


class ApplicationClosed(Conflict):
    """The application is hired, rejected or withdrawn: no offer can be made on it."""

    default_code: ClassVar[str] = "application_closed"


class AlreadySignedElsewhere(Conflict):
    """The graduate already has a signed (or pending) tripartite agreement; 解约 first."""

    default_code: ClassVar[str] = "already_signed_elsewhere"


class AgreementStateConflict(Conflict):
    """The agreement's status does not allow this action."""

    default_code: ClassVar[str] = "agreement_state_conflict"


class InvalidTerms(ValidationFailed):
    """An offer or agreement term is out of range (salary, probation, penalty, dates...)."""

    default_code: ClassVar[str] = "invalid_terms"
