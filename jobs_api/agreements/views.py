"""Offers and agreements as the API shows them (ID numbers masked only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.agreements.models import Agreement, AgreementEvent, AgreementStatus, Offer
from jobs_api.agreements.schemas import (
    AgreementEventOut,
    AgreementOut,
    AgreementSummaryOut,
    EmployerPartyOut,
    GraduatePartyOut,
    OfferOut,
    RegionOut,
    UniversityPartyOut,
)
from jobs_api.employers.models import Employer
from jobs_api.reference.models import Region
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University

STATUS_NAMES: Final[dict[str, tuple[str, str]]] = {
    AgreementStatus.DRAFT.value: ("待签署", "Draft"),
    AgreementStatus.SIGNING.value: ("签署中", "Being signed"),
    AgreementStatus.PENDING_APPROVAL.value: ("待学校审核", "Awaiting approval"),
    AgreementStatus.SIGNED.value: ("已签约", "Signed"),
    AgreementStatus.RETURNED.value: ("已退回", "Returned"),
    AgreementStatus.TERMINATION_REQUESTED.value: ("解约审核中", "Termination requested"),
    AgreementStatus.TERMINATED.value: ("已解约", "Terminated"),
}

OFFER_STATUS_NAMES: Final[dict[str, tuple[str, str]]] = {
    "issued": ("待答复", "Awaiting answer"),
    "accepted": ("已接受", "Accepted"),
    "declined": ("已拒绝", "Declined"),
    "withdrawn": ("已撤回", "Withdrawn"),
    "expired": ("已过期", "Expired"),
}


def mask_name(name: str) -> str:
    """张三 -> 张*, 张小三 -> 张*三, 欧阳小三 -> 欧**三."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def region_out(session: Session, code: str) -> RegionOut:
    region = session.get(Region, code)
    return RegionOut(code=code, name=region.name if region else code)


def offer_out(session: Session, offer: Offer) -> OfferOut:
    employer = session.get_one(Employer, offer.employer_id)
    agreement_id = session.scalar(select(Agreement.id).where(Agreement.offer_id == offer.id))
    return OfferOut(
        id=offer.id,
        application_id=offer.application_id,
        job_id=offer.job_id,
        employer_id=offer.employer_id,
        employer_name=employer.name,
        position_title=offer.position_title,
        monthly_salary=offer.monthly_salary,
        salary_months=offer.salary_months,
        workplace=region_out(session, offer.workplace_city_code),
        start_date=offer.start_date,
        probation_months=offer.probation_months,
        respond_by=offer.respond_by,
        message=offer.message,
        status=offer.status,
        issued_at=offer.issued_at,
        responded_at=offer.responded_at,
        decline_reason=offer.decline_reason,
        agreement_id=agreement_id,
    )


def agreement_events(session: Session, agreement_id: int) -> list[AgreementEvent]:
    return list(
        session.scalars(
            select(AgreementEvent)
            .where(AgreementEvent.agreement_id == agreement_id)
            .order_by(AgreementEvent.id)
        )
    )


def agreement_out(session: Session, agreement: Agreement) -> AgreementOut:
    record = session.get_one(StudentRecord, agreement.student_record_id)
    employer = session.get_one(Employer, agreement.employer_id)
    university = session.get_one(University, agreement.university_id)
    return AgreementOut(
        id=agreement.id,
        agreement_number=agreement.agreement_number,
        verification_code=agreement.verification_code,
        offer_id=agreement.offer_id,
        application_id=agreement.application_id,
        status=agreement.status,
        graduate=GraduatePartyOut(
            name=record.name,
            id_number_masked=record.id_number_masked,
            student_number=record.student_number,
        ),
        employer=EmployerPartyOut(id=employer.id, name=employer.name, uscc=employer.uscc),
        university=UniversityPartyOut(id=university.id, code=university.code, name=university.name),
        position_title=agreement.position_title,
        monthly_salary=agreement.monthly_salary,
        salary_months=agreement.salary_months,
        workplace=region_out(session, agreement.workplace_city_code),
        start_date=agreement.start_date,
        term_months=agreement.term_months,
        probation_months=agreement.probation_months,
        breach_penalty=agreement.breach_penalty,
        other_terms=agreement.other_terms,
        graduate_signed_at=agreement.graduate_signed_at,
        employer_signed_at=agreement.employer_signed_at,
        approved_at=agreement.approved_at,
        return_reason=agreement.return_reason,
        termination_reason=agreement.termination_reason,
        termination_requested_at=agreement.termination_requested_at,
        terminated_at=agreement.terminated_at,
        created_at=agreement.created_at,
        events=[
            AgreementEventOut(
                action=e.action, actor_role=e.actor_role, note=e.note, created_at=e.created_at
            )
            for e in agreement_events(session, agreement.id)
        ],
    )


def agreement_summaries(
    session: Session, agreements: Sequence[Agreement]
) -> list[AgreementSummaryOut]:
    record_ids = {a.student_record_id for a in agreements}
    employer_ids = {a.employer_id for a in agreements}
    university_ids = {a.university_id for a in agreements}
    names = dict(
        session.execute(
            select(StudentRecord.id, StudentRecord.name).where(StudentRecord.id.in_(record_ids))
        ).all()
    )
    employers = dict(
        session.execute(
            select(Employer.id, Employer.name).where(Employer.id.in_(employer_ids))
        ).all()
    )
    universities = dict(
        session.execute(
            select(University.id, University.name).where(University.id.in_(university_ids))
        ).all()
    )
    return [
        AgreementSummaryOut(
            id=a.id,
            agreement_number=a.agreement_number,
            status=a.status,
            graduate_name=names.get(a.student_record_id, ""),
            employer_name=employers.get(a.employer_id, ""),
            university_name=universities.get(a.university_id, ""),
            position_title=a.position_title,
            updated_at=a.updated_at,
        )
        for a in agreements
    ]
