"""The employer's job form: a verified employer posts and publishes; blocked content comes
back with the matched text highlighted (HTML-escaped); unverified employers are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.identity.principal import EmployerRole, Role
from jobs_api.jobs.deadlines import close_expired_jobs
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.jobs.screening_port import SCREENER_KEY
from jobs_api.wiring import screen_job_post
from tests.factories.identity import make_account
from tests.factories.jobs import make_employer, make_job
from tests.web.conftest import Browser, People, csrf_token

PHONE_TEXT = "负责后端服务开发。有意者请致电13812345678了解详情。"

JOB = {
    "title": "后端开发工程师",
    "degree_level": "bachelor",
    "salary_min": "9000",
    "salary_max": "15000",
    "headcount": "2",
    "skills": "Python，SQL",
    "description": "负责招聘平台后端服务的设计与开发，参与代码评审。",
}


@pytest.fixture
def screening(container: Container) -> Iterator[None]:
    container.extras[SCREENER_KEY] = screen_job_post
    yield
    container.extras.pop(SCREENER_KEY, None)


def _member(container: Container, people: People, verified: bool) -> str:
    status = VerificationStatus.VERIFIED if verified else VerificationStatus.NEEDS_REVIEW
    with job_session(container.session_factory) as session:
        employer = make_employer(session, name="杭州云帆网络科技有限公司", status=status)
        session.flush()
        make_account(
            session,
            people.kit,
            Role.EMPLOYER_MEMBER,
            username="yf-owner",
            employer_id=employer.id,
            employer_role=EmployerRole.OWNER,
        )
    return "yf-owner"


def test_a_verified_employer_posts_and_publishes(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    browser.sign_in(_member(container, people, verified=True))
    done = browser.post("/employer/jobs/new", JOB, token_from="/employer/jobs/new")
    assert done.status_code == 303, done.text[:800]
    with job_session(container.session_factory) as session:
        job = session.scalars(select(Job).where(Job.title == JOB["title"])).one()
        assert job.status == "draft"
        job_id = job.id
    home = browser.get("/employer").text
    assert "后端开发工程师" in home and 'data-testid="publish"' in home
    published = browser.post(f"/employer/jobs/{job_id}/publish", {}, token_from="/employer")
    assert published.status_code == 303
    with job_session(container.session_factory) as session:
        job_row = session.get(Job, job_id)
        assert job_row is not None and job_row.status == "published"


def test_blocked_content_is_highlighted_and_escaped(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    browser.sign_in(_member(container, people, verified=True))
    bad = {**JOB, "description": "<b>限男性</b>，需缴纳培训费3000元，负责后端开发工作。"}
    refused = browser.post("/employer/jobs/new", bad, token_from="/employer/jobs/new")
    assert refused.status_code == 422
    assert 'data-testid="screening-matches"' in refused.text
    assert '<mark class="screening-match">' in refused.text
    assert "<b>限男性</b>" not in refused.text
    with job_session(container.session_factory) as session:
        assert session.scalars(select(Job)).all() == []


def test_an_unverified_employer_cannot_post(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    browser.sign_in(_member(container, people, verified=False))
    home = browser.get("/employer").text
    assert 'data-testid="new-job"' not in home
    refused = browser.post("/employer/jobs/new", JOB, token_from="/employer/jobs/new")
    assert refused.status_code == 403
    with job_session(container.session_factory) as session:
        assert session.scalars(select(Job)).all() == []


def test_a_flagged_post_waits_and_a_reviewer_approves_it(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    browser.sign_in(_member(container, people, verified=True))
    flagged = {**JOB, "description": PHONE_TEXT}
    done = browser.post("/employer/jobs/new", flagged, token_from="/employer/jobs/new")
    assert done.status_code == 303, done.text[:800]
    assert "待审核" in browser.get("/employer").text
    browser.client.cookies.clear()
    browser.sign_in("zj-admin")
    queue = browser.get("/review/jobs")
    assert queue.status_code == 200
    assert '<mark class="screening-match">' in queue.text
    review_id = int(re.findall(r'action="/review/jobs/(\d+)"', queue.text)[0])
    approved = browser.post(
        f"/review/jobs/{review_id}", {"decision": "approved"}, token_from="/review/jobs"
    )
    assert approved.status_code == 303
    assert 'data-testid="job-review"' not in browser.get("/review/jobs").text


def test_employer_members_cannot_open_job_reviews(browser: Browser, people: People) -> None:
    browser.sign_in("hr-owner")
    assert browser.get("/review/jobs").status_code == 403


# --- the job list, the full form, editing, occupation suggestion ---------------------------

FULL_JOB = {
    **JOB,
    "title": "Java开发工程师",
    "occupation_code": "2-02-10-03",
    "industry_code": "I",
    "city_code": "320100",
    "salary_months": "14",
    "benefits": "五险一金，带薪年假",
    "deadline": (china_today() + timedelta(days=30)).isoformat(),
}


def _account(
    container: Container, people: People, username: str, name: str, *, verified: bool = True
) -> int:
    status = VerificationStatus.VERIFIED if verified else VerificationStatus.NEEDS_REVIEW
    with job_session(container.session_factory) as session:
        employer = make_employer(session, name=name, status=status)
        make_account(
            session,
            people.kit,
            Role.EMPLOYER_MEMBER,
            username=username,
            employer_id=employer.id,
            employer_role=EmployerRole.OWNER,
        )
        return employer.id


def _job(container: Container, employer_id: int, **fields: Any) -> int:
    with job_session(container.session_factory) as session:
        employer = session.get_one(Employer, employer_id)
        job = make_job(session, employer, status=fields.pop("status", JobStatus.PUBLISHED))
        for name, value in fields.items():
            setattr(job, name, value)
        session.flush()
        return job.id


def _stored(container: Container, job_id: int) -> Job:
    with container.session_factory() as session:
        job = session.get_one(Job, job_id)
        session.expunge(job)
        return job


def test_the_full_form_stores_every_field(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    browser.sign_in(_member(container, people, verified=True))
    form = browser.get("/employer/jobs/new").text
    for name in (*FULL_JOB, "major_codes"):
        assert f'name="{name}"' in form, name
    assert 'data-testid="employer-type"' in form and "民营企业" in form
    body = {**FULL_JOB, "major_codes": ["080902", "080901"]}
    done = browser.post("/employer/jobs/new", body, token_from="/employer/jobs/new")
    assert done.status_code == 303, done.text[:800]
    assert done.headers["location"].startswith("/employer/jobs?saved=")
    with container.session_factory() as session:
        job = session.scalars(select(Job).where(Job.title == "Java开发工程师")).one()
        assert job.occupation_code == "2-02-10-03"
        assert (job.industry_code, job.city_code, job.degree_level) == ("I", "320100", "bachelor")
        assert job.major_codes == ["080902", "080901"]
        assert job.skills == ["Python", "SQL"] and job.benefits == ["五险一金", "带薪年假"]
        assert (job.salary_min, job.salary_max, job.salary_months) == (9000, 15000, 14)
        assert job.headcount == 2 and job.deadline == china_today() + timedelta(days=30)


def test_suggest_fills_the_occupation_without_saving(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    browser.sign_in(_member(container, people, verified=True))
    body = {**JOB, "title": "Java开发工程师", "action": "suggest"}
    shown = browser.post("/employer/jobs/new", body, token_from="/employer/jobs/new")
    assert shown.status_code == 200
    assert 'data-testid="occupation-suggestions"' in shown.text
    assert '<option value="2-02-10-03" selected>' in shown.text
    assert 'data-testid="occupation-suggested"' in shown.text
    assert 'value="Java开发工程师"' in shown.text  # the form keeps what was typed
    with container.session_factory() as session:
        assert session.scalars(select(Job)).all() == []
    # the employer may pick another occupation: what is posted is what is stored
    chosen = {**body, "action": "save", "occupation_code": "4-04-05-01"}
    saved = browser.post("/employer/jobs/new", chosen, token_from="/employer/jobs/new")
    assert saved.status_code == 303
    with container.session_factory() as session:
        assert session.scalars(select(Job.occupation_code)).one() == "4-04-05-01"


def test_the_job_list_shows_counters_deadline_and_links(
    browser: Browser, people: People, container: Container
) -> None:
    employer_id = _account(container, people, "list-owner", "杭州列表科技有限公司")
    deadline = china_today() + timedelta(days=9)
    live = _job(container, employer_id, view_count=321, application_count=17, deadline=deadline)
    draft = _job(container, employer_id, status=JobStatus.DRAFT, title="数据分析师")
    other = _account(container, people, "other-owner", "南京别家科技有限公司")
    foreign = _job(container, other, title="别家的岗位")
    browser.sign_in("list-owner")
    listing = browser.get("/employer/jobs")
    assert listing.status_code == 200
    text = listing.text
    row = text[text.index(f'data-job-id="{live}"') :]
    row = row[: row.index("</tr>")]
    assert '<td data-testid="view-count">321</td>' in row
    assert '<td data-testid="application-count">17</td>' in row
    assert deadline.isoformat() in row
    assert f'href="/employer/jobs/{live}/edit"' in row
    assert f'href="/employer/applications?job_id={live}"' in row
    assert f'action="/employer/jobs/{live}/close"' in row
    assert f'action="/employer/jobs/{draft}/publish"' in text
    assert f'data-job-id="{foreign}"' not in text and "别家的岗位" not in text
    only_drafts = browser.get("/employer/jobs?status=draft").text
    assert f'data-job-id="{draft}"' in only_drafts and f'data-job-id="{live}"' not in only_drafts
    assert browser.get("/employer/jobs?status=nonsense").status_code == 400  # a bad filter


def test_edit_page_is_prefilled_and_saving_rescreens(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    employer_id = _account(container, people, "edit-owner", "杭州编辑科技有限公司")
    deadline = china_today() + timedelta(days=20)
    job_id = _job(
        container,
        employer_id,
        title="后端开发工程师",
        occupation_code="2-02-10-03",
        deadline=deadline,
        benefits=["五险一金"],
    )
    browser.sign_in("edit-owner")
    form = browser.get(f"/employer/jobs/{job_id}/edit")
    assert form.status_code == 200
    assert 'value="后端开发工程师"' in form.text
    assert f'value="{deadline.isoformat()}"' in form.text
    assert 'value="12000"' in form.text and 'value="Java，MySQL"' in form.text
    assert '<option value="2-02-10-03" selected>' in form.text
    assert '<option value="13" selected>' in form.text
    assert f'action="/employer/jobs/{job_id}/edit"' in form.text
    assert f'action="/employer/jobs/{job_id}/close"' in form.text  # published: a close button

    values = {
        "title": "后端开发工程师",
        "occupation_code": "2-02-10-03",
        "industry_code": "I",
        "city_code": "330100",
        "degree_level": "master",
        "salary_min": "15000",
        "salary_max": "22000",
        "salary_months": "13",
        "headcount": "3",
        "deadline": deadline.isoformat(),
        "skills": "Java，MySQL",
        "benefits": "五险一金",
        "description": PHONE_TEXT,  # flagged for review: the job leaves search until approved
        "major_codes": ["080902"],
    }
    edit_page = f"/employer/jobs/{job_id}/edit"
    saved = browser.post(edit_page, values, token_from=edit_page)
    assert saved.status_code == 303, saved.text[:800]
    stored = _stored(container, job_id)
    assert stored.status == JobStatus.PENDING_REVIEW
    assert (stored.degree_level, stored.salary_min, stored.salary_max) == ("master", 15000, 22000)
    again = browser.get(edit_page).text
    assert 'data-testid="screening-matches"' in again
    assert '<mark class="screening-match">13812345678</mark>' in again

    blocked = {**values, "description": "<b>限男性</b>，负责后端服务开发与维护工作。"}
    refused = browser.post(edit_page, blocked, token_from=edit_page)
    assert refused.status_code == 422
    assert '<mark class="screening-match">' in refused.text
    assert "<b>限男性</b>" not in refused.text
    assert _stored(container, job_id).description == PHONE_TEXT  # nothing was saved


def test_a_job_closed_at_its_deadline_is_republished_after_a_new_deadline(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    employer_id = _account(container, people, "deadline-owner", "杭州截止科技有限公司")
    job_id = _job(container, employer_id, deadline=china_today() - timedelta(days=1))
    assert close_expired_jobs(container.session_factory) == 1
    browser.sign_in("deadline-owner")
    listing = browser.get("/employer/jobs").text
    assert 'data-testid="close-reason"' in listing and "已过截止日期" in listing
    refused = browser.post(f"/employer/jobs/{job_id}/publish", {}, token_from="/employer/jobs")
    assert refused.status_code == 422
    assert "截止日期已过" in refused.text and 'role="alert"' in refused.text
    assert _stored(container, job_id).status == JobStatus.CLOSED

    edit_page = f"/employer/jobs/{job_id}/edit"
    form = browser.get(edit_page).text
    assert f'action="/employer/jobs/{job_id}/publish"' in form and "重新发布" in form
    new_deadline = (china_today() + timedelta(days=15)).isoformat()
    values = {
        "title": "Java开发工程师",
        "industry_code": "I",
        "city_code": "330100",
        "degree_level": "bachelor",
        "salary_min": "12000",
        "salary_max": "18000",
        "salary_months": "13",
        "headcount": "3",
        "deadline": new_deadline,
        "skills": "Java，MySQL",
        "description": "负责后端服务开发，熟悉 Spring Boot 与 MySQL。",
        "major_codes": ["080902"],
        "csrf_token": csrf_token(form),
    }
    assert browser.post(edit_page, values).status_code == 303
    published = browser.post(f"/employer/jobs/{job_id}/publish", {}, token_from="/employer/jobs")
    assert published.status_code == 303
    stored = _stored(container, job_id)
    assert stored.status == JobStatus.PUBLISHED and stored.closed_reason is None
    assert stored.deadline is not None and stored.deadline.isoformat() == new_deadline


def test_other_employers_jobs_are_404(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    _account(container, people, "mine-owner", "杭州本家科技有限公司")
    other = _account(container, people, "theirs-owner", "南京他家科技有限公司")
    theirs = _job(container, other, title="他家的岗位")
    browser.sign_in("mine-owner")
    assert browser.get(f"/employer/jobs/{theirs}/edit").status_code == 404
    edit = browser.post(f"/employer/jobs/{theirs}/edit", {**JOB}, token_from="/employer/jobs/new")
    assert edit.status_code == 404
    for action in ("publish", "close"):
        response = browser.post(
            f"/employer/jobs/{theirs}/{action}", {}, token_from="/employer/jobs"
        )
        assert response.status_code == 404
    assert _stored(container, theirs).status == JobStatus.PUBLISHED


def test_forms_need_the_csrf_token(
    browser: Browser, people: People, container: Container, screening: None
) -> None:
    employer_id = _account(container, people, "csrf-owner", "杭州令牌科技有限公司")
    job_id = _job(container, employer_id)
    browser.sign_in("csrf-owner")
    assert browser.post(f"/employer/jobs/{job_id}/edit", {**JOB}).status_code == 403
    assert browser.post(f"/employer/jobs/{job_id}/close", {}).status_code == 403
    assert _stored(container, job_id).status == JobStatus.PUBLISHED


def test_only_employer_members_see_the_job_pages(browser: Browser, people: People) -> None:
    browser.sign_in("zhangwei")
    assert browser.get("/employer/jobs").status_code == 403
    assert browser.get("/employer/jobs/1/edit").status_code == 403
