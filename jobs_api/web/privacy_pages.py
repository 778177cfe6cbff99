"""The graduate's résumés (``/me/resumes``) and privacy page (``/me/privacy``: consents,
export of everything held, account deletion).

Everything here is for graduates and calls :mod:`jobs_api.graduates.resumes`,
:mod:`~jobs_api.graduates.consent`, :mod:`~jobs_api.graduates.export` and
:mod:`~jobs_api.graduates.deletion`; the services check ownership (someone else's résumé id
is "not found").
"""

from __future__ import annotations

from pathlib import Path as PathType
from typing import Annotated, Final

from fastapi import APIRouter, Form, Path
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from jobs_api.core.deps import SessionDep, SettingsDep
from jobs_api.core.errors import DomainError
from jobs_api.graduates import consent, deletion, export, resumes
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.identity.api import KitDep, client_ip
from jobs_api.identity.principal import Principal
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.graduate_pages import CONSENT_TEXTS
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import (
    NO_STORE,
    GraduatePage,
    add_retry_after,
    page,
    rollback_unless_recorded,
    see_other,
    translate,
)
from jobs_api.web.session_cookie import clear_session_cookies
from jobs_api.web.uploads import (
    UploadRejected,
    UploadTooLarge,
    check_form_csrf,
    form_file,
    form_text,
    receive_form,
)

router = APIRouter(include_in_schema=False)

ResumeId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FormText = Annotated[str, Form()]

RESUME_NOTICES: Final = {
    "uploaded": N_("简历已上传。"),
    "duplicate": N_("这份简历之前已上传过，未重复保存。"),
    "default": N_("已设为默认简历。"),
    "deleted": N_("简历已删除。"),
}
PRIVACY_NOTICES: Final = {
    "granted": N_("已同意该用途。"),
    "withdrawn": N_("已撤回该授权。"),
}


# --- résumés ------------------------------------------------------------------------------


def _resumes_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "resumes": resumes.list_resumes(session, principal.user_id),
        "max_resumes": resumes.MAX_RESUMES,
        "max_bytes": resumes.MAX_RESUME_BYTES,
        "notice": notice,
        "errors": errors or FormErrors(),
        "area": "graduate",
    }
    return page(
        request,
        session,
        principal,
        "me/resumes.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/me/resumes", response_class=HTMLResponse)
def list_resumes(
    request: Request, principal: GraduatePage, session: SessionDep, notice: str = ""
) -> Response:
    return _resumes_page(request, session, principal, notice=RESUME_NOTICES.get(notice))


@router.post("/me/resumes", response_class=HTMLResponse)
async def upload_resume(
    request: Request, principal: GraduatePage, session: SessionDep, settings: SettingsDep
) -> Response:
    """Upload a PDF résumé. The body is read only now, after the access rule, and no
    further than the size limit."""
    try:
        form = await receive_form(request, resumes.MAX_RESUME_BYTES)
    except UploadTooLarge:
        message = translate(request, N_("简历文件不能超过 5 MB。"))
        return await run_in_threadpool(_upload_refused, request, session, principal, message, 413)
    except UploadRejected as error:
        return await run_in_threadpool(
            _upload_refused, request, session, principal, error.message, error.status_code
        )
    try:
        check_form_csrf(request, form)
        upload = form_file(form)
        if upload is None:
            message = translate(request, N_("请选择要上传的 PDF 文件。"))
            return await run_in_threadpool(
                _upload_refused, request, session, principal, message, 422
            )
        data = await upload.read(resumes.MAX_RESUME_BYTES + 1)
        return await run_in_threadpool(
            _store_resume,
            request,
            session,
            principal,
            settings.data_dir,
            data,
            upload.filename,
            form_text(form, "make_default") == "1",
        )
    finally:
        await form.close()


def _upload_refused(
    request: Request, session: Session, principal: Principal, message: str, status_code: int
) -> Response:
    errors = FormErrors(fields={"file": message})
    return _resumes_page(request, session, principal, errors=errors, status_code=status_code)


def _store_resume(
    request: Request,
    session: Session,
    principal: Principal,
    data_dir: PathType,
    data: bytes,
    filename: str | None,
    make_default: bool,
) -> Response:
    try:
        _stored, created = resumes.upload_resume(
            session, principal, data_dir, data, filename, make_default=make_default
        )
    except DomainError as error:
        rollback_unless_recorded(session, error)
        return _upload_refused(request, session, principal, error.message, error.status_code)
    return see_other("/me/resumes?notice=" + ("uploaded" if created else "duplicate"))


@router.post("/me/resumes/{resume_id}/default")
def make_default(
    principal: GraduatePage, _: CsrfChecked, session: SessionDep, resume_id: ResumeId
) -> Response:
    resumes.set_default(session, principal, resume_id)
    return see_other("/me/resumes?notice=default")


@router.post("/me/resumes/{resume_id}/delete")
def delete_resume(
    principal: GraduatePage,
    _: CsrfChecked,
    session: SessionDep,
    settings: SettingsDep,
    resume_id: ResumeId,
) -> Response:
    resumes.delete_resume(session, principal, settings.data_dir, resume_id)
    return see_other("/me/resumes?notice=deleted")


@router.get("/me/resumes/{resume_id}/file")
def download_resume(
    principal: GraduatePage, session: SessionDep, settings: SettingsDep, resume_id: ResumeId
) -> Response:
    path, filename = resumes.resume_file(session, principal, settings.data_dir, resume_id)
    return FileResponse(
        path,
        media_type=resumes.PDF_MEDIA_TYPE,
        filename=filename,
        content_disposition_type="attachment",
        headers={**NO_STORE, "X-Content-Type-Options": "nosniff"},
    )


# --- privacy: consents, export, deletion --------------------------------------------------


def _privacy_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    state = consent.consents_out(session, principal.user_id)
    rows = [
        {
            "purpose": item.purpose.value,
            "title": CONSENT_TEXTS[item.purpose][0],
            "text": CONSENT_TEXTS[item.purpose][1],
            "granted": item.granted,
            "granted_at": item.granted_at,
            "withdrawn_at": item.withdrawn_at,
        }
        for item in state.consents
    ]
    titles = {purpose.value: title for purpose, (title, _) in CONSENT_TEXTS.items()}
    context = {
        "consents": rows,
        "history": state.history,
        "titles": titles,
        "text_version": state.current_text_version,
        "notice": notice,
        "errors": errors or FormErrors(),
        "area": "graduate",
    }
    return page(
        request,
        session,
        principal,
        "me/privacy.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/me/privacy", response_class=HTMLResponse)
def privacy(
    request: Request, principal: GraduatePage, session: SessionDep, notice: str = ""
) -> Response:
    return _privacy_page(request, session, principal, notice=PRIVACY_NOTICES.get(notice))


@router.post("/me/privacy/consents")
def change_consent(
    request: Request,
    principal: GraduatePage,
    _: CsrfChecked,
    session: SessionDep,
    purpose: FormText = "",
    granted: FormText = "",
) -> Response:
    try:
        chosen = ConsentPurpose(purpose)
    except ValueError:
        errors = FormErrors(translate(request, N_("未知的授权用途。")))
        return _privacy_page(request, session, principal, errors=errors, status_code=422)
    consent.set_consent(session, principal, chosen, granted == "1")
    return see_other("/me/privacy?notice=" + ("granted" if granted == "1" else "withdrawn"))


@router.get("/me/privacy/export")
def export_data(principal: GraduatePage, session: SessionDep) -> Response:
    """Everything held about the graduate as a JSON download (masked identifiers; audited)."""
    document = export.export_my_data(session, principal)
    stamp = document.exported_at.strftime("%Y%m%d-%H%M%S")
    return Response(
        document.model_dump_json(indent=2),
        media_type="application/json; charset=utf-8",
        headers={
            **NO_STORE,
            "Content-Disposition": f'attachment; filename="gradmatch-my-data-{stamp}.json"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/me/privacy/delete", response_class=HTMLResponse)
def delete_account(
    request: Request,
    principal: GraduatePage,
    _: CsrfChecked,
    session: SessionDep,
    settings: SettingsDep,
    kit: KitDep,
    password: FormText = "",
    confirm: FormText = "",
) -> Response:
    errors = FormErrors()
    if confirm != "1":
        errors.add("confirm", translate(request, N_("请勾选确认：我已了解注销后无法恢复。")))
    if not password:
        errors.add("password", translate(request, N_("请输入当前密码以确认注销。")))
    if errors:
        return _privacy_page(request, session, principal, errors=errors, status_code=422)
    try:
        deletion.delete_my_account(
            session,
            kit,
            principal,
            password[:256],
            data_dir=settings.data_dir,
            client_ip=client_ip(request),
        )
    except DomainError as error:
        rollback_unless_recorded(session, error)
        failed = FormErrors(fields={"password": error.message})
        response = _privacy_page(
            request, session, principal, errors=failed, status_code=error.status_code
        )
        return add_retry_after(response, error)
    done = see_other("/login?notice=deleted")
    clear_session_cookies(done, request)
    return done
