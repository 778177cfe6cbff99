"""Recommendation pages: 为你推荐 (cards, score, ✓/✗ reasons, gap hints, apply), the notice
without consent, the employer's 候选人 list and a job's two tabs (ranked applicants,
masked suggested candidates), and who may open them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.settings import Settings
from jobs_api.graduates.consent import grant_consents
from jobs_api.graduates.models import ConsentPurpose, GraduateProfile
from jobs_api.identity.models import User
from jobs_api.identity.principal import EmployerRole, Principal, Role
from jobs_api.jobs.search_index import index_jobs as index_search
from jobs_api.registry.models import EnrollmentStatus, StudentRecord
from matching.embeddings.base import Embedder
from matching.embeddings.embedder import load_embedder
from matching.indexing import index_graduates, index_jobs
from matching.runtime import RUNTIME_KEY, MatchingRuntime
from tests.factories.applications import make_application
from tests.factories.identity import Actor, make_account
from tests.factories.jobs import make_employer, make_job
from tests.web.conftest import Browser, People


@pytest.fixture(scope="module")
def model() -> Embedder:
    return load_embedder(Settings())


@pytest.fixture
def runtime(container: Container, model: Embedder) -> Iterator[MatchingRuntime]:
    made = MatchingRuntime(container.settings, embedder=model, autosave=False)
    container.extras[RUNTIME_KEY] = made
    yield made
    made.close()


@dataclass
class World:
    java_id: int
    crowded_id: int
    other_job_id: int
    application_id: int


def _profile(session: Session, user: User, skills: list[str]) -> None:
    grant_consents(session, user.id, list(ConsentPurpose))
    assert user.student_record_id is not None
    session.add(
        GraduateProfile(
            student_record_id=user.student_record_id,
            skills=skills,
            intended_city_codes=["330100"],
            expected_salary=10000,
        )
    )


def _world(container: Container, runtime: MatchingRuntime, people: People) -> World:
    with job_session(container.session_factory) as session:
        employer = make_employer(session, name="杭州云帆网络科技有限公司")
        other = make_employer(session, name="南京星河软件有限公司")
        for username, owner in (("yf-hr", employer), ("xh-hr", other)):
            make_account(
                session,
                people.kit,
                Role.EMPLOYER_MEMBER,
                username=username,
                employer_id=owner.id,
                employer_role=EmployerRole.OWNER,
            )
        java = make_job(session, employer, title="Java开发工程师")
        crowded = make_job(session, employer, title="Java后端开发工程师")
        crowded.application_count, crowded.headcount = 500, 2
        other_job = make_job(session, other, title="前端工程师")
        graduate = session.get_one(User, people.graduate.id)
        applicant = session.get_one(User, people.other_graduate.id)
        _profile(session, graduate, ["Java", "MySQL"])
        _profile(session, applicant, ["Java", "Spring Boot"])
        session.flush()
        actor = Actor(
            user=applicant,
            principal=Principal(
                user_id=applicant.id,
                role=Role.GRADUATE,
                session_id="",
                student_record_id=applicant.student_record_id,
            ),
            token="",
        )
        application = make_application(session, actor, java)
        ids = [java.id, crowded.id, other_job.id]
        index_search(session, container.search, ids)
        index_jobs(session, runtime, ids)
        assert graduate.student_record_id is not None
        index_graduates(session, runtime, [graduate.student_record_id])
        return World(java.id, crowded.id, other_job.id, application.id)


def test_graduate_sees_recommendations_with_scores_and_reasons(
    browser: Browser, container: Container, runtime: MatchingRuntime, people: People
) -> None:
    world = _world(container, runtime, people)
    browser.sign_in("zhangwei")

    page = browser.get("/recommendations")

    assert page.status_code == 200, page.text[:1000]
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert "为你推荐" in html
    assert f'data-job-id="{world.java_id}"' in html
    assert f'href="/jobs/{world.java_id}/apply"' in html
    assert "匹配度" in html and "<meter" in html
    assert "✓" in html
    assert "该职位申请人数较多" in html  # the crowded job says why it sits lower
    assert html.index(f'data-job-id="{world.java_id}"') < html.index(
        f'data-job-id="{world.crowded_id}"'
    )
    assert 'href="/recommendations"' in html  # the menu entry is a link now

    english = browser.get("/recommendations?lang=en").text
    assert "Many graduates have already applied for this job" in english
    assert "Apply now" in english


def test_without_consent_the_page_explains_why_it_is_empty(
    browser: Browser, container: Container, runtime: MatchingRuntime, people: People
) -> None:
    browser.sign_in("zhangwei")

    html = browser.get("/recommendations").text

    assert 'data-testid="notice"' in html
    assert "你尚未同意将个人资料用于职位推荐" in html
    assert 'href="/me/privacy"' in html


def test_employer_sees_ranked_applicants_and_masked_suggestions(
    browser: Browser, container: Container, runtime: MatchingRuntime, people: People
) -> None:
    world = _world(container, runtime, people)
    browser.sign_in("yf-hr")

    listing = browser.get("/employer/candidates")
    assert listing.status_code == 200
    assert f'href="/employer/jobs/{world.java_id}/candidates"' in listing.text
    assert f"/employer/jobs/{world.other_job_id}/candidates" not in listing.text

    applicants = browser.get(f"/employer/jobs/{world.java_id}/candidates")
    assert applicants.status_code == 200, applicants.text[:1000]
    assert 'data-testid="ranked-applicants"' in applicants.text
    assert f'href="/employer/applications/{world.application_id}"' in applicants.text
    assert "王芳" in applicants.text  # an applicant's name is known to the employer

    suggested = browser.get(f"/employer/jobs/{world.java_id}/candidates?tab=suggested")
    assert suggested.status_code == 200
    html = suggested.text
    assert 'data-testid="suggested-candidates"' in html
    assert "张*" in html
    assert "张伟" not in html
    assert "330106" not in html  # no ID number, masked or not


def test_other_employers_job_and_other_roles_are_refused(
    browser: Browser, container: Container, runtime: MatchingRuntime, people: People
) -> None:
    world = _world(container, runtime, people)
    browser.sign_in("xh-hr")
    assert browser.get(f"/employer/jobs/{world.java_id}/candidates").status_code == 404
    assert (
        browser.get(f"/employer/jobs/{world.java_id}/candidates?tab=suggested").status_code == 404
    )
    assert browser.get("/employer/jobs/1/candidates?tab=nonsense").status_code == 400

    browser.client.cookies.clear()
    browser.sign_in("zhangwei")
    assert browser.get("/employer/candidates").status_code == 403
    assert browser.get(f"/employer/jobs/{world.java_id}/candidates").status_code == 403


def test_an_unverified_graduate_is_told_why(
    browser: Browser, container: Container, runtime: MatchingRuntime, people: People
) -> None:
    with job_session(container.session_factory) as session:
        record = session.get_one(StudentRecord, people.graduate_record.id)
        record.status = EnrollmentStatus.WITHDRAWN.value  # 退学: no longer a verified graduate
    browser.sign_in("zhangwei")

    page = browser.get("/recommendations")

    assert page.status_code == 200
    assert 'data-testid="refused"' in page.text
    assert "学籍核验" in page.text
    assert 'data-testid="recommendations"' not in page.text
