"""Career offices' and administrators' pages: the dashboard ``/office``, the graduate list
and detail, and the cohort pre-activation form.

Who may open what: ``/office`` and the graduate list and detail are for career offices,
provincial and national administrators; the services limit each to its university,
province or the whole country (a graduate outside the scope is "not found"), and audit
every read of personal data. Pre-activation is for career offices (their own university).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.graduates import activation, listing
from jobs_api.graduates.models import Visibility
from jobs_api.graduates.schemas import (
    ActivationState,
    GraduatePageOut,
    PreactivationIn,
    PriorityGroup,
)
from jobs_api.identity.api import KitDep
from jobs_api.identity.principal import Principal, Role
from jobs_api.reference import service as reference
from jobs_api.registry import service as registry
from jobs_api.registry.models import EnrollmentStatus, ImportStatus
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors, field_errors_from_validation
from jobs_api.web.page_support import (
    CareerOfficePage,
    OfficePage,
    page,
    rollback_unless_recorded,
    translate,
)
from jobs_api.web.profile_pages import VISIBILITY_TEXTS, load_choices

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PAGE_SIZE: Final = 20
YEAR_MESSAGE: Final = N_("毕业年份应为 2000–2100 之间的年份。")

ACTIVATION_LABELS: Final[dict[ActivationState, str]] = {
    ActivationState.NONE: N_("未开通"),
    ActivationState.PENDING: N_("待激活"),
    ActivationState.ACTIVE: N_("已激活"),
    ActivationState.DISABLED: N_("已停用"),
    ActivationState.DELETED: N_("已注销"),
}
PRIORITY_LABELS: Final[dict[PriorityGroup, str]] = {
    PriorityGroup.LOW_INCOME_FAMILY: N_("低收入家庭"),
    PriorityGroup.ZERO_EMPLOYMENT_FAMILY: N_("零就业家庭"),
    PriorityGroup.HAS_DISABILITY: N_("残疾毕业生"),
}
IMPORT_STATUS_LABELS: Final[dict[str, str]] = {
    ImportStatus.QUEUED.value: N_("排队中"),
    ImportStatus.RUNNING.value: N_("导入中"),
    ImportStatus.COMPLETED.value: N_("已完成"),
    ImportStatus.FAILED.value: N_("失败"),
}


def scope_label(request: Request, principal: Principal, scope_name: str | None) -> str:
    if principal.role is Role.NATIONAL_ADMIN:
        return translate(request, N_("全国"))
    return scope_name or "—"


# --- dashboard ----------------------------------------------------------------------------


@router.get("/office", response_class=HTMLResponse)
def dashboard(request: Request, principal: OfficePage, session: SessionDep) -> Response:
    imports, imports_total = registry.list_imports(session, principal, limit=5)
    counts = {
        status.value: registry.list_imports(session, principal, status=status, limit=1)[1]
        for status in ImportStatus
    }
    context = {
        "imports": imports,
        "imports_total": imports_total,
        "import_counts": counts,
        "status_labels": IMPORT_STATUS_LABELS,
        "rows_imported": sum(i.rows_inserted + i.rows_updated for i in imports),
        "is_career_office": principal.role is Role.CAREER_OFFICE,
        "area": "office",
    }
    return page(request, session, principal, "office/home.html", context, private=True)


# --- the graduate list --------------------------------------------------------------------


@dataclass
class ListQuery:
    """The list's filters as typed into the form (strings), and what they mean."""

    values: dict[str, str]
    filters: listing.GraduateFilter
    page: int
    problems: dict[str, str]

    def link(self, page_number: int) -> str:
        kept = [(k, v) for k, v in self.values.items() if v]
        return "/office/graduates?" + urlencode([*kept, ("page", str(page_number))])


def parse_list_query(request: Request, degree_levels: set[str]) -> ListQuery:
    params = request.query_params
    keys = (
        "graduation_year",
        "major_code",
        "college",
        "degree_level",
        "status",
        "activated",
        "priority_group",
        "q",
    )
    values = {key: params.get(key, "").strip()[:100] for key in keys}
    problems: dict[str, str] = {}
    year: int | None = None
    if values["graduation_year"]:
        raw = values["graduation_year"]
        if raw.isdigit() and 2000 <= int(raw) <= 2100:
            year = int(raw)
        else:
            problems["graduation_year"] = translate(request, YEAR_MESSAGE)
    major = values["major_code"].upper() or None
    if major is not None and not (len(major) >= 6 and major[:6].isdigit() and len(major) <= 8):
        problems["major_code"] = translate(request, N_("专业代码为 6 位数字，例如 080902。"))
        major = None
    status_values = {s.value for s in EnrollmentStatus}
    priority_values = {p.value for p in PriorityGroup}
    activated = {"1": True, "0": False}.get(values["activated"])
    try:
        page_number = max(1, int(params.get("page", "1")))
    except ValueError:
        page_number = 1
    filters = listing.GraduateFilter(
        graduation_year=year,
        major_code=major,
        college=values["college"] or None,
        degree_level=values["degree_level"] if values["degree_level"] in degree_levels else None,
        status=values["status"] if values["status"] in status_values else None,
        activated=activated,
        priority_group=(
            PriorityGroup(values["priority_group"])
            if values["priority_group"] in priority_values
            else None
        ),
        q=values["q"][:32] or None,
    )
    return ListQuery(values, filters, page_number, problems)


@router.get("/office/graduates", response_class=HTMLResponse)
def graduate_list(request: Request, principal: OfficePage, session: SessionDep) -> Response:
    degree_levels = reference.list_degree_levels(session)
    query = parse_list_query(request, {d.code for d in degree_levels})
    result: GraduatePageOut | None = None
    errors = FormErrors(fields=dict(query.problems))
    try:
        result = listing.list_graduates(
            session, principal, query.filters, page=query.page, size=PAGE_SIZE
        )
    except DomainError as error:
        rollback_unless_recorded(session, error)
        errors = FormErrors(error.message, errors.fields)
    pages = 0
    if result is not None:
        pages = max(1, -(-result.total // PAGE_SIZE))
    context = {
        "query": query,
        "result": result,
        "pages": pages,
        "errors": errors,
        "degree_levels": degree_levels,
        "statuses": [s.value for s in EnrollmentStatus],
        "activation_labels": ACTIVATION_LABELS,
        "priority_labels": PRIORITY_LABELS,
        "page_size": PAGE_SIZE,
        "max_page": listing.MAX_OFFSET // PAGE_SIZE,
        "area": "office",
    }
    return page(request, session, principal, "office/graduates.html", context, private=True)


@router.get("/office/graduates/{record_id}", response_class=HTMLResponse)
def graduate_detail(
    request: Request, principal: OfficePage, session: SessionDep, record_id: RecordId
) -> Response:
    graduate = listing.get_graduate(session, principal, record_id)
    names: dict[str, str] = {}
    if graduate.profile is not None:
        names = load_choices(session, graduate.profile.intended_occupation_codes).names()
    degrees = {d.code: d for d in reference.list_degree_levels(session)}
    context = {
        "graduate": graduate,
        "degree": degrees.get(graduate.degree_level),
        "names": names,
        "activation_labels": ACTIVATION_LABELS,
        "priority_labels": PRIORITY_LABELS,
        "visibility_texts": {v.value: t for v, t in VISIBILITY_TEXTS.items()},
        "visibility_hidden": Visibility.HIDDEN.value,
        "area": "office",
    }
    return page(request, session, principal, "office/graduate.html", context, private=True)


# --- cohort pre-activation ----------------------------------------------------------------

PREACTIVATION_MESSAGES: Final = {
    "graduation_year": YEAR_MESSAGE,
    "college": N_("学院名称不超过 100 字。"),
    "major_code": N_("专业代码为 6 位数字，例如 080902。"),
}


def _preactivate_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    values: dict[str, str] | None = None,
    result: Any = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "values": values or {"graduation_year": str(date.today().year)},
        "result": result,
        "errors": errors or FormErrors(),
        "area": "office",
    }
    return page(
        request,
        session,
        principal,
        "office/preactivate.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/office/preactivate", response_class=HTMLResponse)
def preactivate_form(
    request: Request, principal: CareerOfficePage, session: SessionDep
) -> Response:
    return _preactivate_page(request, session, principal)


@router.post("/office/preactivate", response_class=HTMLResponse)
def preactivate_submit(
    request: Request,
    principal: CareerOfficePage,
    _: CsrfChecked,
    session: SessionDep,
    kit: KitDep,
    graduation_year: FormText = "",
    college: FormText = "",
    major_code: FormText = "",
) -> Response:
    values = {"graduation_year": graduation_year, "college": college, "major_code": major_code}
    try:
        data = PreactivationIn.model_validate(
            {
                "graduation_year": graduation_year.strip() or None,
                "college": college.strip() or None,
                "major_code": major_code.strip().upper() or None,
            }
        )
    except ValidationError as error:
        messages = {k: translate(request, v) for k, v in PREACTIVATION_MESSAGES.items()}
        fields = field_errors_from_validation(
            error, messages, translate(request, N_("格式不正确。"))
        )
        return _preactivate_page(
            request,
            session,
            principal,
            values=values,
            errors=FormErrors(fields=fields),
            status_code=422,
        )
    try:
        result = activation.preactivate_cohort(session, kit, principal, data)
    except DomainError as error:
        rollback_unless_recorded(session, error)
        return _preactivate_page(
            request,
            session,
            principal,
            values=values,
            errors=FormErrors(error.message),
            status_code=error.status_code,
        )
    return _preactivate_page(request, session, principal, values=values, result=result)
