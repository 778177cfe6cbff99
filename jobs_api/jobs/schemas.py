"""Request and response shapes of the jobs API (posting, the employer's list, reviews)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_MAJORS = 50
MAX_SKILLS = 30
MAX_BENEFITS = 20
SALARY_CEILING = 1_000_000  # monthly RMB; anything above is a typo
MAX_HEADCOUNT = 10_000

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
MajorCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}[TK]{0,2}$")]
Months = Annotated[int, Field(ge=12, le=16, description="months paid a year (12–16)")]


class _JobFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class JobIn(_JobFields):
    """A new job post. ``industry_code`` and ``city_code`` default to the employer's; the
    employer type always comes from the employer. Cross-field and reference checks (salary
    order, codes, deadline) happen in the service and name the field."""

    title: str = Field(min_length=2, max_length=100)
    occupation_code: str | None = Field(
        default=None, max_length=10, description="职业分类大典 code, e.g. 2-02-10-03"
    )
    industry_code: str | None = Field(default=None, max_length=4)
    city_code: str | None = Field(default=None, min_length=6, max_length=6)
    degree_level: str = Field(min_length=1, max_length=16, description="minimum degree")
    major_codes: list[MajorCode] = Field(
        default_factory=list, max_length=MAX_MAJORS, description="[] = 专业不限"
    )
    skills: list[Tag] = Field(default_factory=list, max_length=MAX_SKILLS)
    salary_min: int = Field(gt=0, le=SALARY_CEILING, description="monthly RMB")
    salary_max: int = Field(gt=0, le=SALARY_CEILING, description="monthly RMB")
    salary_months: Months = 12
    headcount: int = Field(default=1, ge=1, le=MAX_HEADCOUNT)
    deadline: date | None = None
    benefits: list[Tag] = Field(default_factory=list, max_length=MAX_BENEFITS)
    description: str = Field(min_length=10, max_length=10_000)


class JobPatch(_JobFields):
    """Fields to change; ``null`` clears the optional ones (occupation, deadline)."""

    title: str | None = Field(default=None, min_length=2, max_length=100)
    occupation_code: str | None = Field(default=None, max_length=10)
    industry_code: str | None = Field(default=None, max_length=4)
    city_code: str | None = Field(default=None, min_length=6, max_length=6)
    degree_level: str | None = Field(default=None, min_length=1, max_length=16)
    major_codes: list[MajorCode] | None = Field(default=None, max_length=MAX_MAJORS)
    skills: list[Tag] | None = Field(default=None, max_length=MAX_SKILLS)
    salary_min: int | None = Field(default=None, gt=0, le=SALARY_CEILING)
    salary_max: int | None = Field(default=None, gt=0, le=SALARY_CEILING)
    salary_months: Months | None = None
    headcount: int | None = Field(default=None, ge=1, le=MAX_HEADCOUNT)
    deadline: date | None = None
    benefits: list[Tag] | None = Field(default=None, max_length=MAX_BENEFITS)
    description: str | None = Field(default=None, min_length=10, max_length=10_000)


class CodeName(BaseModel):
    code: str
    name: str


class EmployerRef(BaseModel):
    id: int
    name: str
    employer_type: CodeName


class MatchOut(BaseModel):
    rule_id: str
    category: str
    severity: str
    field: str
    start: int
    end: int
    excerpt: str
    message_zh: str
    message_en: str = ""


class ReviewSummaryOut(BaseModel):
    id: int
    state: str
    matches: list[MatchOut]
    note: str
    created_at: datetime
    decided_at: datetime | None


class JobOut(BaseModel):
    id: int
    employer: EmployerRef
    title: str
    occupation: CodeName | None
    industry: CodeName
    city: CodeName
    province: CodeName
    degree: CodeName
    major_codes: list[str]
    skills: list[str]
    salary_min: int
    salary_max: int
    salary_months: int
    headcount: int
    deadline: date | None
    benefits: list[str]
    description: str
    status: str
    published_at: datetime | None
    closed_at: datetime | None
    closed_reason: str | None = Field(
        default=None, description="why a closed job closed: employer, deadline"
    )
    created_at: datetime
    updated_at: datetime
    view_count: int = Field(default=0, description="reads by anyone but the employer's members")
    application_count: int = 0
    review: ReviewSummaryOut | None = Field(
        default=None, description="the latest review (the employer's own members only)"
    )


class JobSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    city_code: str
    degree_level: str
    salary_min: int
    salary_max: int
    salary_months: int
    headcount: int
    deadline: date | None
    status: str
    published_at: datetime | None
    updated_at: datetime
    closed_reason: str | None = None
    view_count: int = 0
    application_count: int = 0


class JobPageOut(BaseModel):
    items: list[JobSummaryOut]
    next_cursor: str | None


class OccupationSuggestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=100, examples=["Java开发工程师"])
    description: str = Field(default="", max_length=10_000)
    k: int = Field(default=5, ge=1, le=20, description="how many suggestions")


class OccupationSuggestionOut(BaseModel):
    code: str = Field(examples=["2-02-10-03"], description="a 细类 of 职业分类大典 (2022)")
    name: str
    score: float = Field(description="relevance (BM25 + phrase bonus); compare within a list")
    parents: list[CodeName] = Field(description="大类, 中类, 小类 from the top")
    matched_phrase: str | None = Field(
        default=None, description="the occupation name or alias found in the title"
    )


class OccupationSuggestionsOut(BaseModel):
    items: list[OccupationSuggestionOut]
    confident: bool = Field(
        description="the first item clearly leads (>= 1.25 x the runner-up's score); the job "
        "form pre-selects it only then"
    )


class ReviewDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Literal["approved", "rejected"]
    note: str = Field(default="", max_length=2000, description="required when rejecting")


class JobReviewOut(BaseModel):
    id: int
    state: str
    job_id: int
    job_title: str
    job_status: str
    employer: EmployerRef
    city: CodeName
    province_code: str
    matches: list[MatchOut]
    description: str
    skills: list[str]
    benefits: list[str]
    note: str
    created_at: datetime
    decided_by: int | None
    decided_at: datetime | None


class JobReviewPageOut(BaseModel):
    items: list[JobReviewOut]
    next_cursor: str | None


def matches_out(matches: list[dict[str, Any]]) -> list[MatchOut]:
    return [MatchOut.model_validate(m) for m in matches]
