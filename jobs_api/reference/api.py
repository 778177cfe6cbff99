"""Read-only reference API. Public: the data are published classifications, not user data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import error_responses
from jobs_api.identity.access import PUBLIC
from jobs_api.reference import service
from jobs_api.reference.schemas import (
    DegreeLevelOut,
    DisciplineOut,
    EmployerTypeOut,
    IndustryLevel,
    IndustryOut,
    MajorCategoryOut,
    MajorDetailOut,
    MajorOut,
    OccupationOut,
    RegionLevel,
    RegionOut,
)

router = APIRouter(prefix="/api/v1/reference", tags=["reference"], dependencies=[Depends(PUBLIC)])

SearchQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Code prefix or name substring"),
]


@router.get("/disciplines", response_model=list[DisciplineOut], responses=error_responses(422))
def list_disciplines(session: SessionDep) -> list[DisciplineOut]:
    """学科门类 of the undergraduate major catalog."""
    return [DisciplineOut.model_validate(d) for d in service.list_disciplines(session)]


@router.get(
    "/major-categories", response_model=list[MajorCategoryOut], responses=error_responses(422)
)
def list_major_categories(
    session: SessionDep,
    discipline: Annotated[str | None, Query(pattern=r"^\d{2}$", examples=["08"])] = None,
) -> list[MajorCategoryOut]:
    """专业类, optionally of one discipline."""
    rows = service.list_major_categories(session, discipline=discipline)
    return [MajorCategoryOut.model_validate(c) for c in rows]


@router.get("/majors", response_model=list[MajorOut], responses=error_responses(422))
def list_majors(
    session: SessionDep,
    q: SearchQuery = None,
    category: Annotated[str | None, Query(pattern=r"^\d{4}$", examples=["0809"])] = None,
    discipline: Annotated[str | None, Query(pattern=r"^\d{2}$", examples=["08"])] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[MajorOut]:
    """Undergraduate majors in catalog order (普通高等学校本科专业目录)."""
    rows = service.list_majors(session, q=q, category=category, discipline=discipline, limit=limit)
    return [MajorOut.model_validate(m) for m in rows]


@router.get("/majors/{code}", response_model=MajorDetailOut, responses=error_responses(404, 422))
def get_major(
    session: SessionDep,
    code: Annotated[str, Path(min_length=6, max_length=10, examples=["080901", "080717T"])],
) -> MajorDetailOut:
    """One major with its category and discipline."""
    return MajorDetailOut.model_validate(service.get_major(session, code))


@router.get("/regions", response_model=list[RegionOut], responses=error_responses(422))
def list_regions(
    session: SessionDep,
    level: RegionLevel | None = None,
    parent: Annotated[str | None, Query(pattern=r"^\d{6}$", examples=["320000"])] = None,
) -> list[RegionOut]:
    """Province- and prefecture-level divisions; filter by level and/or parent code."""
    rows = service.list_regions(session, level=level, parent=parent)
    return [RegionOut.model_validate(r) for r in rows]


@router.get("/industries", response_model=list[IndustryOut], responses=error_responses(422))
def list_industries(session: SessionDep, level: IndustryLevel | None = None) -> list[IndustryOut]:
    """GB/T 4754-2017 sections and divisions, in the standard's order."""
    return [IndustryOut.model_validate(i) for i in service.list_industries(session, level=level)]


@router.get("/occupations", response_model=list[OccupationOut], responses=error_responses(422))
def list_occupations(
    session: SessionDep,
    q: SearchQuery = None,
    level: Annotated[int | None, Query(ge=1, le=4)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[OccupationOut]:
    """国家职业分类大典 (2022) entries by code."""
    rows = service.list_occupations(session, q=q, level=level, limit=limit)
    return [OccupationOut.model_validate(o) for o in rows]


@router.get("/degree-levels", response_model=list[DegreeLevelOut])
def list_degree_levels(session: SessionDep) -> list[DegreeLevelOut]:
    """Degree levels from 专科 to 博士, ordered by rank."""
    return [DegreeLevelOut.model_validate(d) for d in service.list_degree_levels(session)]


@router.get("/employer-types", response_model=list[EmployerTypeOut])
def list_employer_types(session: SessionDep) -> list[EmployerTypeOut]:
    """Employer types (单位性质) with their national statistics codes."""
    return [EmployerTypeOut.model_validate(e) for e in service.list_employer_types(session)]
