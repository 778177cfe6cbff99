"""The notification settings page: graduates only, own settings, validation in Chinese,
the push opt-in is the push consent, linked from the inbox and the graduate tabs."""

from __future__ import annotations

from sqlalchemy import select

from jobs_api.core.container import Container
from jobs_api.graduates.consent import has_consent
from jobs_api.graduates.models import ConsentPurpose
from matching.push.models import NotificationPreference
from tests.web.conftest import Browser, People

PAGE = "/me/notifications"
FORM = {
    "channels": ["inbox"],
    "frequency": "daily",
    "quiet": "1",
    "quiet_start": "23:00",
    "quiet_end": "07:30",
    "daily_cap": "3",
}


def test_settings_page_shows_defaults_and_saves(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    page = browser.get(PAGE)
    assert page.status_code == 200
    text = page.text
    assert "通知设置" in text and "免打扰时段" in text and "每日实时提醒上限" in text
    assert 'value="22:00"' in text and 'value="08:00"' in text and 'value="5"' in text
    assert 'name="channels" value="sms"' not in text  # no SMS gateway configured: not offered
    assert page.headers["cache-control"] == "no-store"

    saved = browser.post(PAGE, FORM, token_from=PAGE)
    assert saved.status_code == 303 and saved.headers["location"] == PAGE + "?notice=saved"
    after = browser.get(PAGE + "?notice=saved").text
    assert "通知设置已保存。" in after
    assert 'value="23:00"' in after and 'value="07:30"' in after and 'value="3"' in after
    with container.session_factory() as session:
        row = session.get(NotificationPreference, people.graduate.id)
        assert row is not None
        assert (row.frequency, row.quiet_start_minute, row.quiet_end_minute, row.daily_cap) == (
            "daily",
            23 * 60,
            7 * 60 + 30,
            3,
        )
        # the other graduate has no row: the page only writes the caller's own settings
        assert session.scalars(select(NotificationPreference.user_id)).all() == [people.graduate.id]

    off = browser.post(PAGE, {**FORM, "quiet": ""}, token_from=PAGE)
    assert off.status_code == 303
    with container.session_factory() as session:
        row = session.get(NotificationPreference, people.graduate.id)
        assert row is not None and row.quiet_start_minute is None and row.quiet_end_minute is None


def test_bad_input_is_shown_in_chinese(browser: Browser, people: People) -> None:
    browser.sign_in("zhangwei")
    bad = browser.post(
        PAGE,
        {**FORM, "daily_cap": "50", "quiet_start": "25:00", "quiet_end": "07:30"},
        token_from=PAGE,
    )
    assert bad.status_code == 422
    assert "每日提醒上限须在 1 到 20 条之间。" in bad.text
    assert "请输入 00:00 到 23:59 之间的时间。" in bad.text
    same = browser.post(PAGE, {**FORM, "quiet_end": "23:00"}, token_from=PAGE)
    assert same.status_code == 422 and "免打扰的开始和结束时间不能相同。" in same.text
    unknown = browser.post(PAGE, {**FORM, "frequency": "hourly"}, token_from=PAGE)
    assert unknown.status_code == 422 and "请选择推送频率。" in unknown.text
    unavailable = browser.post(PAGE, {**FORM, "channels": ["sms"]}, token_from=PAGE)
    assert unavailable.status_code == 422 and "所选推送渠道暂未开通。" in unavailable.text
    no_token = browser.post(PAGE, FORM)
    assert no_token.status_code == 403


def test_push_toggle_is_the_consent(browser: Browser, people: People, container: Container) -> None:
    browser.sign_in("zhangwei")
    assert "开启职位推送" in browser.get(PAGE).text  # the account has not consented yet
    on = browser.post(PAGE + "/consent", {"granted": "1"}, token_from=PAGE)
    assert on.headers["location"] == PAGE + "?notice=opted_in"
    page = browser.get(PAGE + "?notice=opted_in").text
    assert "已开启职位推送。" in page and "关闭职位推送" in page
    with container.session_factory() as session:
        assert has_consent(session, people.graduate.id, ConsentPurpose.PUSH_NOTIFICATIONS)
    browser.post(PAGE + "/consent", {"granted": "0"}, token_from=PAGE)
    with container.session_factory() as session:
        assert not has_consent(session, people.graduate.id, ConsentPurpose.PUSH_NOTIFICATIONS)
    privacy = browser.get("/me/privacy").text  # the privacy page shows the same record
    assert "撤回于" in privacy


def test_only_graduates_and_links(browser: Browser, people: People) -> None:
    signed_out = browser.get(PAGE)  # signed out: sent to the login page
    assert signed_out.url.path == "/login" and 'name="csrf_token"' in signed_out.text
    browser.sign_in("office-zju")
    assert browser.get(PAGE).status_code == 403
    assert browser.post(PAGE, FORM, token_from="/office").status_code == 403
    browser.client.cookies.clear()
    browser.sign_in("zhangwei")
    inbox = browser.get("/me/inbox").text
    assert 'href="/me/notifications"' in inbox
    assert 'class="area-tab" href="/me/notifications" aria-current="page"' in browser.get(PAGE).text


def test_english_page(browser: Browser, people: People) -> None:
    browser.sign_in("wangfang")
    english = browser.get(PAGE, params={"lang": "en"}).text
    assert "Notification settings" in english and "Quiet hours" in english
