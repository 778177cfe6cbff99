"""CSRF protection of the pages' forms: a signed double-submit token bound to the sign-in.

* The browser holds a random ``gradmatch_csrf`` cookie (HttpOnly, SameSite=Lax), set the
  first time a page with a form is rendered.
* Each form carries ``csrf_token`` = HMAC-SHA256(key, cookie value + the sign-in session
  id), the key derived from the platform secret. A cross-site page can neither read the
  cookie nor compute the HMAC; binding the token to the session id means a token obtained
  in one sign-in (or anonymously) does not work in another, even if an attacker managed to
  plant the cookie.
* Every state-changing page route depends on :func:`require_csrf`, declared after its access
  rule (so a caller of the wrong role is refused as such first). A missing or wrong token,
  or an ``Origin`` header of another site, gives ``403 csrf_failed``.

The session id is read from a valid ``gradmatch_access`` cookie (no database access), the
same way when the form is rendered and when it is posted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Annotated, ClassVar, Final

from fastapi import Depends, Form
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from jobs_api.core.errors import Forbidden
from jobs_api.identity.access import ACCESS_COOKIE
from jobs_api.web.session_cookie import access_session_id, is_secure

CSRF_COOKIE: Final = "gradmatch_csrf"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
CSRF_COOKIE_MAX_AGE: Final = 365 * 24 * 3600
_COOKIE_BYTES: Final = 32


class CsrfRejected(Forbidden):
    default_code: ClassVar[str] = "csrf_failed"


def _secret(request: Request) -> str:
    secret: str = request.app.state.container.settings.secret_key.get_secret_value()
    return secret


def csrf_binding(request: Request) -> str:
    """The sign-in session the browser's access cookie belongs to ('' when signed out)."""
    return access_session_id(request.cookies.get(ACCESS_COOKIE), _secret(request)) or ""


def compute_token(secret: str, cookie_value: str, binding: str) -> str:
    key = hashlib.sha256(f"csrf-token:{secret}".encode()).digest()
    mac = hmac.new(key, f"{cookie_value}|{binding}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _valid_cookie(value: str | None) -> bool:
    return value is not None and 20 <= len(value) <= 100 and value.isascii()


class CsrfSource:
    """The token of one response; the cookie is created only if a template asks for a token."""

    def __init__(self, request: Request) -> None:
        self._request = request
        existing = request.cookies.get(CSRF_COOKIE)
        self._cookie = existing if _valid_cookie(existing) else None
        self._new_cookie: str | None = None
        self._token: str | None = None

    @property
    def token(self) -> str:
        if self._token is None:
            if self._cookie is None:
                self._cookie = self._new_cookie = secrets.token_urlsafe(_COOKIE_BYTES)
            self._token = compute_token(
                _secret(self._request), self._cookie, csrf_binding(self._request)
            )
        return self._token

    def field(self) -> Markup:
        """The hidden form input carrying the token."""
        return Markup('<input type="hidden" name="{}" value="{}">').format(
            CSRF_FIELD, escape(self.token)
        )

    def apply(self, response: Response) -> None:
        """Set the cookie on ``response`` when this response created it."""
        if self._new_cookie is not None:
            response.set_cookie(
                CSRF_COOKIE,
                self._new_cookie,
                max_age=CSRF_COOKIE_MAX_AGE,
                path="/",
                httponly=True,
                secure=is_secure(self._request),
                samesite="lax",
            )


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin in {f"{request.url.scheme}://{host}", f"http://{host}", f"https://{host}"}


def check_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    token = submitted or request.headers.get(CSRF_HEADER)
    message = "页面已过期或来源无效，请刷新页面后重试 (CSRF check failed; reload the page)"
    if not _same_origin(request) or not token or not _valid_cookie(cookie):
        raise CsrfRejected(message)
    assert cookie is not None
    expected = compute_token(_secret(request), cookie, csrf_binding(request))
    if not hmac.compare_digest(expected, token):
        raise CsrfRejected(message)


def require_csrf(
    request: Request, csrf_token: Annotated[str | None, Form(max_length=200)] = None
) -> None:
    """Route dependency: the posted form must carry this browser's valid CSRF token."""
    check_csrf(request, csrf_token)


CsrfChecked = Annotated[None, Depends(require_csrf)]
"""Declare as a parameter after the route's access rule: ``_: CsrfChecked``."""
