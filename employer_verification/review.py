"""The reviewer side: the queue, a case's details, the decision; and the employer's own view.

Scope (see :mod:`employer_verification.scope`): a reviewer sees and decides only cases of
employers it covers; anything else answers "not found", so existence does not leak. Only
``needs_review`` cases can be decided (409 otherwise), with reason codes from the fixed list
that fit the decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from employer_verification.cases import Actor, Policy, current_case, lock_employer, transition
from employer_verification.errors import (
    CaseAlreadyDecided,
    CaseNotFound,
    EmployerNotFound,
    InvalidDecision,
)
from employer_verification.models import CaseState, VerificationCase, VerificationEvent
from employer_verification.reasons import APPROVING, REJECTING, reason
from employer_verification.schemas import (
    CaseDetailOut,
    CaseEventOut,
    CheckResultOut,
    DecisionIn,
    EmployerDataOut,
    EmployerStatusOut,
    LicenceOut,
    QueueItemOut,
    QueuePageOut,
    ReasonOut,
    RegistryRecordOut,
)
from employer_verification.scope import covers, employer_province_expr, reviewer_province
from employer_verification.sla import sla_state
from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer, EmployerLicence, VerificationStatus
from jobs_api.identity.errors import RoleNotAllowed
from jobs_api.identity.principal import Principal, Role
from jobs_api.reference.models import EmployerType, Industry, Region

MAX_PAGE_SIZE: Final = 100

STATUS_LABELS: Final = {
    VerificationStatus.SUBMITTED: "已提交，正在自动核验",
    VerificationStatus.AUTO_VERIFIED: "已认证（自动核验通过）",
    VerificationStatus.NEEDS_REVIEW: "人工审核中",
    VerificationStatus.VERIFIED: "已认证（人工审核通过）",
    VerificationStatus.REJECTED: "未通过认证",
    VerificationStatus.EXPIRED: "认证已失效",
}


def _reviewer_reasons(codes: list[str]) -> list[ReasonOut]:
    return [ReasonOut(code=c, message=reason(c).for_reviewer) for c in codes]


def _age_hours(case: VerificationCase, now: datetime) -> float:
    since = case.queued_at or case.opened_at
    return round((now - since).total_seconds() / 3600, 1)


def _sla(case: VerificationCase, now: datetime) -> Any:
    if case.state != CaseState.NEEDS_REVIEW or case.review_due_at is None:
        return None
    return sla_state(case.review_due_at, now)


def review_queue(
    session: Session,
    principal: Principal,
    *,
    state: CaseState = CaseState.NEEDS_REVIEW,
    page: int = 1,
    size: int = 20,
    now: datetime | None = None,
) -> QueuePageOut:
    """Cases in ``state`` of the employers the reviewer covers, oldest first."""
    now = now or utcnow()
    size = max(1, min(size, MAX_PAGE_SIZE))
    province = reviewer_province(session, principal)
    conditions = [VerificationCase.state == state.value]
    if province is not None:
        conditions.append(employer_province_expr() == province)
    base = (
        select(VerificationCase, Employer, Region.name)
        .join(Employer, Employer.id == VerificationCase.employer_id)
        .join(Region, Region.code == Employer.city_code)
        .where(*conditions)
    )
    total = session.execute(
        select(func.count())
        .select_from(VerificationCase)
        .join(Employer, Employer.id == VerificationCase.employer_id)
        .where(*conditions)
    ).scalar_one()
    rows = session.execute(
        base.order_by(
            func.coalesce(VerificationCase.queued_at, VerificationCase.opened_at),
            VerificationCase.id,
        )
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    items = [
        QueueItemOut(
            case_id=case.id,
            employer_id=employer.id,
            employer_name=employer.name,
            uscc=employer.uscc,
            city_code=employer.city_code,
            city_name=city_name,
            state=CaseState(case.state),
            trigger=case.trigger,
            opened_at=case.opened_at,
            queued_at=case.queued_at,
            review_due_at=case.review_due_at,
            age_hours=_age_hours(case, now),
            sla=_sla(case, now),
            reasons=_reviewer_reasons(case.reason_codes),
        )
        for case, employer, city_name in rows
    ]
    return QueuePageOut(items=items, page=page, size=size, total=total)


def _case_in_scope(
    session: Session, principal: Principal, case_id: int
) -> tuple[VerificationCase, Employer]:
    case = session.get(VerificationCase, case_id)
    employer = session.get(Employer, case.employer_id) if case is not None else None
    if case is None or employer is None or not covers(session, principal, employer):
        raise CaseNotFound("认证案件不存在 (no such verification case)")
    return case, employer


def _licence(session: Session, employer_id: int) -> LicenceOut | None:
    """The employer's current business licence (its newest upload); the file itself is served,
    scoped and audited, by the employers domain's reviewer route."""
    licence = session.scalar(
        select(EmployerLicence)
        .where(EmployerLicence.employer_id == employer_id)
        .order_by(EmployerLicence.id.desc())
        .limit(1)
    )
    if licence is None:
        return None
    return LicenceOut(
        url=f"/api/v1/employers/{employer_id}/licence",
        sha256=licence.sha256,
        content_type=licence.content_type,
        filename=licence.filename,
        uploaded_at=licence.uploaded_at,
    )


def _employer_data(session: Session, employer: Employer) -> EmployerDataOut:
    city = session.get(Region, employer.city_code)
    province = session.get(Region, city.parent_code) if city and city.parent_code else city
    employer_type = session.get(EmployerType, employer.employer_type_code)
    industry = session.get(Industry, employer.industry_code)
    return EmployerDataOut(
        id=employer.id,
        name=employer.name,
        uscc=employer.uscc,
        employer_type_code=employer.employer_type_code,
        employer_type_name=employer_type.name_zh if employer_type else "",
        industry_code=employer.industry_code,
        industry_name=industry.name if industry else "",
        city_code=employer.city_code,
        city_name=city.name if city else "",
        province_name=province.name if province else "",
        size=employer.size,
        verification_status=employer.verification_status,
        created_at=employer.created_at,
    )


def case_detail(
    session: Session, principal: Principal, case_id: int, now: datetime | None = None
) -> CaseDetailOut:
    now = now or utcnow()
    case, employer = _case_in_scope(session, principal, case_id)
    events = session.scalars(
        select(VerificationEvent)
        .where(VerificationEvent.case_id == case.id)
        .order_by(VerificationEvent.id)
    ).all()
    current = current_case(session, employer.id)
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="verification.case.read",
        subject_type="verification_case",
        subject_id=case.id,
        detail={"employer_id": employer.id},
    )
    return CaseDetailOut(
        case_id=case.id,
        state=CaseState(case.state),
        trigger=case.trigger,
        subject_name=case.subject_name,
        subject_uscc=case.subject_uscc,
        opened_at=case.opened_at,
        checked_at=case.checked_at,
        queued_at=case.queued_at,
        review_due_at=case.review_due_at,
        sla=_sla(case, now),
        decided_at=case.decided_at,
        decided_by_user_id=case.decided_by_user_id,
        decided_by_role=case.decided_by_role,
        expires_at=case.expires_at,
        expired_at=case.expired_at,
        reasons=_reviewer_reasons(case.reason_codes),
        decision_note=case.decision_note,
        employer=_employer_data(session, employer),
        checks=[CheckResultOut.model_validate(r) for r in case.check_results],
        registry_record=(
            RegistryRecordOut.model_validate(case.registry_record) if case.registry_record else None
        ),
        licence=_licence(session, employer.id),
        events=[
            CaseEventOut(
                from_state=e.from_state,
                to_state=e.to_state,
                actor_role=e.actor_role,
                actor_user_id=e.actor_user_id,
                at=e.at,
                reasons=_reviewer_reasons(e.reason_codes),
                note=e.note,
            )
            for e in events
        ],
        is_current=current is not None and current.id == case.id,
    )


def decide_case(
    session: Session,
    principal: Principal,
    case_id: int,
    decision: DecisionIn,
    *,
    policy: Policy | None = None,
    now: datetime | None = None,
) -> CaseDetailOut:
    """A reviewer's decision on a ``needs_review`` case of an employer it covers."""
    case, employer = _case_in_scope(session, principal, case_id)
    lock_employer(session, employer.id)
    session.refresh(case)
    if case.state != CaseState.NEEDS_REVIEW:
        raise CaseAlreadyDecided(
            f"该案件当前状态为 {case.state}，只能对待人工审核的案件作出决定 (already decided)"
        )
    target = CaseState.VERIFIED if decision.decision == "verified" else CaseState.REJECTED
    allowed = APPROVING if target is CaseState.VERIFIED else REJECTING
    wrong = [c.value for c in decision.reason_codes if c not in allowed]
    if wrong:
        raise InvalidDecision(
            f"理由代码与决定不符：{', '.join(wrong)} (reason codes do not fit the decision)",
            fields={"reason_codes": "mismatch"},
        )
    codes = list(dict.fromkeys(c.value for c in decision.reason_codes))
    note = decision.note.strip() if decision.note and decision.note.strip() else None
    transition(
        session,
        case,
        employer,
        target,
        actor=Actor(principal.user_id, principal.role.value),
        reasons=codes,
        note=note,
        policy=policy,
        now=now,
    )
    session.flush()
    return case_detail(session, principal, case_id, now)


def employer_status(session: Session, principal: Principal, employer_id: int) -> EmployerStatusOut:
    """The verification status of the caller's own employer, explained in plain zh-CN."""
    if principal.role is not Role.EMPLOYER_MEMBER:
        raise RoleNotAllowed("仅用人单位账号可查看 (employer members only)")
    if principal.employer_id != employer_id:
        raise EmployerNotFound("单位不存在 (no such employer)")
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise EmployerNotFound("单位不存在 (no such employer)")
    case = current_case(session, employer_id)
    status = VerificationStatus(employer.verification_status)
    codes = case.reason_codes if case is not None else []
    shown = [c for c in codes if c not in ("all_checks_passed",)]
    return EmployerStatusOut(
        employer_id=employer_id,
        status=status.value,
        status_label=STATUS_LABELS[status],
        case_id=case.id if case else None,
        opened_at=case.opened_at if case else None,
        decided_at=case.decided_at if case else None,
        expires_at=case.expires_at if case else None,
        reasons=[ReasonOut(code=c, message=reason(c).for_employer) for c in shown],
    )
