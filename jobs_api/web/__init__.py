"""Server-rendered pages (Jinja2), Simplified Chinese first with an English switch."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from jobs_api.web import (
    agreement_pages,
    application_pages,
    auth_pages,
    employer_pages,
    fair_pages,
    graduate_pages,
    inbox_pages,
    interview_pages,
    job_pages,
    job_review_pages,
    offer_pages,
    office_pages,
    pages,
    privacy_pages,
    profile_pages,
    registry_pages,
    search_pages,
)
from jobs_api.web.errors import install_html_errors
from jobs_api.web.session_cookie import WebSessionMiddleware
from jobs_api.web.templating import STATIC_DIR, STATIC_URL, WebShell

__all__ = ["WebShell", "install_web"]

PAGE_ROUTERS = (
    pages.router,
    auth_pages.router,
    auth_pages.signed_in_router,
    graduate_pages.public_router,
    graduate_pages.router,
    profile_pages.router,
    privacy_pages.router,
    office_pages.router,
    registry_pages.router,
    employer_pages.router,
    employer_pages.public_router,
    job_pages.router,
    job_review_pages.router,
    application_pages.router,
    inbox_pages.router,
    interview_pages.router,
    search_pages.router,
    fair_pages.public_router,
    fair_pages.router,
    agreement_pages.public_router,
    agreement_pages.router,
    offer_pages.router,
)


class _StaticFiles(StaticFiles):
    """Static files served with ``X-Content-Type-Options: nosniff``."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def install_web(app: FastAPI) -> None:
    """Mount the pages and ``/static``, load the catalogs, render browser errors as HTML and
    refresh the pages' cookie session when its access token expires."""
    app.state.web = WebShell.load()
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount(STATIC_URL, _StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(WebSessionMiddleware)
    install_html_errors(app)
