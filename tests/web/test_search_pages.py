"""Public job pages: ``/jobs`` (search box, facet links with counts, sort, highlighted and
escaped results, next page by cursor, empty state, bad input) and ``/jobs/{job_id}`` (job
facts, employer card with the 已认证 badge, 申请职位 button, view counter)."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.search_index import index_jobs
from jobs_api.reference.service import load_reference
from tests.factories.applications import make_application, make_graduate_actor
from tests.factories.jobs import make_employer, make_job
from tests.web.conftest import Browser

_JOB_IDS = re.compile(r'data-job-id="(\d+)"')
_NEXT = re.compile(r'href="([^"]+)" rel="next"')


def _job(session: Session, employer: Employer, title: str, **fields: Any) -> Job:
    job = make_job(session, employer, title=title, status=fields.pop("status", JobStatus.PUBLISHED))
    fields.setdefault("skills", [])
    for name, value in fields.items():
        setattr(job, name, value)
    session.flush()
    return job


@pytest.fixture
def jobs(container: Container) -> dict[str, int]:
    with job_session(container.session_factory) as session:
        load_reference(session)
        hz = make_employer(session, name="杭州云帆网络科技有限公司")
        nj = make_employer(session, name="南京金陵数据有限公司", city_code="320100")
        pending = make_employer(session, name="待审核公司", status=VerificationStatus.SUBMITTED)
        made = {
            "java": _job(
                session, hz, "Java开发工程师", benefits=["五险一金"], skills=["Java", "Spring"]
            ),
            "python": _job(
                session,
                hz,
                "Python数据工程师",
                major_codes=[],
                degree_level="master",
                salary_min=20000,
                salary_max=30000,
                salary_months=12,
            ),
            "nanjing": _job(session, nj, "Java后端开发", city_code="320100"),
            "xss": _job(session, nj, "<script>alert(1)</script>Java测试", city_code="320100"),
            "draft": _job(session, hz, "Java草稿", status=JobStatus.DRAFT),
            "hidden": _job(session, pending, "Java隐藏岗位"),
        }
        ids = {key: job.id for key, job in made.items()}
    with container.session_factory() as session:
        index_jobs(session, container.search, ids.values())
    return ids


def _shown(body: str) -> list[int]:
    return [int(i) for i in _JOB_IDS.findall(body)]


def test_search_page_shows_highlighted_escaped_results(
    browser: Browser, jobs: dict[str, int]
) -> None:
    response = browser.get("/jobs", params={"q": "java"})
    assert response.status_code == 200
    body = response.text
    assert set(_shown(body)) == {jobs["java"], jobs["nanjing"], jobs["xss"]}
    assert "<em>Java</em>开发工程师" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<em>Java</em>测试" in body
    assert "12-18K·13薪" in body
    assert 'href="/employers/' in body
    assert 'list="job-suggestions"' in body and "js/search.js" in body
    assert 'data-testid="result-total"' in body


def test_facet_links_carry_counts_and_narrow_the_search(
    browser: Browser, jobs: dict[str, int]
) -> None:
    body = browser.get("/jobs", params={"q": "java"}).text
    places = re.search(r'data-facet="city">(.*?)</ul>', body, re.S)
    assert places is not None
    assert "浙江省" in places.group(1) and "江苏省" in places.group(1)
    link = re.search(
        r'href="([^"]+)"[^>]*>\s*<span class="facet-name">江苏省</span>'
        r'<span class="facet-count">2</span>',
        places.group(1),
    )
    assert link is not None
    narrowed = browser.get(html.unescape(link.group(1))).text
    assert set(_shown(narrowed)) == {jobs["nanjing"], jobs["xss"]}
    assert 'data-testid="active-filters"' in narrowed and "江苏省" in narrowed
    degree = browser.get("/jobs", params={"degree": "master"}).text
    assert _shown(degree) == [jobs["python"]]


def test_sort_and_next_page_by_cursor(browser: Browser, jobs: dict[str, int]) -> None:
    first = browser.get("/jobs", params={"sort": "salary", "limit": "2"}).text
    assert _shown(first)[0] == jobs["python"]
    assert '<option value="salary" selected>' in first
    next_link = _NEXT.search(first)
    assert next_link is not None and "cursor=" in next_link.group(1)
    second = browser.get(html.unescape(next_link.group(1))).text
    seen = _shown(first) + _shown(second)
    assert len(seen) == len(set(seen)) == 4
    assert _NEXT.search(second) is None
    assert "回到第一页" in second


def test_empty_state_and_bad_input(browser: Browser, jobs: dict[str, int]) -> None:
    empty = browser.get("/jobs", params={"q": "宇航员"})
    assert empty.status_code == 200
    assert 'data-testid="empty-state"' in empty.text
    bad = browser.get("/jobs", params={"city": "999999"})
    assert bad.status_code == 422
    assert "城市代码不存在" in bad.text
    assert 'role="alert"' in bad.text


def test_job_page_shows_the_job_and_counts_views(
    browser: Browser, jobs: dict[str, int], container: Container
) -> None:
    response = browser.get(f"/jobs/{jobs['java']}")
    assert response.status_code == 200
    body = response.text
    assert "Java开发工程师" in body
    assert "12-18K·13薪" in body
    assert "软件工程" in body  # the accepted major by name
    assert 'data-testid="verified-badge"' in body
    assert f'href="/jobs/{jobs["java"]}/apply"' in body and "申请职位" in body
    assert "Spring" in body and "五险一金" in body
    assert "1 次浏览" in body
    browser.get(f"/jobs/{jobs['java']}")
    with container.session_factory() as session:
        assert session.get_one(Job, jobs["java"]).view_count == 2
    assert "专业不限" in browser.get(f"/jobs/{jobs['python']}").text
    assert browser.get(f"/jobs/{jobs['draft']}").status_code == 404
    assert browser.get(f"/jobs/{jobs['hidden']}").status_code == 404
    with container.session_factory() as session:
        assert session.get_one(Job, jobs["draft"]).view_count == 0


def test_menu_and_english(browser: Browser, jobs: dict[str, int]) -> None:
    home = browser.get("/").text
    assert '<a class="nav-link" href="/jobs"' in home and "找工作" in home
    english = browser.get("/jobs", params={"q": "java", "lang": "en"}).text
    assert "Find jobs" in english and "Sort by" in english
    detail = browser.get(f"/jobs/{jobs['java']}", params={"lang": "en"}).text
    assert ">Apply<" in detail


def test_job_page_shows_how_quickly_the_employer_answers(
    browser: Browser, jobs: dict[str, int], container: Container
) -> None:
    assert 'data-testid="response-figures"' not in browser.get(f"/jobs/{jobs['java']}").text
    with job_session(container.session_factory) as session:
        job = session.get_one(Job, jobs["java"])
        answered = make_application(
            session, make_graduate_actor(session, container.settings, name="王芳"), job
        )
        make_application(session, make_graduate_actor(session, container.settings), job)
        answered.first_response_at = answered.submitted_at + timedelta(hours=5)
    body = browser.get(f"/jobs/{jobs['java']}").text
    assert 'data-testid="response-figures"' in body
    assert "7 天内回复：50%" in body
    assert "收到申请：2" in body
