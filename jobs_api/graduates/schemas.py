"""Request and response shapes of the graduates API.

Personal identifiers only ever leave as masked forms (``id_number_masked``, ``phone_masked``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    field_validator,
    model_validator,
)
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, ValidationError

from jobs_api.graduates.models import ConsentPurpose, Visibility

MAX_SKILLS = 50
MAX_CERTIFICATES = 30
MAX_EXPERIENCES = 20
MAX_INTENDED = 10
SALARY_FLOOR = 1_000  # monthly RMB; below any legal minimum wage in China
SALARY_CEILING = 200_000

PHONE_PATTERN = r"^1[3-9]\d{9}$"
UNIVERSITY_CODE_PATTERN = r"^\d{5}$"

# Keys a client might send to change registry facts; they are refused with
# ``registry_field_read_only`` rather than silently ignored.
REGISTRY_FIELDS = frozenset(
    {
        "registry",
        "name",
        "gender",
        "id_number",
        "student_number",
        "university",
        "university_id",
        "university_code",
        "university_name",
        "college",
        "major",
        "major_code",
        "major_name",
        "degree",
        "degree_level",
        "degree_name",
        "graduation_year",
        "status",
        "student_record_id",
    }
)


def _check_id_number(value: str) -> str:
    normalised = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", normalised):
        raise ValueError("身份证号应为18位 (18 characters expected)")
    try:
        ric.validate(normalised)
    except InvalidChecksum as exc:
        raise ValueError("身份证号校验位错误 (check digit is wrong)") from exc
    except ValidationError as exc:
        raise ValueError("身份证号无效 (not a valid resident ID number)") from exc
    if ric.get_birth_date(normalised) > date.today():
        raise ValueError("身份证号中的出生日期不能晚于今天 (birth date in the future)")
    return normalised


IdNumber = Annotated[str, AfterValidator(_check_id_number)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
StudentNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)
]
UniversityCode = Annotated[str, StringConstraints(pattern=UNIVERSITY_CODE_PATTERN)]
Password = Annotated[SecretStr, Field(min_length=8, max_length=128)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- activation ------------------------------------------------------------------------------


class SelfActivationIn(_In):
    """Claim a registry record: every identifying field must match the same record."""

    name: PersonName = Field(examples=["张伟"])
    id_number: IdNumber = Field(description="居民身份证号 (GB 11643)")
    student_number: StudentNumber = Field(examples=["3210100001"])
    university_code: UniversityCode | None = Field(default=None, examples=["10335"])
    university_id: int | None = Field(default=None, ge=1)
    phone: Phone = Field(examples=["13800138000"])
    password: Password
    consents: list[ConsentPurpose] = Field(
        default_factory=list, description="Purposes the graduate ticked when activating"
    )

    @model_validator(mode="after")
    def _one_university(self) -> SelfActivationIn:
        if (self.university_code is None) == (self.university_id is None):
            raise ValueError("请填写院校代码或院校编号之一 (give university_code or university_id)")
        return self


class CodeActivationIn(_In):
    """Finish a pre-activated account with the one-time code the career office sent."""

    student_number: StudentNumber
    university_code: UniversityCode
    code: str = Field(min_length=4, max_length=12, pattern=r"^[0-9A-Za-z]+$")
    phone: Phone
    new_password: Password
    consents: list[ConsentPurpose] = Field(default_factory=list)


class CodeRequestIn(_In):
    student_number: StudentNumber
    university_code: UniversityCode


class MessageOut(BaseModel):
    message: str


class ActivationOut(BaseModel):
    user_id: int
    status: str
    display_name: str
    phone_masked: str | None
    login_hint: str = Field(description="How to sign in from now on")


class PreactivationIn(_In):
    graduation_year: int = Field(ge=2000, le=2100, examples=[2026])
    college: str | None = Field(default=None, min_length=1, max_length=100)
    major_code: str | None = Field(default=None, pattern=r"^\d{6}[A-Z]{0,2}$")
    limit: int = Field(
        default=1000, ge=1, le=1000, description="At most this many accounts per call"
    )


class PreactivationOut(BaseModel):
    matched: int = Field(description="Records of the cohort that match the filter")
    created: int = Field(description="Pending accounts created by this call")
    codes_sent: int
    already_had_account: int
    not_eligible: int = Field(description="Records whose status does not allow an account")
    remaining: int = Field(description="Accounts still to create: call again to continue")


# --- profile ---------------------------------------------------------------------------------


ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
CityCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
IndustrySection = Annotated[str, StringConstraints(pattern=r"^[A-T]$")]
OccupationCode = Annotated[str, StringConstraints(pattern=r"^\d(-\d{2}){1,3}$")]


def _dedup(values: list[str]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


class _Experience(_In):
    role: str = Field(default="", max_length=64)
    start_date: date
    end_date: date | None = Field(default=None, description="Empty while ongoing")
    description: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _dates_in_order(self) -> _Experience:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("结束日期不能早于开始日期 (end_date is before start_date)")
        return self


class Internship(_Experience):
    company: ShortText
    role: str = Field(min_length=1, max_length=64)


class Project(_Experience):
    name: ShortText


class SalaryRange(_In):
    min_monthly: int = Field(ge=SALARY_FLOOR, le=SALARY_CEILING, description="RMB per month")
    max_monthly: int | None = Field(default=None, ge=SALARY_FLOOR, le=SALARY_CEILING)

    @model_validator(mode="after")
    def _ordered(self) -> SalaryRange:
        if self.max_monthly is not None and self.max_monthly < self.min_monthly:
            raise ValueError("最高期望薪资不能低于最低值 (max_monthly is below min_monthly)")
        return self


class _ProfileFields(BaseModel):
    # ``extra="allow"`` so that registry keys reach the check that answers
    # ``registry_field_read_only``; any other unknown key is refused there too.
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    @field_validator("skills", check_fields=False)
    @classmethod
    def _dedup_skills(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        kept = _dedup(values)
        if len(kept) > MAX_SKILLS:
            raise ValueError(f"技能标签最多{MAX_SKILLS}个 (at most {MAX_SKILLS} skills)")
        return kept

    @field_validator("certificates", check_fields=False)
    @classmethod
    def _dedup_certificates(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _dedup(values)

    @field_validator(
        "intended_city_codes",
        "intended_industry_codes",
        "intended_occupation_codes",
        check_fields=False,
    )
    @classmethod
    def _dedup_codes(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else list(dict.fromkeys(values))


class ProfileReplace(_ProfileFields):
    """PUT: the whole editable profile; omitted fields are reset to empty."""

    skills: list[Tag] = Field(default_factory=list, max_length=500)
    certificates: list[ShortText] = Field(default_factory=list, max_length=MAX_CERTIFICATES)
    internships: list[Internship] = Field(default_factory=list, max_length=MAX_EXPERIENCES)
    projects: list[Project] = Field(default_factory=list, max_length=MAX_EXPERIENCES)
    intended_city_codes: list[CityCode] = Field(default_factory=list, max_length=MAX_INTENDED)
    intended_industry_codes: list[IndustrySection] = Field(
        default_factory=list, max_length=MAX_INTENDED
    )
    intended_occupation_codes: list[OccupationCode] = Field(
        default_factory=list, max_length=MAX_INTENDED
    )
    expected_salary: SalaryRange | None = None
    summary: str = Field(default="", max_length=2000)
    visibility: Visibility | None = Field(
        default=None, description="Omitted: unchanged (a setting rather than profile content)"
    )


class ProfilePatch(_ProfileFields):
    """PATCH: only the fields given change; ``null`` clears ``expected_salary``."""

    skills: list[Tag] | None = Field(default=None, max_length=500)
    certificates: list[ShortText] | None = Field(default=None, max_length=MAX_CERTIFICATES)
    internships: list[Internship] | None = Field(default=None, max_length=MAX_EXPERIENCES)
    projects: list[Project] | None = Field(default=None, max_length=MAX_EXPERIENCES)
    intended_city_codes: list[CityCode] | None = Field(default=None, max_length=MAX_INTENDED)
    intended_industry_codes: list[IndustrySection] | None = Field(
        default=None, max_length=MAX_INTENDED
    )
    intended_occupation_codes: list[OccupationCode] | None = Field(
        default=None, max_length=MAX_INTENDED
    )
    expected_salary: SalaryRange | None = None
    summary: str | None = Field(default=None, max_length=2000)
    visibility: Visibility | None = None


class RegistryFacts(BaseModel):
    """The registry record as the graduate sees it: read-only, maintained by the university."""

    student_record_id: int
    student_number: str
    name: str
    university_id: int
    university_code: str
    university_name: str
    college: str
    major_code: str
    major_name: str
    degree_level: str
    degree_name: str
    graduation_year: int
    status: str


class ProfileOut(BaseModel):
    registry: RegistryFacts
    skills: list[str]
    certificates: list[str]
    internships: list[Internship]
    projects: list[Project]
    intended_city_codes: list[str]
    intended_industry_codes: list[str]
    intended_occupation_codes: list[str]
    expected_salary: SalaryRange | None
    summary: str
    visibility: Visibility
    updated_at: datetime | None


# --- résumés ---------------------------------------------------------------------------------


class ResumeOut(_Out):
    id: int
    filename: str
    size_bytes: int
    sha256: str
    is_default: bool
    created_at: datetime


# --- consents --------------------------------------------------------------------------------


class ConsentIn(_In):
    purpose: ConsentPurpose
    granted: bool


class ConsentStateOut(BaseModel):
    purpose: ConsentPurpose
    granted: bool
    text_version: str | None
    granted_at: datetime | None
    withdrawn_at: datetime | None


class ConsentRecordOut(_Out):
    purpose: str
    text_version: str
    granted_at: datetime
    withdrawn_at: datetime | None


class ConsentsOut(BaseModel):
    current_text_version: str
    consents: list[ConsentStateOut]
    history: list[ConsentRecordOut]


# --- export and deletion ---------------------------------------------------------------------


class AccountOut(BaseModel):
    user_id: int
    role: str
    status: str
    username: str | None
    display_name: str
    phone_masked: str | None
    email: str | None
    created_at: datetime
    last_login_at: datetime | None


class RegistryRecordOut(BaseModel):
    student_record_id: int
    university_code: str
    university_name: str
    student_number: str
    name: str
    id_number_masked: str
    gender: str
    college: str
    major_code: str
    major_name: str
    degree_level: str
    enrollment_date: date
    expected_graduation_date: date
    graduation_year: int
    status: str
    low_income_family: bool
    zero_employment_family: bool
    has_disability: bool


class AuditEntryOut(_Out):
    occurred_at: datetime
    actor_role: str
    action: str
    subject_type: str
    subject_id: str
    detail: dict[str, Any]


class ExportOut(BaseModel):
    exported_at: datetime
    account: AccountOut
    registry_record: RegistryRecordOut | None
    profile: ProfileOut | None
    resumes: list[ResumeOut]
    consents: list[ConsentRecordOut]
    audit_events: list[AuditEntryOut]


class DeleteAccountIn(_In):
    password: SecretStr = Field(min_length=1, max_length=128)


class DeletionOut(BaseModel):
    user_id: int
    status: str
    kept: list[str] = Field(description="What is kept after deletion, and why")


# --- the career office's list ----------------------------------------------------------------


class PriorityGroup(StrEnum):
    LOW_INCOME_FAMILY = "low_income_family"
    ZERO_EMPLOYMENT_FAMILY = "zero_employment_family"
    HAS_DISABILITY = "has_disability"


class ActivationState(StrEnum):
    NONE = "none"  # no account yet
    PENDING = "pending_activation"
    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"


class PriorityFlags(BaseModel):
    """重点群体 flags (sensitive: shown to career offices and administrators only)."""

    low_income_family: bool
    zero_employment_family: bool
    has_disability: bool


class GraduateRowOut(BaseModel):
    record_id: int
    name: str
    id_number_masked: str
    student_number: str
    university_id: int
    university_name: str
    college: str
    major_code: str
    major_name: str
    degree_level: str
    graduation_year: int
    status: str
    activation: ActivationState
    priority: PriorityFlags


class GraduatePageOut(BaseModel):
    items: list[GraduateRowOut]
    page: int
    size: int
    total: int = Field(description="Matching rows, counted up to a cap")
    total_is_lower_bound: bool = Field(description="True when there are more than ``total``")
    next_cursor: str | None = Field(
        description="Pass as ``cursor`` to continue after this page (keyset pagination)"
    )


class GraduateAccountOut(BaseModel):
    user_id: int
    status: str
    phone_masked: str | None
    last_login_at: datetime | None


class GraduateDetailOut(GraduateRowOut):
    gender: str
    enrollment_date: date
    expected_graduation_date: date
    account: GraduateAccountOut | None
    profile: ProfileOut | None
