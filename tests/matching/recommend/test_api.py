"""The recommendations API: shapes, roles and scope (employer B never sees A's job), and
what an employer may see of a suggested candidate."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.graduates.models import ConsentPurpose
from matching.runtime import MatchingRuntime
from tests.factories.applications import make_application, make_employer_actor
from tests.factories.jobs import make_employer
from tests.matching.recommend.conftest import index_everything, make_graduate, make_posting


def test_graduate_gets_recommendations_with_reasons(
    session: Session, container: Container, runtime: MatchingRuntime, client: TestClient
) -> None:
    job = make_posting(session, make_employer(session))
    graduate = make_graduate(session, container.settings)
    index_everything(session, container, runtime, jobs=[job])

    response = client.get("/api/v1/me/recommendations?limit=5", headers=graduate.actor.headers)

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["vector_used"] is True
    assert body["notice_zh"] is None
    [item] = body["items"]
    assert item["job_id"] == job.id
    assert item["salary_text"] == "12-18K·13薪"
    assert 0 < item["score"] <= 1
    assert item["score"] == round(item["score"], 3)
    assert item["congested"] is False
    assert {"code", "matched", "text_zh", "text_en"} <= set(item["reasons"][0])


def test_limit_is_checked(
    session: Session, container: Container, runtime: MatchingRuntime, client: TestClient
) -> None:
    graduate = make_graduate(session, container.settings)
    session.commit()
    for bad in ("0", "51", "x"):
        response = client.get(
            f"/api/v1/me/recommendations?limit={bad}", headers=graduate.actor.headers
        )
        assert response.status_code == 422
        assert "error" in response.json()


def test_other_roles_are_refused(
    session: Session, container: Container, runtime: MatchingRuntime, client: TestClient
) -> None:
    member = make_employer_actor(session, container.settings)
    job = make_posting(session, make_employer(session, name="甲公司"))
    graduate = make_graduate(session, container.settings)
    session.commit()

    assert client.get("/api/v1/me/recommendations").status_code == 401
    assert client.get("/api/v1/me/recommendations", headers=member.headers).status_code == 403
    for path in ("ranked-applicants", "suggested-candidates"):
        url = f"/api/v1/employer/jobs/{job.id}/{path}"
        response = client.get(url, headers=graduate.actor.headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "role_not_allowed"


def test_employer_b_cannot_see_employer_a_job(
    session: Session, container: Container, runtime: MatchingRuntime, client: TestClient
) -> None:
    employer_a = make_employer(session, name="甲公司")
    job = make_posting(session, employer_a)
    graduate = make_graduate(session, container.settings)
    make_application(session, graduate.actor, job)
    member_b = make_employer_actor(
        session, container.settings, make_employer(session, name="乙公司")
    )
    member_a = make_employer_actor(session, container.settings, employer_a)
    index_everything(session, container, runtime, jobs=[job], record_ids=[graduate.record_id])

    for path in ("ranked-applicants", "suggested-candidates"):
        url = f"/api/v1/employer/jobs/{job.id}/{path}"
        response = client.get(url, headers=member_b.headers)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "job_not_found"
        assert client.get(url, headers=member_a.headers).status_code == 200, path
    missing = client.get("/api/v1/employer/jobs/999999/ranked-applicants", headers=member_a.headers)
    assert missing.status_code == 404


def test_ranked_applicants_link_to_the_applications(
    session: Session, container: Container, runtime: MatchingRuntime, client: TestClient
) -> None:
    employer = make_employer(session)
    member = make_employer_actor(session, container.settings, employer)
    job = make_posting(session, employer)
    graduate = make_graduate(session, container.settings, name="李雷")
    application = make_application(session, graduate.actor, job)
    index_everything(session, container, runtime, jobs=[job])

    response = client.get(
        f"/api/v1/employer/jobs/{job.id}/ranked-applicants", headers=member.headers
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["job_title"] == job.title
    [item] = body["items"]
    assert item["application_id"] == application.id
    assert item["applicant"]["name"] == "李雷"
    assert item["status"] == "submitted"
    assert item["reasons"]


def test_suggested_candidates_are_masked_and_never_show_priority_flags(
    session: Session, container: Container, runtime: MatchingRuntime, client: TestClient
) -> None:
    employer = make_employer(session)
    member = make_employer_actor(session, container.settings, employer)
    job = make_posting(session, employer)
    shown = make_graduate(session, container.settings, name="张伟", low_income_family=True)
    withdrawn = make_graduate(
        session,
        container.settings,
        name="李娜",
        consents=(ConsentPurpose.PROFILE_MATCHING, ConsentPurpose.PUSH_NOTIFICATIONS),
    )
    index_everything(
        session,
        container,
        runtime,
        jobs=[job],
        record_ids=[shown.record_id, withdrawn.record_id],
    )

    response = client.get(
        f"/api/v1/employer/jobs/{job.id}/suggested-candidates", headers=member.headers
    )

    assert response.status_code == 200, response.text
    [item] = response.json()["items"]
    assert item["name_masked"] == "张*"
    assert item["university_name"] == "浙江大学"
    assert item["major_name"] == "软件工程"
    assert item["skills"] == ["Java", "MySQL", "Spring Boot"]
    text = response.text
    for secret in ("张伟", "priority", "low_income", "id_number", "phone", "user_id"):
        assert secret not in text
