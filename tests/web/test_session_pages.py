"""Signing in and out in the browser: cookies, role homes, ``next``, refusals in the form,
CSRF, protected pages (redirect / HTML 403), the transparent refresh and 忘记密码."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from jobs_api.core.container import Container
from jobs_api.core.db import utcnow
from jobs_api.identity.access import ACCESS_COOKIE
from jobs_api.identity.codes import latest_mailbox_code
from jobs_api.identity.models import AuthSession, CodePurpose, RefreshToken
from jobs_api.identity.tokens import decode_access_token, issue_access_token
from jobs_api.web.csrf import CSRF_COOKIE, compute_token
from jobs_api.web.session_cookie import REFRESH_COOKIE
from jobs_api.web.viewer import safe_next
from tests.web.conftest import HTML, PASSWORD, Browser, People


def other_browser(browser: Browser, cookies: dict[str, str]) -> TestClient:
    """Another client of the same app holding just ``cookies``."""
    return TestClient(browser.client.app, cookies=cookies)


def set_cookie_headers(response: object) -> dict[str, str]:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return {h.split("=", 1)[0]: h.lower() for h in headers}


def test_sign_in_sets_httponly_cookies_and_goes_to_the_role_home(
    browser: Browser, people: People
) -> None:
    response = browser.sign_in("zhangwei")
    assert response.headers["location"] == "/me"
    cookies = set_cookie_headers(response)
    access, refresh = cookies[ACCESS_COOKIE], cookies[REFRESH_COOKIE]
    for header in (access, refresh):
        assert "httponly" in header and "samesite=lax" in header
        assert "secure" not in header  # plain http in tests; https adds Secure
    assert "path=/;" in access
    assert "path=/session/" in refresh  # the refresh token never travels with pages

    home = browser.get("/me")
    assert home.status_code == 200
    assert "你好，张伟" in home.text
    assert 'data-testid="account-name">张伟<' in home.text and "退出" in home.text
    assert home.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("login_name", "home"),
    [("office-zju", "/office"), ("zj-admin", "/office"), ("hr-owner", "/employer")],
)
def test_each_role_has_its_home(
    browser: Browser, people: People, login_name: str, home: str
) -> None:
    assert browser.sign_in(login_name).headers["location"] == home
    assert browser.get(home).status_code == 200


def test_sign_in_by_phone_number(browser: Browser, people: People) -> None:
    assert browser.sign_in("13800138000").headers["location"] == "/me"


def test_next_is_followed_only_for_relative_paths(browser: Browser, people: People) -> None:
    response = browser.sign_in("zhangwei", next="/me/profile?x=1")
    assert response.headers["location"] == "/me/profile?x=1"
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"):
        assert browser.sign_in("zhangwei", next=evil).headers["location"] == "/me"


def test_safe_next() -> None:
    assert safe_next("/office/graduates?page=2") == "/office/graduates?page=2"
    for refused in ("", "me", "//x.org", "http://x.org/", "/\\x.org", "/a\nb", "/api/v1/me"):
        assert safe_next(refused) is None
    assert safe_next("/login?next=/me") is None and safe_next("/session/refresh") is None


def test_wrong_password_shows_the_error_in_the_form(browser: Browser, people: People) -> None:
    response = browser.post(
        "/login",
        {"username": "zhangwei", "password": "not-the-password", "role": "graduate"},
        token_from="/login",
    )
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert "(wrong username or password)" not in response.text  # zh-CN page, Chinese part only
    assert 'value="zhangwei"' in response.text and "not-the-password" not in response.text
    assert ACCESS_COOKIE not in set_cookie_headers(response)
    english = browser.client.post(
        "/login?lang=en",
        data={"username": "zhangwei", "password": "nope", "csrf_token": browser.token()},
        headers=HTML,
    )
    assert "wrong username or password" in english.text


def test_lockout_names_the_retry_time(browser: Browser, people: People) -> None:
    for _ in range(5):
        browser.post(
            "/login", {"username": "wangfang", "password": "wrong-pass-1"}, token_from="/login"
        )
    response = browser.post(
        "/login", {"username": "wangfang", "password": PASSWORD}, token_from="/login"
    )
    assert response.status_code == 423
    assert "账号已临时锁定" in response.text and "北京时间" in response.text
    assert int(response.headers["retry-after"]) > 0
    assert "忘记密码？通过验证码重置" in response.text


def test_pending_activation_points_to_the_code_page(
    browser: Browser, people: People, container: Container
) -> None:
    with container.session_factory() as session:
        user = session.get(type(people.graduate), people.graduate.id)
        assert user is not None
        user.status = "pending_activation"
        session.commit()
    response = browser.post(
        "/login", {"username": "zhangwei", "password": PASSWORD}, token_from="/login"
    )
    assert response.status_code == 403
    assert "账号尚未激活" in response.text and 'href="/activate/code"' in response.text


@pytest.mark.parametrize("problem", ["missing", "wrong", "other_session", "origin"])
def test_posts_without_a_valid_csrf_token_are_refused(
    browser: Browser, people: People, container: Container, problem: str
) -> None:
    token = browser.token()
    data = {"username": "zhangwei", "password": PASSWORD}
    headers = dict(HTML)
    if problem == "wrong":
        data["csrf_token"] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif problem == "other_session":
        secret = container.settings.secret_key.get_secret_value()
        cookie = browser.client.cookies[CSRF_COOKIE]
        data["csrf_token"] = compute_token(secret, cookie, "another-session-id")
    elif problem == "origin":
        data["csrf_token"] = token
        headers["Origin"] = "https://evil.example"
    response = browser.client.post("/login", data=data, headers=headers, follow_redirects=False)
    assert response.status_code == 403
    assert "页面已过期" in response.text
    assert ACCESS_COOKIE not in set_cookie_headers(response)


def test_csrf_token_is_bound_to_the_sign_in(browser: Browser, people: People) -> None:
    anonymous_token = browser.token("/activate")
    browser.sign_in("zhangwei")
    response = browser.post(
        "/me/privacy/consents",
        {"purpose": "statistics", "granted": "0", "csrf_token": anonymous_token},
    )
    assert response.status_code == 403 and "页面已过期" in response.text
    fresh = browser.post(
        "/me/privacy/consents", {"purpose": "statistics", "granted": "0"}, token_from="/me"
    )
    assert fresh.status_code == 303


def test_protected_pages_redirect_browsers_to_sign_in(browser: Browser, people: People) -> None:
    response = browser.get("/me/profile?tab=1", follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/login?next=")
    assert unquote(location.split("next=", 1)[1]) == "/me/profile?tab=1"
    # API clients get the JSON 401 instead
    api = browser.client.get("/me/profile", headers={"Accept": "application/json"})
    assert api.status_code == 401 and api.json()["error"]["code"] == "not_authenticated"


def test_wrong_role_gets_the_html_403_page(browser: Browser, people: People) -> None:
    browser.sign_in("zhangwei")
    for path in ("/office", "/office/graduates", "/office/registry", "/employer"):
        response = browser.get(path)
        assert response.status_code == 403, path
        assert "无权访问" in response.text and "返回我的主页" in response.text
    # a form post of the wrong role is refused as such, before any CSRF check
    posted = browser.post("/office/preactivate", {"graduation_year": "2026"})
    assert posted.status_code == 403 and "无权访问" in posted.text


def test_logout_revokes_the_session_and_clears_the_cookies(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    secret = container.settings.secret_key.get_secret_value()
    session_id = decode_access_token(browser.client.cookies[ACCESS_COOKIE], secret).session_id
    old_access = browser.client.cookies[ACCESS_COOKIE]
    without_token = browser.post("/logout")
    assert without_token.status_code == 403
    response = browser.post("/logout", token_from="/me")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    cleared = set_cookie_headers(response)
    assert "max-age=0" in cleared[ACCESS_COOKIE] and "max-age=0" in cleared[REFRESH_COOKIE]
    with container.session_factory() as session:
        auth_session = session.get(AuthSession, session_id)
        assert auth_session is not None and auth_session.revoked_at is not None
    # the old access token is dead at once, not when it expires
    replay = other_browser(browser, {ACCESS_COOKIE: old_access}).get(
        "/me", headers=HTML, follow_redirects=False
    )
    assert replay.status_code == 303 and replay.headers["location"].startswith("/login")
    assert "您已安全退出" in browser.get("/login?notice=logged_out").text


def _expire_access_cookie(client: TestClient, container: Container) -> str:
    """Replace the access cookie with an expired token of the same sign-in."""
    secret = container.settings.secret_key.get_secret_value()
    principal = decode_access_token(client.cookies[ACCESS_COOKIE], secret)
    expired, _ = issue_access_token(principal, secret, now=utcnow() - timedelta(minutes=30))
    (stored,) = [c for c in client.cookies.jar if c.name == ACCESS_COOKIE]
    client.cookies.set(ACCESS_COOKIE, expired, domain=stored.domain, path=stored.path)
    return principal.session_id


def test_an_expired_access_token_is_refreshed_transparently(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    old_refresh = browser.client.cookies[REFRESH_COOKIE]
    session_id = _expire_access_cookie(browser.client, container)

    first = browser.get("/me/profile", follow_redirects=False)
    assert first.status_code == 307
    assert first.headers["location"] == "/session/refresh?next=%2Fme%2Fprofile"
    page = browser.get("/me/profile")
    assert page.status_code == 200 and "个人资料" in page.text
    assert browser.client.cookies[REFRESH_COOKIE] != old_refresh
    secret = container.settings.secret_key.get_secret_value()
    assert decode_access_token(browser.client.cookies[ACCESS_COOKIE], secret).session_id == (
        session_id
    )
    with container.session_factory() as session:
        used = session.scalars(
            select(RefreshToken).where(RefreshToken.session_id == session_id)
        ).all()
        assert len(used) == 2 and sum(t.used_at is not None for t in used) == 1


def test_a_form_posted_with_an_expired_token_is_replayed_after_the_refresh(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    token = browser.token("/me/profile/edit")
    _expire_access_cookie(browser.client, container)
    response = browser.post(
        "/me/profile/edit",
        {"csrf_token": token, "skills": "Python, 数据分析", "visibility": "hidden"},
        follow=True,
    )
    assert response.status_code == 200
    assert str(response.url).endswith("/me/profile?saved=1")
    assert '<span class="tag">数据分析</span>' in response.text


def test_two_refreshes_with_one_token_share_the_new_pair(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    refresh = browser.client.cookies[REFRESH_COOKIE]
    _expire_access_cookie(browser.client, container)
    answers = [
        other_browser(browser, {REFRESH_COOKIE: refresh}).get(
            "/session/refresh?next=/me", headers=HTML, follow_redirects=False
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [307, 307]
    first, second = (set_cookie_headers(a)[REFRESH_COOKIE] for a in answers)
    assert first == second  # the race did not count as reuse
    assert browser.get("/me").status_code == 200


def test_a_reused_or_unknown_refresh_token_signs_the_browser_out(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    _expire_access_cookie(browser.client, container)
    (stored,) = [c for c in browser.client.cookies.jar if c.name == REFRESH_COOKIE]
    browser.client.cookies.set(
        REFRESH_COOKIE, "not-a-real-token", domain=stored.domain, path=stored.path
    )
    response = browser.get("/session/refresh?next=/me", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/me"
    assert "max-age=0" in set_cookie_headers(response)[ACCESS_COOKIE]
    assert browser.get("/me", follow_redirects=False).headers["location"].startswith("/login")


def test_refresh_goes_only_to_paths_on_this_site(browser: Browser, people: People) -> None:
    response = browser.get("/session/refresh?next=https://evil.example/", follow_redirects=False)
    assert response.headers["location"] == "/"


def test_signing_in_again_ends_the_earlier_sign_in(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    secret = container.settings.secret_key.get_secret_value()
    first = decode_access_token(browser.client.cookies[ACCESS_COOKIE], secret).session_id
    browser.sign_in("office-zju")
    with container.session_factory() as session:
        earlier = session.get(AuthSession, first)
        assert earlier is not None and earlier.revoked_at is not None


def test_forgot_password_flow(browser: Browser, people: People, container: Container) -> None:
    sent = browser.post("/password/forgot", {"username": "zhangwei"}, token_from="/password/forgot")
    assert sent.status_code == 200
    assert "验证码已发送" in sent.text and 'value="zhangwei"' in sent.text
    with container.session_factory() as session:
        code = latest_mailbox_code(session, people.graduate.id, CodePurpose.PASSWORD_RESET)
    assert code is not None
    new_password = "Brand-new-2026"
    mismatch = browser.post(
        "/password/reset",
        {
            "username": "zhangwei",
            "code": code,
            "new_password": new_password,
            "confirm_password": "other",
        },
        token_from="/password/reset",
    )
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.text
    wrong = browser.post(
        "/password/reset",
        {
            "username": "zhangwei",
            "code": "000000" if code != "000000" else "111111",
            "new_password": new_password,
            "confirm_password": new_password,
        },
        token_from="/password/reset",
    )
    assert wrong.status_code == 400 and "验证码" in wrong.text
    done = browser.post(
        "/password/reset",
        {
            "username": "zhangwei",
            "code": code,
            "new_password": new_password,
            "confirm_password": new_password,
        },
        token_from="/password/reset",
    )
    assert done.status_code == 303 and done.headers["location"] == "/login?notice=reset"
    assert "密码已重置" in browser.get(done.headers["location"]).text
    assert browser.sign_in("zhangwei", new_password).headers["location"] == "/me"


def test_forgot_password_answers_the_same_for_unknown_accounts(
    browser: Browser, people: People
) -> None:
    known = browser.post("/password/forgot", {"username": "zhangwei"}, token_from="/login")
    unknown = browser.post("/password/forgot", {"username": "nobody-here"}, token_from="/login")
    assert known.status_code == unknown.status_code == 200
    assert "验证码已发送" in unknown.text


def test_a_phone_number_is_never_written_back_into_the_form(
    browser: Browser, people: People
) -> None:
    response = browser.post(
        "/login", {"username": "13800138000", "password": "wrong-pass-1"}, token_from="/login"
    )
    assert response.status_code == 401
    assert "13800138000" not in response.text
    sent = browser.post("/password/forgot", {"username": "13800138000"}, token_from="/login")
    assert sent.status_code == 200 and "13800138000" not in sent.text
