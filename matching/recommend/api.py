"""Recommendations API.

* graduates: ``GET /api/v1/me/recommendations?limit=`` — jobs for the caller, best first,
  each with its score, reasons (✓ matched / ✗ not) and gap-to-guidance hints; 403 for an
  account that is not a verified graduate;
* employer members, own employer's jobs only (any other job is 404):
  ``GET /api/v1/employer/jobs/{job_id}/ranked-applicants`` — the job's applicants by fit;
  ``GET /api/v1/employer/jobs/{job_id}/suggested-candidates?limit=`` — graduates who opted
  in to being shown to verified employers, masked (403 while the employer is not verified).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from starlette.responses import Response

from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.core.errors import error_responses
from jobs_api.identity.access import allow
from jobs_api.identity.principal import Principal, Role
from matching.recommend.for_graduate import MAX_LIMIT, recommend_for_graduate
from matching.recommend.for_job import MAX_SUGGESTIONS, applicant_ranking, suggested_for_employer
from matching.recommend.schemas import (
    RankedApplicantsOut,
    RecommendationsOut,
    SuggestedCandidatesOut,
)
from matching.recommend.views import (
    ranked_applicants_out,
    recommendations_out,
    suggested_candidates_out,
)
from matching.runtime import matching_runtime

Graduate = Annotated[Principal, Depends(allow(Role.GRADUATE))]
Member = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]
NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter(prefix="/api/v1", tags=["recommendations"])


@router.get(
    "/me/recommendations",
    response_model=RecommendationsOut,
    responses=error_responses(401, 403, 422),
)
def my_recommendations(
    principal: Graduate,
    session: SessionDep,
    container: ContainerDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
) -> RecommendationsOut:
    """Jobs recommended to the calling graduate. ``vector_used`` is false (with a notice)
    when the ranking had to do without the embedding model."""
    response.headers.update(NO_STORE)
    found = recommend_for_graduate(
        session, matching_runtime(container), principal, limit=limit, search=container.search
    )
    return recommendations_out(session, found)


@router.get(
    "/employer/jobs/{job_id}/ranked-applicants",
    response_model=RankedApplicantsOut,
    responses=error_responses(401, 403, 404, 422),
)
def ranked_applicants(
    principal: Member,
    session: SessionDep,
    container: ContainerDep,
    response: Response,
    job_id: JobId,
) -> RankedApplicantsOut:
    """The job's live applications ranked by fit, with reasons (own employer's jobs only)."""
    response.headers.update(NO_STORE)
    ranking = applicant_ranking(session, matching_runtime(container), principal, job_id)
    return ranked_applicants_out(session, ranking)


@router.get(
    "/employer/jobs/{job_id}/suggested-candidates",
    response_model=SuggestedCandidatesOut,
    responses=error_responses(401, 403, 404, 422),
)
def suggested_candidates(
    principal: Member,
    session: SessionDep,
    container: ContainerDep,
    response: Response,
    job_id: JobId,
    limit: Annotated[int, Query(ge=1, le=MAX_SUGGESTIONS)] = 50,
) -> SuggestedCandidatesOut:
    """Graduates who opted in to being shown to verified employers and fit the job, masked
    (surname and *); no ID number, phone or account id."""
    response.headers.update(NO_STORE)
    ranking = suggested_for_employer(
        session, matching_runtime(container), principal, job_id, limit=limit
    )
    return suggested_candidates_out(session, ranking)
