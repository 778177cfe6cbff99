"""HTML error pages for browsers; everyone else keeps the platform's JSON error format.

A request gets an HTML answer when it is a page request: outside ``/api``, with an ``Accept``
header asking for ``text/html`` (what a browser sends when navigating or posting a form).

* 404 (unknown path, or a record outside the caller's scope): the "page not found" page
  (unknown paths only for ``GET``/``HEAD``; other methods keep the JSON 404).
* Not signed in, or the sign-in ended: ``303`` to ``/login?next=<this page>`` (a ``GET``)
  or to ``/login`` (a form post); the session cookies are cleared.
* Signed in with a role the page is not for: the HTML 403 page. A failed CSRF check: the
  403 page explaining that the form expired.
* Any other refusal a page route lets through: an error page with the service's message.

Every other case is passed to the JSON handlers that
:func:`jobs_api.core.error_handlers.install_error_handlers` registered, so
``{"error": {"code", "message", "fields"}}`` stays the one API error shape.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Final

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from jobs_api.core.error_handlers import error_payload
from jobs_api.core.errors import DomainError, ErrorCode, Forbidden, NotFound, Unauthenticated
from jobs_api.identity.access import ACCESS_COOKIE
from jobs_api.identity.errors import RoleNotAllowed
from jobs_api.web.csrf import CsrfRejected
from jobs_api.web.i18n import N_
from jobs_api.web.session_cookie import clear_session_cookies
from jobs_api.web.templating import render_page
from jobs_api.web.viewer import login_location, request_target, viewer_from_request

API_PREFIX = "/api"

Handler = Callable[[Request, Exception], Any]

# (title, explanation) of each error page.
NOT_FOUND: Final = (N_("页面未找到"), N_("抱歉，您访问的页面不存在或已被移除。"))
FORBIDDEN: Final = (
    N_("无权访问"),
    N_("当前登录身份无权访问此页面。如需使用其他身份，请退出后重新登录。"),
)
CSRF_EXPIRED: Final = (
    N_("页面已过期"),
    N_("为保护账号安全，表单已失效。请返回上一页，刷新后重新提交。"),
)
BAD_REQUEST: Final = (N_("请求无法处理"), N_("提交的内容不完整或格式不正确，请返回检查后重试。"))


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def accepts_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "").lower()


def wants_html(request: Request) -> bool:
    """A browser navigation (``GET``/``HEAD``) to a page outside the API."""
    return request.method in {"GET", "HEAD"} and is_page_request(request)


def is_page_request(request: Request) -> bool:
    """A browser asking for a page (any method) outside the API."""
    return not _is_api(request) and accepts_html(request)


def error_page(
    request: Request,
    status_code: int,
    texts: tuple[str, str],
    *,
    detail: str | None = None,
) -> Response:
    title, text = texts
    context = {
        "status_code": status_code,
        "error_title": title,
        "error_text": text,
        "error_detail": detail,
    }
    viewer = viewer_from_request(request)
    return render_page(request, "error.html", context, status_code=status_code, viewer=viewer)


def sign_in_again(request: Request) -> Response:
    """303 to the sign-in page (back to this page afterwards when it was a ``GET``)."""
    target = request_target(request) if request.method in {"GET", "HEAD"} else None
    response = RedirectResponse(login_location(target), status_code=303)
    if ACCESS_COOKIE in request.cookies:
        clear_session_cookies(response, request)
    return response


async def _resolve(result: Any) -> Response:
    if inspect.isawaitable(result):
        result = await result
    response: Response = result
    return response


async def _json_not_found(_: Request, exc: Exception) -> Response:
    message = exc.detail if isinstance(exc, StarletteHTTPException) else "Not Found"
    return JSONResponse(error_payload(ErrorCode.NOT_FOUND, str(message)), status_code=404)


def domain_error_page(request: Request, exc: DomainError) -> Response:
    if isinstance(exc, Unauthenticated):
        return sign_in_again(request)
    if isinstance(exc, CsrfRejected):
        return error_page(request, 403, CSRF_EXPIRED)
    if isinstance(exc, NotFound):
        return error_page(request, 404, NOT_FOUND)
    if isinstance(exc, RoleNotAllowed):
        return error_page(request, 403, FORBIDDEN)
    if isinstance(exc, Forbidden):  # e.g. a graduate account not (yet) verified
        return error_page(request, 403, FORBIDDEN, detail=exc.message)
    return error_page(request, exc.status_code, BAD_REQUEST, detail=exc.message)


def install_html_errors(app: FastAPI) -> None:
    """Register the page-aware handlers; call after the JSON handlers are installed."""
    json_not_found: Handler = app.exception_handlers.get(StarletteHTTPException, _json_not_found)
    json_domain: Handler | None = app.exception_handlers.get(DomainError)
    json_validation: Handler | None = app.exception_handlers.get(RequestValidationError)

    async def not_found(request: Request, exc: Exception) -> Response:
        if wants_html(request):
            return await run_in_threadpool(error_page, request, 404, NOT_FOUND)
        return await _resolve(json_not_found(request, exc))

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        if is_page_request(request) or json_domain is None:
            return await run_in_threadpool(domain_error_page, request, exc)
        return await _resolve(json_domain(request, exc))

    async def validation_error(request: Request, exc: Exception) -> Response:
        if is_page_request(request) or json_validation is None:
            return await run_in_threadpool(error_page, request, 400, BAD_REQUEST)
        return await _resolve(json_validation(request, exc))

    app.add_exception_handler(404, not_found)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
