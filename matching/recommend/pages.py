"""Recommendation pages.

* ``/recommendations`` (graduates, 为你推荐): job cards with the match score, ✓ matched and
  ✗ unmatched reasons, gap-to-guidance hints and an apply button; a notice when the ranking
  had to do without the embedding model, without a profile or without consent.
* ``/employer/candidates`` (employer members, 候选人): the employer's open jobs, each linking
  to its candidates page.
* ``/employer/jobs/{job_id}/candidates`` (own employer's jobs, 404 otherwise): two tabs —
  ``applicants`` (the job's applicants ranked by fit, linking to each application) and
  ``suggested`` (graduates who opted in to being shown to verified employers, masked).

Everything is read through ``matching.recommend``, which checks scope and consent.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Path, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.jobs.listing import list_own_jobs
from jobs_api.jobs.models import JobStatus
from jobs_api.web.i18n import N_
from jobs_api.web.page_support import EmployerPage, GraduatePage, locale_of, page
from matching.recommend.for_graduate import recommend_for_graduate
from matching.recommend.for_job import applicant_ranking, own_job, suggested_for_employer
from matching.recommend.views import (
    ranked_applicants_out,
    recommendations_out,
    suggested_candidates_out,
)
from matching.runtime import matching_runtime

router = APIRouter(include_in_schema=False)

JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Tab = Literal["applicants", "suggested"]
PAGE_SIZE: Final = 20
SUGGESTIONS: Final = 30

TAB_LABELS: Final = {"applicants": N_("投递者匹配排序"), "suggested": N_("推荐候选人")}


def _english(request: Request) -> bool:
    return locale_of(request) == "en"


@router.get("/recommendations", response_class=HTMLResponse)
def recommendations_page(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    container: ContainerDep,
) -> Response:
    context: dict[str, Any] = {"area": "graduate", "english": _english(request), "refused": None}
    try:
        found = recommend_for_graduate(
            session,
            matching_runtime(container),
            principal,
            limit=PAGE_SIZE,
            search=container.search,
        )
    except DomainError as error:
        if error.status_code != 403:
            raise
        context["refused"] = error.message
        context["result"] = None
    else:
        context["result"] = recommendations_out(session, found)
    return page(request, session, principal, "recommendations/for_you.html", context, private=True)


@router.get("/employer/candidates", response_class=HTMLResponse)
def candidates_home(request: Request, principal: EmployerPage, session: SessionDep) -> Response:
    jobs = list_own_jobs(session, principal, status=JobStatus.PUBLISHED, limit=100)
    context = {"area": "employer", "jobs": jobs.items}
    return page(request, session, principal, "recommendations/jobs.html", context, private=True)


@router.get("/employer/jobs/{job_id}/candidates", response_class=HTMLResponse)
def job_candidates(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    container: ContainerDep,
    job_id: JobId,
    tab: Annotated[Tab, Query()] = "applicants",
) -> Response:
    job = own_job(session, principal, job_id)  # 404 before anything else
    runtime = matching_runtime(container)
    context: dict[str, Any] = {
        "area": "employer",
        "english": _english(request),
        "job": job,
        "tab": tab,
        "tabs": TAB_LABELS,
        "applicants": None,
        "suggested": None,
        "refused": None,
    }
    if tab == "applicants":
        ranking = applicant_ranking(session, runtime, principal, job.id)
        context["applicants"] = ranked_applicants_out(session, ranking)
    else:
        try:
            found = suggested_for_employer(session, runtime, principal, job.id, limit=SUGGESTIONS)
        except DomainError as error:
            if error.status_code != 403:
                raise
            context["refused"] = error.message
        else:
            context["suggested"] = suggested_candidates_out(session, found)
    return page(
        request, session, principal, "recommendations/candidates.html", context, private=True
    )
