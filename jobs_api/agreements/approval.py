"""The career office's decision on a signed agreement: approve (已签约; the application
becomes ``hired``; ``agreements.signed`` is published) or return it with a reason (both
signatures are cleared; the parties fix and sign again).

Scope: a career office decides for its own university's graduates, a provincial administrator
for the universities of its province, the national administrator for all; others get 404.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.agreements.errors import (
    AgreementNotFound,
    AgreementStateConflict,
    AlreadySignedElsewhere,
)
from jobs_api.agreements.events import (
    employer_user_ids,
    notify,
    publish_signed,
    record_event,
)
from jobs_api.agreements.models import Agreement, AgreementStatus, Offer
from jobs_api.agreements.offers import BINDING_STATUSES
from jobs_api.agreements.scope import (
    AGREEMENT_NOT_FOUND,
    agreement_for,
    is_office,
    scoped_agreements,
)
from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.applications.pipeline import change_status
from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer
from jobs_api.identity.principal import Principal


def office_agreement(
    session: Session, principal: Principal, agreement_id: int, *, lock: bool = False
) -> Agreement:
    if not is_office(principal):
        raise AgreementNotFound(AGREEMENT_NOT_FOUND)
    return agreement_for(session, principal, agreement_id, lock=lock)


def _require(agreement: Agreement, status: AgreementStatus, what: str) -> None:
    if agreement.status != status.value:
        raise AgreementStateConflict(
            f"三方协议当前状态不能{what} (not allowed in status {agreement.status})",
            fields={"status": agreement.status},
        )


def approve(session: Session, principal: Principal, agreement_id: int) -> Agreement:
    agreement = office_agreement(session, principal, agreement_id, lock=True)
    _require(agreement, AgreementStatus.PENDING_APPROVAL, "审核")
    other = session.scalar(
        select(Agreement.id).where(
            Agreement.user_id == agreement.user_id,
            Agreement.id != agreement.id,
            Agreement.status.in_(BINDING_STATUSES),
        )
    )
    if other is not None:
        raise AlreadySignedElsewhere(
            "该毕业生已有一份已签约的三方协议，须先解约 (the graduate is already signed elsewhere)"
        )
    now = utcnow()
    agreement.status = AgreementStatus.SIGNED.value
    agreement.approved_at = now
    agreement.approved_by = principal.user_id
    agreement.return_reason = ""
    event = record_event(
        session, agreement, "approved", actor_id=principal.user_id, actor_role=principal.role.value
    )
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="agreement.approved",
        subject_type="agreement",
        subject_id=agreement.id,
    )
    application = session.get_one(Application, agreement.application_id)
    employer = session.get_one(Employer, agreement.employer_id)
    change_status(
        session,
        application,
        ApplicationStatus.HIRED,
        actor_user_id=principal.user_id,
        reason="三方协议已签约",
        job_title=agreement.position_title,
        employer_name=employer.name,
        notify_graduate=False,
    )
    publish_signed(session, agreement)
    tell_parties(
        session,
        agreement,
        event.id,
        kind="agreement.approved",
        title_zh=f"三方协议已签约：{agreement.agreement_number}",
        title_en=f"Agreement approved: {agreement.agreement_number}",
        body_zh="学校就业指导中心已审核通过，协议生效。",
        body_en="The career office approved the agreement; it is now in force.",
    )
    return agreement


def return_for_changes(
    session: Session, principal: Principal, agreement_id: int, reason: str
) -> Agreement:
    agreement = office_agreement(session, principal, agreement_id, lock=True)
    _require(agreement, AgreementStatus.PENDING_APPROVAL, "退回")
    agreement.status = AgreementStatus.RETURNED.value
    agreement.return_reason = reason
    agreement.graduate_signed_at = None
    agreement.employer_signed_at = None
    agreement.employer_signed_by = None
    event = record_event(
        session,
        agreement,
        "returned",
        actor_id=principal.user_id,
        actor_role=principal.role.value,
        note=reason,
    )
    tell_parties(
        session,
        agreement,
        event.id,
        kind="agreement.returned",
        title_zh=f"三方协议被退回：{agreement.agreement_number}",
        title_en=f"Agreement returned: {agreement.agreement_number}",
        body_zh=f"退回原因：{reason}。请修改后重新签署。",
        body_en=f"Reason: {reason}. Please correct and sign again.",
    )
    return agreement


def tell_parties(
    session: Session,
    agreement: Agreement,
    event_id: int,
    *,
    kind: str,
    title_zh: str,
    title_en: str,
    body_zh: str,
    body_en: str,
) -> None:
    """The graduate and the employer's members who handled the agreement."""
    offer = session.get_one(Offer, agreement.offer_id)
    key = f"agreement:{agreement.id}:event:{event_id}"
    for recipients, link in (
        ([agreement.user_id], f"/me/agreements/{agreement.id}"),
        (
            employer_user_ids(session, agreement, offer.issued_by),
            f"/employer/agreements/{agreement.id}",
        ),
    ):
        notify(
            session,
            recipients,
            kind=kind,
            key=key,
            title_zh=title_zh,
            title_en=title_en,
            body_zh=body_zh,
            body_en=body_en,
            link=link,
            payload={"agreement_id": agreement.id},
        )


def office_queue(session: Session, principal: Principal, limit: int = 200) -> list[Agreement]:
    """Agreements awaiting the office: pending approval and termination requests, oldest
    first (first come, first served)."""
    if not is_office(principal):
        return []
    query = scoped_agreements(
        select(Agreement).where(
            Agreement.status.in_(
                (
                    AgreementStatus.PENDING_APPROVAL.value,
                    AgreementStatus.TERMINATION_REQUESTED.value,
                )
            )
        ),
        principal,
    )
    return list(session.scalars(query.order_by(Agreement.updated_at, Agreement.id).limit(limit)))
