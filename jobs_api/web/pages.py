"""The shell's public pages: the home page (sign-in lives in :mod:`jobs_api.web.auth_pages`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from jobs_api.core.deps import ContainerDep, SessionDep
from jobs_api.identity.access import PUBLIC, OptionalPrincipal
from jobs_api.web.page_support import page
from jobs_api.web.templating import get_shell

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/", response_class=HTMLResponse, name="web_home")
def home(
    request: Request, container: ContainerDep, session: SessionDep, principal: OptionalPrincipal
) -> HTMLResponse:
    figures = get_shell(request).figures.get(container.engine)
    return page(request, session, principal, "home.html", {"figures": figures})
