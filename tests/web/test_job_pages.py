"""The employer's job form: a verified employer posts and publishes; blocked content comes
back with the matched text highlighted (HTML-escaped); unverified employers are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.employers.models import VerificationStatus
from jobs_api.identity.principal import EmployerRole, Role
from jobs_api.jobs.models import Job
from jobs_api.jobs.screening_port import SCREENER_KEY
from jobs_api.wiring import screen_job_post
from tests.factories.identity import make_account
from tests.factories.jobs import make_employer
from tests.web.conftest import Browser, People

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
