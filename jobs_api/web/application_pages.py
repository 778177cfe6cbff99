"""Application pages.

Graduates: ``/jobs/{job_id}/apply`` (choose a résumé, write a cover note; not yet verified,
no résumé, job closed and already applied are explained on the page), ``/me/applications``
(status chips) and ``/me/applications/{id}`` (timeline, withdraw).

Employer members: ``/employer/applications`` (filter by job and status, checkboxes with a
bulk action, a status control per row, links to the interview and offer forms) and
``/employer/applications/{id}`` (applicant summary, résumé download, status buttons, private
notes). Everything goes through the applications services, which check the scope.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import FileResponse
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.applications import apply as applying
from jobs_api.applications import employer_pipeline as pipeline
from jobs_api.applications.errors import AlreadyApplied
from jobs_api.applications.figures import response_figures
from jobs_api.applications.models import CLOSED_STATUSES, ApplicationStatus
from jobs_api.applications.pipeline import ALLOWED, EMPLOYER_TARGETS, STATUS_NAMES
from jobs_api.applications.schemas import ApplyIn, BulkStatusIn, NoteIn, StatusChangeIn
from jobs_api.core.deps import SessionDep, SettingsDep
from jobs_api.core.errors import DomainError
from jobs_api.graduates import resumes
from jobs_api.graduates.activation import is_verified_graduate
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import (
    NO_STORE,
    EmployerPage,
    GraduatePage,
    locale_of,
    page,
    see_other,
    translate,
)

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
FormText = Annotated[str, Form(max_length=4000)]

S = ApplicationStatus
# The colour of each status chip (classes of the shared ``.status`` style).
STATUS_STYLES: Final[dict[ApplicationStatus, str]] = {
    S.SUBMITTED: "queued",
    S.VIEWED: "queued",
    S.SHORTLISTED: "running",
    S.INTERVIEW: "running",
    S.OFFER: "running",
    S.HIRED: "completed",
    S.REJECTED: "failed",
    S.WITHDRAWN: "disabled",
}
EMPLOYER_ORDER: Final = (S.VIEWED, S.SHORTLISTED, S.INTERVIEW, S.OFFER, S.HIRED, S.REJECTED)


def _statuses(request: Request) -> dict[str, dict[str, str]]:
    """Label and chip style of every status, in the page's language."""
    english = locale_of(request) == "en"
    return {
        status.value: {"label": names[1] if english else names[0], "style": STATUS_STYLES[status]}
        for status, names in STATUS_NAMES.items()
    }


def _errors(error: DomainError) -> FormErrors:
    return FormErrors(
        error.message, {k: v for k, v in error.fields.items() if k != "application_id"}
    )


# --- graduates: apply ---------------------------------------------------------------------------


def _apply_page(
    request: Request,
    session: SessionDep,
    principal: GraduatePage,
    job_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "job": None,
        "employer": None,
        "figures": None,
        "closed": None,
        "verified": is_verified_graduate(session, principal.user_id),
        "resumes": resumes.list_resumes(session, principal.user_id),
        "existing_id": applying.live_application_id(session, principal.user_id, job_id),
        "values": {"resume_id": "", "cover_note": "", "fair_id": "", **(values or {})},
        "errors": errors or FormErrors(),
        "area": "graduate",
    }
    try:
        job, employer = applying.open_job(session, job_id)
    except DomainError as error:
        if error.status_code == 404:
            raise
        context["closed"] = error.message
    else:
        context["job"], context["employer"] = job, employer
        context["figures"] = response_figures(session, employer.id)
    return page(
        request,
        session,
        principal,
        "applications/apply.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/jobs/{job_id}/apply", response_class=HTMLResponse)
def apply_form(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    job_id: Id,
    fair_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    values = {"fair_id": str(fair_id) if fair_id else ""}
    return _apply_page(request, session, principal, job_id, values=values)


@router.post("/jobs/{job_id}/apply", response_class=HTMLResponse)
def apply_submit(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    settings: SettingsDep,
    job_id: Id,
    _: CsrfChecked,
    resume_id: FormText = "",
    cover_note: FormText = "",
    fair_id: FormText = "",
) -> Response:
    values = {"resume_id": resume_id, "cover_note": cover_note, "fair_id": fair_id}
    if not is_verified_graduate(session, principal.user_id):
        return _apply_page(request, session, principal, job_id, values=values, status_code=403)
    try:
        body = ApplyIn(
            resume_id=int(resume_id) if resume_id.isdigit() else None,
            cover_note=cover_note,
            fair_id=int(fair_id) if fair_id.isdigit() else None,
        )
    except ValidationError:
        errors = FormErrors(translate(request, N_("求职留言不超过 2000 字。")))
        errors.add("cover_note", translate(request, N_("求职留言不超过 2000 字。")))
        return _apply_page(
            request, session, principal, job_id, values=values, errors=errors, status_code=422
        )
    try:
        application = applying.apply(session, principal, settings.data_dir, job_id, body)
    except DomainError as error:
        session.rollback()
        if error.status_code == 404 and not isinstance(error, AlreadyApplied):
            raise
        return _apply_page(
            request,
            session,
            principal,
            job_id,
            values=values,
            errors=_errors(error),
            status_code=error.status_code,
        )
    return see_other(f"/me/applications/{application.id}?applied=1")


# --- graduates: own applications ----------------------------------------------------------------


@router.get("/me/applications", response_class=HTMLResponse)
def my_applications(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    before: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    found = applying.list_mine(
        session, principal, cursor=before if before and before.isdigit() else None
    )
    context = {
        "applications": found.items,
        "next_cursor": found.next_cursor,
        "statuses": _statuses(request),
        "area": "graduate",
    }
    return page(request, session, principal, "applications/mine.html", context, private=True)


@router.get("/me/applications/{application_id}", response_class=HTMLResponse)
def my_application(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    application_id: Id,
    applied: Annotated[str | None, Query(max_length=2)] = None,
) -> Response:
    application = applying.get_mine(session, principal, application_id)
    context = {
        "application": application,
        "statuses": _statuses(request),
        "can_withdraw": S.WITHDRAWN in ALLOWED[application.status],
        "applied": applied == "1",
        "area": "graduate",
    }
    return page(request, session, principal, "applications/detail.html", context, private=True)


@router.post("/me/applications/{application_id}/withdraw")
def withdraw(
    principal: GraduatePage, session: SessionDep, application_id: Id, _: CsrfChecked
) -> Response:
    applying.withdraw(session, principal, application_id)
    return see_other(f"/me/applications/{application_id}")


# --- employers: the pipeline --------------------------------------------------------------------


def _pipeline_page(
    request: Request,
    session: SessionDep,
    principal: EmployerPage,
    *,
    job_id: str | None = None,
    status: str | None = None,
    before: str | None = None,
    done: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    chosen_job = int(job_id) if job_id and job_id.isdigit() else None
    chosen_status = S(status) if status in {s.value for s in S} else None
    found = pipeline.list_applications(
        session,
        principal,
        job_id=chosen_job,
        status=chosen_status,
        cursor=before if before and before.isdigit() else None,
    )
    context = {
        "applications": found.items,
        "next_cursor": found.next_cursor,
        "jobs": pipeline.job_choices(session, principal),
        "chosen_job": chosen_job,
        "chosen_status": chosen_status.value if chosen_status else "",
        "statuses": _statuses(request),
        "targets": [s.value for s in EMPLOYER_ORDER],
        "allowed": {s.value: sorted(t.value for t in ALLOWED[s] & EMPLOYER_TARGETS) for s in S},
        "done": done.isdigit() if done else False,
        "done_count": int(done) if done and done.isdigit() else 0,
        "errors": errors or FormErrors(),
        "area": "employer",
    }
    return page(
        request,
        session,
        principal,
        "applications/pipeline.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/employer/applications", response_class=HTMLResponse)
def pipeline_page(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    job_id: Annotated[str | None, Query(max_length=12)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    before: Annotated[str | None, Query(max_length=20)] = None,
    done: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    return _pipeline_page(
        request, session, principal, job_id=job_id, status=status, before=before, done=done
    )


@router.post("/employer/applications/bulk", response_class=HTMLResponse)
def bulk_submit(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    _: CsrfChecked,
    ids: Annotated[list[str] | None, Form()] = None,
    status: FormText = "",
    reason: FormText = "",
) -> Response:
    chosen = [int(i) for i in ids or [] if i.isdigit()]
    try:
        body = BulkStatusIn(ids=chosen, status=status, reason=reason)
    except ValidationError:
        errors = FormErrors(translate(request, N_("请勾选 1–100 份申请并选择要设置的状态。")))
        return _pipeline_page(request, session, principal, errors=errors, status_code=422)
    try:
        result = pipeline.bulk_status(session, principal, body)
    except DomainError as error:
        session.rollback()
        return _pipeline_page(
            request, session, principal, errors=_errors(error), status_code=error.status_code
        )
    return see_other(f"/employer/applications?done={result.changed}")


@router.get("/employer/applications/{application_id}", response_class=HTMLResponse)
def employer_application(
    request: Request, principal: EmployerPage, session: SessionDep, application_id: Id
) -> Response:
    return _employer_detail(request, session, principal, application_id)


def _employer_detail(
    request: Request,
    session: SessionDep,
    principal: EmployerPage,
    application_id: int,
    *,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    detail = pipeline.read_application(session, principal, application_id)
    context = {
        "application": detail,
        "notes": pipeline.list_notes(session, principal, application_id),
        "statuses": _statuses(request),
        "targets": [
            s.value for s in EMPLOYER_ORDER if s in ALLOWED[detail.status] and s in EMPLOYER_TARGETS
        ],
        "closed": detail.status in CLOSED_STATUSES,
        "errors": errors or FormErrors(),
        "area": "employer",
    }
    return page(
        request,
        session,
        principal,
        "applications/employer_detail.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.post("/employer/applications/{application_id}/status", response_class=HTMLResponse)
def status_submit(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    application_id: Id,
    _: CsrfChecked,
    status: FormText = "",
    reason: FormText = "",
    back: FormText = "",
) -> Response:
    try:
        body = StatusChangeIn(status=status, reason=reason)
    except ValidationError:
        errors = FormErrors(translate(request, N_("请选择要变更的状态，说明不超过 500 字。")))
        return _employer_detail(
            request, session, principal, application_id, errors=errors, status_code=422
        )
    try:
        pipeline.set_status(session, principal, application_id, body)
    except DomainError as error:
        if error.status_code == 404:
            raise
        session.rollback()
        return _employer_detail(
            request,
            session,
            principal,
            application_id,
            errors=_errors(error),
            status_code=error.status_code,
        )
    if back == "list":
        return see_other("/employer/applications?done=1")
    return see_other(f"/employer/applications/{application_id}")


@router.post("/employer/applications/{application_id}/notes", response_class=HTMLResponse)
def note_submit(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    application_id: Id,
    _: CsrfChecked,
    body: FormText = "",
) -> Response:
    try:
        note = NoteIn(body=body)
    except ValidationError:
        errors = FormErrors(fields={"body": translate(request, N_("备注为 1–2000 字。"))})
        return _employer_detail(
            request, session, principal, application_id, errors=errors, status_code=422
        )
    pipeline.add_note(session, principal, application_id, note.body)
    return see_other(f"/employer/applications/{application_id}#notes")


@router.get("/employer/applications/{application_id}/resume")
def resume_file(
    principal: EmployerPage, session: SessionDep, settings: SettingsDep, application_id: Id
) -> Response:
    path, filename = pipeline.resume_download(session, principal, settings.data_dir, application_id)
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=filename,
        content_disposition_type="attachment",
        headers={**NO_STORE, "X-Content-Type-Options": "nosniff"},
    )
