"""学籍 import pages: ``/office/registry`` (upload, past imports) and one import's per-row
error report.

Who may open what: career offices, provincial and national administrators read imports of
their scope (the registry service answers "not found" outside it); only career offices
upload, for their own university. Uploading stores the file and queues the import with the
registry's own functions (``storage.store_upload``, ``service.submit_import``,
``tasks.enqueue_import`` after the commit). The CSV error report and the templates are the
registry API's downloads: the page routes only send the browser there, after the cookie
session has been refreshed if needed.

A queued or running import is followed by ``static/js/registry.js``, which polls the registry
API and reloads the page when the import has finished.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, BackgroundTasks, Path, Query
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.container import Container
from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.identity.principal import Principal, Role
from jobs_api.registry import service as registry
from jobs_api.registry.columns import COLUMNS
from jobs_api.registry.config import registry_config
from jobs_api.registry.models import ImportStatus
from jobs_api.registry.storage import StoredUpload, store_upload, upload_dir
from jobs_api.registry.tasks import enqueue_import
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.office_pages import IMPORT_STATUS_LABELS
from jobs_api.web.page_support import (
    CareerOfficePage,
    OfficePage,
    page,
    rollback_unless_recorded,
    see_other,
    translate,
)
from jobs_api.web.uploads import (
    UploadRejected,
    UploadTooLarge,
    check_form_csrf,
    form_file,
    receive_form,
)

router = APIRouter(include_in_schema=False)

ImportId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PageParam = Annotated[str, Query(alias="page", max_length=10)]
IMPORTS_PER_PAGE: Final = 20
ERRORS_PER_PAGE: Final = 50
API: Final = "/api/v1/registry"
UNFINISHED: Final = frozenset({ImportStatus.QUEUED.value, ImportStatus.RUNNING.value})


def _page_number(raw: str) -> int:
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def _registry_page(
    request: Request,
    session: Session,
    principal: Principal,
    container: Container,
    *,
    page_number: int = 1,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    offset = (page_number - 1) * IMPORTS_PER_PAGE
    imports, total = registry.list_imports(
        session, principal, offset=offset, limit=IMPORTS_PER_PAGE
    )
    context = {
        "imports": imports,
        "total": total,
        "page_number": page_number,
        "pages": max(1, -(-total // IMPORTS_PER_PAGE)),
        "status_labels": IMPORT_STATUS_LABELS,
        "unfinished": UNFINISHED,
        "can_upload": principal.role is Role.CAREER_OFFICE,
        "max_mb": registry_config(container).max_upload_bytes // 2**20,
        "columns": COLUMNS,
        "errors": errors or FormErrors(),
        "api": API,
        "import_page_link": lambda n: f"/office/registry?page={n}",
        "area": "office",
    }
    return page(
        request,
        session,
        principal,
        "office/registry.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/office/registry", response_class=HTMLResponse)
def registry_home(
    request: Request,
    principal: OfficePage,
    session: SessionDep,
    container: ContainerDep,
    page: str = "1",
) -> Response:
    return _registry_page(request, session, principal, container, page_number=_page_number(page))


def _refused(
    request: Request,
    session: Session,
    principal: Principal,
    container: Container,
    message: str,
    status_code: int,
) -> Response:
    errors = FormErrors(fields={"file": message})
    return _registry_page(
        request, session, principal, container, errors=errors, status_code=status_code
    )


@router.post("/office/registry", response_class=HTMLResponse)
async def upload_registry_file(
    request: Request,
    principal: CareerOfficePage,
    session: SessionDep,
    container: ContainerDep,
    background: BackgroundTasks,
) -> Response:
    """Upload a 学籍 file (CSV or XLSX) of the caller's university and queue its import."""
    await run_in_threadpool(registry.career_university, session, principal)
    config = registry_config(container)
    try:
        form = await receive_form(request, config.max_upload_bytes)
    except UploadTooLarge:
        limit = str(config.max_upload_bytes // 2**20)
        message = translate(request, N_("文件超过 %(mb)s MB 上限，请拆分后分批上传。"), mb=limit)
        return await run_in_threadpool(
            _refused, request, session, principal, container, message, 413
        )
    except UploadRejected as error:
        return await run_in_threadpool(
            _refused, request, session, principal, container, error.message, error.status_code
        )
    try:
        check_form_csrf(request, form)
        upload = form_file(form)
        if upload is None:
            message = translate(request, N_("请选择要上传的 CSV 或 XLSX 文件。"))
            return await run_in_threadpool(
                _refused, request, session, principal, container, message, 422
            )
        filename = upload.filename or ""
        try:
            stored: StoredUpload = await run_in_threadpool(
                store_upload, upload.file, upload_dir(container.settings), config.max_upload_bytes
            )
        except DomainError as error:
            return await run_in_threadpool(
                _refused,
                request,
                session,
                principal,
                container,
                error.message,
                error.status_code,
            )
    finally:
        await form.close()
    try:
        submitted = await run_in_threadpool(
            registry.submit_import, session, principal, stored, filename
        )
    except DomainError as error:
        rollback_unless_recorded(session, error)
        return await run_in_threadpool(
            _refused, request, session, principal, container, error.message, error.status_code
        )
    background.add_task(enqueue_import, container.queue, submitted.record.id, config)
    return see_other(f"/office/registry/imports/{submitted.record.id}")


@router.get("/office/registry/imports/{import_id}", response_class=HTMLResponse)
def import_detail(
    request: Request,
    principal: OfficePage,
    session: SessionDep,
    import_id: ImportId,
    page_param: PageParam = "1",
) -> Response:
    page_number = _page_number(page_param)
    record = registry.get_import(session, principal, import_id)
    pages = max(1, -(-record.errors_stored // ERRORS_PER_PAGE))
    page_number = min(page_number, pages)
    record, errors = registry.list_errors(
        session,
        principal,
        import_id,
        offset=(page_number - 1) * ERRORS_PER_PAGE,
        limit=ERRORS_PER_PAGE,
    )
    context = {
        "record": record,
        "errors_page": errors,
        "page_number": page_number,
        "pages": pages,
        "status_labels": IMPORT_STATUS_LABELS,
        "unfinished": record.status in UNFINISHED,
        "api": API,
        "error_page_link": lambda n: f"/office/registry/imports/{import_id}?page={n}",
        "area": "office",
    }
    return page(request, session, principal, "office/import.html", context, private=True)


@router.get("/office/registry/imports/{import_id}/errors.csv")
def import_errors_csv(principal: OfficePage, session: SessionDep, import_id: ImportId) -> Response:
    """The registry API's CSV report (scope checked here first, so a stranger gets a 404 page)."""
    registry.get_import(session, principal, import_id)
    return see_other(f"{API}/imports/{import_id}/errors.csv")


@router.get("/office/registry/template.csv")
def template_csv(principal: CareerOfficePage) -> Response:
    return see_other(f"{API}/template.csv")


@router.get("/office/registry/template.xlsx")
def template_xlsx(principal: CareerOfficePage) -> Response:
    return see_other(f"{API}/template.xlsx")
