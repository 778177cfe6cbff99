"""Jobs API: posting behind the verification gate and the screening hook, the employer's own
list, public reads, and the job-review queue.

Who may call what:

* anyone: ``GET /jobs/{job_id}`` (published jobs of verified employers; the employer's own
  members also see its drafts and reviews) and ``GET /employers/{employer_id}/public``
  (verified employers only);
* employer members (any employer): ``POST /jobs/occupation-suggestions`` (职业分类 from the
  title and description);
* employer members (owner or recruiter) of a verified employer: ``POST /jobs`` and
  ``POST /jobs/{job_id}/publish`` (else 403 ``employer_not_verified``); any member:
  ``PATCH /jobs/{job_id}``, ``POST /jobs/{job_id}/close``, ``GET /employers/me/jobs``; other
  employers' jobs are 404;
* career office, provincial and national administrators: ``GET /job-reviews`` and
  ``POST /job-reviews/{review_id}/decision`` within their province (national: all).
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.core.error_handlers import error_payload
from jobs_api.core.errors import error_responses
from jobs_api.employers.schemas import PublicEmployerOut
from jobs_api.identity.access import PUBLIC, OptionalPrincipal, allow
from jobs_api.identity.principal import Principal, Role
from jobs_api.jobs import listing, posting, reviews
from jobs_api.jobs.errors import JobPostBlocked, ScreeningUnavailable
from jobs_api.jobs.models import JobReviewState, JobStatus
from jobs_api.jobs.occupation_suggest import SuggestionResult, suggester_for
from jobs_api.jobs.schemas import (
    CodeName,
    JobIn,
    JobOut,
    JobPageOut,
    JobPatch,
    JobReviewOut,
    JobReviewPageOut,
    OccupationSuggestionIn,
    OccupationSuggestionOut,
    OccupationSuggestionsOut,
    ReviewDecisionIn,
)
from jobs_api.jobs.screening_port import SCREENER_KEY, JobScreener
from jobs_api.jobs.views import job_out

Member = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]
Reviewer = Annotated[
    Principal, Depends(allow(Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN))
]
JobId = Annotated[int, Path(ge=1)]


def get_screener(container: ContainerDep) -> JobScreener:
    """The screener the composition root installed; none installed refuses posts (503)."""
    screener = container.extras.get(SCREENER_KEY)
    if screener is None or not callable(screener):
        raise ScreeningUnavailable("岗位审核服务暂不可用，请稍后再试 (job screening unavailable)")
    return cast(JobScreener, screener)


ScreenerDep = Annotated[JobScreener, Depends(get_screener)]


def _blocked(session: Session, error: JobPostBlocked) -> JSONResponse:
    """422 ``job_post_blocked`` with the matches the form highlights; nothing is stored."""
    session.rollback()
    payload = error_payload(error.code, error.message, error.fields)
    payload["error"]["matches"] = [m.to_dict() for m in error.matches]
    return JSONResponse(payload, status_code=error.status_code)


_BLOCKED_RESPONSE: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Validation failed, or ``job_post_blocked``: ``error.matches`` lists "
        "each flagged passage (rule_id, field, start, end, excerpt, message_zh)"
    }
}

router = APIRouter(prefix="/api/v1", tags=["jobs"])
public_router = APIRouter(prefix="/api/v1", tags=["jobs"], dependencies=[Depends(PUBLIC)])


@router.post(
    "/jobs",
    status_code=201,
    response_model=JobOut,
    responses={**error_responses(401, 403, 404, 503), **_BLOCKED_RESPONSE},
)
def create_job(
    principal: Member, session: SessionDep, screener: ScreenerDep, body: JobIn
) -> JobOut | JSONResponse:
    """Create a job (``draft``; ``pending_review`` when screening asks for a reviewer). Only
    members of a verified employer; a post with blocked content is refused with the matches.
    ``occupation_code`` is what the employer states: none given, none stored (ask
    ``POST /jobs/occupation-suggestions`` and send the chosen code)."""
    try:
        job = posting.create_job(session, principal, body, screener)
    except JobPostBlocked as error:
        return _blocked(session, error)
    return job_out(session, job, with_review=True)


def suggestions_out(result: SuggestionResult) -> OccupationSuggestionsOut:
    return OccupationSuggestionsOut(
        items=[
            OccupationSuggestionOut(
                code=item.code,
                name=item.name,
                score=item.score,
                parents=[CodeName(code=p.code, name=p.name) for p in item.parents],
                matched_phrase=item.phrase,
            )
            for item in result.items
        ],
        confident=result.confident,
    )


@router.post(
    "/jobs/occupation-suggestions",
    response_model=OccupationSuggestionsOut,
    responses=error_responses(401, 403, 422),
)
def suggest_occupations(
    principal: Member, session: SessionDep, container: ContainerDep, body: OccupationSuggestionIn
) -> OccupationSuggestionsOut:
    """The likeliest 细类 of 职业分类大典 (2022) for a job title (and description), best first,
    with their parents; ``confident`` says whether the first clearly leads. A lexical
    classifier over the reference occupations (names, aliases, definitions, tasks)."""
    suggester = suggester_for(container, session)
    return suggestions_out(suggester.suggest(body.title, body.description, k=body.k))


@router.patch(
    "/jobs/{job_id}",
    response_model=JobOut,
    responses={**error_responses(401, 403, 404, 503), **_BLOCKED_RESPONSE},
)
def update_job(
    principal: Member, session: SessionDep, screener: ScreenerDep, job_id: JobId, body: JobPatch
) -> JobOut | JSONResponse:
    """Edit an own job; the edited post is screened again (a published job that now needs a
    review leaves search until approved and published again)."""
    try:
        job = posting.update_job(session, principal, job_id, body, screener)
    except JobPostBlocked as error:
        return _blocked(session, error)
    return job_out(session, job, with_review=True)


@router.post(
    "/jobs/{job_id}/publish",
    response_model=JobOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def publish_job(principal: Member, session: SessionDep, job_id: JobId) -> JobOut:
    """Publish or republish an own job (verified employers only; not while under review)."""
    return job_out(session, posting.publish_job(session, principal, job_id), with_review=True)


@router.post(
    "/jobs/{job_id}/close", response_model=JobOut, responses=error_responses(401, 403, 404)
)
def close_job(principal: Member, session: SessionDep, job_id: JobId) -> JobOut:
    """Close an own job; it leaves search."""
    return job_out(session, posting.close_job(session, principal, job_id), with_review=True)


@router.get(
    "/employers/me/jobs", response_model=JobPageOut, responses=error_responses(401, 403, 422)
)
def list_my_jobs(
    principal: Member,
    session: SessionDep,
    status: JobStatus | None = None,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = listing.DEFAULT_PAGE,
) -> JobPageOut:
    """The employer's own jobs, newest first, optionally by status."""
    return listing.list_own_jobs(session, principal, status=status, cursor=cursor, limit=limit)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=error_responses(404, 422))
def read_job(principal: OptionalPrincipal, session: SessionDep, job_id: JobId) -> JobOut:
    """A published job of a verified employer (anyone), or any job of the caller's own
    employer with its latest review; 404 otherwise."""
    return listing.get_job(session, principal, job_id)


@public_router.get(
    "/employers/{employer_id}/public",
    response_model=PublicEmployerOut,
    responses=error_responses(404, 422),
)
def read_public_employer(
    session: SessionDep, employer_id: Annotated[int, Path(ge=1)]
) -> PublicEmployerOut:
    """What graduates see of a verified employer: type, industry, city, size, description,
    the 已认证 badge with its date, and the number of open jobs."""
    return listing.public_employer(session, employer_id)


@router.get(
    "/job-reviews", response_model=JobReviewPageOut, responses=error_responses(401, 403, 422)
)
def list_job_reviews(
    principal: Reviewer,
    session: SessionDep,
    state: JobReviewState = JobReviewState.PENDING,
    cursor: Annotated[int | None, Query(ge=0)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = reviews.DEFAULT_PAGE,
) -> JobReviewPageOut:
    """Flagged job posts in the caller's province (national: all), oldest first, with the
    matched passages."""
    return reviews.list_reviews(session, principal, state=state, after=cursor, limit=limit)


@router.post(
    "/job-reviews/{review_id}/decision",
    response_model=JobReviewOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def decide_job_review(
    principal: Reviewer,
    session: SessionDep,
    review_id: Annotated[int, Path(ge=1)],
    body: ReviewDecisionIn,
) -> JobReviewOut:
    """Approve (the employer may publish) or reject (a note is required) a flagged post."""
    return reviews.decide_review(session, principal, review_id, body)


api_router = APIRouter()
api_router.include_router(router)
api_router.include_router(public_router)
