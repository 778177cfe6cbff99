"""解约: the graduate or the employer asks to end a signed agreement, giving a reason from
:data:`REASON_LABELS` and free text; the career office (same scope as approval) approves
(``terminated``: the graduate may accept another offer; ``agreements.terminated`` is published)
or rejects (back to ``signed``)."""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from jobs_api.agreements.approval import office_agreement, tell_parties
from jobs_api.agreements.errors import AgreementStateConflict, InvalidTerms
from jobs_api.agreements.events import (
    notify,
    office_user_ids,
    publish_terminated,
    record_event,
)
from jobs_api.agreements.models import Agreement, AgreementStatus
from jobs_api.agreements.schemas import TerminationCategory, TerminationIn
from jobs_api.agreements.scope import agreement_for
from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.identity.principal import Principal, Role

REASON_LABELS: Final[dict[TerminationCategory, tuple[str, str]]] = {
    TerminationCategory.MUTUAL: ("协商一致", "Mutual agreement"),
    TerminationCategory.EMPLOYER: ("用人单位原因", "Employer's reasons"),
    TerminationCategory.GRADUATE: ("毕业生原因", "Graduate's reasons"),
    TerminationCategory.OTHER: ("其他", "Other"),
}


def category_of(reason: str) -> str:
    """The category code a stored ``termination_reason`` starts with (``other`` if none)."""
    for category, (label, _) in REASON_LABELS.items():
        if reason.startswith(label):
            return category.value
    return TerminationCategory.OTHER.value


def request_termination(
    session: Session, principal: Principal, agreement_id: int, body: TerminationIn
) -> Agreement:
    if principal.role not in (Role.GRADUATE, Role.EMPLOYER_MEMBER):
        raise AgreementStateConflict("仅协议当事方可申请解约 (only a party may ask)")
    agreement = agreement_for(session, principal, agreement_id, lock=True)
    if agreement.status != AgreementStatus.SIGNED.value:
        raise AgreementStateConflict(
            "只有已签约的三方协议可以申请解约 (only a signed agreement can be terminated)",
            fields={"status": agreement.status},
        )
    if body.category is TerminationCategory.OTHER and not body.detail:
        raise InvalidTerms(
            "选择“其他”时请说明解约原因 (explain the reason)", fields={"detail": "required"}
        )
    label = REASON_LABELS[body.category][0]
    agreement.status = AgreementStatus.TERMINATION_REQUESTED.value
    agreement.termination_reason = f"{label}：{body.detail}" if body.detail else label
    agreement.termination_requested_by = principal.user_id
    agreement.termination_requested_at = utcnow()
    event = record_event(
        session,
        agreement,
        "termination_requested",
        actor_id=principal.user_id,
        actor_role=principal.role.value,
        note=agreement.termination_reason,
    )
    tell_parties(
        session,
        agreement,
        event.id,
        kind="agreement.termination_requested",
        title_zh=f"解约申请：{agreement.agreement_number}",
        title_en=f"Termination requested: {agreement.agreement_number}",
        body_zh=f"原因：{agreement.termination_reason}。待学校就业指导中心审核。",
        body_en=f"Reason: {agreement.termination_reason}. Awaiting the career office.",
    )
    notify(
        session,
        office_user_ids(session, agreement.university_id),
        kind="agreement.termination_requested",
        key=f"agreement:{agreement.id}:event:{event.id}",
        title_zh=f"解约申请待审核：{agreement.agreement_number}",
        title_en=f"Termination awaiting approval: {agreement.agreement_number}",
        body_zh=f"原因：{agreement.termination_reason}",
        body_en=f"Reason: {agreement.termination_reason}",
        link=f"/office/agreements/{agreement.id}",
        payload={"agreement_id": agreement.id},
    )
    return agreement


def approve_termination(session: Session, principal: Principal, agreement_id: int) -> Agreement:
    agreement = office_agreement(session, principal, agreement_id, lock=True)
    if agreement.status != AgreementStatus.TERMINATION_REQUESTED.value:
        raise AgreementStateConflict(
            "该协议没有待审核的解约申请 (no termination request to decide)",
            fields={"status": agreement.status},
        )
    agreement.status = AgreementStatus.TERMINATED.value
    agreement.terminated_at = utcnow()
    event = record_event(
        session,
        agreement,
        "terminated",
        actor_id=principal.user_id,
        actor_role=principal.role.value,
        note=agreement.termination_reason,
    )
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="agreement.terminated",
        subject_type="agreement",
        subject_id=agreement.id,
    )
    publish_terminated(session, agreement, category_of(agreement.termination_reason))
    tell_parties(
        session,
        agreement,
        event.id,
        kind="agreement.terminated",
        title_zh=f"三方协议已解约：{agreement.agreement_number}",
        title_en=f"Agreement terminated: {agreement.agreement_number}",
        body_zh="学校就业指导中心已同意解约。",
        body_en="The career office approved the termination.",
    )
    return agreement


def reject_termination(
    session: Session, principal: Principal, agreement_id: int, reason: str
) -> Agreement:
    agreement = office_agreement(session, principal, agreement_id, lock=True)
    if agreement.status != AgreementStatus.TERMINATION_REQUESTED.value:
        raise AgreementStateConflict(
            "该协议没有待审核的解约申请 (no termination request to decide)",
            fields={"status": agreement.status},
        )
    agreement.status = AgreementStatus.SIGNED.value
    event = record_event(
        session,
        agreement,
        "termination_rejected",
        actor_id=principal.user_id,
        actor_role=principal.role.value,
        note=reason,
    )
    tell_parties(
        session,
        agreement,
        event.id,
        kind="agreement.termination_rejected",
        title_zh=f"解约申请未获同意：{agreement.agreement_number}",
        title_en=f"Termination not approved: {agreement.agreement_number}",
        body_zh=f"原因：{reason}。协议继续有效。",
        body_en=f"Reason: {reason}. The agreement stays in force.",
    )
    return agreement
