"""HTML 404 pages for browsers; everyone else keeps the platform's JSON error format.

A request gets the HTML page when it is a ``GET``/``HEAD`` outside ``/api`` whose ``Accept``
header asks for ``text/html`` (what a browser sends when navigating). Every other 404 is
passed to the JSON handler that :func:`jobs_api.core.error_handlers.install_error_handlers`
registered, so ``{"error": {"code", "message", "fields"}}`` stays the one API error shape.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from jobs_api.core.error_handlers import error_payload
from jobs_api.core.errors import ErrorCode
from jobs_api.web.templating import render_page

API_PREFIX = "/api"

Handler = Callable[[Request, Exception], Any]


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        return False
    if request.method not in {"GET", "HEAD"}:
        return False
    return "text/html" in request.headers.get("accept", "").lower()


async def _json_not_found(_: Request, exc: Exception) -> Response:
    message = exc.detail if isinstance(exc, StarletteHTTPException) else "Not Found"
    return JSONResponse(error_payload(ErrorCode.NOT_FOUND, str(message)), status_code=404)


def install_html_errors(app: FastAPI) -> None:
    """Register the 404 handler; call after the JSON handlers are installed."""
    json_handler: Handler = app.exception_handlers.get(StarletteHTTPException, _json_not_found)

    async def not_found(request: Request, exc: Exception) -> Response:
        if wants_html(request):
            return render_page(request, "error.html", {"status_code": 404}, status_code=404)
        result = json_handler(request, exc)
        if inspect.isawaitable(result):
            result = await result
        response: Response = result
        return response

    app.add_exception_handler(404, not_found)
