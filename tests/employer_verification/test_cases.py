"""Verification cases: the state machine (legal and illegal moves), the automatic path and its
idempotency, expiry by age (injected ``now``) and by a change of name or code, and what each
transition brings along (employer status, visibility event, events, audit)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from employer_verification.automatic import expire_due, reverify_changed, verify_registered
from employer_verification.cases import (
    SYSTEM,
    TRANSITIONS,
    Actor,
    Policy,
    can_transition,
    open_case,
    transition,
)
from employer_verification.errors import IllegalTransition
from employer_verification.models import (
    CaseState,
    VerificationCase,
    VerificationEvent,
)
from employer_verification.tasks import expire_verifications
from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.outbox import OutboxEvent
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.jobs.events import EMPLOYER_VISIBILITY_CHANGED
from tests.factories.verification import (
    local_verifier,
    make_applicant,
    make_registry_entry,
    valid_uscc,
)

ALL = list(CaseState)


@pytest.fixture
def session(platform_with_reference: Container) -> Iterator[Session]:
    open_session = platform_with_reference.session_factory()
    yield open_session
    open_session.rollback()
    open_session.close()


def _visibility_events(session: Session, employer_id: int) -> int:
    return sum(
        1
        for event in session.scalars(
            select(OutboxEvent).where(OutboxEvent.topic == EMPLOYER_VISIBILITY_CHANGED)
        )
        if event.payload["employer_id"] == employer_id
    )


def _cases(session: Session, employer_id: int) -> list[VerificationCase]:
    return list(
        session.scalars(
            select(VerificationCase)
            .where(VerificationCase.employer_id == employer_id)
            .order_by(VerificationCase.id)
        )
    )


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_transition_table(source: CaseState, target: CaseState) -> None:
    legal = {
        (CaseState.SUBMITTED, CaseState.AUTO_VERIFIED),
        (CaseState.SUBMITTED, CaseState.NEEDS_REVIEW),
        (CaseState.SUBMITTED, CaseState.REJECTED),
        (CaseState.SUBMITTED, CaseState.EXPIRED),
        (CaseState.NEEDS_REVIEW, CaseState.VERIFIED),
        (CaseState.NEEDS_REVIEW, CaseState.REJECTED),
        (CaseState.NEEDS_REVIEW, CaseState.EXPIRED),
        (CaseState.AUTO_VERIFIED, CaseState.EXPIRED),
        (CaseState.VERIFIED, CaseState.EXPIRED),
    }
    assert can_transition(source, target) is ((source, target) in legal)
    assert (target in TRANSITIONS[source]) is ((source, target) in legal)


def test_illegal_transitions_are_refused_and_change_nothing(session: Session) -> None:
    employer = make_applicant(session)
    case = open_case(session, employer, trigger="registered")
    for target in (CaseState.VERIFIED, CaseState.SUBMITTED):
        with pytest.raises(IllegalTransition) as caught:
            transition(session, case, employer, target, actor=SYSTEM, reasons=[])
        assert caught.value.status_code == 409
    assert case.state == CaseState.SUBMITTED
    transition(session, case, employer, CaseState.REJECTED, actor=SYSTEM, reasons=["x"])
    for target in ALL:
        with pytest.raises(IllegalTransition):
            transition(session, case, employer, target, actor=SYSTEM, reasons=[])


def test_every_transition_is_recorded_mirrored_and_audited(session: Session) -> None:
    employer = make_applicant(session, registry_status="经营异常")
    case = verify_registered(session, local_verifier(session), employer.id)
    assert case is not None and case.state == CaseState.NEEDS_REVIEW
    assert employer.verification_status == VerificationStatus.NEEDS_REVIEW
    assert case.queued_at is not None and case.review_due_at is not None
    reviewer = Actor(user_id=None, role="provincial_admin")
    transition(
        session, case, employer, CaseState.VERIFIED, actor=reviewer,
        reasons=["status_restored"], note="已移出经营异常名录",
    )  # fmt: skip
    session.flush()
    assert employer.verification_status == VerificationStatus.VERIFIED
    assert case.decided_by_role == "provincial_admin"
    assert case.expires_at is not None and case.decided_at is not None
    assert case.expires_at - case.decided_at == timedelta(days=365)
    events = session.scalars(
        select(VerificationEvent)
        .where(VerificationEvent.case_id == case.id)
        .order_by(VerificationEvent.id)
    ).all()
    assert [(e.from_state, e.to_state) for e in events] == [
        (None, "submitted"),
        ("submitted", "needs_review"),
        ("needs_review", "verified"),
    ]
    assert events[1].reason_codes == ["status_abnormal"]
    assert events[2].note == "已移出经营异常名录" and events[2].actor_role == "provincial_admin"
    actions = session.scalars(
        select(AuditEvent.action)
        .where(
            AuditEvent.subject_type == "verification_case", AuditEvent.subject_id == str(case.id)
        )
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "verification.case.submitted",
        "verification.case.needs_review",
        "verification.case.verified",
    ]
    assert _visibility_events(session, employer.id) == 1  # entered REACHES_GRADUATES once


def test_auto_verified_employer_reaches_graduates_in_the_same_transaction(
    session: Session,
) -> None:
    employer = make_applicant(session)
    case = verify_registered(session, local_verifier(session), employer.id)
    assert case is not None and case.state == CaseState.AUTO_VERIFIED
    assert case.reason_codes == ["all_checks_passed"]
    assert case.decided_by_role == "system" and case.decided_by_user_id is None
    assert employer.verification_status == VerificationStatus.AUTO_VERIFIED
    assert case.registry_record is not None and case.registry_record["status"] == "存续"
    assert [r["outcome"] for r in case.check_results] == ["pass"] * 8
    assert _visibility_events(session, employer.id) == 1


@pytest.mark.parametrize(
    ("kwargs", "state"),
    [
        ({"registry_status": "注销"}, CaseState.REJECTED),
        ({"registered_name": "宁波星河贸易有限公司"}, CaseState.NEEDS_REVIEW),
    ],
)
def test_doubtful_or_bad_employers_never_reach_graduates(
    session: Session, kwargs: dict[str, object], state: CaseState
) -> None:
    employer = make_applicant(session, **kwargs)  # type: ignore[arg-type]
    case = verify_registered(session, local_verifier(session), employer.id)
    assert case is not None and case.state == state
    assert employer.verification_status == state.value
    assert _visibility_events(session, employer.id) == 0


def test_a_redelivered_registration_opens_no_second_case(session: Session) -> None:
    employer = make_applicant(session)
    verifier = local_verifier(session)
    first = verify_registered(session, verifier, employer.id)
    again = verify_registered(session, verifier, employer.id)
    assert first is again
    assert len(_cases(session, employer.id)) == 1
    assert session.scalar(select(func.count()).select_from(VerificationEvent)) == 2
    assert _visibility_events(session, employer.id) == 1
    assert verify_registered(session, verifier, 999_999) is None


def test_a_change_of_name_expires_the_verification_and_opens_a_new_case(
    session: Session,
) -> None:
    employer = make_applicant(session, "杭州云帆网络科技有限公司")
    verifier = local_verifier(session)
    first = verify_registered(session, verifier, employer.id)
    assert first is not None and first.state == CaseState.AUTO_VERIFIED
    employer.name = "杭州云帆智能科技有限公司"  # the registry still has the old name
    session.flush()
    second = reverify_changed(session, verifier, employer.id)
    assert second is not None and second is not first
    assert (first.state, first.reason_codes) == (CaseState.EXPIRED, ["details_changed"])
    assert first.expired_at is not None
    assert second.trigger == "details_changed" and second.subject_name == employer.name
    assert second.state == CaseState.NEEDS_REVIEW  # the new name does not match the registry
    assert employer.verification_status == VerificationStatus.NEEDS_REVIEW
    assert _visibility_events(session, employer.id) == 2  # in, then out
    # Redelivered: the current case already checked this name and code.
    assert reverify_changed(session, verifier, employer.id) is second
    assert len(_cases(session, employer.id)) == 2


def test_a_change_of_code_is_rechecked_and_can_verify_again(session: Session) -> None:
    employer = make_applicant(session, registry_status=None)  # not in the registry
    verifier = local_verifier(session)
    first = verify_registered(session, verifier, employer.id)
    assert first is not None and first.state == CaseState.NEEDS_REVIEW
    new_code = valid_uscc("330106")
    make_registry_entry(session, new_code, employer.name)
    employer.uscc = new_code
    session.flush()
    second = reverify_changed(session, verifier, employer.id)
    assert first.state == CaseState.EXPIRED  # superseded while waiting for review
    assert second is not None and second.state == CaseState.AUTO_VERIFIED
    assert employer.verification_status == VerificationStatus.AUTO_VERIFIED


def test_a_rejected_employer_that_changes_its_details_gets_a_new_case(session: Session) -> None:
    employer = make_applicant(
        session, registered_name="宁波星河贸易有限公司", registry_status="吊销"
    )
    verifier = local_verifier(session)
    first = verify_registered(session, verifier, employer.id)
    assert first is not None and first.state == CaseState.REJECTED
    employer.name = "宁波星河贸易有限公司"
    session.flush()
    second = reverify_changed(session, verifier, employer.id)
    assert first.state == CaseState.REJECTED  # final states stay
    assert second is not None and second.state == CaseState.REJECTED  # still 吊销


def test_details_changed_before_registration_was_handled_verifies_once(
    session: Session,
) -> None:
    employer = make_applicant(session)
    verifier = local_verifier(session)
    case = reverify_changed(session, verifier, employer.id)
    assert case is not None and case.state == CaseState.AUTO_VERIFIED
    assert verify_registered(session, verifier, employer.id) is case
    assert len(_cases(session, employer.id)) == 1


def test_verifications_expire_after_a_year(platform_with_reference: Container) -> None:
    factory = platform_with_reference.session_factory
    start = utcnow() - timedelta(days=400)
    with job_session(factory) as session:
        old = make_applicant(session, "杭州云帆网络科技有限公司")
        fresh = make_applicant(session, "杭州星河软件有限公司")
        verify_registered(session, local_verifier(session), old.id, now=start)
        verify_registered(session, local_verifier(session), fresh.id)
        old_id, fresh_id = old.id, fresh.id
    with factory() as session:
        assert expire_due(session, Policy(), now=start + timedelta(days=364)) == 0
        session.rollback()
    assert expire_verifications(factory, Policy(), now=utcnow(), batch_size=1) == 1
    assert expire_verifications(factory, Policy(), now=utcnow()) == 0  # idempotent
    with factory() as session:
        old_case = _cases(session, old_id)[-1]
        assert (old_case.state, old_case.reason_codes) == (CaseState.EXPIRED, ["validity_ended"])
        assert session.get_one(Employer, old_id).verification_status == "expired"
        assert session.get_one(Employer, fresh_id).verification_status == "auto_verified"
        assert _visibility_events(session, old_id) == 2
