"""The API's shapes for offers (录用通知) and tripartite agreements (三方协议)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

MAX_MONTHLY_SALARY = 1_000_000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OfferIn(_In):
    position_title: str = Field(min_length=1, max_length=100)
    monthly_salary: int = Field(gt=0, le=MAX_MONTHLY_SALARY, description="RMB before tax")
    salary_months: int = Field(default=12, ge=12, le=16)
    workplace_city_code: str = Field(pattern=r"^\d{6}$")
    start_date: date
    probation_months: int = Field(default=0, ge=0, le=6)
    respond_by: date = Field(description="the last day the graduate may answer (China time)")
    message: str = Field(default="", max_length=2000)


class DeclineIn(_In):
    reason: str = Field(min_length=1, max_length=500)


class ReasonIn(_In):
    reason: str = Field(min_length=1, max_length=500)


class NoteIn(_In):
    note: str = Field(default="", max_length=500)


class TermsPatch(_In):
    """Terms the employer may change while the agreement is a draft (or returned)."""

    position_title: str | None = Field(default=None, min_length=1, max_length=100)
    monthly_salary: int | None = Field(default=None, gt=0, le=MAX_MONTHLY_SALARY)
    salary_months: int | None = Field(default=None, ge=12, le=16)
    workplace_city_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    start_date: date | None = None
    term_months: int | None = Field(default=None, ge=1, le=120, description="服务期, months")
    probation_months: int | None = Field(default=None, ge=0, le=6)
    breach_penalty: int | None = Field(default=None, ge=0, description="违约金, RMB")
    other_terms: str | None = Field(default=None, max_length=4000)


class TerminationCategory(StrEnum):
    MUTUAL = "mutual"  # 协商一致
    EMPLOYER = "employer"  # 用人单位原因
    GRADUATE = "graduate"  # 毕业生原因
    OTHER = "other"  # 其他


class TerminationIn(_In):
    category: TerminationCategory
    detail: str = Field(default="", max_length=1000)


class RegionOut(BaseModel):
    code: str
    name: str


class OfferOut(BaseModel):
    id: int
    application_id: int
    job_id: int
    employer_id: int
    employer_name: str
    position_title: str
    monthly_salary: int
    salary_months: int
    workplace: RegionOut
    start_date: date
    probation_months: int
    respond_by: date
    message: str
    status: str
    issued_at: datetime
    responded_at: datetime | None
    decline_reason: str
    agreement_id: int | None


class OfferPageOut(BaseModel):
    items: list[OfferOut]


class GraduatePartyOut(BaseModel):
    name: str
    id_number_masked: str
    student_number: str


class EmployerPartyOut(BaseModel):
    id: int
    name: str
    uscc: str


class UniversityPartyOut(BaseModel):
    id: int
    code: str
    name: str


class AgreementEventOut(BaseModel):
    action: str
    actor_role: str
    note: str
    created_at: datetime


class AgreementOut(BaseModel):
    id: int
    agreement_number: str
    verification_code: str
    offer_id: int
    application_id: int
    status: str
    graduate: GraduatePartyOut
    employer: EmployerPartyOut
    university: UniversityPartyOut
    position_title: str
    monthly_salary: int
    salary_months: int
    workplace: RegionOut
    start_date: date
    term_months: int
    probation_months: int
    breach_penalty: int
    other_terms: str
    graduate_signed_at: datetime | None
    employer_signed_at: datetime | None
    approved_at: datetime | None
    return_reason: str
    termination_reason: str
    termination_requested_at: datetime | None
    terminated_at: datetime | None
    created_at: datetime
    events: list[AgreementEventOut]


class AgreementSummaryOut(BaseModel):
    id: int
    agreement_number: str
    status: str
    graduate_name: str
    employer_name: str
    university_name: str
    position_title: str
    updated_at: datetime


class AgreementPageOut(BaseModel):
    items: list[AgreementSummaryOut]


class VerificationOut(BaseModel):
    """What anyone holding a verification code may learn: nothing else personal."""

    genuine: bool
    status: str | None = None
    status_name: str | None = None
    agreement_number: str | None = None
    employer_name: str | None = None
    university_name: str | None = None
    position_title: str | None = None
    graduate_name_masked: str | None = None
    employer_signed_at: datetime | None = None
    graduate_signed_at: datetime | None = None
    approved_at: datetime | None = None
    terminated_at: datetime | None = None
