"""Outbox handlers (registered by the composition root, ``jobs_api.wiring``).

* ``employers.registered`` -> :func:`on_employer_registered`: run the automatic checks and
  decide the employer's first case.
* ``employers.details_changed`` -> :func:`on_employer_details_changed`: a new name or code
  expires the current verification and opens a new, freshly checked case.

Both are idempotent (see :mod:`employer_verification.automatic`); they run in the delivery's
transaction, so the decision, its events, the audit rows and the visibility event commit
together or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from employer_verification.automatic import Verifier, reverify_changed, verify_registered
from employer_verification.cases import Policy
from employer_verification.config import VerificationRuntime


def build_verifier(session: Session, runtime: VerificationRuntime) -> Verifier:
    settings = runtime.settings
    return Verifier(
        registry=runtime.registry(session),
        regions=runtime.regions(session),
        policy=Policy(
            validity_days=settings.validity_days,
            review_sla_working_days=settings.review_sla_working_days,
        ),
    )


def on_employer_registered(
    session: Session, payload: dict[str, Any], *, runtime: VerificationRuntime
) -> None:
    verify_registered(session, build_verifier(session, runtime), int(payload["employer_id"]))


def on_employer_details_changed(
    session: Session, payload: dict[str, Any], *, runtime: VerificationRuntime
) -> None:
    reverify_changed(session, build_verifier(session, runtime), int(payload["employer_id"]))
