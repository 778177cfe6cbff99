"""Applications API.

Who may call what:

* verified graduates: ``POST /jobs/{job_id}/applications``; graduates:
  ``GET /me/applications``, ``GET /me/applications/{id}``,
  ``POST /me/applications/{id}/withdraw`` (others' applications are 404);
* employer members, own employer's applications only (others are 404):
  ``GET /employers/me/applications``, ``GET .../{id}`` (first read marks it viewed),
  ``POST .../{id}/status``, ``POST .../bulk-status`` (per-id results), ``GET|POST
  .../{id}/notes`` (private to the employer), ``GET .../{id}/resume`` (audited);
* anyone: ``GET /employers/{employer_id}/response-figures`` (verified employers).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse

from jobs_api.applications import apply as applying
from jobs_api.applications import employer_pipeline as pipeline
from jobs_api.applications.figures import public_response_figures
from jobs_api.applications.models import ApplicationStatus
from jobs_api.applications.schemas import (
    ApplicationOut,
    ApplicationPageOut,
    ApplyIn,
    BulkStatusIn,
    BulkStatusOut,
    EmployerApplicationDetailOut,
    EmployerApplicationPageOut,
    NoteIn,
    NoteOut,
    ResponseFiguresOut,
    StatusChangeIn,
)
from jobs_api.applications.views import graduate_views
from jobs_api.core.deps import SessionDep, SettingsDep
from jobs_api.core.errors import error_responses
from jobs_api.graduates.guards import GraduatePrincipal, VerifiedGraduate
from jobs_api.identity.access import PUBLIC, allow
from jobs_api.identity.principal import Principal, Role

Member = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Cursor = Annotated[str | None, Query(max_length=20)]
NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter(prefix="/api/v1", tags=["applications"])
public_router = APIRouter(prefix="/api/v1", tags=["applications"], dependencies=[Depends(PUBLIC)])


@router.post(
    "/jobs/{job_id}/applications",
    status_code=201,
    response_model=ApplicationOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def apply_to_job(
    principal: VerifiedGraduate,
    session: SessionDep,
    settings: SettingsDep,
    job_id: Id,
    body: ApplyIn,
) -> ApplicationOut:
    """Apply with one of the caller's résumés (the default one if ``resume_id`` is omitted);
    409 ``already_applied`` while a live application to the job exists."""
    application = applying.apply(session, principal, settings.data_dir, job_id, body)
    return graduate_views(session, [application])[0]


@router.get(
    "/me/applications", response_model=ApplicationPageOut, responses=error_responses(401, 403, 422)
)
def list_my_applications(
    principal: GraduatePrincipal,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=100)] = applying.DEFAULT_PAGE,
) -> ApplicationPageOut:
    """The caller's applications, newest first, each with its timeline."""
    return applying.list_mine(session, principal, cursor=cursor, limit=limit)


@router.get(
    "/me/applications/{application_id}",
    response_model=ApplicationOut,
    responses=error_responses(401, 403, 404),
)
def read_my_application(
    principal: GraduatePrincipal, session: SessionDep, application_id: Id
) -> ApplicationOut:
    return applying.get_mine(session, principal, application_id)


@router.post(
    "/me/applications/{application_id}/withdraw",
    response_model=ApplicationOut,
    responses=error_responses(401, 403, 404, 409),
)
def withdraw_my_application(
    principal: GraduatePrincipal, session: SessionDep, application_id: Id
) -> ApplicationOut:
    """Withdraw a live application (not after hired or not selected); repeating is a no-op."""
    application = applying.withdraw(session, principal, application_id)
    return graduate_views(session, [application])[0]


@router.get(
    "/employers/me/applications",
    response_model=EmployerApplicationPageOut,
    responses=error_responses(401, 403, 422),
)
def list_employer_applications(
    principal: Member,
    session: SessionDep,
    job_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: ApplicationStatus | None = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = pipeline.DEFAULT_PAGE,
) -> EmployerApplicationPageOut:
    """Applications to the employer's jobs, newest first, by job and status; applicants are
    shown with registry facts (name, university, major, degree, year), never ID or phone.
    Withdrawn applications are listed only with ``status=withdrawn``."""
    return pipeline.list_applications(
        session, principal, job_id=job_id, status=status, cursor=cursor, limit=limit
    )


@router.get(
    "/employers/me/applications/{application_id}",
    response_model=EmployerApplicationDetailOut,
    responses=error_responses(401, 403, 404),
)
def read_employer_application(
    principal: Member, session: SessionDep, application_id: Id
) -> EmployerApplicationDetailOut:
    """One application with the applicant's profile and timeline; the first read of a
    submitted application marks it viewed (the graduate is told)."""
    return pipeline.read_application(session, principal, application_id)


@router.post(
    "/employers/me/applications/bulk-status",
    response_model=BulkStatusOut,
    responses=error_responses(401, 403, 422),
)
def bulk_change_status(principal: Member, session: SessionDep, body: BulkStatusIn) -> BulkStatusOut:
    """Move up to 100 applications to one status. Per-id results: each application changes
    on its own (``changed``/``unchanged``/``not_allowed``/``not_found``); one refusal does
    not undo the others. Each change notifies its graduate once."""
    return pipeline.bulk_status(session, principal, body)


@router.post(
    "/employers/me/applications/{application_id}/status",
    response_model=EmployerApplicationDetailOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def change_application_status(
    principal: Member, session: SessionDep, application_id: Id, body: StatusChangeIn
) -> EmployerApplicationDetailOut:
    """Move one application (forward, or to ``rejected``); the reason is shown to the
    graduate. Setting the current status again changes nothing."""
    pipeline.set_status(session, principal, application_id, body)
    return pipeline.read_application(session, principal, application_id)


@router.get(
    "/employers/me/applications/{application_id}/notes",
    response_model=list[NoteOut],
    responses=error_responses(401, 403, 404),
)
def list_application_notes(
    principal: Member, session: SessionDep, application_id: Id
) -> list[NoteOut]:
    """The employer team's private notes (never shown to the graduate)."""
    return pipeline.list_notes(session, principal, application_id)


@router.post(
    "/employers/me/applications/{application_id}/notes",
    status_code=201,
    response_model=NoteOut,
    responses=error_responses(401, 403, 404, 422),
)
def add_application_note(
    principal: Member, session: SessionDep, application_id: Id, body: NoteIn
) -> NoteOut:
    return NoteOut.model_validate(pipeline.add_note(session, principal, application_id, body.body))


@router.get(
    "/employers/me/applications/{application_id}/resume",
    response_class=FileResponse,
    responses={200: {"content": {"application/pdf": {}}}, **error_responses(401, 403, 404)},
)
def download_application_resume(
    principal: Member, session: SessionDep, settings: SettingsDep, application_id: Id
) -> FileResponse:
    """The PDF résumé the graduate sent with this application (the download is audited);
    403 ``application_withdrawn`` once the graduate withdrew it."""
    path, filename = pipeline.resume_download(session, principal, settings.data_dir, application_id)
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=filename,
        content_disposition_type="attachment",
        headers={**NO_STORE, "X-Content-Type-Options": "nosniff"},
    )


@public_router.get(
    "/employers/{employer_id}/response-figures",
    response_model=ResponseFiguresOut,
    responses=error_responses(404, 422),
)
def read_response_figures(session: SessionDep, employer_id: Id) -> ResponseFiguresOut:
    """How the (verified) employer answered applications over the last 180 days: the share
    answered within 7 days and the median hours to the first response."""
    return public_response_figures(session, employer_id)


api_router = APIRouter()
api_router.include_router(router)
api_router.include_router(public_router)
