"""The shell's pages: home and login (the login ``POST`` belongs to the accounts package)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from jobs_api.core.deps import ContainerDep
from jobs_api.identity.access import PUBLIC
from jobs_api.web.navigation import ROLE_KEYS
from jobs_api.web.templating import get_shell, render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/", response_class=HTMLResponse, name="web_home")
def home(request: Request, container: ContainerDep) -> HTMLResponse:
    figures = get_shell(request).figures.get(container.engine)
    return render_page(request, "home.html", {"figures": figures})


@router.get("/login", response_class=HTMLResponse, name="web_login")
def login(request: Request, role: str = "") -> HTMLResponse:
    selected = role if role in ROLE_KEYS else ROLE_KEYS[0]
    return render_page(request, "login.html", {"selected_role": selected})
