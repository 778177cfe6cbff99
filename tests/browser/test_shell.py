"""The web shell in a real browser: headings, navigation, language switch, login form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    problems: list[str] = []
    opened.on(
        "console",
        lambda message: problems.append(message.text) if is_error(message) else None,
    )
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    context.close()
    # CSP violations and script errors show up as console errors.
    assert not problems, problems


def is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"


def test_home_navigation_and_language_switch(
    page: Page, live_server: str, screenshot_dir: Path
) -> None:
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("高校毕业生就业服务平台")
    expect(page).to_have_title(re.compile("高校毕业生就业服务平台"))
    search = page.get_by_role("searchbox", name="搜索职位")
    expect(search).to_be_visible()

    nav = page.get_by_role("navigation", name="主导航")
    for role in ("毕业生", "用人单位", "就业指导中心·管理部门"):
        expect(nav.get_by_text(role, exact=True)).to_be_visible()
    for card in ("毕业生", "用人单位", "就业指导中心·管理部门"):
        expect(page.get_by_role("heading", level=3, name=card)).to_be_visible()
    expect(page.locator("[data-figure=jobs] dd")).not_to_be_empty()

    # The employer menu opens, the graduate menu closes it (one at a time), Escape closes.
    employer_menu = nav.locator("details[data-menu=employer]")
    employer_menu.locator("summary").click()
    expect(employer_menu.get_by_text("专场招聘会")).to_be_visible()
    graduate_menu = nav.locator("details[data-menu=graduate]")
    graduate_menu.locator("summary").click()
    expect(graduate_menu.get_by_text("为你推荐")).to_be_visible()
    expect(employer_menu.get_by_text("专场招聘会")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(graduate_menu.get_by_text("为你推荐")).to_be_hidden()
    page.screenshot(path=screenshot_dir / "home-zh.png", full_page=True)

    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Graduate Employment Service Platform"
    )
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_text("Career offices and administrators", exact=True)).to_be_visible()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("gradmatch_lang") == "en"
    page.screenshot(path=screenshot_dir / "home-en.png", full_page=True)

    # The choice sticks: the login page opened from the header is English too.
    page.get_by_role("link", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("Username or mobile number")).to_be_visible()


def test_login_form(page: Page, live_server: str, screenshot_dir: Path) -> None:
    page.goto(live_server + "/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")

    roles = page.get_by_role("group", name="登录身份")
    graduate = roles.get_by_role("radio", name="毕业生")
    employer = roles.get_by_role("radio", name="用人单位")
    office = roles.get_by_role("radio", name="就业指导中心·管理部门")
    expect(graduate).to_be_checked()
    roles.get_by_text("用人单位", exact=True).click()
    expect(employer).to_be_checked()
    expect(graduate).not_to_be_checked()
    expect(office).not_to_be_checked()

    username = page.get_by_label("用户名或手机号")
    password = page.get_by_label("密码", exact=True)
    expect(username).to_have_attribute("autocomplete", "username")
    expect(password).to_have_attribute("type", "password")
    username.fill("13800138000")
    password.fill("not-a-real-password")
    expect(username).to_have_value("13800138000")

    form = page.locator("form.form")
    expect(form).to_have_attribute("method", "post")
    expect(form).to_have_attribute("action", "/login")
    expect(page.get_by_role("link", name="忘记密码？")).to_be_visible()
    expect(page.get_by_role("link", name="激活账号")).to_be_visible()
    page.screenshot(path=screenshot_dir / "login-zh.png", full_page=True)


def test_small_screens_do_not_scroll_sideways(
    browser: Browser, live_server: str, screenshot_dir: Path
) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        for path, name in (("/", "home"), ("/login", "login")):
            page.goto(live_server + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
            page.screenshot(path=screenshot_dir / f"{name}-mobile.png", full_page=True)
    finally:
        context.close()


def test_unknown_page_shows_the_html_404(browser: Browser, live_server: str) -> None:
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        response = page.goto(live_server + "/no/such/page")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("页面未找到")
        page.get_by_role("link", name="返回首页").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("高校毕业生就业服务平台")
    finally:
        context.close()
