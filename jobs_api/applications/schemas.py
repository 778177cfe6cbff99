"""The applications API's shapes: what a graduate sends and sees, what an employer sees of an
applicant (registry facts, never an ID number or phone), bulk results and response figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from jobs_api.applications.models import ApplicationStatus

CoverNote = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
NoteBody = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ApplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resume_id: int | None = Field(
        default=None, ge=1, description="one of the caller's résumés; the default one if omitted"
    )
    cover_note: CoverNote = ""
    fair_id: int | None = Field(default=None, ge=1, description="applying from this fair's page")


class TimelineEntryOut(BaseModel):
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    reason: str
    changed_at: datetime


class ApplicationOut(BaseModel):
    """A graduate's own application."""

    id: int
    job_id: int
    job_title: str
    employer_id: int
    employer_name: str
    status: ApplicationStatus
    submitted_at: datetime
    status_changed_at: datetime
    first_response_at: datetime | None
    withdrawn_at: datetime | None
    resume_filename: str
    cover_note: str
    fair_id: int | None
    timeline: list[TimelineEntryOut]


class ApplicationPageOut(BaseModel):
    items: list[ApplicationOut]
    next_cursor: str | None = None


class ApplicantOut(BaseModel):
    """What an employer sees of an applicant: registry facts, never an ID number or phone."""

    name: str
    gender: str
    university_name: str
    college: str
    major_code: str
    major_name: str
    degree_level: str
    degree_name: str
    graduation_year: int


class ApplicantProfileOut(BaseModel):
    """The graduate's own profile text, shown to employers they applied to (unless the
    graduate hid the profile)."""

    skills: list[str]
    certificates: list[str]
    summary: str


class EmployerApplicationOut(BaseModel):
    id: int
    job_id: int
    job_title: str
    status: ApplicationStatus
    submitted_at: datetime
    status_changed_at: datetime
    fair_id: int | None
    resume_filename: str
    cover_note: str
    applicant: ApplicantOut


class EmployerApplicationDetailOut(EmployerApplicationOut):
    profile: ApplicantProfileOut | None
    timeline: list[TimelineEntryOut]


class EmployerApplicationPageOut(BaseModel):
    items: list[EmployerApplicationOut]
    next_cursor: str | None = None


class StatusChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ApplicationStatus
    reason: Reason = ""


class BulkStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=100)
    status: ApplicationStatus
    reason: Reason = ""


class BulkItemOut(BaseModel):
    id: int
    result: Literal["changed", "unchanged", "not_found", "not_allowed"]
    status: ApplicationStatus | None = Field(description="the status after the request")
    message: str = ""


class BulkStatusOut(BaseModel):
    """Per-id results: each id is changed on its own (the others are not undone when one
    cannot change); ids of other employers read ``not_found``."""

    changed: int
    items: list[BulkItemOut]


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: NoteBody


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author_id: int
    body: str
    created_at: datetime


class ResponseFiguresOut(BaseModel):
    """How an employer answers applications (the last ``window_days`` days)."""

    employer_id: int
    window_days: int
    applications: int
    answered_within_7_days: int
    share_answered_within_7_days: float | None = Field(description="0–1; null without applications")
    median_hours_to_first_response: float | None = Field(
        description="over answered applications; null when none was answered"
    )
