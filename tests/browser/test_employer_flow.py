"""Employers in a real browser: a good Hangzhou company registers, the outbox runs its
automatic checks and it is 已认证 with 发布职位 open; a doubtful one (its name differs from
the registry record) is reviewed and rejected by a provincial admin and sees 未通过."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from rq import SimpleWorker

from employer_verification.registry_import import import_csv
from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.outbox import handler_registry, relay_once
from jobs_api.core.queue import EVENTS_QUEUE
from jobs_api.identity.kit import identity_kit
from jobs_api.identity.principal import Role
from jobs_api.reference.service import load_reference
from jobs_api.wiring import register_event_handlers
from tests.factories.identity import DEFAULT_PASSWORD, make_account, make_actor
from tests.factories.jobs import pdf_bytes
from tests.factories.verification import valid_uscc

pytestmark = pytest.mark.browser

PASSWORD = "Zhaopin-2026-strong"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture
def wired(container: Container) -> Iterator[Container]:
    with job_session(container.session_factory) as session:
        load_reference(session)
    handler_registry.clear()
    register_event_handlers(handler_registry, container)
    worker_context.install(container)
    yield container
    worker_context.uninstall()
    handler_registry.clear()


def deliver(container: Container) -> None:
    """What ``gradmatch worker`` does: relay the outbox and run the delivered events."""
    relay_once(container.session_factory, container.queue)
    queue = container.queue.queue(EVENTS_QUEUE)
    SimpleWorker([queue], connection=container.queue.redis).work(burst=True)


def import_registry(container: Container, code: str, name: str) -> None:
    """The company's record in the local enterprise registry, imported as an admin would."""
    header = "统一社会信用代码,企业名称,法定代表人,登记状态,注册资本,成立日期"
    csv = f"{header}\n{code},{name},李明,存续,1000万人民币,2015-06-01\n"
    with job_session(container.session_factory) as session:
        admin = make_actor(session, Role.NATIONAL_ADMIN, container.settings)
        _, errors = import_csv(session, admin.principal, "registry.csv", csv.encode())
        assert errors == []


def register(page: Page, base: str, tmp: Path, *, name: str, code: str, username: str) -> None:
    licence = tmp / "licence.pdf"
    licence.write_bytes(pdf_bytes(2048))
    page.goto(f"{base}/employer/register")
    page.fill("#name", name)
    page.fill("#uscc", code)
    page.select_option("#employer_type", "private_enterprise")
    page.select_option("#industry_code", "I")
    page.select_option("#city_code", "330100")
    page.select_option("#size", "100-499")
    page.fill("#contact_name", "李敏")
    page.fill("#contact_phone", "13900139000")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.set_input_files("#licence", str(licence))
    page.check("input[name=accept_terms]")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/employer")


def test_a_good_employer_is_verified_automatically_and_may_post(
    page: Page, live_server: str, wired: Container, tmp_path: Path
) -> None:
    code = valid_uscc("330106")
    name = "杭州明湖数据科技有限公司"
    import_registry(wired, code, name)
    register(page, live_server, tmp_path, name=name, code=code, username="mh-owner")
    expect(page.get_by_test_id("verification-status")).to_have_text("审核中")
    expect(page.get_by_test_id("new-job")).to_have_count(0)
    deliver(wired)
    page.reload()
    expect(page.get_by_test_id("verification-status")).to_have_text("已认证")
    expect(page.get_by_test_id("verified-badge")).to_be_visible()
    expect(page.get_by_test_id("new-job")).to_be_visible()

    page.get_by_test_id("new-job").click()
    page.fill("#title", "数据工程师")
    page.select_option("#degree_level", "bachelor")
    page.fill("#salary_min", "9000")
    page.fill("#salary_max", "15000")
    skills = page.get_by_label("技能要求（用逗号分隔）")  # a tag editor: one tag per Enter
    for skill in ("Python", "SQL"):
        skills.fill(skill)
        skills.press("Enter")
    page.fill("#description", "负责数据平台的建设与维护，参与数据建模与性能优化。")
    page.click("text=保存职位")
    page.wait_for_url(f"{live_server}/employer/jobs?saved=*")
    expect(page.get_by_test_id("job-status")).to_have_text("草稿")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("job-status")).to_have_text("已发布")


def test_a_doubtful_employer_is_reviewed_and_rejected(
    page: Page, live_server: str, wired: Container, tmp_path: Path
) -> None:
    code = valid_uscc("330106")
    import_registry(wired, code, "杭州星和智能科技有限公司")
    register(
        page, live_server, tmp_path, name="杭州星河智能科技有限公司", code=code, username="xh-owner"
    )
    deliver(wired)
    page.reload()
    expect(page.get_by_test_id("verification-status")).to_have_text("待人工审核")
    page.context.clear_cookies()

    with job_session(wired.session_factory) as session:
        make_account(
            session,
            identity_kit(wired),
            Role.PROVINCIAL_ADMIN,
            username="zj-admin",
            province_code="330000",
        )
    page.goto(f"{live_server}/login")
    page.fill("#username", "zj-admin")
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server}/review/employers")
    page.get_by_role("link", name="杭州星河智能科技有限公司").click()
    expect(page.get_by_test_id("registry-record")).to_contain_text("杭州星和智能科技有限公司")
    page.check("input[name=decision][value=rejected]")
    page.check("input[name=reason_codes][value=licence_mismatch]")
    page.fill("#note", "名称与登记不一致")
    page.click("form[method=post] button[type=submit] >> text=提交结论")
    expect(page.get_by_test_id("case-state")).to_have_text("未通过")
    page.context.clear_cookies()

    page.goto(f"{live_server}/login")
    page.fill("#username", "xh-owner")
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server}/employer/verification")
    expect(page.get_by_test_id("verification-status")).to_have_text("未通过")
    expect(page.get_by_test_id("verification-reasons")).to_contain_text(
        "营业执照与填报的单位信息不符"
    )
