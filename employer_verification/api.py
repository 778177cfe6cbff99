"""Employer verification API (``/api/v1/verification``).

* reviewers — career offices, provincial and national administrators, each within its scope
  (see :mod:`employer_verification.scope`): ``GET /queue``, ``GET /cases/{id}``,
  ``POST /cases/{id}/decision``;
* employer members: ``GET /employers/{employer_id}/status`` of their own employer;
* provincial and national administrators: ``POST /registry/imports`` (CSV, multipart field
  ``file``), ``GET /registry/imports/{id}``, and the blacklist (``GET``/``POST /blacklist``,
  ``DELETE /blacklist/{id}``) — provincial ones for their own province.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from employer_verification import blacklist, registry_import, review
from employer_verification.cases import Policy
from employer_verification.config import verification_runtime
from employer_verification.errors import ImportFileInvalid, UploadTooLarge
from employer_verification.models import BlacklistKind, CaseState, EnterpriseRegistryImport
from employer_verification.schemas import (
    BlacklistIn,
    BlacklistOut,
    CaseDetailOut,
    DecisionIn,
    EmployerStatusOut,
    ImportErrorOut,
    QueuePageOut,
    RegistryImportOut,
)
from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.core.errors import DomainError, error_responses
from jobs_api.identity.access import allow
from jobs_api.identity.principal import Principal, Role

router = APIRouter(prefix="/api/v1/verification", tags=["verification"])

Reviewer = Annotated[
    Principal, Depends(allow(Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN))
]
Admin = Annotated[Principal, Depends(allow(Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN))]
Member = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
MULTIPART_OVERHEAD = 64 * 1024

_UPLOAD_BODY: dict[str, Any] = {
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
                            "description": "CSV (UTF-8, UTF-8 with BOM or GBK): 统一社会信用代码,"
                            " 企业名称, 法定代表人, 登记状态, 注册资本, 成立日期",
                        }
                    },
                }
            }
        },
    }
}


@router.get("/queue", response_model=QueuePageOut, responses=error_responses(401, 403, 422))
def queue(
    principal: Reviewer,
    session: SessionDep,
    state: CaseState = CaseState.NEEDS_REVIEW,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> QueuePageOut:
    """Cases of the employers in the caller's scope, oldest first, with the SLA indicator."""
    return review.review_queue(session, principal, state=state, page=page, size=size)


@router.get(
    "/cases/{case_id}", response_model=CaseDetailOut, responses=error_responses(401, 403, 404)
)
def case_detail(principal: Reviewer, session: SessionDep, case_id: Id) -> CaseDetailOut:
    """A case: the employer's data, every check's result, the registry record, the licence."""
    return review.case_detail(session, principal, case_id)


@router.post(
    "/cases/{case_id}/decision",
    response_model=CaseDetailOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def decide(
    principal: Reviewer,
    session: SessionDep,
    container: ContainerDep,
    case_id: Id,
    body: DecisionIn,
) -> CaseDetailOut:
    """Verify or reject a case awaiting review (409 once it is decided)."""
    settings = verification_runtime(container).settings
    policy = Policy(settings.validity_days, settings.review_sla_working_days)
    return review.decide_case(session, principal, case_id, body, policy=policy)


@router.get(
    "/employers/{employer_id}/status",
    response_model=EmployerStatusOut,
    responses=error_responses(401, 403, 404),
)
def employer_status(principal: Member, session: SessionDep, employer_id: Id) -> EmployerStatusOut:
    """The verification status of the caller's own employer, with reasons in plain zh-CN."""
    return review.employer_status(session, principal, employer_id)


# --- enterprise registry imports ------------------------------------------------------------


async def _read_upload(request: Request, max_bytes: int) -> tuple[str, bytes]:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise ImportFileInvalid(
            "请以 multipart/form-data 方式上传 CSV 文件（字段名 file） (send a multipart upload)",
            code="upload_missing_file",
            fields={"file": "缺少上传文件"},
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + MULTIPART_OVERHEAD:
        raise UploadTooLarge(f"文件超过 {max_bytes // 2**20} MB 上限 (upload too large)")

    async def limited() -> Any:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes + MULTIPART_OVERHEAD:
                raise UploadTooLarge(f"文件超过 {max_bytes // 2**20} MB 上限 (upload too large)")
            yield chunk

    parser = MultiPartParser(request.headers, limited(), max_files=1)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise DomainError(
            f"上传内容格式错误 (malformed multipart body: {exc.message})", code="upload_malformed"
        ) from exc
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ImportFileInvalid(
                "缺少上传文件（字段名 file） (the multipart field 'file' is missing)",
                code="upload_missing_file",
                fields={"file": "缺少上传文件"},
            )
        data = await upload.read()
        if len(data) > max_bytes:
            raise UploadTooLarge(f"文件超过 {max_bytes // 2**20} MB 上限 (upload too large)")
        return upload.filename or "upload.csv", data
    finally:
        await form.close()


def _import_out(found: EnterpriseRegistryImport, errors: list[Any]) -> RegistryImportOut:
    return RegistryImportOut(
        id=found.id,
        filename=found.filename,
        encoding=found.encoding,
        province_code=found.province_code,
        rows_total=found.rows_total,
        rows_inserted=found.rows_inserted,
        rows_updated=found.rows_updated,
        rows_rejected=found.rows_rejected,
        errors_total=found.errors_total,
        created_at=found.created_at,
        errors=[
            ImportErrorOut(line=e.line, column=e.column, code=e.code, message=e.message)
            for e in errors[:1_000]
        ],
    )


@router.post(
    "/registry/imports",
    status_code=201,
    response_model=RegistryImportOut,
    responses=error_responses(400, 401, 403, 413, 422),
    openapi_extra=_UPLOAD_BODY,
)
async def import_registry(
    request: Request, principal: Admin, session: SessionDep, container: ContainerDep
) -> RegistryImportOut:
    """Load enterprise registry entries from CSV; bad rows are skipped and reported."""
    max_bytes = verification_runtime(container).settings.max_import_bytes
    filename, data = await _read_upload(request, max_bytes)
    found, errors = await run_in_threadpool(
        registry_import.import_csv, session, principal, filename, data
    )
    return _import_out(found, list(errors))


@router.get(
    "/registry/imports/{import_id}",
    response_model=RegistryImportOut,
    responses=error_responses(401, 403, 404),
)
def get_registry_import(principal: Admin, session: SessionDep, import_id: Id) -> RegistryImportOut:
    """One import's counts and rejected rows (provincial admins: their province's imports)."""
    found, errors = registry_import.get_import(session, principal, import_id)
    return _import_out(found, list(errors))


# --- blacklist ------------------------------------------------------------------------------


@router.get("/blacklist", response_model=list[BlacklistOut], responses=error_responses(401, 403))
def list_blacklist(
    principal: Admin, session: SessionDep, include_removed: bool = False
) -> list[BlacklistOut]:
    """Entries the caller administers or that apply in its province, newest first."""
    return [
        BlacklistOut.model_validate(e, from_attributes=True)
        for e in blacklist.list_entries(session, principal, include_removed=include_removed)
    ]


@router.post(
    "/blacklist",
    status_code=201,
    response_model=BlacklistOut,
    responses=error_responses(401, 403, 409, 422),
)
def add_blacklist_entry(principal: Admin, session: SessionDep, body: BlacklistIn) -> BlacklistOut:
    """Blacklist a credit code or a name pattern (provincial admins: for their province)."""
    entry = blacklist.add_entry(
        session,
        principal,
        kind=BlacklistKind(body.kind),
        value=body.value,
        reason=body.reason,
        province_code=body.province_code,
    )
    return BlacklistOut.model_validate(entry, from_attributes=True)


@router.delete("/blacklist/{entry_id}", status_code=204, responses=error_responses(401, 403, 404))
def remove_blacklist_entry(principal: Admin, session: SessionDep, entry_id: Id) -> Response:
    """Lift a blacklist entry (kept in history with who removed it and when)."""
    blacklist.remove_entry(session, principal, entry_id)
    return Response(status_code=204)
