"""Tripartite-agreement pages (offers are in :mod:`jobs_api.web.offer_pages`).

* employer members: the agreement ``/employer/agreements/{id}`` (edit terms, sign, ask for
  解约, PDF);
* graduates: ``/me/agreements/{id}`` (review, sign after a confirmation, ask for 解约, PDF);
* career office and administrators above it: ``/office/agreements`` (queue: pending approval and
  解约 requests) and ``/office/agreements/{id}`` (approve / return; approve / reject 解约);
* anyone: ``/agreements/verify`` (check a verification code).

The services check scope and state; a refusal is shown on the page with its status code.
The PDF link points at ``/api/v1/agreements/{id}/pdf`` (the pages' cookie signs it in).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Form, Path, Query
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.agreements import approval, drafting, signing, termination
from jobs_api.agreements.drafting import BREACH_PENALTY_CAP, format_code
from jobs_api.agreements.schemas import (
    AgreementOut,
    TerminationCategory,
    TerminationIn,
    TermsPatch,
)
from jobs_api.agreements.scope import agreement_for
from jobs_api.agreements.termination import REASON_LABELS
from jobs_api.agreements.verification import verify
from jobs_api.agreements.views import (
    OFFER_STATUS_NAMES,
    STATUS_NAMES,
    agreement_out,
    agreement_summaries,
)
from jobs_api.core.audit import record_audit
from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.graduates.guards import require_verified_graduate
from jobs_api.identity.access import PUBLIC, OptionalPrincipal
from jobs_api.identity.principal import Principal, Role
from jobs_api.jobs.posting import china_today
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import (
    EmployerPage,
    GraduatePage,
    OfficePage,
    locale_of,
    page,
    see_other,
    translate,
)
from jobs_api.web.reference_options import city_groups

router = APIRouter(include_in_schema=False)
public_router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Reason = Annotated[str, Form(max_length=500)]

TERM_FIELDS: Final = (
    "position_title",
    "monthly_salary",
    "salary_months",
    "workplace_city_code",
    "start_date",
    "term_months",
    "probation_months",
    "breach_penalty",
    "other_terms",
)
EVENT_LABELS: Final = {
    "drafted": N_("生成协议草稿"),
    "terms_edited": N_("用人单位修改条款"),
    "graduate_signed": N_("毕业生签署"),
    "employer_signed": N_("用人单位签署"),
    "approved": N_("学校审核通过"),
    "returned": N_("学校退回"),
    "termination_requested": N_("申请解约"),
    "terminated": N_("解约生效"),
    "termination_rejected": N_("解约未获同意"),
}
REASON_CHOICES: Final = {
    TerminationCategory.MUTUAL: N_("协商一致"),
    TerminationCategory.EMPLOYER: N_("用人单位原因"),
    TerminationCategory.GRADUATE: N_("毕业生原因"),
    TerminationCategory.OTHER: N_("其他"),
}
NOTICES: Final = {
    "offer_sent": N_("录用通知已发出。"),
    "withdrawn": N_("录用通知已撤回。"),
    "declined": N_("已拒绝该录用通知。"),
    "accepted": N_("已接受录用通知，三方协议草稿已生成。"),
    "saved": N_("条款已保存。"),
    "signed": N_("已签署。"),
    "termination": N_("解约申请已提交，等待学校审核。"),
    "approved": N_("已审核通过。"),
    "returned": N_("已退回。"),
    "terminated": N_("已同意解约。"),
    "kept": N_("已驳回解约申请。"),
}
assert set(REASON_CHOICES) == set(REASON_LABELS)


def _status_name(request: Request, status: str, names: dict[str, tuple[str, str]]) -> str:
    zh, en = names.get(status, (status, status))
    return en if locale_of(request) == "en" else zh


def notice_text(request: Request, key: str | None) -> str | None:
    return translate(request, NOTICES[key]) if key in NOTICES else None


def common_context(request: Request) -> dict[str, Any]:
    return {
        "status_names": {k: _status_name(request, k, STATUS_NAMES) for k in STATUS_NAMES},
        "offer_status_names": {
            k: _status_name(request, k, OFFER_STATUS_NAMES) for k in OFFER_STATUS_NAMES
        },
        "event_labels": EVENT_LABELS,
        "reason_choices": REASON_CHOICES,
        "errors": FormErrors(),
        "notice": None,
    }


def form_errors(error: DomainError) -> FormErrors:
    return FormErrors(error.message, dict(error.fields or {}))


def validation_errors(request: Request, exc: ValidationError) -> FormErrors:
    errors = FormErrors(translate(request, N_("信息有误，请检查标出的字段。")))
    for item in exc.errors():
        loc = item.get("loc", ())
        errors.add(str(loc[0]) if loc else "form", translate(request, N_("请检查此项。")))
    return errors


# --- career office queue ----------------------------------------------------------------------


@router.get("/office/agreements", response_class=HTMLResponse)
def office_agreements(
    request: Request,
    principal: OfficePage,
    session: SessionDep,
    notice: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    context = {
        **common_context(request),
        "area": "office",
        "offers": None,
        "agreements": agreement_summaries(session, approval.office_queue(session, principal)),
        "detail_base": "/office/agreements",
        "notice": notice_text(request, notice),
        "title": N_("三方协议审核"),
    }
    return page(request, session, principal, "agreements/list.html", context, private=True)


# --- agreement detail (all three audiences) ----------------------------------------------------


def _term_values(data: AgreementOut) -> dict[str, str]:
    values = {f: str(getattr(data, f)) for f in TERM_FIELDS if f != "workplace_city_code"}
    values["workplace_city_code"] = data.workplace.code
    return values


def _detail(
    request: Request,
    session: Session,
    principal: Principal,
    agreement_id: int,
    *,
    area: str,
    base: str,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    agreement = agreement_for(session, principal, agreement_id)
    if principal.user_id != agreement.user_id:
        record_audit(
            session,
            actor_user_id=principal.user_id,
            actor_role=principal.role.value,
            action="agreement.read",
            subject_type="agreement",
            subject_id=agreement.id,
        )
    data: AgreementOut = agreement_out(session, agreement)
    context = {
        **common_context(request),
        "area": area,
        "base": base,
        "a": data,
        "role": principal.role.value,
        "code": format_code(data.verification_code),
        "editable": data.status in drafting.EDITABLE_STATUSES,
        "signable": data.status in signing.SIGNABLE_STATUSES,
        "penalty_cap": BREACH_PENALTY_CAP,
        "cities": city_groups(session),
        "values": values or _term_values(data),
        "errors": errors or FormErrors(),
        "notice": notice_text(request, notice),
    }
    return page(
        request,
        session,
        principal,
        "agreements/detail.html",
        context,
        status_code=status_code,
        private=True,
    )


_AREAS: Final = {
    Role.GRADUATE: ("graduate", "/me/agreements"),
    Role.EMPLOYER_MEMBER: ("employer", "/employer/agreements"),
}


def _area(principal: Principal) -> tuple[str, str]:
    return _AREAS.get(principal.role, ("office", "/office/agreements"))


def _refused(
    request: Request,
    session: Session,
    principal: Principal,
    agreement_id: int,
    error: DomainError,
    values: dict[str, str] | None = None,
) -> Response:
    session.rollback()
    if error.status_code == 404:
        raise error
    area, base = _area(principal)
    return _detail(
        request,
        session,
        principal,
        agreement_id,
        area=area,
        base=base,
        errors=form_errors(error),
        values=values,
        status_code=error.status_code,
    )


@router.get("/employer/agreements/{agreement_id}", response_class=HTMLResponse)
def employer_agreement(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    agreement_id: Id,
    notice: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    area, base = _area(principal)
    return _detail(request, session, principal, agreement_id, area=area, base=base, notice=notice)


@router.get("/me/agreements/{agreement_id}", response_class=HTMLResponse)
def graduate_agreement(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    agreement_id: Id,
    notice: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    area, base = _area(principal)
    return _detail(request, session, principal, agreement_id, area=area, base=base, notice=notice)


@router.get("/office/agreements/{agreement_id}", response_class=HTMLResponse)
def office_agreement(
    request: Request,
    principal: OfficePage,
    session: SessionDep,
    agreement_id: Id,
    notice: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return _detail(
        request,
        session,
        principal,
        agreement_id,
        area="office",
        base="/office/agreements",
        notice=notice,
    )


@router.post("/employer/agreements/{agreement_id}/terms", response_class=HTMLResponse)
async def employer_terms(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    agreement_id: Id,
    _: CsrfChecked,
) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "").strip() for name in TERM_FIELDS}
    raw: dict[str, Any] = {k: v for k, v in values.items() if v != "" or k == "other_terms"}
    try:
        patch = TermsPatch.model_validate(raw)
        drafting.edit_terms(session, principal, agreement_id, patch, china_today())
    except ValidationError as exc:
        area, base = _area(principal)
        return _detail(
            request,
            session,
            principal,
            agreement_id,
            area=area,
            base=base,
            errors=validation_errors(request, exc),
            values=values,
            status_code=422,
        )
    except DomainError as error:
        return _refused(request, session, principal, agreement_id, error, values)
    return see_other(f"/employer/agreements/{agreement_id}?notice=saved")


def _sign(request: Request, session: Session, principal: Principal, agreement_id: int) -> Response:
    _area_name, base = _area(principal)
    try:
        if principal.role is Role.GRADUATE:
            require_verified_graduate(principal, session)
            signing.sign_as_graduate(session, principal, agreement_id)
        else:
            signing.sign_as_employer(session, principal, agreement_id)
    except DomainError as error:
        return _refused(request, session, principal, agreement_id, error)
    return see_other(f"{base}/{agreement_id}?notice=signed")


@router.post("/employer/agreements/{agreement_id}/sign", response_class=HTMLResponse)
def employer_sign(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    agreement_id: Id,
    _: CsrfChecked,
) -> Response:
    return _sign(request, session, principal, agreement_id)


@router.post("/me/agreements/{agreement_id}/sign", response_class=HTMLResponse)
def graduate_sign(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    agreement_id: Id,
    _: CsrfChecked,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if confirm != "yes":
        errors = FormErrors(translate(request, N_("请先确认已阅读并同意协议条款。")))
        return _detail(
            request,
            session,
            principal,
            agreement_id,
            area="graduate",
            base="/me/agreements",
            errors=errors,
            status_code=422,
        )
    return _sign(request, session, principal, agreement_id)


def _request_termination(
    request: Request,
    session: Session,
    principal: Principal,
    agreement_id: int,
    category: str,
    detail: str,
) -> Response:
    _area_name, base = _area(principal)
    try:
        body = TerminationIn.model_validate({"category": category, "detail": detail})
        termination.request_termination(session, principal, agreement_id, body)
    except ValidationError:
        errors = FormErrors(translate(request, N_("请选择解约原因。")))
        area, base = _area(principal)
        return _detail(
            request,
            session,
            principal,
            agreement_id,
            area=area,
            base=base,
            errors=errors,
            status_code=422,
        )
    except DomainError as error:
        return _refused(request, session, principal, agreement_id, error)
    return see_other(f"{base}/{agreement_id}?notice=termination")


@router.post("/employer/agreements/{agreement_id}/termination", response_class=HTMLResponse)
def employer_termination(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    agreement_id: Id,
    _: CsrfChecked,
    category: Annotated[str, Form(max_length=20)] = "",
    detail: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    return _request_termination(request, session, principal, agreement_id, category, detail)


@router.post("/me/agreements/{agreement_id}/termination", response_class=HTMLResponse)
def graduate_termination(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    agreement_id: Id,
    _: CsrfChecked,
    category: Annotated[str, Form(max_length=20)] = "",
    detail: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    return _request_termination(request, session, principal, agreement_id, category, detail)


# --- career office decisions -------------------------------------------------------------------


def _decide(
    request: Request,
    session: Session,
    principal: Principal,
    agreement_id: int,
    action: str,
    reason: str,
) -> Response:
    try:
        if action in ("return", "reject") and not reason.strip():
            errors = FormErrors(translate(request, N_("请填写原因。")))
            return _detail(
                request,
                session,
                principal,
                agreement_id,
                area="office",
                base="/office/agreements",
                errors=errors,
                status_code=422,
            )
        if action == "approve":
            approval.approve(session, principal, agreement_id)
            notice = "approved"
        elif action == "return":
            approval.return_for_changes(session, principal, agreement_id, reason.strip())
            notice = "returned"
        elif action == "terminate":
            termination.approve_termination(session, principal, agreement_id)
            notice = "terminated"
        else:
            termination.reject_termination(session, principal, agreement_id, reason.strip())
            notice = "kept"
    except DomainError as error:
        return _refused(request, session, principal, agreement_id, error)
    return see_other(f"/office/agreements?notice={notice}")


@router.post("/office/agreements/{agreement_id}/approve", response_class=HTMLResponse)
def office_approve(
    request: Request, principal: OfficePage, session: SessionDep, agreement_id: Id, _: CsrfChecked
) -> Response:
    return _decide(request, session, principal, agreement_id, "approve", "")


@router.post("/office/agreements/{agreement_id}/return", response_class=HTMLResponse)
def office_return(
    request: Request,
    principal: OfficePage,
    session: SessionDep,
    agreement_id: Id,
    _: CsrfChecked,
    reason: Reason = "",
) -> Response:
    return _decide(request, session, principal, agreement_id, "return", reason)


@router.post("/office/agreements/{agreement_id}/termination/approve", response_class=HTMLResponse)
def office_terminate(
    request: Request, principal: OfficePage, session: SessionDep, agreement_id: Id, _: CsrfChecked
) -> Response:
    return _decide(request, session, principal, agreement_id, "terminate", "")


@router.post("/office/agreements/{agreement_id}/termination/reject", response_class=HTMLResponse)
def office_keep(
    request: Request,
    principal: OfficePage,
    session: SessionDep,
    agreement_id: Id,
    _: CsrfChecked,
    reason: Reason = "",
) -> Response:
    return _decide(request, session, principal, agreement_id, "reject", reason)


# --- public verification -----------------------------------------------------------------------


@public_router.get("/agreements/verify", response_class=HTMLResponse)
def verify_page(
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    code: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    result = verify(session, code) if code else None
    context = {
        **common_context(request),
        "code": code or "",
        "result": result,
    }
    return page(request, session, principal, "agreements/verify.html", context)
