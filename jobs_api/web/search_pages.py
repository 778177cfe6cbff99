"""Public job pages: the search page ``/jobs`` and the job detail page ``/jobs/{job_id}``.

``/jobs`` works without JavaScript: the search box and the sort are a ``GET`` form, the
filters are links with their facet counts (a filter link resets paging), and the next page is a
link carrying the cursor; ``static/js/search.js`` only adds title and employer suggestions to
the search box. The same :mod:`jobs_api.jobs.search_service` as the API checks the parameters
(a bad one shows the page with the message, status 422) and runs the search.

``/jobs/{job_id}`` shows a published job of a verified employer (a view is counted) or, to its
own employer's members, any of their jobs; other ids get the 404 page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.applications.figures import response_figures
from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.core.errors import NotFound
from jobs_api.employers.schemas import PublicEmployerOut
from jobs_api.identity.access import PUBLIC, OptionalPrincipal
from jobs_api.jobs import listing, search_service
from jobs_api.jobs.errors import InvalidJobSearch
from jobs_api.jobs.search_schemas import JobSearchPageOut, JobSearchParams
from jobs_api.reference.models import Industry, Major, Region
from jobs_api.web.i18n import LANG_PARAM, N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])

JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]

FORM_FIELDS: Final = ("q", "sort", "salary_min", "salary_max", "posted_within")
"""Parameters the search form itself carries; the others ride along as hidden inputs."""
PAGING: Final = ("cursor",)
SORT_LABELS: Final = {
    "relevance": N_("相关度"),
    "newest": N_("最新发布"),
    "salary": N_("薪资最高"),
}
POSTED_WITHIN: Final = (
    ("1", N_("一天内")),
    ("3", N_("三天内")),
    ("7", N_("一周内")),
    ("30", N_("一个月内")),
)

RawParams = dict[str, list[str]]


@dataclass(frozen=True)
class FacetLink:
    name: str
    count: int
    href: str
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    label: str
    param: str
    links: list[FacetLink]


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    remove_href: str


def _raw(request: Request) -> RawParams:
    return {
        key: request.query_params.getlist(key) for key in request.query_params if key != LANG_PARAM
    }


def _href(raw: RawParams) -> str:
    pairs = [(key, value) for key, values in raw.items() for value in values if value.strip()]
    return f"/jobs?{urlencode(pairs)}" if pairs else "/jobs"


def _without_paging(raw: RawParams) -> RawParams:
    return {key: list(values) for key, values in raw.items() if key not in PAGING}


def _toggled(raw: RawParams, param: str, value: str, *, multi: bool) -> RawParams:
    """The filters with ``value`` of ``param`` switched on or off (paging reset)."""
    changed = _without_paging(raw)
    current = [v for v in changed.get(param, []) if v.strip()]
    if value in current:
        current.remove(value)
    elif multi:
        current.append(value)
    else:
        current = [value]
    changed[param] = current
    if not current:
        changed.pop(param)
    return changed


def _facet_group(
    label: str,
    param: str,
    raw: RawParams,
    facet: Iterable[Any],
    selected: Sequence[str],
    *,
    multi: bool,
) -> FacetGroup:
    links = [
        FacetLink(
            name=item.name,
            count=item.count,
            href=_href(_toggled(raw, param, item.value, multi=multi)),
            selected=item.value in selected,
        )
        for item in facet
    ]
    return FacetGroup(label=label, param=param, links=links)


def _facet_groups(
    raw: RawParams, params: JobSearchParams, result: JobSearchPageOut
) -> list[FacetGroup]:
    facets = result.facets
    if facets is None:
        return []
    chosen_city = [params.city] if params.city else []
    places = facets.city if params.place_kind is not None else facets.province
    return [
        _facet_group(N_("地区"), "city", raw, places, chosen_city, multi=False),
        _facet_group(
            N_("行业"),
            "industry",
            raw,
            facets.industry_section,
            [params.industry] if params.industry else [],
            multi=False,
        ),
        _facet_group(N_("学历要求"), "degree", raw, facets.degree, params.degrees, multi=True),
        _facet_group(
            N_("单位性质"),
            "employer_type",
            raw,
            facets.employer_type,
            params.employer_types,
            multi=True,
        ),
        _facet_group(N_("福利待遇"), "benefits", raw, facets.benefits, params.benefits, multi=True),
    ]


def _name(session: Session, model: Any, code: str, column: str = "name") -> str:
    found = session.get(model, code)
    return str(getattr(found, column)) if found is not None else code


def _facet_names(result: JobSearchPageOut | None) -> dict[tuple[str, str], str]:
    if result is None or result.facets is None:
        return {}
    facets = result.facets
    names = {}
    for param, items in (
        ("degree", facets.degree),
        ("employer_type", facets.employer_type),
    ):
        names.update({(param, item.value): item.name for item in items})
    return names


def _active_filters(
    session: Session, raw: RawParams, params: JobSearchParams, result: JobSearchPageOut | None
) -> list[ActiveFilter]:
    known = _facet_names(result)
    found: list[ActiveFilter] = []

    def add(label: str, param: str, value: str, shown: str, *, multi: bool = False) -> None:
        remove = _toggled(raw, param, value, multi=multi)
        found.append(ActiveFilter(label, shown, _href(remove)))

    if params.city:
        add(N_("地区"), "city", params.city, _name(session, Region, params.city))
    if params.industry:
        add(N_("行业"), "industry", params.industry, _name(session, Industry, params.industry))
    if params.occupation:
        add(N_("职业"), "occupation", params.occupation, params.occupation)
    for degree in params.degrees:
        add(N_("学历要求"), "degree", degree, known.get(("degree", degree), degree), multi=True)
    if params.major:
        add(N_("专业"), "major", params.major, _name(session, Major, params.major))
    for kind in params.employer_types:
        shown = known.get(("employer_type", kind), kind)
        add(N_("单位性质"), "employer_type", kind, shown, multi=True)
    for benefit in params.benefits:
        add(N_("福利待遇"), "benefits", benefit, benefit, multi=True)
    for skill in params.skills:
        add(N_("技能"), "skills", skill, skill, multi=True)
    if params.employer_id is not None:
        add(N_("单位"), "employer_id", str(params.employer_id), f"#{params.employer_id}")
    return found


def _hidden_inputs(raw: RawParams) -> list[tuple[str, str]]:
    return [
        (key, value)
        for key, values in raw.items()
        if key not in FORM_FIELDS and key not in PAGING
        for value in values
        if value.strip()
    ]


def _first(raw: RawParams, key: str) -> str:
    values = raw.get(key) or [""]
    return values[0]


@router.get("/jobs", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    container: ContainerDep,
    principal: OptionalPrincipal,
) -> Response:
    """The public job search page."""
    raw = _raw(request)
    errors = FormErrors()
    params = JobSearchParams()
    result: JobSearchPageOut | None = None
    try:
        params = search_service.parse_search(session, raw)
        result = search_service.search_jobs(session, container.search, params)
    except InvalidJobSearch as error:
        errors = FormErrors(error.message, dict(error.fields or {}))
    next_href = None
    if result is not None and result.next_cursor:
        next_href = _href({**_without_paging(raw), "cursor": [result.next_cursor]})
    filters = _active_filters(session, raw, params, result)
    context = {
        "values": {name: _first(raw, name) for name in FORM_FIELDS},
        "hidden": _hidden_inputs(raw),
        "result": result,
        "errors": errors,
        "groups": _facet_groups(raw, params, result) if result is not None else [],
        "filters": filters,
        "clear_href": _href({k: v for k, v in raw.items() if k in ("q", "sort")}),
        "next_href": next_href,
        "first_href": _href(_without_paging(raw)) if "cursor" in raw else None,
        "sort_labels": SORT_LABELS,
        "posted_within": POSTED_WITHIN,
    }
    status = 422 if errors else 200
    return page(request, session, principal, "search/results.html", context, status_code=status)


def _employer_card(session: Session, employer_id: int) -> PublicEmployerOut | None:
    try:
        return listing.public_employer(session, employer_id)
    except NotFound:
        return None  # the employer's own member looking at a job of an unverified employer


def _major_names(session: Session, codes: list[str]) -> list[str]:
    if not codes:
        return []
    names = dict(session.execute(select(Major.code, Major.name).where(Major.code.in_(codes))).all())
    return [str(names.get(code, code)) for code in codes]


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request, job_id: JobId, session: SessionDep, principal: OptionalPrincipal
) -> Response:
    """A job as graduates see it, with the employer card and the 申请职位 button."""
    job = listing.get_job(session, principal, job_id)
    context = {
        "job": job,
        "salary": search_service.salary_text(job.salary_min, job.salary_max, job.salary_months),
        "majors": _major_names(session, job.major_codes),
        "employer": _employer_card(session, job.employer.id),
        "figures": response_figures(session, job.employer.id),
        "apply_href": f"/jobs/{job.id}/apply",
        "is_published": job.status == "published",
    }
    return page(request, session, principal, "search/job.html", context)
