"""The web shell through the app: pages, locale choice, HTML/JSON 404s, security headers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from jobs_api.core.container import Container
from jobs_api.web.figures import read_figures
from jobs_api.web.i18n import LANG_COOKIE

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy")


def html_lang(body: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', body)
    assert match, "no <html lang> attribute"
    return match.group(1)


def test_home_in_chinese_by_default(client: TestClient) -> None:
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    body = response.text
    assert html_lang(body) == "zh-CN"
    assert "<title>首页 · 高校毕业生就业服务平台</title>" in body
    for text in (
        "高校毕业生就业服务平台",
        "gradmatch",
        "毕业生",
        "用人单位",
        "就业指导中心·管理部门",
    ):
        assert text in body
    for text in ("职位搜索", "单位认证", "学籍管理", "隐私政策", "用户协议"):
        assert text in body
    assert '<form class="search-box" role="search" action="/jobs" method="get">' in body
    assert 'href="/?lang=en"' in body and ">English</a>" in body
    assert LANG_COOKIE not in response.cookies


def test_the_main_menu_links_the_pages_the_app_serves(client: TestClient) -> None:
    body = client.get("/", headers=HTML).text
    for path, label in (
        ("/jobs", "职位搜索"),
        ("/recommendations", "为你推荐"),
        ("/employer/jobs", "职位管理"),
        ("/office/registry", "学籍管理"),
    ):
        assert f'<a class="menu-link" href="{path}">{label}</a>' in body
    assert 'href="/office/preactivate"' not in body  # career offices' page: shown to them only
    # A page that no router serves yet stays text marked "coming soon", never a dead link.
    assert 'href="/guidance"' not in body
    assert '<span class="menu-link is-soon" aria-disabled="true">就业指导' in body


def test_home_figures_come_from_the_database(client: TestClient, container: Container) -> None:
    body = client.get("/", headers=HTML).text
    for figure in read_figures(container.engine):
        shown = re.search(rf'data-figure="{figure.key}">\s*<dt>[^<]+</dt>\s*<dd>([^<]+)</dd>', body)
        assert shown, figure.key
        assert shown.group(1) == figure.display("zh-CN")


def test_lang_query_switches_to_english_and_sets_the_cookie(client: TestClient) -> None:
    response = client.get("/?lang=en", headers=HTML)
    assert response.status_code == 200
    assert html_lang(response.text) == "en"
    assert "Graduate Employment Service Platform" in response.text
    assert "Career offices and administrators" in response.text
    assert response.cookies.get(LANG_COOKIE) == "en"
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie and "path=/" in set_cookie


def test_the_cookie_keeps_the_language(client: TestClient) -> None:
    client.get("/?lang=en", headers=HTML)
    again = client.get("/login", headers=HTML)
    assert html_lang(again.text) == "en"
    assert "Username or mobile number" in again.text
    back = client.get("/login?lang=zh-CN", headers=HTML)
    assert html_lang(back.text) == "zh-CN"
    assert back.cookies.get(LANG_COOKIE) == "zh-CN"
    assert html_lang(client.get("/", headers=HTML).text) == "zh-CN"


def test_accept_language_chooses_english(client: TestClient) -> None:
    response = client.get("/", headers={**HTML, "Accept-Language": "en-US,en;q=0.9,zh;q=0.5"})
    assert html_lang(response.text) == "en"
    assert LANG_COOKIE not in response.cookies
    assert "Accept-Language" in response.headers["vary"]


def test_cookie_beats_accept_language(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "zh-CN")
    response = client.get("/", headers={**HTML, "Accept-Language": "en"})
    assert html_lang(response.text) == "zh-CN"


def test_login_page_has_the_form(client: TestClient) -> None:
    response = client.get("/login", headers=HTML)
    assert response.status_code == 200
    body = response.text
    assert "<title>登录 · 高校毕业生就业服务平台</title>" in body
    assert '<form class="form" method="post" action="/login">' in body
    for role in ("graduate", "employer", "office"):
        assert f'name="role" value="{role}"' in body
    assert 'value="graduate" checked' in body
    assert '<label for="username">用户名或手机号</label>' in body
    assert '<label for="password">密码</label>' in body
    assert 'type="password"' in body and 'autocomplete="current-password"' in body
    assert "忘记密码" in body and "激活账号" in body and "学籍" in body


def test_login_role_from_query(client: TestClient) -> None:
    body = client.get("/login?role=employer", headers=HTML).text
    assert 'value="employer" checked' in body
    assert 'value="graduate" checked' not in body
    assert 'value="graduate" checked' in client.get("/login?role=root", headers=HTML).text


def test_unknown_page_gets_a_friendly_html_404(client: TestClient) -> None:
    response = client.get("/no/such/page", headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert html_lang(response.text) == "zh-CN"
    assert "页面未找到" in response.text and "返回首页" in response.text
    for header in SECURITY_HEADERS:
        assert header in response.headers


def test_html_404_follows_the_language_cookie(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "en")
    response = client.get("/no/such/page", headers=HTML)
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/x", HTML),  # API paths answer JSON even to a browser
        ("/no/such/page", {"Accept": "application/json"}),  # API clients elsewhere too
        ("/no/such/page", {}),
    ],
)
def test_other_404s_keep_the_json_error_format(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert isinstance(error["message"], str) and error["message"]
    assert error["fields"] == {}


def test_pages_send_security_headers(client: TestClient) -> None:
    for path in ("/", "/login"):
        headers = client.get(path, headers=HTML).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_pages_use_no_inline_script_or_style(client: TestClient) -> None:
    for path in ("/", "/login", "/missing"):
        body = client.get(path, headers=HTML).text
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body) is None
        assert " style=" not in body and "<style" not in body
        assert re.search(r"<[^>]+\son[a-z]+=", body) is None


def test_static_assets_are_served_with_nosniff(client: TestClient) -> None:
    body = client.get("/", headers=HTML).text
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', body)
    assert css
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "PingFang SC" in response.text
    script = re.search(r'<script src="(/static/js/shell\.js\?v=[0-9a-f]+)" defer>', body)
    assert script and client.get(script.group(1)).status_code == 200


def test_pages_stay_out_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths and "/login" not in paths
