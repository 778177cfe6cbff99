"""The browser session of the pages: two HttpOnly cookies around identity's token pair.

* ``gradmatch_access`` (path ``/``): the 15-minute access token that
  :func:`jobs_api.identity.access.authenticate` reads on every request. The cookie lives as
  long as the refresh token, so an expired access token still reaches the server and tells
  it that the browser can refresh.
* ``gradmatch_refresh`` (path ``/session/``): the single-use refresh token. Browsers send it
  to ``/session/...`` only, so it never travels with ordinary page requests.

Both are ``HttpOnly``, ``SameSite=Lax`` and ``Secure`` when the request came over https.

Transparent refresh: :class:`WebSessionMiddleware` looks at the access cookie of each page
request (not ``/api``, ``/static`` or ``/session``). When the token is expired or otherwise
unusable it answers ``307`` to ``/session/refresh?next=<the page>``; a 307 keeps the method
and body, so a form posted just after the token expired is replayed, not lost. The refresh
route exchanges the refresh token through identity's rotation service
(:func:`jobs_api.identity.sessions.refresh`), sets both cookies and answers 307 back to the
page. No database work happens in the middleware.

Rotation is single-use and a reused refresh token revokes the whole session. Two requests of
one browser can race to refresh with the same token (two tabs, a polling script and a
click); :class:`RefreshCoalescer` gives every request of this process that presents the same
token within :data:`COALESCE_SECONDS` the pair the first one obtained.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Final
from urllib.parse import quote

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from jobs_api.identity.access import ACCESS_COOKIE
from jobs_api.identity.errors import InvalidToken
from jobs_api.identity.sessions import REFRESH_TOKEN_TTL, TokenPair
from jobs_api.identity.tokens import decode_access_token

REFRESH_COOKIE: Final = "gradmatch_refresh"
SESSION_PREFIX: Final = "/session"
REFRESH_PATH: Final = SESSION_PREFIX + "/refresh"
REFRESH_COOKIE_PATH: Final = SESSION_PREFIX + "/"
COOKIE_MAX_AGE: Final = int(REFRESH_TOKEN_TTL.total_seconds())
COALESCE_SECONDS: Final = 30.0

# Paths the middleware leaves alone: the API (bearer tokens and JSON errors), assets, the
# refresh route itself and the framework's documentation.
UNMANAGED_PREFIXES: Final = ("/api/", "/static/", SESSION_PREFIX + "/", "/docs", "/redoc")
UNMANAGED_PATHS: Final = frozenset({"/api", "/static", "/openapi.json", "/health"})


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookies(response: Response, request: Request, pair: TokenPair) -> None:
    secure = is_secure(request)
    response.set_cookie(
        ACCESS_COOKIE,
        pair.access_token,
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        secure=secure,
        samesite="lax",
    )
    response.set_cookie(
        REFRESH_COOKIE,
        pair.refresh_token,
        max_age=COOKIE_MAX_AGE,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        secure=secure,
        samesite="lax",
    )


def clear_session_cookies(response: Response, request: Request) -> None:
    secure = is_secure(request)
    response.delete_cookie(ACCESS_COOKIE, path="/", httponly=True, secure=secure, samesite="lax")
    response.delete_cookie(
        REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, httponly=True, secure=secure, samesite="lax"
    )


def access_session_id(token: str | None, secret: str) -> str | None:
    """The sign-in session a still-valid access token belongs to; ``None`` if unusable."""
    if not token:
        return None
    try:
        return decode_access_token(token, secret).session_id
    except InvalidToken:
        return None


def is_managed_path(path: str) -> bool:
    return path not in UNMANAGED_PATHS and not path.startswith(UNMANAGED_PREFIXES)


def refresh_location(path: str, query: str) -> str:
    target = path + (f"?{query}" if query else "")
    return f"{REFRESH_PATH}?next={quote(target, safe='')}"


def _cookie_value(headers: Headers, name: str) -> str | None:
    for header in headers.getlist("cookie"):
        for part in header.split(";"):
            key, sep, value = part.strip().partition("=")
            if sep and key == name:
                return value.strip('"') or None
    return None


class WebSessionMiddleware:
    """Sends a page request whose access token has expired through ``/session/refresh``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_managed_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        token = _cookie_value(Headers(scope=scope), ACCESS_COOKIE)
        container = getattr(scope["app"].state, "container", None)
        if token is None or container is None:
            await self.app(scope, receive, send)
            return
        secret = container.settings.secret_key.get_secret_value()
        if access_session_id(token, secret) is not None:
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        response = Response(
            status_code=307,
            headers={
                "Location": refresh_location(scope["path"], query),
                "Cache-Control": "no-store",
            },
        )
        await response(scope, receive, send)


class RefreshCoalescer:
    """Exchanges each refresh token once per process; repeats within ``ttl`` get the same pair.

    Locks are striped by token hash, so unrelated refreshes do not wait for each other.
    """

    STRIPES: Final = 64

    def __init__(self, ttl: float = COALESCE_SECONDS) -> None:
        self.ttl = ttl
        self._locks = [threading.Lock() for _ in range(self.STRIPES)]
        self._guard = threading.Lock()
        self._recent: dict[str, tuple[float, TokenPair]] = {}

    def exchange(self, raw_token: str, refresh: Callable[[], TokenPair]) -> TokenPair:
        key = hashlib.sha256(raw_token.encode()).hexdigest()
        with self._locks[int(key[:8], 16) % self.STRIPES]:
            now = time.monotonic()
            with self._guard:
                hit = self._recent.get(key)
            if hit is not None and hit[0] > now:
                return hit[1]
            pair = refresh()
            with self._guard:
                self._recent = {k: v for k, v in self._recent.items() if v[0] > now}
                self._recent[key] = (now + self.ttl, pair)
            return pair
