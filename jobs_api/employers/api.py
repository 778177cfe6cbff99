"""Employers API: registration, the employer's own profile, licence and members, and the
licence for reviewers.

Who may call what:

* anyone: ``POST /register`` (rate-limited per client address);
* employer members: ``GET /me``, ``GET /me/licence``, ``GET /me/members``; the owner alone
  ``PATCH /me``, ``PUT /me/licence`` and ``DELETE /me/members/{user_id}`` (recruiters get
  403 ``employer_owner_required``); inviting recruiters is identity's
  ``POST /me/members``;
* career office, provincial and national administrators: ``GET /{employer_id}/licence``
  for employers in their province (national: all), audited; 404 outside it.

The public employer page and the employer's job list are served by the jobs router.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from pydantic import ValidationError

from jobs_api.core.deps import SessionDep, SettingsDep
from jobs_api.core.error_handlers import error_payload, validation_fields
from jobs_api.core.errors import error_responses
from jobs_api.employers import licences, members, profile, registration
from jobs_api.employers.errors import InvalidEmployerData, InvalidUscc, RegistrationThrottled
from jobs_api.employers.schemas import (
    EmployerOut,
    EmployerPatch,
    LicenceOut,
    MemberOut,
    OwnerOut,
    RegistrationIn,
    RegistrationOut,
)
from jobs_api.employers.uploads import LICENCE_FIELD, receive_licence_form
from jobs_api.identity.access import PUBLIC, allow
from jobs_api.identity.api import KitDep, client_ip
from jobs_api.identity.principal import Principal, Role

PREFIX = "/api/v1/employers"
NO_STORE = {"Cache-Control": "no-store"}
REGISTERED_MESSAGE = (
    "注册已提交，平台正在核验单位资质 (registration submitted; verification under way)"
)

Member = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]
Reviewer = Annotated[
    Principal, Depends(allow(Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN))
]

public_router = APIRouter(prefix=PREFIX, tags=["employers"], dependencies=[Depends(PUBLIC)])
router = APIRouter(prefix=PREFIX, tags=["employers"])


def _licence_property(description: str) -> dict[str, Any]:
    return {"type": "string", "format": "binary", "description": description}


_REGISTRATION_SCHEMA = RegistrationIn.model_json_schema()
_REGISTRATION_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [*_REGISTRATION_SCHEMA.get("required", []), LICENCE_FIELD],
                    "properties": {
                        **_REGISTRATION_SCHEMA["properties"],
                        LICENCE_FIELD: _licence_property("营业执照: PDF, JPG or PNG, ≤ 10 MB"),
                    },
                }
            }
        },
    }
}
_LICENCE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [LICENCE_FIELD],
                    "properties": {
                        LICENCE_FIELD: _licence_property("营业执照: PDF, JPG or PNG, ≤ 10 MB")
                    },
                }
            }
        },
    }
}


def _parse_registration(fields: dict[str, str]) -> RegistrationIn:
    """The form's text fields; on any problem one 422 listing every field, the credit code's
    format and check digit included (not only once the other fields are right)."""
    try:
        return RegistrationIn.model_validate(fields)
    except ValidationError as exc:
        problems = validation_fields(list(exc.errors()))
        if "uscc" not in problems and fields.get("uscc"):
            try:
                registration.check_uscc(fields["uscc"])
            except InvalidUscc as bad:
                problems.update(bad.fields)
        raise InvalidEmployerData(
            "注册信息有误，请检查标出的字段 (see fields)", fields=problems
        ) from exc


def _throttled(error: RegistrationThrottled) -> JSONResponse:
    return JSONResponse(
        error_payload(error.code, error.message, error.fields),
        status_code=error.status_code,
        headers={"Retry-After": str(error.retry_after)},
    )


@public_router.post(
    "/register",
    status_code=201,
    response_model=RegistrationOut,
    responses=error_responses(400, 409, 413, 415, 422, 429),
    openapi_extra=_REGISTRATION_BODY,
)
async def register(
    request: Request, session: SessionDep, settings: SettingsDep, kit: KitDep
) -> RegistrationOut | JSONResponse:
    """Register an organisation: its details, the business licence (``licence``: PDF, JPG or
    PNG, checked by content, at most 10 MB), consent to the platform terms, and the owner's
    username and password. The employer starts ``submitted`` while verification runs; a
    credit code already on the platform answers 409 ``employer_already_registered``."""
    try:
        await run_in_threadpool(registration.count_attempt, kit.attempts, client_ip(request))
    except RegistrationThrottled as error:
        return _throttled(error)
    form = await receive_licence_form(request)
    data = _parse_registration(form.fields)
    done = await run_in_threadpool(
        registration.register_employer, session, kit, data, form.licence, settings.data_dir
    )
    return RegistrationOut(
        employer=profile.describe(session, done.employer),
        owner=OwnerOut(
            user_id=done.owner.id,
            username=done.owner.username or "",
            employer_role=done.owner.employer_role or "",
        ),
        message=REGISTERED_MESSAGE,
    )


@router.get("/me", response_model=EmployerOut, responses=error_responses(401, 403, 404))
def read_my_employer(principal: Member, session: SessionDep) -> EmployerOut:
    """The caller's employer with its verification status (contact phone masked)."""
    return profile.get_my_employer(session, principal)


@router.patch("/me", response_model=EmployerOut, responses=error_responses(401, 403, 404, 409, 422))
def patch_my_employer(
    principal: Member, session: SessionDep, settings: SettingsDep, body: EmployerPatch
) -> EmployerOut:
    """The owner changes the given fields. A new name or credit code voids the verification
    (the employer is checked again); other fields do not."""
    return profile.patch_my_employer(
        session, principal, body, secret=settings.secret_key.get_secret_value()
    )


def _file_response(found: licences.LicenceFile) -> FileResponse:
    return FileResponse(
        found.path,
        media_type=found.content_type,
        filename=found.filename,
        content_disposition_type="inline",
        headers={**NO_STORE, "X-Content-Type-Options": "nosniff"},
    )


_FILE_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}},
}


@router.get(
    "/me/licence",
    response_class=FileResponse,
    responses={**_FILE_CONTENT, **error_responses(401, 403, 404)},
)
def read_my_licence(principal: Member, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """The current business licence of the caller's employer."""
    return _file_response(licences.member_licence_file(session, principal, settings.data_dir))


@router.put(
    "/me/licence",
    response_model=LicenceOut,
    responses=error_responses(400, 401, 403, 413, 415, 422),
    openapi_extra=_LICENCE_BODY,
)
async def replace_my_licence(
    request: Request, principal: Member, session: SessionDep, settings: SettingsDep
) -> LicenceOut:
    """The owner uploads a new licence (the old one stays in the history)."""
    form = await receive_licence_form(request)
    stored = await run_in_threadpool(
        licences.replace_licence, session, principal, settings.data_dir, form.licence
    )
    return LicenceOut.model_validate(stored)


@router.get("/me/members", response_model=list[MemberOut], responses=error_responses(401, 403))
def list_my_members(principal: Member, session: SessionDep) -> list[MemberOut]:
    """The employer's members, owner first (phones masked)."""
    return members.list_members(session, principal)


@router.delete(
    "/me/members/{user_id}",
    response_model=MemberOut,
    responses=error_responses(401, 403, 404, 409),
)
def remove_my_member(
    principal: Member, session: SessionDep, user_id: Annotated[int, Path(ge=1)]
) -> MemberOut:
    """The owner removes a recruiter: the account is disabled and signed out everywhere."""
    return members.remove_member(session, principal, user_id)


@router.get(
    "/{employer_id}/licence",
    response_class=FileResponse,
    responses={**_FILE_CONTENT, **error_responses(401, 403, 404, 422)},
)
def read_employer_licence(
    principal: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    employer_id: Annotated[int, Path(ge=1)],
) -> FileResponse:
    """A reviewer reads an employer's current licence (within their province; audited)."""
    return _file_response(
        licences.reviewer_licence_file(session, principal, settings.data_dir, employer_id)
    )


api_router = APIRouter()
api_router.include_router(public_router)
api_router.include_router(router)
