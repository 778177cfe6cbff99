"""Drafting the tripartite agreement from an accepted offer, and the employer's edits.

Parties come from the records, not from the forms: the graduate's name and masked ID number
from the registry record, the employer's name and credit code, the university of the record.
Terms start from the offer; the employer sets the 服务期 (default 36 months), the breach
penalty (违约金, at most :data:`BREACH_PENALTY_CAP` yuan) and other terms while the agreement is
``draft``, ``signing`` or ``returned``. An edit after a signature clears both signatures (the
parties sign what they read) and is recorded in the agreement's trail.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jobs_api.agreements.errors import AgreementStateConflict, InvalidTerms
from jobs_api.agreements.events import notify, record_event
from jobs_api.agreements.models import Agreement, AgreementStatus, Offer
from jobs_api.agreements.schemas import TermsPatch
from jobs_api.agreements.scope import agreement_for
from jobs_api.applications.models import Application
from jobs_api.core.db import utcnow
from jobs_api.employers.references import city_problem
from jobs_api.employers.scope import member_employer_id
from jobs_api.identity.principal import Principal
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University

DEFAULT_TERM_MONTHS: Final = 36
BREACH_PENALTY_CAP: Final = 5000
"""违约金 cap in yuan: a penalty above it is refused (provinces' model agreements keep the
amount modest; a large one is a lever against the graduate)."""

EDITABLE_STATUSES: Final = frozenset(
    {AgreementStatus.DRAFT.value, AgreementStatus.SIGNING.value, AgreementStatus.RETURNED.value}
)

CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Verification-code characters: no 0/O, 1/I/L look-alikes."""
CODE_LENGTH: Final = 16  # 31**16 ≈ 7e23 codes: guessing one is hopeless


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``ABCD-EFGH-JKMN-PQRS`` for reading aloud and typing."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(raw: str) -> str:
    """What a person typed, back to the stored form (case, dashes, spaces ignored)."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def _unique(session: Session, column: InstrumentedAttribute[str], make: Callable[[], str]) -> str:
    for _ in range(10):
        candidate = make()
        if session.scalar(select(Agreement.id).where(column == candidate)) is None:
            return candidate
    raise RuntimeError("could not find a free agreement number or code")


def _new_number(year: int, university_code: str) -> str:
    """协议编号: ``SF`` + year + university code (5) + 8 random digits (≤ 19 characters)."""
    return f"SF{year}{university_code[:5]}{secrets.randbelow(10**8):08d}"


def max_probation(term_months: int) -> int:
    """Labour Contract Law art. 19: ≤1 month for terms under a year, ≤2 months for 1–3 years,
    ≤6 months for 3 years and more."""
    if term_months < 3:
        return 0
    if term_months < 12:
        return 1
    if term_months < 36:
        return 2
    return 6


def check_city(session: Session, code: str) -> None:
    problem = city_problem(session, code)
    if problem is not None:
        raise InvalidTerms(f"工作地点：{problem}", fields={"workplace_city_code": "unknown_city"})


def check_terms(session: Session, agreement: Agreement) -> None:
    if agreement.breach_penalty > BREACH_PENALTY_CAP:
        raise InvalidTerms(
            f"违约金不得超过 {BREACH_PENALTY_CAP} 元 (breach penalty above the cap)",
            fields={"breach_penalty": "above_cap"},
        )
    limit = max_probation(agreement.term_months)
    if agreement.probation_months > limit:
        raise InvalidTerms(
            f"服务期 {agreement.term_months} 个月时试用期不得超过 {limit} 个月 "
            "(probation too long for the term)",
            fields={"probation_months": "too_long_for_term"},
        )
    check_city(session, agreement.workplace_city_code)


def draft_from_offer(session: Session, offer: Offer, *, actor: Principal) -> Agreement:
    application = session.get_one(Application, offer.application_id)
    record = session.get_one(StudentRecord, application.student_record_id)
    university = session.get_one(University, record.university_id)
    term = DEFAULT_TERM_MONTHS
    agreement = Agreement(
        agreement_number=_unique(
            session,
            Agreement.agreement_number,
            lambda: _new_number(utcnow().year, university.code),
        ),
        verification_code=_unique(session, Agreement.verification_code, new_verification_code),
        offer_id=offer.id,
        application_id=application.id,
        job_id=offer.job_id,
        employer_id=offer.employer_id,
        user_id=offer.user_id,
        student_record_id=record.id,
        university_id=university.id,
        position_title=offer.position_title,
        monthly_salary=offer.monthly_salary,
        salary_months=offer.salary_months,
        workplace_city_code=offer.workplace_city_code,
        start_date=offer.start_date,
        term_months=term,
        probation_months=min(offer.probation_months, max_probation(term)),
        breach_penalty=0,
        other_terms="",
        status=AgreementStatus.DRAFT.value,
    )
    session.add(agreement)
    session.flush()
    record_event(
        session,
        agreement,
        "drafted",
        actor_id=actor.user_id,
        actor_role=actor.role.value,
        note=f"offer {offer.id}",
    )
    return agreement


def _apply(agreement: Agreement, patch: TermsPatch) -> list[str]:
    changed: list[str] = []
    for name, value in patch.model_dump(exclude_unset=True).items():
        if value is None:
            continue
        if getattr(agreement, name) != value:
            setattr(agreement, name, value)
            changed.append(name)
    return changed


def edit_terms(
    session: Session, principal: Principal, agreement_id: int, patch: TermsPatch, today: date
) -> Agreement:
    member_employer_id(principal)
    agreement = agreement_for(session, principal, agreement_id, lock=True)
    if agreement.status not in EDITABLE_STATUSES:
        raise AgreementStateConflict(
            "三方协议已提交审核或已签约，不能修改条款 (terms can no longer be edited)",
            fields={"status": agreement.status},
        )
    if patch.start_date is not None and patch.start_date <= today:
        raise InvalidTerms(
            "入职日期须晚于今天 (start_date must be in the future)",
            fields={"start_date": "not_in_future"},
        )
    changed = _apply(agreement, patch)
    if not changed:
        return agreement
    check_terms(session, agreement)
    had_signature = (
        agreement.graduate_signed_at is not None or agreement.employer_signed_at is not None
    )
    agreement.graduate_signed_at = None
    agreement.employer_signed_at = None
    agreement.employer_signed_by = None
    agreement.status = AgreementStatus.DRAFT.value
    note = ", ".join(changed)
    if had_signature:
        note += "; signatures cleared"
    event = record_event(
        session,
        agreement,
        "terms_edited",
        actor_id=principal.user_id,
        actor_role=principal.role.value,
        note=note,
    )
    notify(
        session,
        [agreement.user_id],
        kind="agreement.terms_edited",
        key=f"agreement:{agreement.id}:event:{event.id}",
        title_zh=f"三方协议条款已修改：{agreement.agreement_number}",
        title_en=f"Agreement terms changed: {agreement.agreement_number}",
        body_zh="用人单位修改了协议条款，请重新核对并签署。"
        if had_signature
        else "用人单位修改了协议条款，请核对。",
        body_en="The employer changed the terms; please review and sign again."
        if had_signature
        else "The employer changed the terms; please review them.",
        link=f"/me/agreements/{agreement.id}",
        payload={"agreement_id": agreement.id},
    )
    return agreement
