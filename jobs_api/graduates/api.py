"""Graduates API: activation, the graduate's own data, and the career office's list.

Who may call what:

* public: ``POST /activate`` (self-claim), ``POST /activate/code`` and
  ``POST /activate/code/request`` (pre-activated accounts);
* career office: ``POST /cohorts/preactivate`` (its own university);
* graduate: everything under ``/me`` (own data only; the profile needs a verified graduate);
* career office, provincial and national administrators: ``GET /graduates`` and
  ``GET /graduates/{record_id}``, scoped in the service to their university / province / all.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse

from jobs_api.core.deps import SessionDep, SettingsDep
from jobs_api.core.errors import error_responses
from jobs_api.graduates import activation, consent, deletion, export, listing, profile, resumes
from jobs_api.graduates.guards import GraduatePrincipal, VerifiedGraduate
from jobs_api.graduates.schemas import (
    ActivationOut,
    CodeActivationIn,
    CodeRequestIn,
    ConsentIn,
    ConsentsOut,
    DeleteAccountIn,
    DeletionOut,
    ExportOut,
    GraduateDetailOut,
    GraduatePageOut,
    MessageOut,
    PreactivationIn,
    PreactivationOut,
    PriorityGroup,
    ProfileOut,
    ProfilePatch,
    ProfileReplace,
    ResumeOut,
    SelfActivationIn,
)
from jobs_api.graduates.uploads import receive_resume
from jobs_api.identity.access import PUBLIC, allow
from jobs_api.identity.api import KitDep, client_ip, keeping_changes
from jobs_api.identity.principal import Principal, Role
from jobs_api.registry.models import EnrollmentStatus

PREFIX = "/api/v1/graduates"
NO_STORE = {"Cache-Control": "no-store"}


AdminPrincipal = Annotated[
    Principal, Depends(allow(Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN))
]
CareerOffice = Annotated[Principal, Depends(allow(Role.CAREER_OFFICE))]


public_router = APIRouter(prefix=PREFIX, tags=["graduates"], dependencies=[Depends(PUBLIC)])
router = APIRouter(prefix=PREFIX, tags=["graduates"])


# --- activation (public) ---------------------------------------------------------------------


@public_router.post(
    "/activate",
    status_code=201,
    response_model=ActivationOut,
    responses=error_responses(400, 403, 409, 422, 429),
)
def self_activate(
    request: Request, session: SessionDep, kit: KitDep, body: SelfActivationIn
) -> ActivationOut | JSONResponse:
    """Claim one's registry record (name, resident ID number, student number, university)
    and open a verified graduate account. Any mismatch, and an unknown ID number, answer
    ``activation_failed``; a record that already has an account answers
    ``already_activated`` (reset the password instead)."""
    return keeping_changes(
        lambda: activation.activate_self(session, kit, body, client_ip=client_ip(request))
    )


@public_router.post(
    "/activate/code",
    status_code=201,
    response_model=ActivationOut,
    responses=error_responses(400, 403, 409, 422, 429),
)
def activate_with_code(
    request: Request, session: SessionDep, kit: KitDep, body: CodeActivationIn
) -> ActivationOut | JSONResponse:
    """Finish an account the career office pre-activated: the one-time code it sent, a
    first password and a phone number."""
    return keeping_changes(
        lambda: activation.activate_with_code(session, kit, body, client_ip=client_ip(request))
    )


@public_router.post(
    "/activate/code/request",
    status_code=202,
    response_model=MessageOut,
    responses=error_responses(422, 429),
)
def request_activation_code(
    request: Request, session: SessionDep, kit: KitDep, body: CodeRequestIn
) -> MessageOut | JSONResponse:
    """Send a fresh activation code to a pre-activated account (codes live 10 minutes). The
    answer is the same whether or not such an account exists."""
    result = keeping_changes(
        lambda: activation.request_activation_code(
            session,
            kit,
            body.university_code,
            body.student_number,
            client_ip=client_ip(request),
        )
    )
    if isinstance(result, JSONResponse):
        return result
    return MessageOut(message=activation.CODE_REQUEST_ACCEPTED)


# --- pre-activation (career office) ----------------------------------------------------------


@router.post(
    "/cohorts/preactivate",
    response_model=PreactivationOut,
    responses=error_responses(401, 403, 422),
)
def preactivate_cohort(
    principal: CareerOffice, session: SessionDep, kit: KitDep, body: PreactivationIn
) -> PreactivationOut:
    """无需注册即开通: create pending accounts for a cohort of the caller's university and send
    each graduate an activation code. Idempotent."""
    return activation.preactivate_cohort(session, kit, principal, body)


# --- the graduate's own profile --------------------------------------------------------------


@router.get("/me/profile", response_model=ProfileOut, responses=error_responses(401, 403))
def get_profile(principal: VerifiedGraduate, session: SessionDep) -> ProfileOut:
    """Registry facts (read-only) and the editable profile."""
    return profile.get_my_profile(session, principal)


@router.put("/me/profile", response_model=ProfileOut, responses=error_responses(401, 403, 409, 422))
def replace_profile(
    principal: VerifiedGraduate, session: SessionDep, body: ProfileReplace
) -> ProfileOut:
    """Replace the editable profile; registry fields answer ``registry_field_read_only``."""
    return profile.replace_profile(session, principal, body)


@router.patch(
    "/me/profile", response_model=ProfileOut, responses=error_responses(401, 403, 409, 422)
)
def patch_profile(
    principal: VerifiedGraduate, session: SessionDep, body: ProfilePatch
) -> ProfileOut:
    """Change the given fields only."""
    return profile.patch_profile(session, principal, body)


# --- résumés ---------------------------------------------------------------------------------


@router.get("/me/resumes", response_model=list[ResumeOut], responses=error_responses(401, 403))
def list_resumes(principal: GraduatePrincipal, session: SessionDep) -> list[ResumeOut]:
    return [ResumeOut.model_validate(r) for r in resumes.list_resumes(session, principal.user_id)]


_RESUME_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PDF, at most 5 MB",
                        },
                        "make_default": {"type": "boolean", "default": False},
                    },
                }
            }
        },
    }
}


@router.post(
    "/me/resumes",
    status_code=201,
    response_model=ResumeOut,
    responses={
        200: {"model": ResumeOut, "description": "The same file was uploaded before"},
        **error_responses(401, 403, 409, 413, 415, 422),
    },
    openapi_extra=_RESUME_UPLOAD_BODY,
)
async def upload_resume(
    request: Request,
    principal: GraduatePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> ResumeOut:
    """Upload a PDF résumé (at most 5, one of them the default). The body is read as a
    stream and cut off as soon as it passes the size limit."""
    upload = await receive_resume(request)
    stored, created = await run_in_threadpool(
        resumes.upload_resume,
        session,
        principal,
        settings.data_dir,
        upload.data,
        upload.filename,
        make_default=upload.make_default,
    )
    if not created:
        response.status_code = 200
    return stored


@router.get(
    "/me/resumes/{resume_id}/file",
    response_class=FileResponse,
    responses={200: {"content": {"application/pdf": {}}}, **error_responses(401, 403, 404)},
)
def download_resume(
    principal: GraduatePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    resume_id: Annotated[int, Path(ge=1)],
) -> FileResponse:
    path, filename = resumes.resume_file(session, principal, settings.data_dir, resume_id)
    return FileResponse(
        path,
        media_type=resumes.PDF_MEDIA_TYPE,
        filename=filename,
        content_disposition_type="attachment",
        headers={**NO_STORE, "X-Content-Type-Options": "nosniff"},
    )


@router.post(
    "/me/resumes/{resume_id}/default",
    response_model=ResumeOut,
    responses=error_responses(401, 403, 404),
)
def make_default_resume(
    principal: GraduatePrincipal, session: SessionDep, resume_id: Annotated[int, Path(ge=1)]
) -> ResumeOut:
    return resumes.set_default(session, principal, resume_id)


@router.delete("/me/resumes/{resume_id}", status_code=204, responses=error_responses(401, 403, 404))
def delete_resume(
    principal: GraduatePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    resume_id: Annotated[int, Path(ge=1)],
) -> Response:
    resumes.delete_resume(session, principal, settings.data_dir, resume_id)
    return Response(status_code=204)


# --- consents, export, deletion --------------------------------------------------------------


@router.get("/me/consents", response_model=ConsentsOut, responses=error_responses(401, 403))
def get_consents(principal: GraduatePrincipal, session: SessionDep) -> ConsentsOut:
    return consent.consents_out(session, principal.user_id)


@router.post("/me/consents", response_model=ConsentsOut, responses=error_responses(401, 403, 422))
def set_consent(principal: GraduatePrincipal, session: SessionDep, body: ConsentIn) -> ConsentsOut:
    """Grant or withdraw one purpose. Withdrawing ``share_with_employers`` hides the profile."""
    return consent.set_consent(session, principal, body.purpose, body.granted)


@router.get("/me/export", response_model=ExportOut, responses=error_responses(401, 403))
def export_my_data(
    principal: GraduatePrincipal, session: SessionDep, response: Response
) -> ExportOut:
    """Everything held about the caller (identifiers masked). Audited."""
    response.headers.update(NO_STORE)
    return export.export_my_data(session, principal)


@router.delete(
    "/me", response_model=DeletionOut, responses=error_responses(401, 403, 422, 423, 429)
)
def delete_my_account(
    request: Request,
    principal: GraduatePrincipal,
    session: SessionDep,
    settings: SettingsDep,
    kit: KitDep,
    body: DeleteAccountIn,
) -> DeletionOut | JSONResponse:
    """Delete (anonymise) the caller's account, confirmed with the password. Audited."""
    return keeping_changes(
        lambda: deletion.delete_my_account(
            session,
            kit,
            principal,
            body.password.get_secret_value(),
            data_dir=settings.data_dir,
            client_ip=client_ip(request),
        )
    )


# --- the career office's list ----------------------------------------------------------------


@router.get("", response_model=GraduatePageOut, responses=error_responses(401, 403, 422))
def list_graduates(
    principal: AdminPrincipal,
    session: SessionDep,
    response: Response,
    graduation_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    major_code: Annotated[str | None, Query(pattern=r"^\d{6}[A-Z]{0,2}$")] = None,
    college: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    degree_level: Annotated[str | None, Query(min_length=1, max_length=16)] = None,
    status: EnrollmentStatus | None = None,
    activated: bool | None = None,
    priority_group: PriorityGroup | None = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=32, description="Name or student number prefix")
    ] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=listing.MAX_PAGE_SIZE)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> GraduatePageOut:
    """Graduates in the caller's scope (career office: its university; provincial
    administrator: its province; national: all), sorted by student number. Audited."""
    response.headers.update(NO_STORE)
    filters = listing.GraduateFilter(
        graduation_year=graduation_year,
        major_code=major_code,
        college=college,
        degree_level=degree_level,
        status=status.value if status else None,
        activated=activated,
        priority_group=priority_group,
        q=q,
    )
    return listing.list_graduates(session, principal, filters, page=page, size=size, cursor=cursor)


@router.get(
    "/{record_id}", response_model=GraduateDetailOut, responses=error_responses(401, 403, 404)
)
def get_graduate(
    principal: AdminPrincipal,
    session: SessionDep,
    response: Response,
    record_id: Annotated[int, Path(ge=1)],
) -> GraduateDetailOut:
    """One graduate of the caller's scope (404 outside it). Audited as a view."""
    response.headers.update(NO_STORE)
    return listing.get_graduate(session, principal, record_id)


api_router = APIRouter()
api_router.include_router(public_router)
api_router.include_router(router)
