"""Offer pages: the employer's offer form ``/employer/applications/{id}/offer/new``, its offers
and agreements ``/employer/agreements`` (withdraw an unanswered offer), and the graduate's
``/me/offers`` (accept — which drafts the agreement — or decline with a reason; their
agreements). Agreement pages themselves are in :mod:`jobs_api.web.agreement_pages`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final

from fastapi import APIRouter, Form, Path, Query
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.agreements import offers
from jobs_api.agreements.errors import InvalidTerms
from jobs_api.agreements.schemas import OfferIn
from jobs_api.agreements.scope import list_agreements
from jobs_api.agreements.views import agreement_summaries, offer_out
from jobs_api.applications.errors import ApplicationNotFound
from jobs_api.applications.models import Application
from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.employers.scope import member_employer_id
from jobs_api.graduates.guards import require_verified_graduate
from jobs_api.identity.principal import Principal
from jobs_api.jobs.models import Job
from jobs_api.jobs.posting import china_today
from jobs_api.web.agreement_pages import (
    common_context,
    form_errors,
    notice_text,
    validation_errors,
)
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import EmployerPage, GraduatePage, page, see_other
from jobs_api.web.reference_options import city_groups

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Reason = Annotated[str, Form(max_length=500)]

OFFER_FIELDS: Final = (
    "position_title",
    "monthly_salary",
    "salary_months",
    "workplace_city_code",
    "start_date",
    "probation_months",
    "respond_by",
    "message",
)


# --- employer: offer form ----------------------------------------------------------------------


def _application_for_offer(session: Session, principal: Principal, application_id: int) -> Job:
    employer_id = member_employer_id(principal)
    application = session.get(Application, application_id)
    if application is None or application.employer_id != employer_id:
        raise ApplicationNotFound("申请不存在 (no such application)")
    return session.get_one(Job, application.job_id)


def _offer_form(
    request: Request,
    session: Session,
    principal: Principal,
    application_id: int,
    values: dict[str, str],
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    job = _application_for_offer(session, principal, application_id)
    context = {
        "area": "employer",
        "application_id": application_id,
        "job": job,
        "cities": city_groups(session),
        "values": values,
        "errors": errors or FormErrors(),
    }
    return page(
        request,
        session,
        principal,
        "agreements/offer_form.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/employer/applications/{application_id}/offer/new", response_class=HTMLResponse)
def offer_form(
    request: Request, principal: EmployerPage, session: SessionDep, application_id: Id
) -> Response:
    job = _application_for_offer(session, principal, application_id)
    today = china_today()
    values = {
        "position_title": job.title,
        "monthly_salary": str(job.salary_min),
        "salary_months": str(job.salary_months),
        "workplace_city_code": job.city_code,
        "start_date": date(today.year, 7, 1).isoformat() if today < date(today.year, 7, 1) else "",
        "probation_months": "3",
        "respond_by": "",
        "message": "",
    }
    return _offer_form(request, session, principal, application_id, values)


@router.post("/employer/applications/{application_id}/offer/new", response_class=HTMLResponse)
async def offer_submit(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    application_id: Id,
    _: CsrfChecked,
) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "").strip() for name in OFFER_FIELDS}
    try:
        data = OfferIn.model_validate({k: v for k, v in values.items() if v != ""})
    except ValidationError as exc:
        errors = validation_errors(request, exc)
        return _offer_form(request, session, principal, application_id, values, errors, 422)
    try:
        offers.issue_offer(session, principal, application_id, data, china_today())
    except DomainError as error:
        session.rollback()
        if error.status_code == 404:
            raise
        return _offer_form(
            request,
            session,
            principal,
            application_id,
            values,
            form_errors(error),
            error.status_code,
        )
    return see_other("/employer/agreements?notice=offer_sent")


@router.post("/employer/offers/{offer_id}/withdraw")
def offer_withdraw(
    principal: EmployerPage, session: SessionDep, offer_id: Id, _: CsrfChecked
) -> Response:
    offers.withdraw_offer(session, principal, offer_id, china_today())
    return see_other("/employer/agreements?notice=withdrawn")


# --- lists -------------------------------------------------------------------------------------


@router.get("/employer/agreements", response_class=HTMLResponse)
def employer_agreements(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    notice: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    issued = offers.list_offers(session, principal, china_today())
    context = {
        **common_context(request),
        "area": "employer",
        "offers": [offer_out(session, o) for o in issued],
        "agreements": agreement_summaries(session, list_agreements(session, principal)),
        "detail_base": "/employer/agreements",
        "notice": notice_text(request, notice),
        "title": N_("录用与三方协议"),
    }
    return page(request, session, principal, "agreements/list.html", context, private=True)


@router.get("/me/offers", response_class=HTMLResponse)
def graduate_offers(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    notice: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    received = offers.list_offers(session, principal, china_today())
    context = {
        **common_context(request),
        "area": "graduate",
        "offers": [offer_out(session, o) for o in received],
        "agreements": agreement_summaries(session, list_agreements(session, principal)),
        "detail_base": "/me/agreements",
        "notice": notice_text(request, notice),
        "title": N_("录用通知与签约"),
    }
    return page(request, session, principal, "agreements/offers.html", context, private=True)


# --- graduate: answer an offer -----------------------------------------------------------------


def _offers_refused(
    request: Request, session: Session, principal: Principal, error: DomainError
) -> Response:
    session.rollback()
    if error.status_code == 404:
        raise error
    received = offers.list_offers(session, principal, china_today())
    context = {
        **common_context(request),
        "area": "graduate",
        "offers": [offer_out(session, o) for o in received],
        "agreements": agreement_summaries(session, list_agreements(session, principal)),
        "detail_base": "/me/agreements",
        "errors": form_errors(error),
        "title": N_("录用通知与签约"),
    }
    return page(
        request,
        session,
        principal,
        "agreements/offers.html",
        context,
        status_code=error.status_code,
        private=True,
    )


@router.post("/me/offers/{offer_id}/accept", response_class=HTMLResponse)
def offer_accept(
    request: Request, principal: GraduatePage, session: SessionDep, offer_id: Id, _: CsrfChecked
) -> Response:
    try:
        require_verified_graduate(principal, session)
        _offer, agreement = offers.accept_offer(session, principal, offer_id, china_today())
    except DomainError as error:
        return _offers_refused(request, session, principal, error)
    return see_other(f"/me/agreements/{agreement.id}?notice=accepted")


@router.post("/me/offers/{offer_id}/decline", response_class=HTMLResponse)
def offer_decline(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    offer_id: Id,
    _: CsrfChecked,
    reason: Reason = "",
) -> Response:
    try:
        if not reason.strip():
            raise InvalidTerms("请填写拒绝原因 (give a reason)", fields={"reason": "required"})
        offers.decline_offer(session, principal, offer_id, reason.strip(), china_today())
    except DomainError as error:
        return _offers_refused(request, session, principal, error)
    return see_other("/me/offers?notice=declined")
