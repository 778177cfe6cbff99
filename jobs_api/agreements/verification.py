"""Public check of an agreement's verification code (printed on the PDF): whether it is
genuine and the agreement's status, with nothing personal beyond the masked name.

Codes are 16 characters from a 31-letter alphabet without look-alikes (≈ 7·10^23 codes), so
guessing a valid one is hopeless even without a rate limit; input is normalized (case,
dashes and spaces ignored) and anything else is "not found".
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.agreements.drafting import CODE_ALPHABET, CODE_LENGTH, normalize_code
from jobs_api.agreements.models import Agreement
from jobs_api.agreements.schemas import VerificationOut
from jobs_api.agreements.views import STATUS_NAMES, mask_name
from jobs_api.employers.models import Employer
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University

VERIFY_PATH = "/agreements/verify"


def well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def verify(session: Session, raw_code: str) -> VerificationOut:
    code = normalize_code(raw_code)
    if not well_formed(code):
        return VerificationOut(genuine=False)
    agreement = session.scalar(select(Agreement).where(Agreement.verification_code == code))
    if agreement is None:
        return VerificationOut(genuine=False)
    record = session.get_one(StudentRecord, agreement.student_record_id)
    employer = session.get_one(Employer, agreement.employer_id)
    university = session.get_one(University, agreement.university_id)
    return VerificationOut(
        genuine=True,
        status=agreement.status,
        status_name=STATUS_NAMES[agreement.status][0],
        agreement_number=agreement.agreement_number,
        employer_name=employer.name,
        university_name=university.name,
        position_title=agreement.position_title,
        graduate_name_masked=mask_name(record.name),
        employer_signed_at=agreement.employer_signed_at,
        graduate_signed_at=agreement.graduate_signed_at,
        approved_at=agreement.approved_at,
        terminated_at=agreement.terminated_at,
    )
