"""Employer pages: public sign-up ``/employer/register``, the member's home ``/employer``
(verification status and jobs) and the public employer page ``/employers/{id}`` that
graduates see (verified employers only; 404 page otherwise)."""

from __future__ import annotations

from typing import Annotated, Any, Final, get_args

from fastapi import APIRouter, Depends, Path
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep, SettingsDep
from jobs_api.core.errors import DomainError
from jobs_api.employers import profile, registration
from jobs_api.employers.schemas import RegistrationIn, SizeBand
from jobs_api.employers.uploads import receive_licence_form
from jobs_api.identity import login
from jobs_api.identity.access import PUBLIC, OptionalPrincipal
from jobs_api.identity.api import KitDep, client_ip
from jobs_api.identity.principal import Principal
from jobs_api.identity.profile import describe_account
from jobs_api.jobs import listing
from jobs_api.reference import service as reference
from jobs_api.web.csrf import CSRF_FIELD, check_csrf
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import (
    EmployerPage,
    page,
    rollback_unless_recorded,
    see_other,
    translate,
)
from jobs_api.web.session_cookie import set_session_cookies

router = APIRouter(include_in_schema=False)
public_router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])

EmployerId = Annotated[int, Path(ge=1, le=2**31 - 1)]

SIZES: Final = get_args(SizeBand)
FORM_FIELDS: Final = (
    "name",
    "uscc",
    "employer_type",
    "industry_code",
    "city_code",
    "size",
    "description",
    "contact_name",
    "contact_phone",
    "username",
)

STATUS_LABELS: Final = {
    "submitted": N_("审核中"),
    "auto_verified": N_("已认证"),
    "verified": N_("已认证"),
    "needs_review": N_("待人工审核"),
    "rejected": N_("未通过"),
    "expired": N_("认证已过期"),
}
STATUS_EXPLANATIONS: Final = {
    "submitted": N_("系统正在自动核验统一社会信用代码、企业登记信息和营业执照，通常几分钟内完成。"),
    "auto_verified": N_("自动核验全部通过，可以发布职位。"),
    "verified": N_("审核人员已确认单位信息，可以发布职位。"),
    "needs_review": N_("部分信息需要人工核对，审核人员会尽快处理；在此之前暂不能发布职位。"),
    "rejected": N_("认证未通过，暂不能发布职位。请根据原因修改单位信息后重新提交。"),
    "expired": N_("认证已过期（满一年或单位名称、信用代码发生变更），请重新认证后再发布职位。"),
}
JOB_STATUS_LABELS: Final = {
    "draft": N_("草稿"),
    "pending_review": N_("待审核"),
    "published": N_("已发布"),
    "closed": N_("已关闭"),
    "rejected": N_("未通过"),
}


def _choices(session: Session) -> dict[str, Any]:
    return {
        "employer_types": [(t.code, t.name_zh) for t in reference.list_employer_types(session)],
        "industries": [
            (i.code, i.name) for i in reference.list_industries(session, level="section")
        ],
        "cities": [(r.code, r.name) for r in reference.list_regions(session, level="prefecture")],
        "sizes": [(size, size) for size in SIZES],
    }


def _register_page(
    request: Request,
    session: Session,
    principal: Principal | None,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {"values": values or {}, "errors": errors or FormErrors(), **_choices(session)}
    return page(
        request, session, principal, "employer/register.html", context, status_code=status_code
    )


@public_router.get("/employer/register", response_class=HTMLResponse)
def register_form(request: Request, session: SessionDep, principal: OptionalPrincipal) -> Response:
    return _register_page(request, session, principal)


@public_router.post("/employer/register", response_class=HTMLResponse)
async def register_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    kit: KitDep,
    principal: OptionalPrincipal,
) -> Response:
    """Register the organisation through the employers service, then sign in as its owner."""
    try:
        form = await receive_licence_form(request)
    except DomainError as error:
        return await run_in_threadpool(
            _register_page,
            request,
            session,
            principal,
            None,
            FormErrors(error.message, dict(error.fields or {})),
            error.status_code,
        )
    check_csrf(request, form.fields.pop(CSRF_FIELD, ""))
    fields = {k: v for k, v in form.fields.items() if k in FORM_FIELDS or k == "password"}
    fields["accept_terms"] = "true" if form.fields.get("accept_terms") else "false"
    shown = {k: v for k, v in fields.items() if k in FORM_FIELDS}
    try:
        data = RegistrationIn.model_validate(fields)
    except ValidationError as exc:
        errors = FormErrors(translate(request, N_("注册信息有误，请检查标出的字段。")))
        for item in exc.errors():
            loc = item.get("loc", ())
            errors.add(str(loc[0]) if loc else "form", translate(request, N_("请检查此项。")))
        return await run_in_threadpool(
            _register_page, request, session, principal, shown, errors, 422
        )
    try:
        await run_in_threadpool(registration.count_attempt, kit.attempts, client_ip(request))
        await run_in_threadpool(
            registration.register_employer, session, kit, data, form.licence, settings.data_dir
        )
        pair = await run_in_threadpool(
            login.password_login,
            session,
            kit,
            data.username,
            data.password,
            client_ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except DomainError as error:
        rollback_unless_recorded(session, error)
        errors = FormErrors(error.message, dict(error.fields or {}))
        return await run_in_threadpool(
            _register_page, request, session, principal, shown, errors, error.status_code
        )
    redirect = see_other("/employer")
    set_session_cookies(redirect, request, pair)
    return redirect


@router.get("/employer", response_class=HTMLResponse)
def employer_home(request: Request, principal: EmployerPage, session: SessionDep) -> Response:
    """Verification status with its explanation and the employer's jobs."""
    employer = profile.get_my_employer(session, principal)
    jobs = listing.list_own_jobs(session, principal, limit=50)
    status = employer.verification_status
    context = {
        "account": describe_account(session, principal.user_id),
        "employer": employer,
        "jobs": jobs.items,
        "status": status,
        "status_label": STATUS_LABELS.get(status, status),
        "status_explanation": STATUS_EXPLANATIONS.get(status, ""),
        "verified": status in ("auto_verified", "verified"),
        "job_status_labels": JOB_STATUS_LABELS,
        "area": "employer",
    }
    return page(request, session, principal, "employer/home.html", context, private=True)


@public_router.get("/employers/{employer_id}", response_class=HTMLResponse)
def public_employer_page(
    request: Request, employer_id: EmployerId, session: SessionDep, principal: OptionalPrincipal
) -> Response:
    """The page graduates see: only verified employers (404 page for any other)."""
    employer = listing.public_employer(session, employer_id)
    return page(request, session, principal, "employer/public.html", {"employer": employer})
