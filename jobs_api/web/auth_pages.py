"""Signing in and out in the browser, the cookie session's refresh, and 忘记密码.

Who may open what: everything here is public except ``POST /logout`` (any signed-in role).
Every form post carries the CSRF token (see :mod:`jobs_api.web.csrf`).

The pages call identity's services (``login.password_login``, ``sessions.refresh``,
``sessions.revoke_session``, ``reset.request_password_reset``,
``reset.confirm_password_reset``); refusals are shown in the form in the page's language.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Form
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.identity import login, reset, sessions
from jobs_api.identity.access import PUBLIC, OptionalPrincipal, authenticated
from jobs_api.identity.api import KitDep, client_ip
from jobs_api.identity.kit import is_phone
from jobs_api.identity.models import AuthSession
from jobs_api.identity.principal import Principal
from jobs_api.identity.tokens import decode_access_token
from jobs_api.web.csrf import CsrfChecked, csrf_binding
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors, field_errors_from_domain
from jobs_api.web.navigation import ROLE_KEYS
from jobs_api.web.page_support import (
    add_retry_after,
    page,
    rollback_unless_recorded,
    see_other,
    translate,
)
from jobs_api.web.session_cookie import (
    REFRESH_COOKIE,
    REFRESH_PATH,
    clear_session_cookies,
    set_session_cookies,
)
from jobs_api.web.templating import get_shell
from jobs_api.web.viewer import ROLE_HOMES, safe_next, safe_path

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])
signed_in_router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
MAX_NAME: Final = 64
MAX_PASSWORD: Final = 256

NOTICES: Final = {
    "reset": N_("密码已重置，请使用新密码登录。"),
    "logged_out": N_("您已安全退出。"),
    "activated": N_("账号已激活，请登录。"),
    "deleted": N_("账号已注销，相关个人信息已删除。"),
}


def shown_login_name(value: str) -> str:
    """A login name to put back into a form: never a mobile number (phones only ever
    appear masked on the pages), so the person types it again."""
    return "" if is_phone(value.strip()) else value


def _login_page(
    request: Request,
    session: Session,
    principal: Principal | None,
    *,
    role: str = "",
    username: str = "",
    next_path: str | None = None,
    errors: FormErrors | None = None,
    error_code: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    selected = role if role in ROLE_KEYS else ROLE_KEYS[0]
    context = {
        "selected_role": selected,
        "username": shown_login_name(username),
        "next_path": safe_next(next_path) or "",
        "errors": errors or FormErrors(),
        "error_code": error_code,
        "notice": notice,
    }
    return page(request, session, principal, "login.html", context, status_code=status_code)


@router.get("/login", response_class=HTMLResponse, name="web_login")
def login_form(
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    role: str = "",
    next: str = "",
    notice: str = "",
) -> HTMLResponse:
    return _login_page(
        request,
        session,
        principal,
        role=role,
        next_path=next,
        notice=NOTICES.get(notice),
    )


def _end_previous_session(session: Session, request: Request, new_session_id: str) -> None:
    """Signing in over an earlier sign-in of this browser ends the earlier one."""
    previous = csrf_binding(request)
    if not previous or previous == new_session_id:
        return
    earlier = session.get(AuthSession, previous)
    if earlier is not None:
        sessions.revoke_session(
            session,
            earlier,
            sessions.RevokeReason.LOGOUT,
            actor_user_id=earlier.user_id,
            actor_role="system",
        )


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: SessionDep,
    kit: KitDep,
    principal: OptionalPrincipal,
    _: CsrfChecked,
    role: FormText = "",
    username: FormText = "",
    password: FormText = "",
    next: FormText = "",
) -> Response:
    username = username.strip()[:MAX_NAME]
    if not username or not password:
        errors = FormErrors(translate(request, N_("请输入用户名（或手机号）和密码。")))
        return _login_page(
            request,
            session,
            principal,
            role=role,
            username=username,
            next_path=next,
            errors=errors,
            status_code=422,
        )
    try:
        pair = login.password_login(
            session,
            kit,
            username,
            password[:MAX_PASSWORD],
            client_ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except DomainError as error:
        rollback_unless_recorded(session, error)
        response = _login_page(
            request,
            session,
            principal,
            role=role,
            username=username,
            next_path=next,
            errors=FormErrors(error.message),
            error_code=error.code,
            status_code=error.status_code,
        )
        return add_retry_after(response, error)
    _end_previous_session(session, request, pair.session_id)
    signed_in = decode_access_token(pair.access_token, kit.secret)
    redirect = see_other(safe_next(next) or ROLE_HOMES[signed_in.role])
    set_session_cookies(redirect, request, pair)
    return redirect


@signed_in_router.post("/logout")
def logout(
    request: Request,
    principal: Annotated[Principal, Depends(authenticated())],
    _: CsrfChecked,
    session: SessionDep,
) -> Response:
    auth_session = session.get(AuthSession, principal.session_id)
    if auth_session is not None:
        sessions.revoke_session(
            session,
            auth_session,
            sessions.RevokeReason.LOGOUT,
            actor_user_id=principal.user_id,
            actor_role=principal.role.value,
        )
    response = see_other("/login?notice=logged_out")
    clear_session_cookies(response, request)
    return response


@router.api_route(REFRESH_PATH, methods=["GET", "POST"])
def refresh_session(request: Request, session: SessionDep, kit: KitDep, next: str = "") -> Response:
    """Rotate the refresh cookie (identity's ``sessions.refresh``) and go back to ``next``.

    307 keeps the method and body of a form post that arrived with an expired access token,
    so the browser replays it with the new cookies. Without a usable refresh token the
    cookies are cleared and the browser goes to ``next`` signed out (protected pages then
    ask it to sign in). A cross-site request cannot use this route to act as the user: it
    only rotates the browser's own tokens and redirects to a path on this site.
    """
    target = safe_path(next) or "/"
    if target.startswith(REFRESH_PATH):
        target = "/"
    raw = request.cookies.get(REFRESH_COOKIE)
    if raw:
        try:
            pair = get_shell(request).refresh_coalescer.exchange(
                raw, lambda: sessions.refresh(session, raw, secret=kit.secret)
            )
        except DomainError as error:
            rollback_unless_recorded(session, error)
        else:
            response: Response = RedirectResponse(target, status_code=307)
            response.headers["Cache-Control"] = "no-store"
            set_session_cookies(response, request, pair)
            return response
    response = see_other(target)
    clear_session_cookies(response, request)
    return response


# --- 忘记密码 ------------------------------------------------------------------------------


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_form(request: Request, session: SessionDep, principal: OptionalPrincipal) -> Response:
    return page(request, session, principal, "password_forgot.html", {"errors": FormErrors()})


@router.post("/password/forgot", response_class=HTMLResponse)
def forgot_submit(
    request: Request,
    session: SessionDep,
    kit: KitDep,
    principal: OptionalPrincipal,
    _: CsrfChecked,
    username: FormText = "",
) -> Response:
    username = username.strip()[:MAX_NAME]
    errors = FormErrors()
    if not username:
        errors.add("username", translate(request, N_("请输入用户名或手机号。")))
        context = {"errors": errors, "username": shown_login_name(username)}
        return page(request, session, principal, "password_forgot.html", context, status_code=422)
    try:
        reset.request_password_reset(session, kit, username, client_ip=client_ip(request))
    except DomainError as error:
        rollback_unless_recorded(session, error)
        context = {"errors": FormErrors(error.message), "username": shown_login_name(username)}
        response = page(
            request,
            session,
            principal,
            "password_forgot.html",
            context,
            status_code=error.status_code,
        )
        return add_retry_after(response, error)
    context = {
        "errors": FormErrors(),
        "username": shown_login_name(username),
        "sent": reset.RESET_ACCEPTED_MESSAGE,
    }
    return page(request, session, principal, "password_reset.html", context)


@router.get("/password/reset", response_class=HTMLResponse)
def reset_form(request: Request, session: SessionDep, principal: OptionalPrincipal) -> Response:
    context = {"errors": FormErrors(), "username": "", "sent": None}
    return page(request, session, principal, "password_reset.html", context)


@router.post("/password/reset", response_class=HTMLResponse)
def reset_submit(
    request: Request,
    session: SessionDep,
    kit: KitDep,
    principal: OptionalPrincipal,
    _: CsrfChecked,
    username: FormText = "",
    code: FormText = "",
    new_password: FormText = "",
    confirm_password: FormText = "",
) -> Response:
    username = username.strip()[:MAX_NAME]
    errors = FormErrors()
    if not username:
        errors.add("username", translate(request, N_("请输入用户名或手机号。")))
    if not code.strip():
        errors.add("code", translate(request, N_("请输入验证码。")))
    if not new_password:
        errors.add("new_password", translate(request, N_("请设置新密码。")))
    elif new_password != confirm_password:
        errors.add("confirm_password", translate(request, N_("两次输入的密码不一致。")))
    if not errors:
        try:
            reset.confirm_password_reset(
                session,
                kit,
                username,
                code.strip()[:16],
                new_password[:MAX_PASSWORD],
                client_ip=client_ip(request),
            )
        except DomainError as error:
            rollback_unless_recorded(session, error)
            errors = FormErrors(error.message, field_errors_from_domain(error))
            context = {"errors": errors, "username": shown_login_name(username), "sent": None}
            response = page(
                request,
                session,
                principal,
                "password_reset.html",
                context,
                status_code=error.status_code,
            )
            return add_retry_after(response, error)
        done = see_other("/login?notice=reset")
        clear_session_cookies(done, request)  # the reset ended every sign-in
        return done
    context = {"errors": errors, "username": shown_login_name(username), "sent": None}
    return page(request, session, principal, "password_reset.html", context, status_code=422)
