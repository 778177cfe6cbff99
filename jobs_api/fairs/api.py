"""Fairs API (专场招聘会).

Who may call what:

* anyone: ``GET /fairs`` (published fairs; graduates see their university's first) and
  ``GET /fairs/{fair_id}`` (a published or cancelled fair with its employers and jobs;
  drafts only for their organizer);
* career offices, provincial and national administrators: ``POST /fairs``,
  ``PATCH /fairs/{fair_id}``, ``POST /fairs/{fair_id}/publish|cancel``,
  ``GET /fairs/{fair_id}/statistics`` and ``GET /organizer/fairs`` — each only for the fairs
  they organize (others are 404); participants must be within the organizer's scope (403
  ``fair_out_of_scope``);
* employer members: ``GET /employers/me/fairs``, ``POST|DELETE /fairs/{fair_id}/registration``
  and ``PUT|DELETE /fairs/{fair_id}/jobs/{job_id}`` (registering and attaching need a verified
  employer: 403 ``employer_not_verified``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import error_responses
from jobs_api.fairs import browsing, organizing, participation, statistics
from jobs_api.fairs.participation import Registration
from jobs_api.fairs.schemas import (
    EmployerFairOut,
    FairDetailOut,
    FairIn,
    FairOut,
    FairPageOut,
    FairPatch,
    FairStatsOut,
    FairWhen,
    RegistrationIn,
    RegistrationOut,
)
from jobs_api.fairs.views import fair_out, fair_outs
from jobs_api.identity.access import PUBLIC, OptionalPrincipal, allow
from jobs_api.identity.principal import ADMIN_ROLES, Principal, Role

Organizer = Annotated[Principal, Depends(allow(*ADMIN_ROLES))]
Member = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]
FairId = Annotated[int, Path(ge=1, le=2**31 - 1)]
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Page = Annotated[int, Query(ge=1, le=10_000)]
Limit = Annotated[int, Query(ge=1, le=100)]

router = APIRouter(prefix="/api/v1", tags=["fairs"])
public_router = APIRouter(prefix="/api/v1", tags=["fairs"], dependencies=[Depends(PUBLIC)])


def registration_out(registration: Registration) -> RegistrationOut:
    return RegistrationOut(
        fair_id=registration.fair.id,
        employer_id=registration.entry.employer_id,
        booth_intro=registration.entry.booth_intro,
        registered_at=registration.entry.registered_at,
        job_ids=registration.job_ids,
    )


@public_router.get("/fairs", response_model=FairPageOut, responses=error_responses(422))
def list_fairs(
    principal: OptionalPrincipal,
    session: SessionDep,
    when: FairWhen = FairWhen.CURRENT,
    industry_code: Annotated[str | None, Query(max_length=4)] = None,
    province_code: Annotated[str | None, Query(min_length=6, max_length=6)] = None,
    page: Page = 1,
    limit: Limit = browsing.DEFAULT_PAGE,
) -> FairPageOut:
    """Published fairs by phase (``current`` = upcoming and ongoing), industry section and
    organizer province; a graduate's own-university fairs come first."""
    return browsing.list_fairs(
        session,
        principal,
        when=when,
        industry_code=industry_code,
        province_code=province_code,
        page=page,
        limit=limit,
    )


@public_router.get(
    "/fairs/{fair_id}", response_model=FairDetailOut, responses=error_responses(404, 422)
)
def read_fair(principal: OptionalPrincipal, session: SessionDep, fair_id: FairId) -> FairDetailOut:
    """A fair with its verified employers and the jobs graduates can see (links to the job
    and to applying through the fair)."""
    return browsing.fair_detail(session, principal, fair_id)


@router.get(
    "/organizer/fairs", response_model=FairPageOut, responses=error_responses(401, 403, 422)
)
def list_organized_fairs(
    principal: Organizer, session: SessionDep, page: Page = 1, limit: Limit = 20
) -> FairPageOut:
    """The fairs the caller organizes, drafts and cancelled ones included."""
    fairs, total = organizing.list_organized(session, principal, page=page, limit=limit)
    return FairPageOut(
        items=fair_outs(session, fairs),
        total=total,
        page=page,
        pages=max(1, -(-total // limit)),
    )


@router.post(
    "/fairs", status_code=201, response_model=FairOut, responses=error_responses(401, 403, 422)
)
def create_fair(principal: Organizer, session: SessionDep, body: FairIn) -> FairOut:
    """A new draft fair at the caller's level (university, province or national)."""
    return fair_out(session, organizing.create_fair(session, principal, body))


@router.patch(
    "/fairs/{fair_id}", response_model=FairOut, responses=error_responses(401, 403, 404, 409, 422)
)
def update_fair(
    principal: Organizer, session: SessionDep, fair_id: FairId, body: FairPatch
) -> FairOut:
    """Edit an own fair (not a cancelled one)."""
    return fair_out(session, organizing.update_fair(session, principal, fair_id, body))


@router.post(
    "/fairs/{fair_id}/publish",
    response_model=FairOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def publish_fair(principal: Organizer, session: SessionDep, fair_id: FairId) -> FairOut:
    """Publish an own draft (its start date must not have passed)."""
    return fair_out(session, organizing.publish_fair(session, principal, fair_id))


@router.post(
    "/fairs/{fair_id}/cancel", response_model=FairOut, responses=error_responses(401, 403, 404)
)
def cancel_fair(principal: Organizer, session: SessionDep, fair_id: FairId) -> FairOut:
    """Cancel an own fair; the registered employers' members are told in their inbox."""
    return fair_out(session, organizing.cancel_fair(session, principal, fair_id))


@router.get(
    "/fairs/{fair_id}/statistics",
    response_model=FairStatsOut,
    responses=error_responses(401, 403, 404, 422),
)
def fair_statistics(principal: Organizer, session: SessionDep, fair_id: FairId) -> FairStatsOut:
    """Employers, jobs, headcount, applications and offers of an own fair, by university."""
    return statistics.fair_statistics(session, principal, fair_id)


@router.get(
    "/employers/me/fairs",
    response_model=list[EmployerFairOut],
    responses=error_responses(401, 403),
)
def list_my_fairs(principal: Member, session: SessionDep) -> list[EmployerFairOut]:
    """The fairs the caller's employer registered for, with the jobs it attached."""
    registrations = participation.list_registrations(session, principal)
    outs = fair_outs(session, [r.fair for r in registrations])
    return [
        EmployerFairOut(fair=out, registration=registration_out(r))
        for out, r in zip(outs, registrations, strict=True)
    ]


@router.post(
    "/fairs/{fair_id}/registration",
    response_model=RegistrationOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def register_for_fair(
    principal: Member, session: SessionDep, fair_id: FairId, body: RegistrationIn
) -> RegistrationOut:
    """Register the caller's (verified) employer for a published fair that has not ended;
    again to change the booth intro."""
    return registration_out(participation.register(session, principal, fair_id, body))


@router.delete(
    "/fairs/{fair_id}/registration",
    status_code=204,
    responses=error_responses(401, 403, 404),
)
def withdraw_from_fair(principal: Member, session: SessionDep, fair_id: FairId) -> Response:
    """Withdraw the registration; the employer's jobs leave the fair too."""
    participation.withdraw(session, principal, fair_id)
    return Response(status_code=204)


@router.put(
    "/fairs/{fair_id}/jobs/{job_id}",
    response_model=RegistrationOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def attach_job(
    principal: Member, session: SessionDep, fair_id: FairId, job_id: JobId
) -> RegistrationOut:
    """Attach an own published job to a fair the employer registered for."""
    return registration_out(participation.attach_job(session, principal, fair_id, job_id))


@router.delete(
    "/fairs/{fair_id}/jobs/{job_id}",
    response_model=RegistrationOut,
    responses=error_responses(401, 403, 404, 422),
)
def detach_job(
    principal: Member, session: SessionDep, fair_id: FairId, job_id: JobId
) -> RegistrationOut:
    """Detach an own job from a fair."""
    return registration_out(participation.detach_job(session, principal, fair_id, job_id))


api_router = APIRouter()
api_router.include_router(router)
api_router.include_router(public_router)
