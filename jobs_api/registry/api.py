"""Registry (学籍) import API.

* ``POST /imports`` — a career office uploads its university's 学籍 file (multipart, field
  ``file``); the import is queued and its id returned at once (202). The body is streamed and
  refused past the size limit; the route declares no body parameter, so the caller is
  authenticated and authorised before a byte of the upload is read.
* ``GET /imports``, ``/imports/{id}``, ``/imports/{id}/errors`` and ``.../errors.csv`` —
  career office (own university), provincial admin (its province), national admin (all).
* ``GET /template.xlsx`` and ``/template.csv`` — career office.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.core.errors import DomainError, error_responses
from jobs_api.identity.access import allow
from jobs_api.identity.principal import Principal, Role
from jobs_api.registry import service, template
from jobs_api.registry.config import registry_config
from jobs_api.registry.errors import UnsupportedFileType
from jobs_api.registry.models import ImportStatus, RegistryImportError
from jobs_api.registry.schemas import (
    ImportAcceptedOut,
    ImportErrorOut,
    ImportErrorPage,
    ImportOut,
    ImportPage,
)
from jobs_api.registry.storage import store_upload, too_large, upload_dir
from jobs_api.registry.tasks import enqueue_import

router = APIRouter(prefix="/api/v1/registry", tags=["registry"])

CareerOffice = Annotated[Principal, Depends(allow(Role.CAREER_OFFICE))]
Reader = Annotated[
    Principal, Depends(allow(Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN))
]
ImportId = Annotated[int, Path(ge=1, le=2**31 - 1)]
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
                            "description": "学籍 file: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030)"
                            " or XLSX, header row first",
                        }
                    },
                }
            }
        },
    }
}


def _bad_upload(message: str) -> DomainError:
    return DomainError(message, code="upload_malformed", status=400)


async def _limited(request: Request, max_bytes: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > max_bytes + MULTIPART_OVERHEAD:
            raise too_large(max_bytes)
        yield chunk


async def _receive_file(request: Request, max_bytes: int) -> UploadFile:
    """The uploaded ``file`` part, spooled to a temporary file; the stream is cut off as soon
    as it passes the limit."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise UnsupportedFileType(
            "请以 multipart/form-data 方式上传文件（字段名 file） (send a multipart upload)",
            fields={"file": "缺少上传文件"},
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + MULTIPART_OVERHEAD:
        raise too_large(max_bytes)
    parser = MultiPartParser(request.headers, _limited(request, max_bytes), max_files=1)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise _bad_upload(f"上传内容格式错误 (malformed multipart body: {exc.message})") from exc
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        await form.close()
        raise DomainError(
            "缺少上传文件（字段名 file） (the multipart field 'file' is missing)",
            code="upload_missing_file",
            status=422,
            fields={"file": "缺少上传文件"},
        )
    return upload


@router.post(
    "/imports",
    status_code=202,
    response_model=ImportAcceptedOut,
    responses=error_responses(400, 401, 403, 413, 415, 422),
    openapi_extra=_UPLOAD_BODY,
)
async def submit_import(
    request: Request,
    principal: CareerOffice,
    session: SessionDep,
    container: ContainerDep,
    background: BackgroundTasks,
) -> ImportAcceptedOut:
    """Upload a 学籍 file of the caller's university; its rows are imported in the background.

    The type is decided by content (XLSX or CSV text; PDF, legacy .xls and other binaries get
    415), the header is checked at once (422 naming the missing columns). Uploading the same
    content again while an earlier import of it is unfinished continues that import.
    """
    await run_in_threadpool(service.career_university, session, principal)
    config = registry_config(container)
    upload = await _receive_file(request, config.max_upload_bytes)
    try:
        stored = await run_in_threadpool(
            store_upload, upload.file, upload_dir(container.settings), config.max_upload_bytes
        )
    finally:
        await upload.close()
    submitted = await run_in_threadpool(
        service.submit_import, session, principal, stored, upload.filename or ""
    )
    background.add_task(enqueue_import, container.queue, submitted.record.id, config)
    body = ImportOut.model_validate(submitted.record).model_dump()
    return ImportAcceptedOut(**body, resumed=submitted.resumed)


@router.get("/imports", response_model=ImportPage, responses=error_responses(401, 403, 422))
def list_imports(
    principal: Reader,
    session: SessionDep,
    status: ImportStatus | None = None,
    university_id: Annotated[int | None, Query(ge=1)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ImportPage:
    """Imports in the caller's scope, newest first."""
    rows, total = service.list_imports(
        session, principal, status=status, university_id=university_id, offset=offset, limit=limit
    )
    return ImportPage(
        items=[ImportOut.model_validate(r) for r in rows], total=total, offset=offset, limit=limit
    )


@router.get(
    "/imports/{import_id}", response_model=ImportOut, responses=error_responses(401, 403, 404)
)
def get_import(principal: Reader, session: SessionDep, import_id: ImportId) -> ImportOut:
    """Status and counts of one import."""
    return ImportOut.model_validate(service.get_import(session, principal, import_id))


@router.get(
    "/imports/{import_id}/errors",
    response_model=ImportErrorPage,
    responses=error_responses(401, 403, 404, 422),
)
def list_import_errors(
    principal: Reader,
    session: SessionDep,
    import_id: ImportId,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ImportErrorPage:
    """The per-row error report: line (header = 1), column, code and a zh-CN message."""
    record, errors = service.list_errors(session, principal, import_id, offset=offset, limit=limit)
    return ImportErrorPage(
        import_id=record.id,
        items=[ImportErrorOut.model_validate(e) for e in errors],
        errors_total=record.errors_total,
        errors_stored=record.errors_stored,
        offset=offset,
        limit=limit,
    )


_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_CSV_RISKY) else text


def _errors_csv(errors: list[RegistryImportError]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["行号", "列", "错误代码", "说明"])
    for error in errors:
        writer.writerow([error.line, _csv_safe(error.column), error.code, _csv_safe(error.message)])
    return buffer.getvalue().encode("utf-8-sig")


@router.get(
    "/imports/{import_id}/errors.csv",
    response_class=Response,
    responses={
        **error_responses(401, 403, 404),
        200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"},
    },
)
def download_import_errors(principal: Reader, session: SessionDep, import_id: ImportId) -> Response:
    """The whole stored error report as CSV (UTF-8 with BOM, so Excel shows the Chinese)."""
    record, errors = service.list_errors(session, principal, import_id, limit=None)
    return Response(
        content=_errors_csv(list(errors)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="registry-import-{record.id}-errors.csv"'
        },
    )


@router.get(
    "/template.xlsx",
    response_class=Response,
    responses={
        **error_responses(401, 403),
        200: {"content": {template.XLSX_MEDIA_TYPE: {}}, "description": "XLSX template"},
    },
)
def download_template_xlsx(principal: CareerOffice) -> Response:
    """The import template as an Excel workbook (code columns pre-set to text)."""
    return Response(
        content=template.xlsx_template_bytes(),
        media_type=template.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="registry_template.xlsx"'},
    )


@router.get(
    "/template.csv",
    response_class=Response,
    responses={
        **error_responses(401, 403),
        200: {"content": {"text/csv": {}}, "description": "CSV template (UTF-8 with BOM)"},
    },
)
def download_template_csv(principal: CareerOffice) -> Response:
    """The import template as CSV: the header row only."""
    return Response(
        content=template.csv_template_bytes(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="registry_template.csv"'},
    )
