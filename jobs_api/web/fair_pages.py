"""Fair pages (专场招聘会).

* anyone: ``/fairs`` (published fairs by phase, industry and province; a graduate's
  university first, flagged 为你的学校举办) and ``/fairs/{id}`` (employers, jobs with links to
  the job and to applying through the fair);
* organizers (career offices, provincial and national administrators): ``/office/fairs``,
  ``/office/fairs/new`` and ``/office/fairs/{id}`` (edit, publish, cancel, statistics with a
  bar chart by university); the service limits each to the fairs it organizes (404 page);
* employer members: ``/employer/fairs`` (register with a booth intro, withdraw, attach and
  detach own published jobs; the service's gate refuses unverified employers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.fairs import browsing, organizing, participation, statistics
from jobs_api.fairs.models import Fair, OrganizerLevel
from jobs_api.fairs.schemas import FairIn, FairPatch, FairStatsOut, FairWhen, RegistrationIn
from jobs_api.fairs.views import fair_out, fair_outs
from jobs_api.identity.access import PUBLIC, OptionalPrincipal
from jobs_api.identity.principal import Principal, Role
from jobs_api.jobs import listing
from jobs_api.jobs.models import JobStatus
from jobs_api.reference import service as reference
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors, field_errors_from_validation, split_values
from jobs_api.web.page_support import (
    EmployerPage,
    OfficePage,
    page,
    rollback_unless_recorded,
    see_other,
    translate,
)

router = APIRouter(include_in_schema=False)
public_router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])

FairId = Annotated[int, Path(ge=1, le=2**31 - 1)]
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PAGE_SIZE: Final = 20
FORM_FIELDS: Final = ("title", "theme", "industry_code", "starts_on", "ends_on", "description")
CHART_WIDTH: Final = 100.0
CHART_ROWS: Final = 15

STATUS_LABELS: Final = {
    "draft": N_("草稿"),
    "published": N_("已发布"),
    "cancelled": N_("已取消举办"),
}
PHASE_LABELS: Final = {
    "upcoming": N_("即将开始"),
    "ongoing": N_("进行中"),
    "past": N_("已结束"),
}
WHEN_CHOICES: Final = (
    ("current", N_("即将开始和进行中")),
    ("upcoming", N_("即将开始")),
    ("ongoing", N_("进行中")),
    ("past", N_("已结束")),
)
LEVEL_LABELS: Final = {
    "university": N_("高校主办"),
    "province": N_("省级主办"),
    "national": N_("全国主办"),
}


def _labels() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "phase_labels": PHASE_LABELS,
        "level_labels": LEVEL_LABELS,
    }


def _sections(session: Session) -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in reference.list_industries(session, level="section")]


# --- public: the list and a fair's page ---------------------------------------------------------


@dataclass
class ListQuery:
    when: FairWhen
    industry: str
    province: str
    page: int

    def link(self, page_number: int) -> str:
        kept = [("when", self.when.value), ("industry", self.industry), ("province", self.province)]
        return "/fairs?" + urlencode([(k, v) for k, v in kept if v] + [("page", str(page_number))])


def _list_query(request: Request) -> ListQuery:
    params = request.query_params
    raw_when = params.get("when", "")
    when = FairWhen(raw_when) if raw_when in {w.value for w in FairWhen} else FairWhen.CURRENT
    industry = params.get("industry", "").strip()[:4]
    province = params.get("province", "").strip()[:6]
    try:
        number = max(1, min(10_000, int(params.get("page", "1"))))
    except ValueError:
        number = 1
    return ListQuery(when, industry, province if province.isdigit() else "", number)


@public_router.get("/fairs", response_class=HTMLResponse)
def fair_list(request: Request, session: SessionDep, principal: OptionalPrincipal) -> Response:
    query = _list_query(request)
    result = browsing.list_fairs(
        session,
        principal,
        when=query.when,
        industry_code=query.industry or None,
        province_code=query.province or None,
        page=query.page,
        limit=PAGE_SIZE,
    )
    context = {
        "query": query,
        "result": result,
        "page_number": result.page,
        "pages": result.pages,
        "page_link": query.link,
        "when_choices": WHEN_CHOICES,
        "industries": _sections(session),
        "provinces": [(r.code, r.name) for r in reference.list_regions(session, level="province")],
        **_labels(),
    }
    return page(request, session, principal, "fairs/list.html", context)


@public_router.get("/fairs/{fair_id}", response_class=HTMLResponse)
def fair_page(
    request: Request, fair_id: FairId, session: SessionDep, principal: OptionalPrincipal
) -> Response:
    detail = browsing.fair_detail(session, principal, fair_id)
    context = {
        "detail": detail,
        "fair": detail.fair,
        "is_graduate": principal is not None and principal.role is Role.GRADUATE,
        **_labels(),
    }
    return page(request, session, principal, "fairs/detail.html", context)


# --- organizers ---------------------------------------------------------------------------------


@router.get("/office/fairs", response_class=HTMLResponse)
def office_fair_list(request: Request, principal: OfficePage, session: SessionDep) -> Response:
    try:
        number = max(1, min(10_000, int(request.query_params.get("page", "1"))))
    except ValueError:
        number = 1
    fairs, total = organizing.list_organized(session, principal, page=number, limit=PAGE_SIZE)
    context = {
        "fairs": fair_outs(session, fairs),
        "total": total,
        "page_number": number,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "page_link": lambda n: f"/office/fairs?page={n}",
        "area": "office",
        **_labels(),
    }
    return page(request, session, principal, "fairs/office_list.html", context, private=True)


def _form_context(
    session: Session, principal: Principal, values: Mapping[str, Any], errors: FormErrors
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "industries": _sections(session),
        "universities": organizing.university_choices(session, principal),
        "level": organizing.organizer_level(principal).value,
        "area": "office",
    }


def _fair_values(fair: Fair, university_ids: list[int], codes: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(fair, name) or "" for name in FORM_FIELDS}
    values["starts_on"] = fair.starts_on.isoformat()
    values["ends_on"] = fair.ends_on.isoformat()
    values["university_ids"] = [str(uid) for uid in university_ids]
    values["university_codes"] = "，".join(codes)
    return values


async def _read_form(request: Request) -> dict[str, Any]:
    """The form as typed (to show again)."""
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in FORM_FIELDS}
    values["university_ids"] = [str(v) for v in form.getlist("university_ids")]
    values["university_codes"] = str(form.get("university_codes") or "")
    return values


def _payload(session: Session, principal: Principal, values: Mapping[str, Any]) -> dict[str, Any]:
    """What the service gets from the form (universities by id, or by code for national)."""
    payload: dict[str, Any] = {name: values[name] for name in FORM_FIELDS}
    payload["industry_code"] = values["industry_code"] or None
    level = organizing.organizer_level(principal)
    if level is OrganizerLevel.NATIONAL:
        payload["university_ids"] = organizing.university_ids_by_code(
            session, split_values(values["university_codes"])
        )
    elif level is OrganizerLevel.PROVINCE:
        payload["university_ids"] = [int(v) for v in values["university_ids"] if v.isdigit()]
    else:
        payload["university_ids"] = []
    return payload


def _form_errors(request: Request, error: Exception) -> FormErrors:
    if isinstance(error, ValidationError):
        message = translate(request, N_("招聘会信息有误，请检查标出的字段。"))
        fields = field_errors_from_validation(error, {}, translate(request, N_("请检查此项。")))
        return FormErrors(message, fields)
    assert isinstance(error, DomainError)
    return FormErrors(error.message, {k.split(".")[0]: v for k, v in error.fields.items()})


@router.get("/office/fairs/new", response_class=HTMLResponse)
def new_fair_form(request: Request, principal: OfficePage, session: SessionDep) -> Response:
    values: dict[str, Any] = {"university_ids": [], "university_codes": ""}
    context = _form_context(session, principal, values, FormErrors())
    return page(request, session, principal, "fairs/office_form.html", context, private=True)


@router.post("/office/fairs/new", response_class=HTMLResponse)
async def new_fair_submit(
    request: Request, principal: OfficePage, session: SessionDep, _: CsrfChecked
) -> Response:
    values = await _read_form(request)
    try:
        payload = _payload(session, principal, values)
        fair = organizing.create_fair(session, principal, FairIn.model_validate(payload))
    except (ValidationError, DomainError) as error:
        if isinstance(error, DomainError):
            rollback_unless_recorded(session, error)
        status = error.status_code if isinstance(error, DomainError) else 422
        context = _form_context(session, principal, values, _form_errors(request, error))
        return page(
            request,
            session,
            principal,
            "fairs/office_form.html",
            context,
            status_code=status,
            private=True,
        )
    return see_other(f"/office/fairs/{fair.id}?saved=1")


def _chart(stats: FairStatsOut) -> list[dict[str, Any]]:
    """Bars of applications and offers of the universities with most applications, widths
    in percent of the largest."""
    top = sorted(stats.by_university, key=lambda r: (-r.applications, -r.offers))[:CHART_ROWS]
    largest = max([r.applications for r in top] + [1])
    return [
        {
            "name": row.name,
            "applications": row.applications,
            "offers": row.offers,
            "applications_width": round(CHART_WIDTH * row.applications / largest, 1),
            "offers_width": round(CHART_WIDTH * row.offers / largest, 1),
        }
        for row in top
    ]


def _manage_page(
    request: Request,
    session: Session,
    principal: Principal,
    fair_id: int,
    *,
    values: Mapping[str, Any] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    fair = organizing.managed_fair(session, principal, fair_id)
    shown = fair_out(session, fair)
    stats = statistics.fair_statistics(session, principal, fair_id)
    if values is None:
        values = _fair_values(
            fair, [u.id for u in shown.universities], [u.code for u in shown.universities]
        )
    context = {
        **_form_context(session, principal, values, errors or FormErrors()),
        "fair": shown,
        "stats": stats,
        "chart": _chart(stats),
        "saved": request.query_params.get("saved") == "1",
        **_labels(),
    }
    return page(
        request,
        session,
        principal,
        "fairs/office_manage.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/office/fairs/{fair_id}", response_class=HTMLResponse)
def manage_fair(
    request: Request, fair_id: FairId, principal: OfficePage, session: SessionDep
) -> Response:
    return _manage_page(request, session, principal, fair_id)


@router.post("/office/fairs/{fair_id}", response_class=HTMLResponse)
async def edit_fair(
    request: Request, fair_id: FairId, principal: OfficePage, session: SessionDep, _: CsrfChecked
) -> Response:
    organizing.managed_fair(session, principal, fair_id)  # 404 page outside the scope
    values = await _read_form(request)
    try:
        payload = _payload(session, principal, values)
        if organizing.organizer_level(principal) is OrganizerLevel.UNIVERSITY:
            payload.pop("university_ids")
        organizing.update_fair(session, principal, fair_id, FairPatch.model_validate(payload))
    except (ValidationError, DomainError) as error:
        if isinstance(error, DomainError):
            rollback_unless_recorded(session, error)
        status = error.status_code if isinstance(error, DomainError) else 422
        return _manage_page(
            request,
            session,
            principal,
            fair_id,
            values=values,
            errors=_form_errors(request, error),
            status_code=status,
        )
    return see_other(f"/office/fairs/{fair_id}?saved=1")


def _fair_action(
    request: Request, session: Session, principal: Principal, fair_id: int, action: Any
) -> Response:
    try:
        action(session, principal, fair_id)
    except DomainError as error:
        rollback_unless_recorded(session, error)
        if error.status_code == 404:
            raise
        errors = FormErrors(error.message, dict(error.fields))
        return _manage_page(
            request, session, principal, fair_id, errors=errors, status_code=error.status_code
        )
    return see_other(f"/office/fairs/{fair_id}")


@router.post("/office/fairs/{fair_id}/publish")
def publish_fair(
    request: Request, fair_id: FairId, principal: OfficePage, session: SessionDep, _: CsrfChecked
) -> Response:
    return _fair_action(request, session, principal, fair_id, organizing.publish_fair)


@router.post("/office/fairs/{fair_id}/cancel")
def cancel_fair(
    request: Request, fair_id: FairId, principal: OfficePage, session: SessionDep, _: CsrfChecked
) -> Response:
    return _fair_action(request, session, principal, fair_id, organizing.cancel_fair)


# --- employers ----------------------------------------------------------------------------------


def _employer_page(
    request: Request,
    session: Session,
    principal: Principal,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    registrations = participation.list_registrations(session, principal)
    registered_ids = {r.fair.id for r in registrations}
    open_fairs = browsing.list_fairs(session, principal, when=FairWhen.CURRENT, limit=50).items
    jobs = listing.list_own_jobs(session, principal, status=JobStatus.PUBLISHED, limit=200).items
    titles = {job.id: job.title for job in jobs}
    context = {
        "registrations": list(
            zip(fair_outs(session, [r.fair for r in registrations]), registrations, strict=True)
        ),
        "open_fairs": [f for f in open_fairs if f.id not in registered_ids],
        "jobs": jobs,
        "titles": titles,
        "errors": errors or FormErrors(),
        "area": "employer",
        **_labels(),
    }
    return page(
        request,
        session,
        principal,
        "fairs/employer.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/employer/fairs", response_class=HTMLResponse)
def employer_fairs(request: Request, principal: EmployerPage, session: SessionDep) -> Response:
    return _employer_page(request, session, principal)


def _employer_action(
    request: Request, session: Session, principal: Principal, run: Any
) -> Response:
    try:
        run()
    except DomainError as error:
        rollback_unless_recorded(session, error)
        errors = FormErrors(error.message, dict(error.fields))
        return _employer_page(request, session, principal, errors, error.status_code)
    return see_other("/employer/fairs")


@router.post("/employer/fairs/{fair_id}/register")
async def register_for_fair(
    request: Request, fair_id: FairId, principal: EmployerPage, session: SessionDep, _: CsrfChecked
) -> Response:
    form = await request.form()
    intro = str(form.get("booth_intro") or "").strip()
    try:
        data = RegistrationIn(booth_intro=intro)
    except ValidationError:
        message = translate(request, N_("展位介绍最多 500 字。"))
        return _employer_page(request, session, principal, FormErrors(message), 422)
    return _employer_action(
        request,
        session,
        principal,
        lambda: participation.register(session, principal, fair_id, data),
    )


@router.post("/employer/fairs/{fair_id}/withdraw")
def withdraw_from_fair(
    request: Request, fair_id: FairId, principal: EmployerPage, session: SessionDep, _: CsrfChecked
) -> Response:
    return _employer_action(
        request, session, principal, lambda: participation.withdraw(session, principal, fair_id)
    )


@router.post("/employer/fairs/{fair_id}/jobs")
async def attach_job(
    request: Request, fair_id: FairId, principal: EmployerPage, session: SessionDep, _: CsrfChecked
) -> Response:
    form = await request.form()
    raw = str(form.get("job_id") or "")
    if not raw.isdigit() or not 1 <= int(raw) < 2**31:
        message = translate(request, N_("请选择要关联的职位。"))
        return _employer_page(request, session, principal, FormErrors(message), 422)
    job_id = int(raw)
    return _employer_action(
        request,
        session,
        principal,
        lambda: participation.attach_job(session, principal, fair_id, job_id),
    )


@router.post("/employer/fairs/{fair_id}/jobs/{job_id}/detach")
def detach_job(
    request: Request,
    fair_id: FairId,
    job_id: JobId,
    principal: EmployerPage,
    session: SessionDep,
    _: CsrfChecked,
) -> Response:
    return _employer_action(
        request,
        session,
        principal,
        lambda: participation.detach_job(session, principal, fair_id, job_id),
    )
