"""Job-post review pages (career offices, provincial and national administrators):
``/review/jobs`` lists the flagged posts in the reviewer's province, oldest first, with the
matched rule highlighted in the text, and approves or rejects each (scope in the service)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.identity.access import allow
from jobs_api.identity.principal import Principal, Role
from jobs_api.jobs import reviews
from jobs_api.jobs.schemas import ReviewDecisionIn
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.job_pages import highlight
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import page, see_other, translate

router = APIRouter(include_in_schema=False)

ReviewerPage = Annotated[
    Principal, Depends(allow(Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN))
]
ReviewId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _list_page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = reviews.list_reviews(session, principal, limit=100)
    items = [
        {
            "review": item,
            "title": highlight(item.job_title, item.matches, "title"),
            "description": highlight(item.description, item.matches, "description"),
        }
        for item in found.items
    ]
    context = {"items": items, "errors": errors or FormErrors()}
    return page(
        request,
        session,
        principal,
        "review/jobs.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/review/jobs", response_class=HTMLResponse)
def job_reviews_page(request: Request, principal: ReviewerPage, session: SessionDep) -> Response:
    return _list_page(request, principal, session)


@router.post("/review/jobs/{review_id}", response_class=HTMLResponse)
async def decide_job_review(
    request: Request,
    principal: ReviewerPage,
    session: SessionDep,
    review_id: ReviewId,
    _: CsrfChecked,
) -> Response:
    form = await request.form()
    raw = {"decision": str(form.get("decision") or ""), "note": str(form.get("note") or "")}
    try:
        body = ReviewDecisionIn.model_validate(raw)
    except ValidationError:
        message = translate(request, N_("请选择审核结论。"))
        return _list_page(request, principal, session, FormErrors(message), 422)
    try:
        reviews.decide_review(session, principal, review_id, body)
    except DomainError as error:
        session.rollback()
        errors = FormErrors(error.message)
        return _list_page(request, principal, session, errors, error.status_code)
    return see_other("/review/jobs")
