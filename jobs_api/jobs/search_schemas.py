"""Shapes of the public job search: the parsed request and the page of results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from jobs_api.jobs.schemas import CodeName

SortOrder = Literal["relevance", "newest", "salary"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "newest", "salary")
DEFAULT_LIMIT = 20
MAX_LIMIT = 50


@dataclass(frozen=True)
class JobSearchParams:
    """A checked search request (see :func:`jobs_api.jobs.search_service.parse_search`)."""

    q: str = ""
    city: str | None = None
    industry: str | None = None
    occupation: str | None = None
    degrees: tuple[str, ...] = ()
    major: str | None = None
    employer_types: tuple[str, ...] = ()
    salary_min: int | None = None
    salary_max: int | None = None
    benefits: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    posted_within_days: int | None = None
    employer_id: int | None = None
    sort: SortOrder | None = None
    """``None``: relevance when ``q`` has words, else newest."""
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT
    facets: bool = True
    place_kind: Literal["city", "province"] | None = field(default=None, compare=False)
    """What ``city`` turned out to be (set by the parser from the region table)."""
    industry_kind: Literal["section", "division"] | None = field(default=None, compare=False)


class EmployerBriefOut(BaseModel):
    id: int
    name: str
    employer_type: CodeName


class JobHitOut(BaseModel):
    id: int
    title: str
    title_html: str = Field(
        description="the title HTML-escaped, query matches in <em> (safe to insert as HTML)"
    )
    snippet_html: str = Field(
        description="description fragments around the matches (or its start), escaped, <em>"
    )
    employer: EmployerBriefOut
    city: CodeName
    province: CodeName
    industry: CodeName
    degree: CodeName
    occupation_code: str | None
    major_codes: list[str] = Field(description="[] = 专业不限")
    skills: list[str]
    benefits: list[str]
    salary_min: int
    salary_max: int
    salary_months: int
    salary_text: str = Field(description='e.g. "12-18K·13薪"')
    headcount: int | None
    published_at: datetime | None
    deadline: date | None
    score: float


class FacetValueOut(BaseModel):
    value: str
    name: str
    count: int


class JobSearchFacetsOut(BaseModel):
    province: list[FacetValueOut] = Field(default_factory=list)
    city: list[FacetValueOut] = Field(default_factory=list)
    industry_section: list[FacetValueOut] = Field(default_factory=list)
    degree: list[FacetValueOut] = Field(default_factory=list)
    employer_type: list[FacetValueOut] = Field(default_factory=list)
    benefits: list[FacetValueOut] = Field(default_factory=list)


class JobSearchPageOut(BaseModel):
    total: int
    items: list[JobHitOut]
    facets: JobSearchFacetsOut | None
    next_cursor: str | None = Field(description="pass as ``cursor`` for the next page")
    sort: SortOrder


class JobSuggestionsOut(BaseModel):
    titles: list[str]
    employers: list[str]
