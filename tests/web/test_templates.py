"""Rendering the shell's templates directly (no app, no database)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from markupsafe import Markup

from jobs_api.web.figures import FIGURE_SOURCES, Figure
from jobs_api.web.i18n import SUPPORTED_LOCALES, LocaleName
from jobs_api.web.templating import LanguageLink, WebShell

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture(scope="module")
def shell() -> WebShell:
    return WebShell.load()


class FixedCsrf:
    """The ``csrf`` context value of a rendered page, with a fixed token."""

    token = "fixed-token"

    def field(self) -> Markup:
        return Markup('<input type="hidden" name="csrf_token" value="fixed-token">')


def context(locale: LocaleName, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "locale": locale,
        "html_lang": locale,
        "language_links": [
            LanguageLink(code, label, f"/?lang={code}", code == locale)
            for code, label in (("zh-CN", "中文"), ("en", "English"))
        ],
        "served_paths": frozenset({"/", "/login"}),
        "current_path": "/",
        "figures": tuple(Figure(s.key, s.label, None) for s in FIGURE_SOURCES),
        "selected_role": "graduate",
        "status_code": 404,
        "viewer": None,
        "csrf": FixedCsrf(),
    }
    return base | extra


@pytest.mark.parametrize("template", ["home.html", "login.html", "error.html"])
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_pages_render_with_lang_attribute(
    shell: WebShell, template: str, locale: LocaleName
) -> None:
    html = shell.render(locale, template, context(locale))
    assert html.startswith("<!doctype html>")
    assert f'<html lang="{locale}">' in html
    assert 'class="lang-switch"' in html
    assert "<script>" not in html  # scripts only come from /static


def test_home_in_chinese(shell: WebShell) -> None:
    html = shell.render("zh-CN", "home.html", context("zh-CN"))
    for text in ("高校毕业生就业服务平台", "毕业生", "用人单位", "就业指导中心·管理部门"):
        assert text in html
    for item in ("职位搜索", "为你推荐", "我的申请", "就业指导"):
        assert item in html
    for item in ("单位认证", "职位管理", "候选人", "专场招聘会"):
        assert item in html
    for item in ("单位审核", "学籍管理", "就业统计", "内容审核"):
        assert item in html
    assert 'action="/jobs"' in html
    assert 'name="q"' in html
    assert "隐私政策" in html and "用户协议" in html


@pytest.mark.parametrize("template", ["home.html", "login.html", "error.html"])
def test_english_pages_have_no_chinese_left(shell: WebShell, template: str) -> None:
    html = shell.render("en", template, context("en"))
    leftovers = set(CJK.findall(html.replace("中文", "")))
    assert not leftovers, f"untranslated text in {template}: {sorted(leftovers)}"
    assert "Graduate Employment Service Platform" in html


def test_missing_figures_show_a_dash(shell: WebShell) -> None:
    html = shell.render("zh-CN", "home.html", context("zh-CN"))
    assert html.count("<dd>—</dd>") == len(FIGURE_SOURCES)
    assert "表示暂无数据" in html


def test_figures_are_formatted_per_locale(shell: WebShell) -> None:
    figures = (
        Figure("jobs", "在招职位", 36_330_000),
        Figure("employers", "用人单位", 5_123),
        Figure("graduates", "注册毕业生", 0),
    )
    zh = shell.render("zh-CN", "home.html", context("zh-CN", figures=figures))
    assert "<dd>3633万</dd>" in zh and "<dd>5,123</dd>" in zh and "<dd>0</dd>" in zh
    assert "表示暂无数据" not in zh
    en = shell.render("en", "home.html", context("en", figures=figures))
    assert "<dd>36.3M</dd>" in en


def test_menu_entries_link_only_to_served_paths(shell: WebShell) -> None:
    served = frozenset({"/", "/login", "/jobs"})
    html = shell.render("zh-CN", "home.html", context("zh-CN", served_paths=served))
    assert '<a class="menu-link" href="/jobs">职位搜索</a>' in html
    assert 'href="/fairs"' not in html
    assert "即将开放" in html


def test_values_are_autoescaped(shell: WebShell) -> None:
    evil = '/x"><script>alert(1)</script>'
    links = [LanguageLink("en", "English", evil, False)]
    html = shell.render("zh-CN", "login.html", context("zh-CN", language_links=links))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("role", ["graduate", "employer", "office"])
def test_login_preselects_the_role(shell: WebShell, role: str) -> None:
    html = shell.render("zh-CN", "login.html", context("zh-CN", selected_role=role))
    assert f'value="{role}" checked' in html
    assert html.count(" checked") == 1
    assert 'method="post" action="/login"' in html
    for field in ('name="username"', 'name="password"', 'type="password"'):
        assert field in html
    assert '<label for="username">' in html and '<label for="password">' in html
