"""Application pages: a graduate applies from the form and follows the timeline, withdraws;
the employer works the pipeline (filter, bulk, per-row status, notes, résumé); the inbox
page and the header's unread badge; unverified graduates and other people's applications."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from jobs_api.applications.models import Application, ApplicationNote
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.identity.models import User
from jobs_api.identity.principal import EmployerRole, Principal, Role
from jobs_api.inbox.models import InboxMessage
from jobs_api.jobs.models import JobStatus
from jobs_api.registry.models import EnrollmentStatus, StudentRecord
from tests.factories.applications import give_resume
from tests.factories.identity import Actor, make_account
from tests.factories.jobs import make_employer, make_job
from tests.web.conftest import Browser, People


@dataclass
class World:
    job_id: int
    closed_job_id: int
    other_job_id: int


def _graduate_actor(user: User) -> Actor:
    principal = Principal(
        user_id=user.id,
        role=Role.GRADUATE,
        session_id="",
        student_record_id=user.student_record_id,
    )
    return Actor(user=user, principal=principal, token="")


def _world(container: Container, people: People, *, resume: bool = True) -> World:
    settings = container.settings
    with job_session(container.session_factory) as session:
        employer = make_employer(session, name="杭州云帆网络科技有限公司")
        other = make_employer(session, name="南京星河软件有限公司")
        make_account(
            session,
            people.kit,
            Role.EMPLOYER_MEMBER,
            username="yf-hr",
            employer_id=employer.id,
            employer_role=EmployerRole.OWNER,
        )
        make_account(
            session,
            people.kit,
            Role.EMPLOYER_MEMBER,
            username="xh-hr",
            employer_id=other.id,
            employer_role=EmployerRole.OWNER,
        )
        job = make_job(session, employer, title="Java开发工程师")
        closed = make_job(session, employer, title="运维工程师", status=JobStatus.CLOSED)
        other_job = make_job(session, other, title="前端工程师")
        if resume:
            graduate = session.get_one(User, people.graduate.id)
            give_resume(session, settings, _graduate_actor(graduate), filename="张伟简历.pdf")
        return World(job.id, closed.id, other_job.id)


def _apply(browser: Browser, job_id: int, note: str = "") -> int:
    form = browser.get(f"/jobs/{job_id}/apply").text
    resume_id = re.search(r'name="resume_id" value="(\d+)"', form)
    assert resume_id, form[:2000]
    done = browser.post(
        f"/jobs/{job_id}/apply",
        {"resume_id": resume_id.group(1), "cover_note": note},
        token_from=f"/jobs/{job_id}/apply",
    )
    assert done.status_code == 303, done.text[:1500]
    found = re.search(r"/me/applications/(\d+)\?applied=1", done.headers["location"])
    assert found
    return int(found.group(1))


def test_a_graduate_applies_and_follows_the_application(
    browser: Browser, people: People, container: Container
) -> None:
    world = _world(container, people)
    signed_out = browser.get(f"/jobs/{world.job_id}/apply", follow_redirects=False)
    assert signed_out.status_code in (302, 303)
    assert signed_out.headers["location"] == f"/login?next=/jobs/{world.job_id}/apply"
    browser.sign_in("zhangwei")
    form = browser.get(f"/jobs/{world.job_id}/apply")
    assert form.status_code == 200
    assert "Java开发工程师" in form.text and "张伟简历.pdf" in form.text

    application_id = _apply(browser, world.job_id, note="希望加入贵公司")
    detail = browser.get(f"/me/applications/{application_id}?applied=1")
    assert detail.status_code == 200
    assert 'data-testid="applied"' in detail.text and "希望加入贵公司" in detail.text
    assert "已投递" in detail.text

    again = browser.get(f"/jobs/{world.job_id}/apply").text
    assert 'data-testid="already-applied"' in again
    assert f"/me/applications/{application_id}" in again

    listing = browser.get("/me/applications").text
    assert "Java开发工程师" in listing and 'data-status="submitted"' in listing

    withdrawn = browser.post(
        f"/me/applications/{application_id}/withdraw",
        {},
        token_from=f"/me/applications/{application_id}",
    )
    assert withdrawn.status_code == 303
    after = browser.get(f"/me/applications/{application_id}").text
    assert "已撤回" in after and 'data-testid="withdraw"' not in after
    assert _apply(browser, world.job_id) != application_id  # re-applying is allowed


def test_the_apply_page_explains_what_is_missing(
    browser: Browser, people: People, container: Container
) -> None:
    world = _world(container, people, resume=False)
    browser.sign_in("zhangwei")
    assert 'data-testid="no-resume"' in browser.get(f"/jobs/{world.job_id}/apply").text
    closed = browser.get(f"/jobs/{world.closed_job_id}/apply")
    assert closed.status_code == 200 and 'data-testid="job-closed"' in closed.text
    assert browser.get("/jobs/999999/apply").status_code == 404

    with job_session(container.session_factory) as session:
        record = session.get_one(StudentRecord, people.graduate_record.id)
        record.status = EnrollmentStatus.WITHDRAWN.value
    page = browser.get(f"/jobs/{world.job_id}/apply").text
    assert 'data-testid="not-verified"' in page and 'href="/activate"' in page
    refused = browser.post(
        f"/jobs/{world.job_id}/apply", {"cover_note": "x"}, token_from=f"/jobs/{world.job_id}/apply"
    )
    assert refused.status_code == 403 and 'data-testid="not-verified"' in refused.text


def test_a_duplicate_post_links_to_the_existing_application(
    browser: Browser, people: People, container: Container
) -> None:
    world = _world(container, people)
    browser.sign_in("zhangwei")
    application_id = _apply(browser, world.job_id)
    duplicate = browser.post(
        f"/jobs/{world.job_id}/apply", {"cover_note": ""}, token_from="/me/applications"
    )
    assert duplicate.status_code == 409
    assert 'data-testid="existing-application"' in duplicate.text
    assert f"/me/applications/{application_id}" in duplicate.text


def test_the_employer_works_the_pipeline(
    browser: Browser, people: People, container: Container
) -> None:
    world = _world(container, people)
    browser.sign_in("zhangwei")
    application_id = _apply(browser, world.job_id, note="请多关照")
    browser.client.cookies.clear()

    browser.sign_in("yf-hr")
    listing = browser.get("/employer/applications")
    assert listing.status_code == 200
    assert "张伟" in listing.text and "浙江大学" in listing.text and "软件工程" in listing.text
    assert "330106200301011237" not in listing.text and "13800138000" not in listing.text
    assert f"/employer/applications/{application_id}/interviews/new" in listing.text
    assert f"/employer/applications/{application_id}/offer/new" in listing.text
    filtered = browser.get("/employer/applications?status=rejected").text
    assert "张伟" not in filtered

    detail = browser.get(f"/employer/applications/{application_id}")
    assert detail.status_code == 200 and "已查看" in detail.text and "请多关照" in detail.text
    resume = browser.get(f"/employer/applications/{application_id}/resume")
    assert resume.status_code == 200 and resume.content.startswith(b"%PDF")

    url = f"/employer/applications/{application_id}"
    noted = browser.post(url + "/notes", {"body": "技术面表现好"}, token_from=url)
    assert noted.status_code == 303
    assert "技术面表现好" in browser.get(url).text
    moved = browser.post(
        url + "/status", {"status": "shortlisted", "reason": "进入笔试"}, token_from=url
    )
    assert moved.status_code == 303
    bulk = browser.post(
        "/employer/applications/bulk",
        {"ids": [str(application_id)], "status": "interview", "reason": ""},
        token_from="/employer/applications",
    )
    assert bulk.status_code == 303 and bulk.headers["location"].endswith("done=1")
    refused = browser.post(url + "/status", {"status": "viewed"}, token_from=url)
    assert refused.status_code == 409 and "不能变更为" in refused.text

    with job_session(container.session_factory) as session:
        row = session.get_one(Application, application_id)
        assert row.status == "interview"
        statuses = [
            m.payload["status"]
            for m in session.scalars(
                select(InboxMessage)
                .where(InboxMessage.user_id == people.graduate.id)
                .order_by(InboxMessage.id)
            )
        ]
        assert statuses == ["viewed", "shortlisted", "interview"]
        assert session.scalars(select(ApplicationNote.body)).all() == ["技术面表现好"]

    browser.client.cookies.clear()
    browser.sign_in("xh-hr")
    assert browser.get(url).status_code == 404
    assert browser.get(url + "/resume").status_code == 404
    assert "张伟" not in browser.get("/employer/applications").text

    browser.client.cookies.clear()
    browser.sign_in("zhangwei")
    mine = browser.get(f"/me/applications/{application_id}").text
    assert "面试" in mine and "进入笔试" in mine and "技术面表现好" not in mine
    assert browser.get(url).status_code == 403


def test_the_inbox_page_and_the_unread_badge(
    browser: Browser, people: People, container: Container
) -> None:
    world = _world(container, people)
    browser.sign_in("zhangwei")
    application_id = _apply(browser, world.job_id)
    browser.client.cookies.clear()
    browser.sign_in("yf-hr")
    url = f"/employer/applications/{application_id}"
    browser.get(url)  # viewed
    browser.post(url + "/status", {"status": "rejected", "reason": "名额已满"}, token_from=url)
    browser.client.cookies.clear()

    browser.sign_in("zhangwei")
    home = browser.get("/me/applications").text
    assert 'data-testid="unread-badge">2<' in home
    inbox = browser.get("/me/inbox")
    assert inbox.status_code == 200
    assert inbox.text.count('data-unread="1"') == 2
    assert "申请状态更新：不合适" in inbox.text and "名额已满" in inbox.text
    assert f'href="/me/applications/{application_id}"' in inbox.text
    english = browser.get("/me/inbox?lang=en").text
    assert "Application update: Not selected" in english

    first = re.search(r'data-message="(\d+)"', inbox.text)
    assert first
    one = browser.post("/me/inbox/read", {"ids": first.group(1)}, token_from="/me/inbox")
    assert one.status_code == 303
    assert browser.get("/me/inbox").text.count('data-unread="1"') == 1
    browser.post("/me/inbox/read", {"all": "1"}, token_from="/me/inbox")
    after = browser.get("/me/inbox").text
    assert 'data-unread="1"' not in after and 'data-testid="unread-badge"' not in after

    browser.client.cookies.clear()
    browser.sign_in("office-zju")
    office = browser.get("/me/inbox")
    assert office.status_code == 200 and "名额已满" not in office.text
    assert browser.get("/me/applications").status_code == 403


def test_bulk_changes_explain_refusals(
    browser: Browser, people: People, container: Container
) -> None:
    world = _world(container, people)
    browser.sign_in("zhangwei")
    application_id = _apply(browser, world.job_id)
    browser.client.cookies.clear()
    browser.sign_in("yf-hr")
    empty = browser.post(
        "/employer/applications/bulk", {"status": "rejected"}, token_from="/employer/applications"
    )
    assert empty.status_code == 422 and "请勾选 1–100 份申请" in empty.text

    with job_session(container.session_factory) as session:
        application = session.get_one(Application, application_id)
        employer = session.get_one(Employer, application.employer_id)
        employer.verification_status = VerificationStatus.EXPIRED.value
    refused = browser.post(
        "/employer/applications/bulk",
        {"ids": [str(application_id)], "status": "rejected"},
        token_from="/employer/applications",
    )
    assert refused.status_code == 403 and "单位尚未通过认证" in refused.text
    with job_session(container.session_factory) as session:
        assert session.get_one(Application, application_id).status == "submitted"
