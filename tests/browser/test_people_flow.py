"""People in a real browser: a graduate activates, signs in and edits the profile; a career
office uploads a 学籍 file with one bad row, reads the per-row error and finds the good rows
in the graduate list."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from rq import SimpleWorker

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.queue import DEFAULT_QUEUE
from jobs_api.identity.kit import identity_kit
from jobs_api.identity.principal import Role
from jobs_api.reference.service import load_reference
from tests.factories.identity import (
    DEFAULT_PASSWORD,
    make_account,
    make_student_record,
    make_university,
    synthetic_id_number,
)
from tests.factories.registry import registry_rows, with_check_digit_broken, write_csv

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    problems: list[str] = []

    def note(message: ConsoleMessage) -> None:
        # The only expected console errors are the deliberate 4xx page loads below.
        if message.type == "error" and "status of 4" not in message.text:
            problems.append(message.text)

    opened.on("console", note)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    context.close()
    assert not problems, problems  # CSP violations and script errors


@pytest.fixture
def drain(container: Container) -> Iterator[Callable[[], None]]:
    worker_context.install(container)

    def run() -> None:
        queue = container.queue.queue(DEFAULT_QUEUE)
        SimpleWorker([queue], connection=container.queue.redis).work(burst=True)

    yield run
    worker_context.uninstall()


def test_graduate_activates_signs_in_and_edits_the_profile(
    page: Page, live_server: str, container: Container, screenshot_dir: Path
) -> None:
    id_number = synthetic_id_number()
    with job_session(container.session_factory) as session:
        load_reference(session)
        university = make_university(session, code="10335", name="浙江大学")
        make_student_record(
            session,
            university,
            container.settings,
            id_number=id_number,
            student_number="3210100001",
            name="张伟",
        )

    # activate (self-claim) ------------------------------------------------------------
    page.goto(live_server + "/login")
    page.get_by_role("link", name="激活账号", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("激活毕业生账号")
    page.get_by_label("姓名").fill("张伟")
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("学号").fill("3210100001")
    page.get_by_label("院校代码").fill("10335")
    page.get_by_label("手机号").fill("13800138000")
    page.get_by_label("设置密码").fill("Zhang-wei-2026")
    page.get_by_label("确认密码").fill("Zhang-wei-2026")
    sharing = page.get_by_role("checkbox", name=re.compile("向用人单位展示个人资料"))
    expect(sharing).to_be_checked()
    page.screenshot(path=screenshot_dir / "activate.png", full_page=True)
    page.get_by_role("button", name="核验并激活").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("激活成功")
    expect(page.get_by_text("138****8000")).to_be_visible()
    assert id_number not in page.content() and "13800138000" not in page.content()
    page.screenshot(path=screenshot_dir / "activate-done.png", full_page=True)

    # sign in ----------------------------------------------------------------------------
    page.get_by_role("link", name="去登录").click()
    expect(page.get_by_role("status")).to_contain_text("账号已激活")
    page.get_by_label("用户名或手机号").fill("13800138000")
    page.get_by_label("密码", exact=True).fill("Zhang-wei-2026")
    page.locator("form.form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("你好，张伟")
    expect(page.get_by_test_id("account-name")).to_have_text("张伟")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["gradmatch_access"]["httpOnly"] and cookies["gradmatch_refresh"]["httpOnly"]
    assert cookies["gradmatch_refresh"]["path"] == "/session/"
    page.screenshot(path=screenshot_dir / "me.png", full_page=True)

    # edit the profile: a skill (tag editor) and an intended city (searchable picker) -------
    page.get_by_role("navigation", name="账号导航").get_by_role("link", name="个人资料").click()
    expect(page.get_by_text("来自学籍库，不可修改")).to_be_visible()
    page.get_by_role("link", name="编辑资料").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("编辑个人资料")
    skills = page.get_by_label("技能标签")
    skills.fill("Python")
    skills.press("Enter")
    skills.fill("数据分析")
    skills.press("Enter")
    expect(page.locator(".tag-editor .chip-label")).to_have_text(["Python", "数据分析"])
    cities = page.get_by_label("意向城市")
    cities.fill("杭州")
    page.get_by_role("option", name=re.compile("杭州市")).click()
    expect(page.locator(".picker .chip-label").first).to_have_text("杭州市")
    page.get_by_label("最低").fill("8000")
    page.screenshot(path=screenshot_dir / "profile-edit.png", full_page=True)
    page.get_by_role("button", name="保存").click()

    # ... and see it saved ----------------------------------------------------------------
    expect(page).to_have_url(re.compile(r"/me/profile\?saved=1$"))
    expect(page.get_by_role("status")).to_have_text("资料已保存。")
    expect(page.get_by_test_id("skills").locator(".tag")).to_have_text(["Python", "数据分析"])
    expect(page.get_by_test_id("cities")).to_contain_text("杭州市")
    page.screenshot(path=screenshot_dir / "profile.png", full_page=True)
    page.reload()
    expect(page.get_by_test_id("skills").locator(".tag")).to_have_text(["Python", "数据分析"])

    # a graduate has no business in the office pages: the HTML 403 page
    response = page.goto(live_server + "/office")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问")

    # sign out
    page.goto(live_server + "/me")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("status")).to_have_text("您已安全退出。")
    page.goto(live_server + "/me/profile")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_career_office_imports_a_file_and_finds_the_graduates(
    page: Page,
    live_server: str,
    container: Container,
    drain: Callable[[], None],
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    with job_session(container.session_factory) as session:
        load_reference(session)
        university = make_university(session, code="10335", name="浙江大学")
        office = make_account(
            session,
            identity_kit(container),
            Role.CAREER_OFFICE,
            username="office-zju",
            university_id=university.id,
        )
        office.display_name = "浙江大学就业指导中心"
    rows = registry_rows(3)
    rows[1]["身份证号"] = with_check_digit_broken(rows[1]["身份证号"])
    upload = write_csv(tmp_path / "2026届学籍.csv", rows)

    page.goto(live_server + "/login?role=office")
    expect(page.get_by_role("radio", name="就业指导中心·管理部门")).to_be_checked()
    page.get_by_label("用户名或手机号").fill("office-zju")
    page.get_by_label("密码", exact=True).fill(DEFAULT_PASSWORD)
    page.locator("form.form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/office$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    page.screenshot(path=screenshot_dir / "office.png", full_page=True)

    page.get_by_role("navigation", name="账号导航").get_by_role("link", name="学籍管理").click()
    expect(page.get_by_role("link", name="Excel 模板")).to_be_visible()
    page.get_by_label("CSV 或 XLSX 文件").set_input_files(upload)
    page.get_by_role("button", name="上传并导入").click()
    expect(page).to_have_url(re.compile(r"/office/registry/imports/\d+$"))
    expect(page.get_by_test_id("import-status")).to_have_text("排队中")
    page.screenshot(path=screenshot_dir / "import-queued.png", full_page=True)

    drain()  # the rq worker runs the import; the page's script notices and reloads

    expect(page.get_by_test_id("import-status")).to_have_text("已完成")
    errors = page.get_by_test_id("error-table").locator("tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.locator("td")).to_have_text(["3", "身份证号", re.compile("校验位")])
    assert rows[1]["身份证号"] not in page.content()
    expect(page.get_by_role("link", name="下载错误报告（CSV）")).to_be_visible()
    page.screenshot(path=screenshot_dir / "import-report.png", full_page=True)

    page.get_by_role("navigation", name="账号导航").get_by_role("link", name="毕业生名单").click()
    table = page.get_by_test_id("graduate-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    for good in (rows[0], rows[2]):
        expect(table).to_contain_text(good["学号"])
        expect(table).to_contain_text(good["身份证号"][:6] + "********" + good["身份证号"][-4:])
        assert good["身份证号"] not in page.content()
    expect(table).not_to_contain_text(rows[1]["学号"])

    page.get_by_label("关键词").fill(rows[2]["学号"])
    page.get_by_role("button", name="筛选").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "graduates.png", full_page=True)
    table.get_by_role("link").first.click()
    expect(page.get_by_text("本次访问已记入访问日志")).to_be_visible()
    page.screenshot(path=screenshot_dir / "graduate.png", full_page=True)
