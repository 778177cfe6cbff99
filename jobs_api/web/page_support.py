"""What the page modules share: the access rules of page routes, rendering with the
signed-in viewer, translated texts, redirects, and how a refused form keeps (or drops) the
service's writes.

A page route calls the services and catches their typed errors to show them in the form.
Most refusals must not leave half-done work behind, so :func:`rollback_unless_recorded`
rolls the request's session back, except for identity's *recorded refusals* (failed
sign-ins, wrong codes, lockouts: their counters and audit rows must commit, see
:class:`jobs_api.identity.errors.RecordedRefusal`). The request's one commit point
(``SessionDep``) then commits whatever is left.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from jobs_api.core.errors import DomainError
from jobs_api.identity.access import allow
from jobs_api.identity.errors import RecordedRefusal, Throttled
from jobs_api.identity.principal import ADMIN_ROLES, Principal, Role
from jobs_api.web.i18n import LocaleName
from jobs_api.web.templating import get_shell, render_page, request_locale
from jobs_api.web.viewer import load_viewer

GraduatePage = Annotated[Principal, Depends(allow(Role.GRADUATE))]
OfficePage = Annotated[Principal, Depends(allow(*ADMIN_ROLES))]
CareerOfficePage = Annotated[Principal, Depends(allow(Role.CAREER_OFFICE))]
EmployerPage = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]

NO_STORE = {"Cache-Control": "no-store"}


def rollback_unless_recorded(session: Session, error: DomainError) -> None:
    if not isinstance(error, RecordedRefusal):
        session.rollback()


def locale_of(request: Request) -> LocaleName:
    return request_locale(request)


def translate(request: Request, message: str, **values: Any) -> str:
    """A page text (zh-CN source string) in the request's language."""
    return get_shell(request).translate(request_locale(request), message, **values)


def page(
    request: Request,
    session: Session,
    principal: Principal | None,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    private: bool = False,
) -> HTMLResponse:
    """Render a page for ``principal`` (``None``: signed out); ``private`` pages (personal
    data) are never stored by caches."""
    response = render_page(
        request,
        template,
        context,
        status_code=status_code,
        viewer=load_viewer(session, principal),
    )
    if private:
        response.headers.update(NO_STORE)
    return response


def refusal_status(error: DomainError) -> int:
    return error.status_code


def add_retry_after(response: HTMLResponse, error: DomainError) -> HTMLResponse:
    if isinstance(error, Throttled):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def see_other(location: str) -> RedirectResponse:
    """303: after a successful form post, the browser loads ``location`` with ``GET``."""
    return RedirectResponse(location, status_code=303)
