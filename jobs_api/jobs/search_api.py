"""Public job search API: ``GET /api/v1/jobs/search`` and ``GET /api/v1/jobs/suggest``.

Anyone may search (graduates browse before signing in). Parameters are declared here for the
API docs and checked by :func:`jobs_api.jobs.search_service.parse_search`, which answers bad
input with a Chinese message (422 ``invalid_job_search``). Mount this router before the jobs
router, so ``/jobs/search`` is not taken for ``/jobs/{job_id}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.core.errors import error_responses
from jobs_api.identity.access import PUBLIC
from jobs_api.jobs import search_service
from jobs_api.jobs.search_schemas import JobSearchPageOut, JobSuggestionsOut

router = APIRouter(prefix="/api/v1", tags=["job search"], dependencies=[Depends(PUBLIC)])

SUGGEST_CACHE = "public, max-age=60"


@router.get("/jobs/search", response_model=JobSearchPageOut, responses=error_responses(422, 503))
def search_jobs(
    request: Request,
    session: SessionDep,
    container: ContainerDep,
    q: Annotated[str | None, Query(description="keywords (Chinese is segmented)")] = None,
    city: Annotated[
        str | None, Query(description="city code, or a province code for all its cities")
    ] = None,
    industry: Annotated[
        str | None, Query(description="GB/T 4754 section letter or 2-digit division")
    ] = None,
    occupation: Annotated[str | None, Query(description="occupation code, e.g. 2-02-10-03")] = None,
    degree: Annotated[list[str] | None, Query(description="degree levels (any of)")] = None,
    major: Annotated[
        str | None, Query(description="jobs open to this major, 专业不限 included")
    ] = None,
    employer_type: Annotated[list[str] | None, Query(description="employer types (any)")] = None,
    salary_min: Annotated[str | None, Query(description="monthly RMB; overlaps the job's")] = None,
    salary_max: Annotated[str | None, Query(description="monthly RMB; overlaps the job's")] = None,
    benefits: Annotated[list[str] | None, Query(description="benefits (any of)")] = None,
    skills: Annotated[list[str] | None, Query(description="skills (any of, exact)")] = None,
    posted_within: Annotated[str | None, Query(description="published in the last N days")] = None,
    employer_id: Annotated[str | None, Query(description="one employer's jobs")] = None,
    sort: Annotated[
        str | None, Query(description="relevance (default with q), newest, salary")
    ] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[str | None, Query(description="results per page, 1 to 50 (20)")] = None,
    facets: Annotated[str | None, Query(description="false to skip the facet counts")] = None,
) -> JobSearchPageOut:
    """Search open jobs of verified employers: keywords, filters, facet counts, sort and
    cursor paging; ``title_html``/``snippet_html`` carry the matches in ``<em>``, escaped."""
    raw = {key: request.query_params.getlist(key) for key in request.query_params}
    params = search_service.parse_search(session, raw)
    return search_service.search_jobs(session, container.search, params)


@router.get("/jobs/suggest", response_model=JobSuggestionsOut, responses=error_responses(422, 503))
def suggest_jobs(
    response: Response,
    container: ContainerDep,
    prefix: Annotated[str, Query(description="what the user typed so far")] = "",
) -> JobSuggestionsOut:
    """Job titles and employer names starting with ``prefix`` (for the search box)."""
    found = search_service.suggest(container.search, prefix)
    response.headers["Cache-Control"] = SUGGEST_CACHE
    return found
