"""Job pages of employer members: the job form ``/employer/jobs/new`` (members of a verified
employer; the service's gate refuses the others), screening results shown in the form with
the matched text highlighted, and publish / close buttons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Final, Protocol

from fastapi import APIRouter, Depends, Path
from markupsafe import Markup, escape
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.jobs import posting
from jobs_api.jobs.api import get_screener
from jobs_api.jobs.errors import JobPostBlocked
from jobs_api.jobs.schemas import JobIn
from jobs_api.jobs.screening_port import JobScreener, ScreeningMatch
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import EmployerPage, page, see_other, translate

router = APIRouter(include_in_schema=False)

ScreenerDep = Annotated[JobScreener, Depends(get_screener)]
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]

TEXT_FIELDS: Final = ("title", "degree_level", "description", "skills")
NUMBER_FIELDS: Final = ("salary_min", "salary_max", "headcount")


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


def _form_page(
    request: Request,
    session: SessionDep,
    principal: EmployerPage,
    values: dict[str, str],
    errors: FormErrors | None = None,
    matches: list[ScreeningMatch] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = matches or []
    marked = {f: highlight(values.get(f, ""), found, f) for f in TEXT_FIELDS if found}
    context = {
        "values": values,
        "errors": errors or FormErrors(),
        "matches": found,
        "marked": marked,
        "area": "employer",
    }
    return page(
        request, session, principal, "employer/job_form.html", context, status_code=status_code
    )


@router.get("/employer/jobs/new", response_class=HTMLResponse)
def new_job_form(request: Request, principal: EmployerPage, session: SessionDep) -> Response:
    return _form_page(request, session, principal, {"headcount": "1"})


@router.post("/employer/jobs/new", response_class=HTMLResponse)
async def new_job_submit(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    screener: ScreenerDep,
    _: CsrfChecked,
) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in (*TEXT_FIELDS, *NUMBER_FIELDS)}
    raw: dict[str, Any] = {k: values[k] for k in ("title", "degree_level", "description")}
    raw["skills"] = [s.strip() for s in values["skills"].replace("，", ",").split(",") if s.strip()]
    for name in NUMBER_FIELDS:
        raw[name] = values[name] or None
    try:
        data = JobIn.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError as exc:
        errors = FormErrors(translate(request, N_("职位信息有误，请检查标出的字段。")))
        for item in exc.errors():
            loc = item.get("loc", ())
            errors.add(str(loc[0]) if loc else "form", translate(request, N_("请检查此项。")))
        return _form_page(request, session, principal, values, errors, status_code=422)
    try:
        job = posting.create_job(session, principal, data, screener)
    except JobPostBlocked as error:
        session.rollback()
        errors = FormErrors(error.message, dict(error.fields or {}))
        return _form_page(request, session, principal, values, errors, list(error.matches), 422)
    except DomainError as error:
        session.rollback()
        errors = FormErrors(error.message, dict(error.fields or {}))
        return _form_page(request, session, principal, values, errors, None, error.status_code)
    return see_other(f"/employer?job={job.id}")


@router.post("/employer/jobs/{job_id}/publish")
def publish(
    principal: EmployerPage, session: SessionDep, job_id: JobId, _: CsrfChecked
) -> Response:
    posting.publish_job(session, principal, job_id)
    return see_other("/employer")


@router.post("/employer/jobs/{job_id}/close")
def close(principal: EmployerPage, session: SessionDep, job_id: JobId, _: CsrfChecked) -> Response:
    posting.close_job(session, principal, job_id)
    return see_other("/employer")
