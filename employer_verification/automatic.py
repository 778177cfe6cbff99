"""The automatic path: verify a new employer, re-verify after a change, expire old verifications.

All three are idempotent — they read the current case and act only when something is left to
do — because outbox events are delivered at least once:

* :func:`verify_registered` — an employer without a case gets one, checked and decided; a
  ``submitted`` case is checked and decided; any other case means the event was handled.
* :func:`reverify_changed` — when the employer's name or code differs from what its current
  case checked, that case expires (``details_changed``) and a new one is opened, checked and
  decided; when they are equal, the change was handled (or undone) and nothing happens.
* :func:`expire_due` — verifications older than their validity expire (``validity_ended``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from employer_verification.cases import (
    SYSTEM,
    Policy,
    apply_checks,
    current_case,
    lock_employer,
    open_case,
    transition,
)
from employer_verification.checks import run_checks
from employer_verification.duplicates import index_employer
from employer_verification.enterprise_registry import EnterpriseRegistry
from employer_verification.models import (
    OPEN_STATES,
    VALID_STATES,
    CaseState,
    VerificationCase,
)
from employer_verification.regions import RegionBook
from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer

TRIGGER_REGISTERED = "registered"
TRIGGER_DETAILS_CHANGED = "details_changed"


@dataclass
class Verifier:
    """What the automatic checks need, built once per delivery (or once per benchmark run)."""

    registry: EnterpriseRegistry
    regions: RegionBook
    policy: Policy

    def check_and_decide(
        self,
        session: Session,
        case: VerificationCase,
        employer: Employer,
        now: datetime | None = None,
    ) -> VerificationCase:
        index_employer(session, employer, self.regions)
        session.flush()
        report = run_checks(session, employer, self.registry, self.regions)
        return apply_checks(session, case, employer, report, policy=self.policy, now=now)


def verify_registered(
    session: Session, verifier: Verifier, employer_id: int, now: datetime | None = None
) -> VerificationCase | None:
    employer = lock_employer(session, employer_id)
    if employer is None:
        return None  # deleted since: nothing to verify
    case = current_case(session, employer_id)
    if case is None:
        case = open_case(session, employer, trigger=TRIGGER_REGISTERED, now=now)
    elif case.state != CaseState.SUBMITTED:
        return case  # already decided: a redelivered event
    return verifier.check_and_decide(session, case, employer, now)


def reverify_changed(
    session: Session, verifier: Verifier, employer_id: int, now: datetime | None = None
) -> VerificationCase | None:
    employer = lock_employer(session, employer_id)
    if employer is None:
        return None
    case = current_case(session, employer_id)
    if case is None:
        case = open_case(session, employer, trigger=TRIGGER_REGISTERED, now=now)
        return verifier.check_and_decide(session, case, employer, now)
    if case.subject_name == employer.name and case.subject_uscc == employer.uscc:
        if case.state == CaseState.SUBMITTED:
            return verifier.check_and_decide(session, case, employer, now)
        return case  # handled already, or changed back
    if CaseState(case.state) in OPEN_STATES | VALID_STATES:
        transition(
            session, case, employer, CaseState.EXPIRED, actor=SYSTEM,
            reasons=["details_changed"], policy=verifier.policy, now=now,
        )  # fmt: skip
    fresh = open_case(session, employer, trigger=TRIGGER_DETAILS_CHANGED, now=now)
    return verifier.check_and_decide(session, fresh, employer, now)


def expire_due(
    session: Session, policy: Policy, now: datetime | None = None, *, limit: int = 500
) -> int:
    """Expire up to ``limit`` verifications whose validity has ended; returns how many."""
    now = now or utcnow()
    due = session.scalars(
        select(VerificationCase)
        .where(
            VerificationCase.state.in_([s.value for s in VALID_STATES]),
            VerificationCase.expires_at <= now,
        )
        .order_by(VerificationCase.expires_at, VerificationCase.id)
        .limit(limit)
    ).all()
    expired = 0
    for case in due:
        employer = lock_employer(session, case.employer_id)
        if employer is None:
            continue
        session.refresh(case)
        if case.state not in {s.value for s in VALID_STATES}:
            continue  # changed by someone else meanwhile
        transition(
            session, case, employer, CaseState.EXPIRED, actor=SYSTEM,
            reasons=["validity_ended"], policy=policy, now=now,
        )  # fmt: skip
        expired += 1
    session.flush()
    return expired
