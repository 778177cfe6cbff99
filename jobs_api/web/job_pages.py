"""Job pages of employer members.

* ``/employer/jobs``: the employer's jobs with status, views, applications and deadline, links
  to edit each job and to its applicants, publish / republish and close buttons; a refused
  publish (deadline passed, under review, employer not verified) is shown on the list;
* ``/employer/jobs/new`` and ``/employer/jobs/{id}/edit``: the job form with every field of a
  post (title, 职业分类, industry, city, degree, accepted majors, skills, monthly salary range and
  months paid a year, headcount, deadline, benefits, description; the employer type comes from
  the employer and is shown). Saving screens the post (:mod:`jobs_api.jobs.posting`); blocked
  or flagged passages come back highlighted (HTML-escaped) in the form, and the edit page of a
  job under review shows the passages the reviewer sees;
* 推荐职业分类: the 职业分类 select lists the suggestions of
  :mod:`jobs_api.jobs.occupation_suggest` for the title and description first (the button
  推荐职业分类 refreshes them without saving), then every 细类. A confident first suggestion is
  pre-selected when no occupation is chosen yet; the employer keeps or changes it before
  saving. Nothing is recorded on the job unless the employer saves it (the occupation is the
  employer's statement; search filters on it).

Creating and publishing need a verified employer (the service's gate); members edit and close
their own employer's jobs only (404 for others').
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Final, Protocol

from fastapi import APIRouter, Depends, Path, Query
from markupsafe import Markup, escape
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.employers import profile
from jobs_api.employers.models import REACHES_GRADUATES
from jobs_api.jobs import listing, posting
from jobs_api.jobs.api import get_screener
from jobs_api.jobs.errors import JobPostBlocked
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.occupation_suggest import OccupationSuggester, suggester_for
from jobs_api.jobs.schemas import JobIn, JobPatch
from jobs_api.jobs.screening_port import (
    BENEFITS_SEPARATOR,
    SKILLS_SEPARATOR,
    JobScreener,
    ScreeningMatch,
)
from jobs_api.jobs.views import latest_review
from jobs_api.reference import service as reference
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.employer_pages import JOB_STATUS_LABELS
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import EmployerPage, page, see_other, translate
from jobs_api.web.reference_options import Option, OptionGroup, city_groups

router = APIRouter(include_in_schema=False)

ScreenerDep = Annotated[JobScreener, Depends(get_screener)]
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]

TEXT_FIELDS: Final = (
    "title",
    "occupation_code",
    "industry_code",
    "city_code",
    "degree_level",
    "description",
    "skills",
    "benefits",
    "deadline",
)
NUMBER_FIELDS: Final = ("salary_min", "salary_max", "salary_months", "headcount")
LIST_SEPARATORS: Final = {"skills": SKILLS_SEPARATOR, "benefits": BENEFITS_SEPARATOR}
SCREENED_FIELDS: Final = ("title", "description", "skills", "benefits")
SALARY_MONTHS: Final = (12, 13, 14, 15, 16)
DEGREES: Final = (
    ("junior_college", N_("专科")),
    ("bachelor", N_("本科")),
    ("master", N_("硕士")),
    ("doctor", N_("博士")),
)
SUGGESTIONS: Final = 8
CLOSE_REASONS: Final = {"deadline": N_("已过截止日期"), "employer": N_("单位关闭")}
NOTICES: Final = {
    "saved": N_("职位已保存。"),
    "published": N_("职位已发布。"),
    "closed": N_("职位已关闭。"),
}


class Span(Protocol):
    @property
    def field(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def highlight(text: str, matches: Sequence[Span], field: str) -> Markup:
    """``text`` HTML-escaped, the screened spans of ``field`` wrapped in ``<mark>``."""
    spans = sorted(
        (m.start, m.end) for m in matches if m.field == field and 0 <= m.start < m.end <= len(text)
    )
    out: list[str] = []
    position = 0
    for start, end in spans:
        if start < position:
            continue
        out.append(str(escape(text[position:start])))
        out.append(f'<mark class="screening-match">{escape(text[start:end])}</mark>')
        position = end
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


# --- form values -------------------------------------------------------------------------------


def _split(text: str) -> list[str]:
    for separator in ("，", "、", "；", ";", "\n"):
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {n: str(form.get(n) or "").strip() for n in TEXT_FIELDS}
    values.update({n: str(form.get(n) or "").strip() for n in NUMBER_FIELDS})
    values["major_codes"] = [str(v).strip() for v in form.getlist("major_codes") if str(v).strip()]
    return values


def _payload(values: dict[str, Any]) -> dict[str, Any]:
    """The API body of the form's values ("" = not given; lists split on commas)."""
    body: dict[str, Any] = {
        "title": values["title"],
        "description": values["description"],
        "degree_level": values["degree_level"],
        "occupation_code": values["occupation_code"] or None,
        "industry_code": values["industry_code"] or None,
        "city_code": values["city_code"] or None,
        "deadline": values["deadline"] or None,
        "skills": _split(values["skills"]),
        "benefits": _split(values["benefits"]),
        "major_codes": list(dict.fromkeys(values["major_codes"])),
    }
    for name in NUMBER_FIELDS:
        body[name] = values[name] or None
    return body


def _job_values(job: Job) -> dict[str, Any]:
    return {
        "title": job.title,
        "occupation_code": job.occupation_code or "",
        "industry_code": job.industry_code,
        "city_code": job.city_code,
        "degree_level": job.degree_level,
        "description": job.description or "",
        "skills": "，".join(job.skills or []),
        "benefits": "，".join(job.benefits or []),
        "deadline": job.deadline.isoformat() if job.deadline else "",
        "salary_min": str(job.salary_min),
        "salary_max": str(job.salary_max),
        "salary_months": str(job.salary_months),
        "headcount": str(job.headcount),
        "major_codes": list(job.major_codes or []),
    }


def _screened_texts(values: dict[str, Any]) -> dict[str, str]:
    """Each screened field's text as the screener saw it (lists joined like the screener)."""
    texts = {name: str(values.get(name) or "") for name in ("title", "description")}
    for name, separator in LIST_SEPARATORS.items():
        texts[name] = separator.join(_split(str(values.get(name) or "")))
    return texts


def _validation_errors(request: Request, exc: ValidationError) -> FormErrors:
    errors = FormErrors(translate(request, N_("职位信息有误，请检查标出的字段。")))
    for item in exc.errors():
        loc = item.get("loc", ())
        errors.add(str(loc[0]) if loc else "form", translate(request, N_("请检查此项。")))
    return errors


# --- choices -----------------------------------------------------------------------------------


def _industries(session: Session) -> list[Option]:
    return [
        Option(i.code, f"{i.code} {i.name}" if i.level == "section" else f"　{i.code} {i.name}")
        for i in reference.list_industries(session)
    ]


def _majors(session: Session) -> list[OptionGroup]:
    categories = {c.code: c.name for c in reference.list_major_categories(session)}
    by_category: dict[str, list[Option]] = {}
    for major in reference.list_majors(session, limit=5_000):
        by_category.setdefault(major.category_code, []).append(
            Option(major.code, f"{major.code} {major.name}")
        )
    return [OptionGroup(categories.get(c, c), tuple(o)) for c, o in by_category.items()]


def _occupations(suggester: OccupationSuggester) -> list[OptionGroup]:
    """Every 细类, grouped by its 中类."""
    groups: dict[str, list[Option]] = {}
    labels: dict[str, str] = {}
    for doc in suggester.docs:
        middle = doc.parents[1] if len(doc.parents) > 1 else doc.parents[0]
        labels[middle.code] = f"{middle.code} {middle.name}"
        groups.setdefault(middle.code, []).append(Option(doc.code, f"{doc.code} {doc.name}"))
    return [OptionGroup(labels[code], tuple(options)) for code, options in groups.items()]


def _suggest(
    suggester: OccupationSuggester, values: dict[str, Any]
) -> tuple[list[Option], str | None]:
    """Suggestions for the form's title and description, and the confident first one."""
    if not values.get("title"):
        return [], None
    result = suggester.suggest(values["title"], values.get("description") or "", k=SUGGESTIONS)
    options = [Option(s.code, f"{s.code} {s.name}") for s in result.items]
    top = result.top
    return options, top.code if result.confident and top is not None else None


# --- rendering ---------------------------------------------------------------------------------


def _form_page(
    request: Request,
    session: SessionDep,
    container: ContainerDep,
    principal: EmployerPage,
    values: dict[str, Any],
    *,
    job: Job | None = None,
    errors: FormErrors | None = None,
    matches: Sequence[Span] = (),
    review_note: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    suggester = suggester_for(container, session)
    suggestions, confident = _suggest(suggester, values)
    if confident and not values.get("occupation_code"):
        values = {**values, "occupation_code": confident}
    texts = _screened_texts(values)
    marked = {f: highlight(texts[f], matches, f) for f in SCREENED_FIELDS if matches}
    employer = profile.get_my_employer(session, principal)
    context = {
        "values": values,
        "errors": errors or FormErrors(),
        "matches": list(matches),
        "marked": marked,
        "review_note": review_note,
        "job": job,
        "action": f"/employer/jobs/{job.id}/edit" if job else "/employer/jobs/new",
        "employer_type": employer.employer_type.name,
        "verified": employer.verification_status in REACHES_GRADUATES,
        "suggestions": suggestions,
        "suggested": confident,
        "occupations": _occupations(suggester),
        "cities": city_groups(session),
        "industries": _industries(session),
        "majors": _majors(session),
        "degrees": DEGREES,
        "salary_months": SALARY_MONTHS,
        "status_labels": JOB_STATUS_LABELS,
        "area": "employer",
    }
    return page(
        request, session, principal, "employer/job_form.html", context, status_code=status_code
    )


def _list_page(
    request: Request,
    session: Session,
    principal: EmployerPage,
    *,
    status: JobStatus | None = None,
    cursor: str | None = None,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    employer = profile.get_my_employer(session, principal)
    jobs = listing.list_own_jobs(session, principal, status=status, cursor=cursor, limit=50)
    context = {
        "jobs": jobs.items,
        "next_cursor": jobs.next_cursor,
        "status": status.value if status else "",
        "verified": employer.verification_status in REACHES_GRADUATES,
        "today": posting.china_today(),
        "status_labels": JOB_STATUS_LABELS,
        "close_reasons": CLOSE_REASONS,
        "errors": errors or FormErrors(),
        "notice": notice,
        "area": "employer",
    }
    return page(request, session, principal, "employer/jobs.html", context, status_code=status_code)


# --- routes ------------------------------------------------------------------------------------


@router.get("/employer/jobs", response_class=HTMLResponse)
def job_list(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    status: JobStatus | None = None,
    cursor: Annotated[str | None, Query(max_length=20, pattern=r"^\d+$")] = None,
) -> Response:
    notice = next((NOTICES[k] for k in NOTICES if k in request.query_params), None)
    return _list_page(
        request,
        session,
        principal,
        status=status,
        cursor=cursor,
        notice=translate(request, notice) if notice else None,
    )


@router.get("/employer/jobs/new", response_class=HTMLResponse)
def new_job_form(
    request: Request, principal: EmployerPage, session: SessionDep, container: ContainerDep
) -> Response:
    values: dict[str, Any] = {"headcount": "1", "salary_months": "12", "major_codes": []}
    return _form_page(request, session, container, principal, values)


@router.post("/employer/jobs/new", response_class=HTMLResponse)
async def new_job_submit(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    container: ContainerDep,
    screener: ScreenerDep,
    _: CsrfChecked,
) -> Response:
    form = await request.form()
    values = _form_values(form)
    if form.get("action") == "suggest":
        return _form_page(request, session, container, principal, values)
    body = {k: v for k, v in _payload(values).items() if v is not None}
    try:
        data = JobIn.model_validate(body)
    except ValidationError as exc:
        errors = _validation_errors(request, exc)
        return _form_page(
            request, session, container, principal, values, errors=errors, status_code=422
        )
    try:
        job = posting.create_job(session, principal, data, screener)
    except JobPostBlocked as error:
        session.rollback()
        errors = FormErrors(error.message, dict(error.fields or {}))
        return _form_page(
            request,
            session,
            container,
            principal,
            values,
            errors=errors,
            matches=error.matches,
            status_code=422,
        )
    except DomainError as error:
        session.rollback()
        errors = FormErrors(error.message, dict(error.fields or {}))
        return _form_page(
            request,
            session,
            container,
            principal,
            values,
            errors=errors,
            status_code=error.status_code,
        )
    return see_other(f"/employer/jobs?saved={job.id}")


@router.get("/employer/jobs/{job_id}/edit", response_class=HTMLResponse)
def edit_job_form(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    container: ContainerDep,
    job_id: JobId,
) -> Response:
    job = posting.own_job(session, principal, job_id)
    review = latest_review(session, job.id)
    matches: list[ScreeningMatch] = []
    note = ""
    if review is not None and job.status in (JobStatus.PENDING_REVIEW, JobStatus.REJECTED):
        matches = [ScreeningMatch(**m) for m in review.matches]
        note = review.note
    return _form_page(
        request,
        session,
        container,
        principal,
        _job_values(job),
        job=job,
        matches=matches,
        review_note=note,
    )


@router.post("/employer/jobs/{job_id}/edit", response_class=HTMLResponse)
async def edit_job_submit(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    container: ContainerDep,
    screener: ScreenerDep,
    job_id: JobId,
    _: CsrfChecked,
) -> Response:
    job = posting.own_job(session, principal, job_id)
    form = await request.form()
    values = _form_values(form)
    if form.get("action") == "suggest":
        return _form_page(request, session, container, principal, values, job=job)
    try:
        patch = JobPatch.model_validate(_payload(values))
    except ValidationError as exc:
        errors = _validation_errors(request, exc)
        return _form_page(
            request, session, container, principal, values, job=job, errors=errors, status_code=422
        )
    try:
        posting.update_job(session, principal, job_id, patch, screener)
    except JobPostBlocked as error:
        session.rollback()
        errors = FormErrors(error.message, dict(error.fields or {}))
        return _form_page(
            request,
            session,
            container,
            principal,
            values,
            job=job,
            errors=errors,
            matches=error.matches,
            status_code=422,
        )
    except DomainError as error:
        session.rollback()
        errors = FormErrors(error.message, dict(error.fields or {}))
        return _form_page(
            request,
            session,
            container,
            principal,
            values,
            job=job,
            errors=errors,
            status_code=error.status_code,
        )
    return see_other(f"/employer/jobs?saved={job_id}")


@router.post("/employer/jobs/{job_id}/publish")
def publish(
    request: Request, principal: EmployerPage, session: SessionDep, job_id: JobId, _: CsrfChecked
) -> Response:
    try:
        posting.publish_job(session, principal, job_id)
    except DomainError as error:
        if error.status_code == 404:
            raise
        session.rollback()
        errors = FormErrors(error.message, dict(error.fields or {}))
        return _list_page(request, session, principal, errors=errors, status_code=error.status_code)
    return see_other(f"/employer/jobs?published={job_id}")


@router.post("/employer/jobs/{job_id}/close")
def close(principal: EmployerPage, session: SessionDep, job_id: JobId, _: CsrfChecked) -> Response:
    posting.close_job(session, principal, job_id)
    return see_other(f"/employer/jobs?closed={job_id}")
