"""Hiring in a real browser, from both sides.

An employer member posts a job through the form (with the 推荐职业分类 suggestion), publishes
it, and — once a graduate has applied — opens the application in 投递管理 (已查看), shortlists
it, invites to an interview and issues an offer; the graduate's message centre shows every
step. A graduate searches ``/jobs``, narrows by a filter, applies with a résumé and a cover
note, finds the application in 我的申请, reads the offer notice, accepts the offer and signs
the drafted 三方协议; the employer signs and the career office approves on their pages, and
the public ``/agreements/verify`` page reports the code as 已签约.

The other party's steps that are not the point of a test (the graduate applying in the first,
the employer's shortlist and offer in the second) run through the live server's HTTP API.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Page, expect
from rq import SimpleWorker

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.outbox import handler_registry, relay_once
from jobs_api.core.queue import EVENTS_QUEUE
from jobs_api.identity.kit import identity_kit
from jobs_api.identity.principal import EmployerRole, Role
from jobs_api.jobs.events import publish_jobs_changed
from jobs_api.jobs.models import JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.reference.service import load_reference
from jobs_api.wiring import register_event_handlers
from tests.factories.agreements import offer_body
from tests.factories.applications import give_resume
from tests.factories.graduates import make_record
from tests.factories.identity import (
    DEFAULT_PASSWORD,
    Actor,
    make_account,
    make_university,
    sign_in,
)
from tests.factories.jobs import make_employer, make_job

pytestmark = pytest.mark.browser

EMPLOYER_NAME = "杭州云帆网络科技有限公司"


# --- fixtures ------------------------------------------------------------------------------------


class Pages:
    """One browser context (its own cookies) per person, each failing the test on script
    errors and CSP violations."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []

    def open(self) -> Page:
        context = self.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.contexts.append(context)
        opened = context.new_page()
        opened.set_default_timeout(15_000)

        def note(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.problems.append(message.text)

        opened.on("console", note)
        opened.on("pageerror", lambda error: self.problems.append(str(error)))
        return opened

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser) -> Iterator[Pages]:
    opened = Pages(browser)
    yield opened
    opened.close()
    assert not opened.problems, opened.problems


@pytest.fixture
def wired(container: Container) -> Iterator[Container]:
    """The container with the production event handlers, as ``gradmatch worker`` runs them."""
    handler_registry.clear()
    register_event_handlers(handler_registry, container)
    worker_context.install(container)
    yield container
    worker_context.uninstall()
    handler_registry.clear()


def deliver(container: Container) -> None:
    """What ``gradmatch worker`` does: relay the outbox and run the delivered events (here:
    the search index follows the jobs)."""
    relay_once(container.session_factory, container.queue)
    queue = container.queue.queue(EVENTS_QUEUE)
    SimpleWorker([queue], connection=container.queue.redis).work(burst=True)


@dataclass
class World:
    """A verified employer with a signed-in member (username ``yf-hr``), a verified graduate
    (``li-na``, 浙江大学, a default résumé) and 浙江大学's career office (``zju-career``)."""

    container: Container
    employer_id: int
    member: Actor
    graduate: Actor
    resume_id: int


@pytest.fixture
def world(wired: Container) -> World:
    container = wired
    settings = container.settings
    kit = identity_kit(container)
    with job_session(container.session_factory) as session:
        load_reference(session)
        university = make_university(session, code="10335", name="浙江大学")
        employer = make_employer(session, name=EMPLOYER_NAME)
        hr = make_account(
            session,
            kit,
            Role.EMPLOYER_MEMBER,
            username="yf-hr",
            employer_id=employer.id,
            employer_role=EmployerRole.OWNER,
        )
        record = make_record(session, university, settings, name="李娜")
        graduate = make_account(
            session, kit, Role.GRADUATE, username="li-na", student_record_id=record.id
        )
        make_account(
            session, kit, Role.CAREER_OFFICE, username="zju-career", university_id=university.id
        )
        graduate_actor = sign_in(session, graduate, settings)
        resume = give_resume(
            session, settings, graduate_actor, filename="李娜-简历.pdf", make_default=True
        )
        return World(
            container=container,
            employer_id=employer.id,
            member=sign_in(session, hr, settings),
            graduate=graduate_actor,
            resume_id=resume.id,
        )


# --- helpers -------------------------------------------------------------------------------------


def sign_in_page(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码", exact=True).fill(DEFAULT_PASSWORD)
    page.locator("form.form").get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def call(base: str, actor: Actor, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """The other party's step through the live server's API."""
    response = httpx.request(
        method, f"{base}/api/v1{path}", headers=actor.headers, timeout=15, **kwargs
    )
    assert response.is_success, response.text
    body: dict[str, Any] = response.json()
    return body


def tabs(page: Page) -> Any:
    return page.get_by_role("navigation", name="账号导航")


def shot(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=directory / f"hiring-{name}.png", full_page=True)


# --- 1. the employer: from posting to issuing the offer ------------------------------------------


def test_employer_posts_a_job_and_takes_an_applicant_to_an_offer(
    pages: Pages, live_server: str, world: World, screenshot_dir: Path
) -> None:
    hr = pages.open()
    sign_in_page(hr, live_server, "yf-hr")

    # post the job through the form ---------------------------------------------------------
    hr.goto(f"{live_server}/employer/jobs")
    hr.get_by_test_id("new-job").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("发布职位")
    hr.get_by_label("职位名称").fill("Python后端开发工程师")
    hr.get_by_label("职位描述").fill(
        "负责招聘平台后端服务的设计与开发，使用 Python 与 PostgreSQL，参与接口设计与性能优化。"
    )
    hr.get_by_test_id("suggest-occupation").click()
    suggestions = hr.get_by_test_id("occupation-suggestions")
    expect(suggestions).to_have_count(1)
    first_suggestion = suggestions.locator("option").first
    code = first_suggestion.get_attribute("value")
    assert code
    hr.get_by_test_id("occupation-select").select_option(code)
    expect(hr.get_by_label("职位名称")).to_have_value("Python后端开发工程师")  # kept
    hr.get_by_label("工作城市").select_option("330100")
    hr.get_by_label("最低学历").select_option("bachelor")
    majors = hr.get_by_label("专业要求")
    majors.fill("软件工程")
    hr.locator("#major_codes-results").get_by_role(
        "option", name=re.compile("软件工程")
    ).first.click()
    expect(hr.locator(".picker .chip-label").first).to_contain_text("软件工程")
    hr.get_by_label("月薪下限（元）").fill("12000")
    hr.get_by_label("月薪上限（元）").fill("18000")
    hr.get_by_label("每年发薪月数").select_option("13")
    hr.get_by_label("招聘人数").fill("2")
    skills = hr.get_by_label("技能要求（用逗号分隔）")
    for skill in ("Python", "PostgreSQL"):
        skills.fill(skill)
        skills.press("Enter")
    benefits = hr.get_by_label("福利待遇（用逗号分隔）")
    benefits.fill("五险一金")
    benefits.press("Enter")
    shot(hr, screenshot_dir, "job-form")
    hr.get_by_role("button", name="保存职位").click()

    expect(hr).to_have_url(re.compile(r"/employer/jobs\?saved=\d+$"))
    job_id = int(hr.url.rsplit("=", 1)[1])
    row = hr.locator(f"[data-testid=job-row][data-job-id='{job_id}']")
    expect(row.get_by_test_id("job-status")).to_have_text("草稿")
    row.get_by_test_id("publish").click()
    row = hr.locator(f"[data-testid=job-row][data-job-id='{job_id}']")
    expect(row.get_by_test_id("job-status")).to_have_text("已发布")
    shot(hr, screenshot_dir, "job-published")

    # once the worker has relayed the outbox, graduates find it ------------------------------
    deliver(world.container)
    grad = pages.open()
    sign_in_page(grad, live_server, "li-na")
    grad.goto(f"{live_server}/jobs?q=Python")
    found = grad.locator(f".job-card[data-job-id='{job_id}']")
    expect(found).to_contain_text("Python后端开发工程师")
    expect(found).to_contain_text(EMPLOYER_NAME)
    expect(found).to_contain_text("12-18K·13薪")

    # a verified graduate applies (their side is the other test) -----------------------------
    applied = call(
        live_server,
        world.graduate,
        "POST",
        f"/jobs/{job_id}/applications",
        json={"resume_id": world.resume_id, "cover_note": "熟悉 Python 与 PostgreSQL。"},
    )
    application_id = applied["id"]

    # 投递管理: open the application (已查看), shortlist it --------------------------------------
    hr.reload()
    expect(row.get_by_test_id("application-count")).to_have_text("1")
    tabs(hr).get_by_role("link", name="投递管理").click()
    pipeline = hr.get_by_test_id("pipeline")
    line = pipeline.locator(f"tr[data-application='{application_id}']")
    expect(line.locator("[data-status]")).to_have_text("已投递")
    shot(hr, screenshot_dir, "pipeline")
    line.get_by_role("link", name="李娜").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("李娜")
    expect(hr.get_by_test_id("application-status")).to_have_text("已查看")
    expect(hr.get_by_text("熟悉 Python 与 PostgreSQL。")).to_be_visible()
    expect(hr.get_by_test_id("resume-download")).to_contain_text("李娜-简历.pdf")
    hr.get_by_label("说明（选填，申请人可见）").fill("简历通过初筛")
    hr.get_by_test_id("set-shortlisted").click()
    expect(hr.get_by_test_id("application-status")).to_have_text("初筛通过")

    # invite to an interview ------------------------------------------------------------------
    hr.get_by_role("link", name="安排面试").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("邀请面试")
    day = china_today() + timedelta(days=3)
    hr.locator("#slot0_start").fill(f"{day.isoformat()}T10:00")
    hr.locator("#slot0_end").fill("11:00")
    hr.get_by_label("面试方式").select_option("onsite")
    hr.get_by_label("面试地点（现场面试必填）").fill("杭州市西湖区文三路 90 号 8 楼")
    hr.get_by_label("给毕业生的说明").fill("请携带简历一份。")
    shot(hr, screenshot_dir, "interview-form")
    hr.get_by_role("button", name="发送面试邀请").click()
    expect(hr).to_have_url(re.compile(r"/employer/interviews\?notice=created&interview=\d+$"))
    expect(hr.get_by_role("status")).to_have_text("面试邀请已发送，等待毕业生确认时段。")
    interview = hr.get_by_test_id(f"interview-{hr.url.rsplit('=', 1)[1]}")
    expect(interview).to_contain_text("李娜 · Python后端开发工程师")
    expect(interview.get_by_test_id("status")).to_have_text("待确认")
    expect(interview).to_contain_text(f"{day.isoformat()} 10:00–11:00")  # Beijing time

    # the offer form ----------------------------------------------------------------------
    hr.goto(f"{live_server}/employer/applications/{application_id}")
    expect(hr.get_by_test_id("application-status")).to_have_text("面试")
    hr.get_by_role("link", name="发录用通知").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("发出录用通知")
    expect(hr.get_by_label("岗位名称")).to_have_value("Python后端开发工程师")
    expect(hr.get_by_label("月薪（元，税前）")).to_have_value("12000")
    hr.get_by_label("月薪（元，税前）").fill("15000")
    hr.get_by_label("入职日期").fill((china_today() + timedelta(days=60)).isoformat())
    hr.get_by_label("答复截止日期").fill((china_today() + timedelta(days=7)).isoformat())
    hr.get_by_label("给毕业生的留言").fill("欢迎加入云帆！")
    shot(hr, screenshot_dir, "offer-form")
    hr.get_by_test_id("offer-form").get_by_role("button", name="发出录用通知").click()
    expect(hr).to_have_url(re.compile(r"/employer/agreements\?notice=offer_sent$"))
    expect(hr.get_by_role("status")).to_have_text("录用通知已发出。")
    offer_row = hr.get_by_test_id("offer-table").locator("tbody tr").first
    expect(offer_row).to_contain_text("Python后端开发工程师")
    expect(offer_row).to_contain_text("待答复")
    shot(hr, screenshot_dir, "offer-sent")
    hr.goto(f"{live_server}/employer/applications/{application_id}")
    expect(hr.get_by_test_id("application-status")).to_have_text("录用通知")

    # the graduate heard about every step ---------------------------------------------------
    grad.goto(f"{live_server}/me/inbox")
    inbox = grad.get_by_test_id("inbox")
    expect(inbox).to_contain_text("申请状态更新：已查看")
    expect(inbox).to_contain_text("申请状态更新：初筛通过")
    expect(inbox).to_contain_text("简历通过初筛")
    expect(inbox).to_contain_text(f"面试邀请：{EMPLOYER_NAME}")
    expect(inbox).to_contain_text(f"你收到了录用通知：{EMPLOYER_NAME}")
    shot(grad, screenshot_dir, "graduate-inbox")
    inbox.get_by_role("link", name=f"你收到了录用通知：{EMPLOYER_NAME}").click()
    expect(grad).to_have_url(re.compile(r"/me/offers$"))
    expect(grad.get_by_test_id("offer-table")).to_contain_text("15000 元 × 13")


# --- 2. the graduate: from search to a signed agreement ------------------------------------------


@pytest.fixture
def open_jobs(container: Container, world: World) -> dict[str, int]:
    """Published jobs in Hangzhou and Nanjing and a draft, indexed through the outbox."""
    with job_session(container.session_factory) as session:
        employer = make_employer(session, name="南京金陵数据有限公司", city_code="320100")
        mine = session.get_one(type(employer), world.employer_id)
        made = {
            "hz": make_job(session, mine, title="数据分析工程师", description="负责数据分析。"),
            "nj": make_job(session, employer, title="数据分析师", city_code="320100"),
            "other": make_job(session, mine, title="前端开发工程师"),
            "draft": make_job(session, mine, title="数据分析实习生", status=JobStatus.DRAFT),
        }
        ids = {key: job.id for key, job in made.items()}
        publish_jobs_changed(session, ids.values())
    deliver(container)
    return ids


def test_graduate_searches_applies_accepts_and_signs(
    pages: Pages,
    live_server: str,
    world: World,
    open_jobs: dict[str, int],
    screenshot_dir: Path,
) -> None:
    grad = pages.open()
    sign_in_page(grad, live_server, "li-na")

    # search, filter, open the job ----------------------------------------------------------
    grad.get_by_role("link", name="找工作").first.click()
    expect(grad.get_by_role("heading", level=1)).to_have_text("职位搜索")
    search = grad.get_by_role("search", name="搜索职位")
    search.get_by_role("combobox", name="搜索职位").fill("数据分析")
    search.get_by_role("button", name="搜索职位").click()
    expect(grad.get_by_test_id("result-total")).to_have_text("共 2 个职位")
    cities = grad.locator("[data-facet=city]")
    cities.get_by_role("link", name=re.compile("浙江省")).click()
    expect(grad.get_by_test_id("active-filters")).to_contain_text("浙江省")
    expect(grad.get_by_test_id("result-total")).to_have_text("共 1 个职位")
    results = grad.locator(".job-card")
    expect(results).to_have_count(1)
    expect(results.first).to_have_attribute("data-job-id", str(open_jobs["hz"]))
    shot(grad, screenshot_dir, "search")
    results.first.get_by_role("link", name="数据分析工程师").click()
    expect(grad.get_by_role("heading", level=1)).to_have_text("数据分析工程师")
    expect(grad.get_by_test_id("verified-badge")).to_be_visible()

    # apply with the résumé and a cover note ------------------------------------------------
    grad.get_by_test_id("apply").click()
    expect(grad.get_by_role("heading", level=1)).to_have_text("投递简历")
    expect(grad.get_by_role("radio", name=re.compile("李娜-简历.pdf"))).to_be_checked()
    grad.get_by_label("求职留言（选填）").fill("我熟悉数据分析，希望加入贵公司。")
    shot(grad, screenshot_dir, "apply")
    grad.get_by_role("button", name="确认投递").click()
    expect(grad.get_by_test_id("applied")).to_be_visible()
    application_id = int(re.findall(r"/me/applications/(\d+)", grad.url)[0])
    expect(grad.get_by_test_id("application-status")).to_have_text("已投递")
    tabs(grad).get_by_role("link", name="我的申请").click()
    mine = grad.get_by_test_id("my-applications")
    expect(mine).to_contain_text("数据分析工程师")
    expect(mine).to_contain_text(EMPLOYER_NAME)
    expect(mine.locator("[data-status]").first).to_have_text("已投递")
    shot(grad, screenshot_dir, "my-applications")

    # the employer moves it forward and issues an offer (API) -------------------------------
    call(
        live_server,
        world.member,
        "POST",
        f"/employers/me/applications/{application_id}/status",
        json={"status": "shortlisted"},
    )
    offer = call(
        live_server,
        world.member,
        "POST",
        f"/applications/{application_id}/offers",
        json=offer_body(position_title="数据分析工程师", monthly_salary=14000),
    )

    # the notice, the offer, accept -----------------------------------------------------------
    tabs(grad).get_by_role("link", name="消息中心").click()
    inbox = grad.get_by_test_id("inbox")
    expect(inbox).to_contain_text("申请状态更新：初筛通过")
    expect(inbox).to_contain_text(f"你收到了录用通知：{EMPLOYER_NAME}")
    shot(grad, screenshot_dir, "inbox")
    tabs(grad).get_by_role("link", name="录用与签约").click()
    expect(grad).to_have_url(re.compile(r"/me/offers$"))
    offers = grad.get_by_test_id("offer-table")
    expect(offers).to_contain_text("数据分析工程师")
    expect(offers).to_contain_text("14000 元 × 14")
    expect(offers).to_contain_text("待答复")
    shot(grad, screenshot_dir, "offers")
    confirmations: list[str] = []

    def accept_dialog(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        dialog.accept()

    grad.once("dialog", accept_dialog)
    offers.locator(f"form[action='/me/offers/{offer['id']}/accept']").get_by_role(
        "button", name="接受"
    ).click()

    # the drafted 三方协议: confirm and sign --------------------------------------------------
    expect(grad).to_have_url(re.compile(r"/me/agreements/\d+\?notice=accepted$"))
    assert confirmations and "只能签订一份三方协议" in confirmations[0]
    agreement_id = int(re.findall(r"/me/agreements/(\d+)", grad.url)[0])
    expect(grad.get_by_role("status")).to_have_text("已接受录用通知，三方协议草稿已生成。")
    expect(grad.get_by_test_id("agreement-status")).to_have_text("待签署")
    terms = grad.get_by_test_id("terms")
    expect(terms).to_contain_text("数据分析工程师")
    expect(terms).to_contain_text("14000 元 × 14")
    expect(terms).to_contain_text("杭州市")
    shot(grad, screenshot_dir, "agreement-draft")
    sign = grad.get_by_test_id("sign-form")
    confirm = sign.get_by_role("checkbox", name="我已阅读并同意上述协议条款，确认签署。")
    sign.get_by_role("button", name="确认签署").click()  # not confirmed: the browser refuses
    assert confirm.evaluate("box => box.validity.valueMissing")
    expect(grad).to_have_url(re.compile(r"\?notice=accepted$"))
    confirm.check()
    sign.get_by_role("button", name="确认签署").click()
    expect(grad.get_by_role("status")).to_have_text("已签署。")
    expect(grad.get_by_test_id("sign-form")).to_have_count(0)
    expect(grad.get_by_test_id("agreement-status")).to_have_text("签署中")
    code = grad.locator("dt:text-is('验证码') + dd").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4})+", code), code

    # the employer signs on its page; the career office approves on its page ----------------
    hr = pages.open()
    sign_in_page(hr, live_server, "yf-hr")
    tabs(hr).get_by_role("link", name="录用与签约").click()
    hr.get_by_test_id("agreement-table").get_by_role("link").first.click()
    expect(hr).to_have_url(re.compile(rf"/employer/agreements/{agreement_id}$"))
    expect(hr.get_by_test_id("agreement-status")).to_have_text("签署中")
    hr.get_by_test_id("sign-form").get_by_role("button", name="以单位名义签署").click()
    expect(hr.get_by_role("status")).to_have_text("已签署。")
    expect(hr.get_by_test_id("agreement-status")).to_have_text("待学校审核")
    shot(hr, screenshot_dir, "employer-signed")

    office = pages.open()
    sign_in_page(office, live_server, "zju-career")
    tabs(office).get_by_role("link", name="签约审核").click()
    queue = office.get_by_test_id("agreement-table")
    expect(queue).to_contain_text("李娜")
    expect(queue).to_contain_text("待学校审核")
    queue.locator("tbody tr").filter(has_text="李娜").get_by_role("link").click()
    office.get_by_test_id("decision").get_by_role("button", name="审核通过").click()
    expect(office).to_have_url(re.compile(r"/office/agreements\?notice=approved$"))
    expect(office.get_by_role("status")).to_have_text("已审核通过。")
    shot(office, screenshot_dir, "office-approved")

    grad.reload()
    expect(grad.get_by_test_id("agreement-status")).to_have_text("已签约")
    tabs(grad).get_by_role("link", name="消息中心").click()
    expect(grad.get_by_test_id("inbox")).to_contain_text("三方协议已签约")

    # anyone can check the code ------------------------------------------------------------
    public = pages.open()
    public.goto(f"{live_server}/agreements/verify")
    public.get_by_label("验证码").fill(code)
    public.get_by_role("button", name="查验").click()
    result = public.get_by_test_id("verify-result")
    expect(result).to_contain_text("验证通过")
    expect(result).to_contain_text("已签约")
    expect(result).to_contain_text(EMPLOYER_NAME)
    expect(result).to_contain_text("李*")
    shot(public, screenshot_dir, "verified")
