"""Verification cases and their state machine.

::

    submitted ──► auto_verified ──► expired
        │    └──► rejected
        └───────► needs_review ──► verified ──► expired
                       │     └───► rejected
                       └─────────► expired   (superseded by a change of name or code)

``submitted`` may also expire (superseded before its checks ran). ``rejected`` and ``expired``
are final: a later change of name or code opens a new case. Every transition

* is checked against :data:`TRANSITIONS` (:class:`IllegalTransition` otherwise);
* records a ``verification_events`` row and an audit record;
* mirrors the state into ``Employer.verification_status``;
* publishes ``employers.visibility_changed`` (``jobs.events``) in the same transaction when
  the employer enters or leaves ``REACHES_GRADUATES``, which brings its jobs in or out of
  search and matching.

The newest case of an employer is its current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from employer_verification.checks import CheckReport
from employer_verification.errors import IllegalTransition
from employer_verification.models import CaseState, VerificationCase, VerificationEvent
from employer_verification.sla import review_due
from jobs_api.core.audit import SYSTEM_ACTOR, record_audit
from jobs_api.core.db import utcnow
from jobs_api.employers.models import REACHES_GRADUATES, Employer, VerificationStatus
from jobs_api.jobs.events import publish_employer_visibility_changed

TRANSITIONS: Final[dict[CaseState, frozenset[CaseState]]] = {
    CaseState.SUBMITTED: frozenset(
        {CaseState.AUTO_VERIFIED, CaseState.NEEDS_REVIEW, CaseState.REJECTED, CaseState.EXPIRED}
    ),
    CaseState.NEEDS_REVIEW: frozenset({CaseState.VERIFIED, CaseState.REJECTED, CaseState.EXPIRED}),
    CaseState.AUTO_VERIFIED: frozenset({CaseState.EXPIRED}),
    CaseState.VERIFIED: frozenset({CaseState.EXPIRED}),
    CaseState.REJECTED: frozenset(),
    CaseState.EXPIRED: frozenset(),
}
DECIDED: Final = frozenset(
    {CaseState.AUTO_VERIFIED, CaseState.VERIFIED, CaseState.REJECTED, CaseState.EXPIRED}
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who moves a case: the system (automatic checks, expiry) or a reviewer."""

    user_id: int | None
    role: str

    @property
    def is_system(self) -> bool:
        return self.user_id is None


SYSTEM: Final = Actor(None, SYSTEM_ACTOR)


@dataclass(frozen=True, slots=True)
class Policy:
    validity_days: int = 365
    review_sla_working_days: int = 2


def can_transition(from_state: str, to_state: str) -> bool:
    return CaseState(to_state) in TRANSITIONS[CaseState(from_state)]


def current_case(session: Session, employer_id: int) -> VerificationCase | None:
    return session.scalar(
        select(VerificationCase)
        .where(VerificationCase.employer_id == employer_id)
        .order_by(VerificationCase.id.desc())
        .limit(1)
    )


def lock_employer(session: Session, employer_id: int) -> Employer | None:
    """The employer row, locked for the rest of the transaction (PostgreSQL)."""
    return session.scalar(select(Employer).where(Employer.id == employer_id).with_for_update())


def _mirror(session: Session, employer: Employer, state: CaseState) -> None:
    before = VerificationStatus(employer.verification_status) in REACHES_GRADUATES
    employer.verification_status = VerificationStatus(state.value)
    after = VerificationStatus(state.value) in REACHES_GRADUATES
    if before != after:
        publish_employer_visibility_changed(session, employer.id)


def _record(
    session: Session,
    case: VerificationCase,
    from_state: CaseState | None,
    to_state: CaseState,
    actor: Actor,
    reasons: list[str],
    note: str | None,
    now: datetime,
) -> VerificationEvent:
    event = VerificationEvent(
        case_id=case.id,
        from_state=from_state.value if from_state else None,
        to_state=to_state.value,
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        at=now,
        reason_codes=list(reasons),
        note=note,
    )
    session.add(event)
    record_audit(
        session,
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        action=f"verification.case.{to_state.value}",
        subject_type="verification_case",
        subject_id=case.id,
        detail={
            "employer_id": case.employer_id,
            "from": from_state.value if from_state else None,
            "to": to_state.value,
            "reasons": list(reasons),
        },
    )
    return event


def open_case(
    session: Session,
    employer: Employer,
    *,
    trigger: str,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
) -> VerificationCase:
    """A new ``submitted`` case for the employer's current name and code."""
    now = now or utcnow()
    case = VerificationCase(
        employer_id=employer.id,
        state=CaseState.SUBMITTED,
        trigger=trigger,
        subject_name=employer.name,
        subject_uscc=employer.uscc,
        opened_at=now,
        reason_codes=[],
        check_results=[],
    )
    session.add(case)
    session.flush()
    _record(session, case, None, CaseState.SUBMITTED, actor, [], None, now)
    _mirror(session, employer, CaseState.SUBMITTED)
    return case


def transition(
    session: Session,
    case: VerificationCase,
    employer: Employer,
    to_state: CaseState,
    *,
    actor: Actor,
    reasons: list[str],
    note: str | None = None,
    policy: Policy | None = None,
    now: datetime | None = None,
) -> VerificationEvent:
    """Move ``case`` to ``to_state`` (see the module docstring for what comes with it)."""
    policy = policy or Policy()
    now = now or utcnow()
    from_state = CaseState(case.state)
    if to_state not in TRANSITIONS[from_state]:
        raise IllegalTransition(
            f"认证状态不能从 {from_state.value} 变为 {to_state.value} (illegal transition)"
        )
    if case.employer_id != employer.id:
        raise IllegalTransition("认证案件与单位不符 (case of another employer)")
    case.state = to_state
    if to_state is CaseState.NEEDS_REVIEW:
        case.queued_at = now
        case.review_due_at = review_due(now, policy.review_sla_working_days)
    elif to_state is CaseState.EXPIRED:
        case.expired_at = now
    else:
        case.decided_at = now
        case.decided_by_user_id = actor.user_id
        case.decided_by_role = actor.role
        if to_state in (CaseState.AUTO_VERIFIED, CaseState.VERIFIED):
            case.expires_at = now + timedelta(days=policy.validity_days)
    case.reason_codes = list(reasons)
    if note is not None:
        case.decision_note = note
    event = _record(session, case, from_state, to_state, actor, reasons, note, now)
    # Only the current case speaks for the employer. Every state but ``expired`` is reached by
    # the current case alone (a new case is opened only after the previous one left the open
    # and valid states), so only an expiry needs to look.
    if to_state is not CaseState.EXPIRED or current_case(session, employer.id) is case:
        _mirror(session, employer, to_state)
    return event


def apply_checks(
    session: Session,
    case: VerificationCase,
    employer: Employer,
    report: CheckReport,
    *,
    policy: Policy | None = None,
    now: datetime | None = None,
) -> VerificationCase:
    """Store the check results on a submitted case and move it to the state they decide."""
    now = now or utcnow()
    case.check_results = [r.to_json() for r in report.results]
    case.registry_record = (
        report.registry_record.to_json() if report.registry_record is not None else None
    )
    case.checked_at = now
    state, reasons = report.decision()
    transition(
        session, case, employer, state, actor=SYSTEM, reasons=reasons, policy=policy, now=now
    )
    return case
