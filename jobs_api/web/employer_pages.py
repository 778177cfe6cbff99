"""The employer member's home ``/employer`` (employer members only): a simple start page
until the employer pages (verification, jobs, candidates) are built."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep
from jobs_api.identity.profile import describe_account
from jobs_api.web.page_support import EmployerPage, page

router = APIRouter(include_in_schema=False)


@router.get("/employer", response_class=HTMLResponse)
def employer_home(request: Request, principal: EmployerPage, session: SessionDep) -> Response:
    account = describe_account(session, principal.user_id)
    context = {"account": account, "area": "employer"}
    return page(request, session, principal, "employer/home.html", context, private=True)
