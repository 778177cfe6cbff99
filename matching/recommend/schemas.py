"""The API's shapes of recommendations: jobs for a graduate, applicants and candidates for
an employer's job. Scores are rounded to 3 decimals (0–1); every item carries its reasons
(what matched ✓ and what did not ✗) in Chinese and English, and gap-to-guidance hints.

What an employer sees of a suggested candidate is masked: the surname followed by ``*``,
no ID number, no phone, no account id, never the registry's priority-group flags."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from jobs_api.applications.models import ApplicationStatus
from jobs_api.applications.schemas import ApplicantOut


class ReasonOut(BaseModel):
    code: str
    matched: bool
    text_zh: str
    text_en: str


class GapOut(BaseModel):
    code: str
    text_zh: str
    text_en: str
    link: str = ""


class JobRecommendationOut(BaseModel):
    job_id: int
    title: str
    employer_id: int
    employer_name: str
    city: str
    degree_level: str
    salary_min: int
    salary_max: int
    salary_text: str
    deadline: date | None
    score: float = Field(description="0–1 after the congestion adjustment, rounded to 3 places")
    congested: bool = Field(description="many applicants per opening already")
    reasons: list[ReasonOut]
    gaps: list[GapOut]


class RecommendationsOut(BaseModel):
    items: list[JobRecommendationOut]
    vector_used: bool = Field(description="false: ranked by keywords and hard signals only")
    notice_zh: str | None = None
    notice_en: str | None = None


class RankedApplicantOut(BaseModel):
    application_id: int
    status: ApplicationStatus
    submitted_at: datetime
    applicant: ApplicantOut
    score: float
    reasons: list[ReasonOut]
    gaps: list[GapOut]


class RankedApplicantsOut(BaseModel):
    job_id: int
    job_title: str
    items: list[RankedApplicantOut]
    vector_used: bool


class SuggestedCandidateOut(BaseModel):
    """A graduate who opted in to being shown to verified employers, masked."""

    name_masked: str = Field(description="surname and *, e.g. 张*")
    university_name: str
    major_name: str
    degree_level: str
    degree_name: str
    graduation_year: int
    skills: list[str]
    score: float
    reasons: list[ReasonOut]


class SuggestedCandidatesOut(BaseModel):
    job_id: int
    job_title: str
    items: list[SuggestedCandidateOut]
    vector_used: bool
