"""Jinja2 environments (one per locale), the shared page context and HTML responses.

Every HTML response of the shell goes through :func:`html_response`, which adds the security
headers (a same-origin Content-Security-Policy without inline scripts or styles, ``nosniff``,
a referrer policy, no framing) and ``Vary`` on the inputs of locale negotiation.
"""

from __future__ import annotations

import gettext
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Match

from jobs_api.web.csrf import CsrfSource
from jobs_api.web.figures import FigureCache
from jobs_api.web.i18n import (
    ENDONYMS,
    LANG_COOKIE,
    LANG_COOKIE_MAX_AGE,
    LANG_PARAM,
    SOURCE_LOCALE,
    SUPPORTED_LOCALES,
    LocaleName,
    choose_locale,
    load_translations,
    normalize_locale,
)
from jobs_api.web.messages import localize
from jobs_api.web.navigation import AREA_MENUS, ROLE_MENUS, TOP_LINKS
from jobs_api.web.session_cookie import RefreshCoalescer
from jobs_api.web.viewer import Viewer

CHINA_TIME: Final = timezone(timedelta(hours=8), "CST")
WEB_DIR: Final = Path(__file__).resolve().parent
TEMPLATES_DIR: Final = WEB_DIR / "templates"
STATIC_DIR: Final = WEB_DIR / "static"
STATIC_URL: Final = "/static"

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    )
)
SECURITY_HEADERS: Final[Mapping[str, str]] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@dataclass(frozen=True, slots=True)
class LanguageLink:
    locale: LocaleName
    label: str
    href: str
    current: bool


def _asset_versions(static_dir: Path) -> dict[str, str]:
    """Short content hashes of the static files, appended as ``?v=`` for cache busting."""
    versions: dict[str, str] = {}
    for path in sorted(static_dir.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            versions[path.relative_to(static_dir).as_posix()] = digest
    return versions


class WebShell:
    """What the pages need at run time, built once when the app is created."""

    def __init__(
        self,
        translations: Mapping[LocaleName, gettext.NullTranslations],
        *,
        templates_dir: Path = TEMPLATES_DIR,
        static_dir: Path = STATIC_DIR,
    ) -> None:
        missing = set(SUPPORTED_LOCALES) - set(translations)
        if missing:
            raise ValueError(f"no translations for {sorted(missing)}")
        self.static_dir = static_dir
        self._versions = _asset_versions(static_dir)
        self._translations = dict(translations)
        self._environments = {
            locale: self._environment(templates_dir, translations[locale], locale)
            for locale in SUPPORTED_LOCALES
        }
        self.figures = FigureCache()
        self.refresh_coalescer = RefreshCoalescer()

    @classmethod
    def load(cls) -> WebShell:
        return cls(load_translations())

    def _environment(
        self, templates_dir: Path, translations: gettext.NullTranslations, locale: LocaleName
    ) -> Environment:
        env = Environment(
            loader=FileSystemLoader(templates_dir),
            autoescape=True,
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        env.globals["asset"] = self.asset_url
        env.globals["role_menus"] = ROLE_MENUS
        env.globals["area_menus"] = AREA_MENUS
        env.globals["top_links"] = TOP_LINKS
        env.filters["service_text"] = lambda message: localize(str(message), locale)
        env.filters["local_time"] = local_time
        env.filters["local_date"] = local_date
        return env

    def asset_url(self, path: str) -> str:
        version = self._versions.get(path)
        url = f"{STATIC_URL}/{path}"
        return f"{url}?v={version}" if version else url

    def render(self, locale: LocaleName, template: str, context: Mapping[str, Any]) -> str:
        return self._environments[locale].get_template(template).render(context)

    def translate(self, locale: LocaleName, message: str, **values: Any) -> str:
        """``message`` (a zh-CN source string) in ``locale``, with ``%(name)s`` filled in."""
        text = self._translations[locale].gettext(message)
        return text % values if values else text


def local_time(value: datetime | None) -> str:
    """A stored (UTC) time as Beijing time, to the minute; naive values are taken as UTC."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def local_date(value: datetime | None) -> str:
    """A stored (UTC) time as its Beijing calendar day."""
    return local_time(value)[:10] if value is not None else "—"


def get_shell(request: Request) -> WebShell:
    shell: WebShell = request.app.state.web
    return shell


def default_locale(request: Request) -> str:
    container = getattr(request.app.state, "container", None)
    settings = getattr(container, "settings", None)
    return str(getattr(settings, "default_locale", SOURCE_LOCALE))


def request_locale(request: Request) -> LocaleName:
    return choose_locale(
        query=request.query_params.get(LANG_PARAM),
        cookie=request.cookies.get(LANG_COOKIE),
        accept_language=request.headers.get("accept-language"),
        default=default_locale(request),
    )


def language_links(request: Request, current: LocaleName) -> list[LanguageLink]:
    """Links to the current page in each language (other query parameters are kept)."""
    links: list[LanguageLink] = []
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != LANG_PARAM]
    for locale in SUPPORTED_LOCALES:
        query = urlencode([*kept, (LANG_PARAM, locale)])
        href = f"{request.url.path}?{query}"
        links.append(LanguageLink(locale, ENDONYMS[locale], href, locale == current))
    return links


MENU_PATHS: Final = frozenset(
    {item.path for menu in ROLE_MENUS for item in menu.items}
    | {item.path for item in TOP_LINKS}
    | {item.path for items in AREA_MENUS.values() for item in items}
)


def served_paths(request: Request) -> frozenset[str]:
    """The menu paths the app answers with ``GET`` (entries for others show "coming soon").

    Each path is matched against the app's routes instead of collecting the routes' paths:
    FastAPI 0.16x keeps an included router as one route of its own, so a walk over
    ``app.routes`` no longer sees the pages. Routes do not change once the app serves, so the
    answer is kept on the app.
    """
    state = request.app.state
    known: frozenset[str] | None = getattr(state, "served_menu_paths", None)
    if known is None:
        known = frozenset(path for path in MENU_PATHS if _answers_get(request.app.routes, path))
        state.served_menu_paths = known
    return known


def _answers_get(routes: list[BaseRoute], path: str) -> bool:
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
    return any(route.matches(scope)[0] == Match.FULL for route in routes)


def page_context(request: Request, locale: LocaleName) -> dict[str, Any]:
    return {
        "locale": locale,
        "html_lang": locale,
        "language_links": language_links(request, locale),
        "served_paths": served_paths(request),
        "current_path": request.url.path,
    }


def html_response(content: str, *, status_code: int = 200) -> HTMLResponse:
    response = HTMLResponse(content, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-cache"
    return response


def render_page(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    viewer: Viewer | None = None,
) -> HTMLResponse:
    """Render ``template`` in the request's locale; ``?lang=`` also stores the choice.

    ``viewer`` (the signed-in account, if any) fills the header; ``csrf`` in the context
    gives forms their token (``{{ csrf.field() }}``), and the CSRF cookie is set with the
    response when the browser had none."""
    locale = request_locale(request)
    csrf = CsrfSource(request)
    full_context = {
        **page_context(request, locale),
        "viewer": viewer,
        "csrf": csrf,
        **(context or {}),
    }
    response = html_response(
        get_shell(request).render(locale, template, full_context), status_code=status_code
    )
    csrf.apply(response)
    chosen = normalize_locale(request.query_params.get(LANG_PARAM))
    if chosen and chosen != request.cookies.get(LANG_COOKIE):
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=LANG_COOKIE_MAX_AGE,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response
