"""Request and response shapes of the fairs API."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

MAX_UNIVERSITIES = 800  # a national fair may invite every university (729 in 2022)
MAX_BOOTH_INTRO = 500


class FairWhen(StrEnum):
    """Which fairs a listing shows, by their dates (China time)."""

    CURRENT = "current"  # upcoming and ongoing (the default)
    UPCOMING = "upcoming"
    ONGOING = "ongoing"
    PAST = "past"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FairIn(_Strict):
    """A new fair (a draft). The organizer level follows the caller's role: a career office
    organizes for its own university (which is then the only participant, the default), a
    provincial administrator for universities of its province, the national administrator
    for any. ``industry_code`` is an optional GB/T 4754 section (门类, ``A``..``T``)."""

    title: str = Field(min_length=4, max_length=120)
    theme: str = Field(default="", max_length=200, description="e.g. 数字经济专场")
    industry_code: str | None = Field(default=None, max_length=4)
    starts_on: date
    ends_on: date
    description: str = Field(default="", max_length=10_000)
    university_ids: list[int] = Field(
        default_factory=list,
        max_length=MAX_UNIVERSITIES,
        description="participating universities; career offices may leave it empty (their own)",
    )


class FairPatch(_Strict):
    """Fields to change; ``industry_code: null`` clears the industry."""

    title: str | None = Field(default=None, min_length=4, max_length=120)
    theme: str | None = Field(default=None, max_length=200)
    industry_code: str | None = Field(default=None, max_length=4)
    starts_on: date | None = None
    ends_on: date | None = None
    description: str | None = Field(default=None, max_length=10_000)
    university_ids: list[int] | None = Field(default=None, max_length=MAX_UNIVERSITIES)


class UniversityRef(BaseModel):
    id: int
    code: str
    name: str


class FairOut(BaseModel):
    """A fair as everyone sees it (organizers also see drafts through their own reads)."""

    id: int
    title: str
    theme: str
    industry_code: str | None
    industry_name: str | None
    description: str
    starts_on: date
    ends_on: date
    status: str
    phase: FairWhen = Field(description="upcoming, ongoing or past (by date, China time)")
    organizer_level: str
    organizer_name: str = Field(description="the university, the province, or 全国")
    organizer_province_code: str | None
    universities: list[UniversityRef] = Field(
        description="participating universities by code (lists: the first 10 of each fair)"
    )
    university_count: int = 0
    for_my_university: bool = Field(
        default=False, description="a signed-in graduate's university takes part (为你的学校举办)"
    )
    employer_count: int = 0
    job_count: int = 0
    created_at: datetime
    updated_at: datetime


class FairPageOut(BaseModel):
    items: list[FairOut]
    total: int
    page: int
    pages: int


class FairEmployerOut(BaseModel):
    employer_id: int
    name: str
    industry_code: str
    city_code: str
    booth_intro: str
    job_count: int


class FairJobOut(BaseModel):
    job_id: int
    title: str
    employer_id: int
    employer_name: str
    city_code: str
    degree_level: str
    salary_min: int
    salary_max: int
    headcount: int
    deadline: date | None
    link: str = Field(description="the job's page")
    apply_link: str = Field(description="apply through this fair (counts for its statistics)")


class FairDetailOut(BaseModel):
    fair: FairOut
    employers: list[FairEmployerOut]
    jobs: list[FairJobOut]
    jobs_total: int


class RegistrationIn(_Strict):
    booth_intro: str = Field(default="", max_length=MAX_BOOTH_INTRO, description="展位介绍")


class RegistrationOut(BaseModel):
    fair_id: int
    employer_id: int
    booth_intro: str
    registered_at: datetime
    job_ids: list[int]


class EmployerFairOut(BaseModel):
    """A fair the caller's employer registered for, with its attached jobs."""

    fair: FairOut
    registration: RegistrationOut


class UniversityStatsOut(BaseModel):
    university_id: int
    name: str
    participating: bool
    applications: int
    offers: int
    offers_accepted: int


class FairStatsOut(BaseModel):
    """Figures of one fair for its organizer.

    * ``employers``: employers registered; ``jobs`` / ``headcount``: jobs attached and their
      total headcount;
    * ``applications``: applications made through the fair (``fair_id`` = this fair) to a job
      attached to it, withdrawn ones excluded;
    * ``offers``: offers issued on those applications (withdrawn offers excluded);
      ``offers_accepted``: of which accepted;
    * ``by_university``: applications and offers by the applicants' university (participating
      universities always listed, with zeros).
    """

    fair_id: int
    employers: int
    jobs: int
    headcount: int
    applications: int
    offers: int
    offers_accepted: int
    by_university: list[UniversityStatsOut]
