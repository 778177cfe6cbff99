"""Server-rendered pages (Jinja2), Simplified Chinese first with an English switch."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from jobs_api.web.errors import install_html_errors
from jobs_api.web.pages import router
from jobs_api.web.templating import STATIC_DIR, STATIC_URL, WebShell

__all__ = ["WebShell", "install_web"]


class _StaticFiles(StaticFiles):
    """Static files served with ``X-Content-Type-Options: nosniff``."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def install_web(app: FastAPI) -> None:
    """Mount the pages and ``/static``, load the catalogs, render browser 404s as HTML."""
    app.state.web = WebShell.load()
    app.include_router(router)
    app.mount(STATIC_URL, _StaticFiles(directory=STATIC_DIR), name="static")
    install_html_errors(app)
