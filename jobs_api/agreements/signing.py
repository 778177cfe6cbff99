"""Signing: the graduate and a member of the (verified) employer each sign once, in any
order, while the agreement is ``draft``, ``signing`` or ``returned``. One signature makes it
``signing``; both make it ``pending_approval`` and put it in the career office's queue.

A graduate signs one agreement at a time: signing is refused while another of their
agreements awaits approval, is signed, or awaits its 解约.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.agreements.errors import AgreementStateConflict, AlreadySignedElsewhere
from jobs_api.agreements.events import employer_user_ids, notify, office_user_ids, record_event
from jobs_api.agreements.models import Agreement, AgreementStatus, Offer
from jobs_api.agreements.scope import agreement_for
from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.employers.gate import require_verified_employer
from jobs_api.employers.scope import member_employer_id
from jobs_api.identity.principal import Principal, Role

SIGNABLE_STATUSES = frozenset(
    {AgreementStatus.DRAFT.value, AgreementStatus.SIGNING.value, AgreementStatus.RETURNED.value}
)
GRADUATE_EXCLUSIVE = (
    AgreementStatus.PENDING_APPROVAL.value,
    AgreementStatus.SIGNED.value,
    AgreementStatus.TERMINATION_REQUESTED.value,
)


def _require_signable(agreement: Agreement) -> None:
    if agreement.status not in SIGNABLE_STATUSES:
        raise AgreementStateConflict(
            "三方协议当前状态不能签署 (the agreement cannot be signed in its current status)",
            fields={"status": agreement.status},
        )


def _after_signature(session: Session, agreement: Agreement, event_id: int) -> None:
    both = agreement.graduate_signed_at is not None and agreement.employer_signed_at is not None
    agreement.status = (
        AgreementStatus.PENDING_APPROVAL.value if both else AgreementStatus.SIGNING.value
    )
    agreement.return_reason = "" if both else agreement.return_reason
    session.flush()
    if both:
        notify(
            session,
            office_user_ids(session, agreement.university_id),
            kind="agreement.pending_approval",
            key=f"agreement:{agreement.id}:pending:{event_id}",
            title_zh=f"三方协议待审核：{agreement.agreement_number}",
            title_en=f"Agreement awaiting approval: {agreement.agreement_number}",
            body_zh="毕业生与用人单位均已签署，请审核。",
            body_en="The graduate and the employer have signed; please review.",
            link=f"/office/agreements/{agreement.id}",
            payload={"agreement_id": agreement.id},
        )


def sign_as_graduate(session: Session, principal: Principal, agreement_id: int) -> Agreement:
    if principal.role is not Role.GRADUATE:
        raise AgreementStateConflict("仅毕业生本人可签署 (only the graduate may sign)")
    agreement = agreement_for(session, principal, agreement_id, lock=True)
    _require_signable(agreement)
    if agreement.graduate_signed_at is not None:
        raise AgreementStateConflict("你已签署该协议 (already signed)")
    other = session.scalar(
        select(Agreement.id).where(
            Agreement.user_id == agreement.user_id,
            Agreement.id != agreement.id,
            Agreement.status.in_(GRADUATE_EXCLUSIVE),
        )
    )
    if other is not None:
        raise AlreadySignedElsewhere(
            "你已有一份待审核或已签约的三方协议，毕业生只能签订一份三方协议 "
            "(another agreement is pending or signed)"
        )
    agreement.graduate_signed_at = utcnow()
    event = record_event(
        session, agreement, "graduate_signed", actor_id=principal.user_id, actor_role="graduate"
    )
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="agreement.graduate_signed",
        subject_type="agreement",
        subject_id=agreement.id,
    )
    offer = session.get_one(Offer, agreement.offer_id)
    notify(
        session,
        employer_user_ids(session, agreement, offer.issued_by),
        kind="agreement.graduate_signed",
        key=f"agreement:{agreement.id}:event:{event.id}",
        title_zh=f"毕业生已签署三方协议：{agreement.agreement_number}",
        title_en=f"The graduate signed agreement {agreement.agreement_number}",
        link=f"/employer/agreements/{agreement.id}",
        payload={"agreement_id": agreement.id},
    )
    _after_signature(session, agreement, event.id)
    return agreement


def sign_as_employer(session: Session, principal: Principal, agreement_id: int) -> Agreement:
    employer_id = member_employer_id(principal)
    agreement = agreement_for(session, principal, agreement_id, lock=True)
    require_verified_employer(session, employer_id)
    _require_signable(agreement)
    if agreement.employer_signed_at is not None:
        raise AgreementStateConflict("用人单位已签署该协议 (already signed by the employer)")
    agreement.employer_signed_at = utcnow()
    agreement.employer_signed_by = principal.user_id
    event = record_event(
        session,
        agreement,
        "employer_signed",
        actor_id=principal.user_id,
        actor_role=principal.role.value,
    )
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="agreement.employer_signed",
        subject_type="agreement",
        subject_id=agreement.id,
    )
    notify(
        session,
        [agreement.user_id],
        kind="agreement.employer_signed",
        key=f"agreement:{agreement.id}:event:{event.id}",
        title_zh=f"用人单位已签署三方协议：{agreement.agreement_number}",
        title_en=f"The employer signed agreement {agreement.agreement_number}",
        body_zh="请核对条款后签署。" if agreement.graduate_signed_at is None else "",
        body_en="Please review the terms and sign." if agreement.graduate_signed_at is None else "",
        link=f"/me/agreements/{agreement.id}",
        payload={"agreement_id": agreement.id},
    )
    _after_signature(session, agreement, event.id)
    return agreement
