"""The screening hook with the real screener, wired exactly as the app wires it: blocked posts
are refused with the matches, flagged posts go to review, and the review queue is scoped and
audited."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.employers.models import Employer
from jobs_api.identity.principal import Role
from jobs_api.jobs.models import Job, JobReview, JobStatus
from jobs_api.jobs.screening_port import SCREENER_KEY
from jobs_api.wiring import screen_job_post
from tests.employers.fixtures import Campus, member_of, reviewer
from tests.factories.identity import Actor
from tests.factories.jobs import job_payload, make_employer

JOBS = "/api/v1/jobs"
REVIEWS = "/api/v1/job-reviews"
PHONE_TEXT = "负责后端服务开发。有意者请致电13812345678了解详情。"
WECHAT_TEXT = "负责后端服务开发，请加微信 abc123 了解详情。"
CLEAN_TEXT = "负责招聘平台后端服务的设计与开发，参与数据库建模与性能优化。"


def _owner(db: Session, container: Container, city_code: str = "330100") -> tuple[Employer, Actor]:
    employer = make_employer(db, city_code=city_code, name=f"{city_code} 科技有限公司")
    actor = member_of(db, employer.id, container.settings)
    db.commit()
    return employer, actor


def _flagged_job(api: TestClient, owner: Actor, **changes: Any) -> dict[str, Any]:
    response = api.post(
        JOBS, json=job_payload(description=PHONE_TEXT, **changes), headers=owner.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_app_installs_the_real_screener(api: TestClient, container: Container) -> None:
    assert container.extras[SCREENER_KEY] is screen_job_post


def test_blocked_content_is_refused_with_the_matches(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    body = job_payload(
        description="负责后端开发，仅限男性。",
        skills=["Java"],
        benefits=["需缴纳300元服装押金"],
    )
    response = api.post(JOBS, json=body, headers=owner.headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "job_post_blocked"
    found = {(m["rule_id"], m["field"], m["excerpt"]) for m in error["matches"]}
    assert ("gender.restriction", "description", "仅限男性") in found
    assert ("fee.charge", "benefits", "缴纳300元服装押金") in found
    gender = next(m for m in error["matches"] if m["rule_id"] == "gender.restriction")
    assert body["description"][gender["start"] : gender["end"]] == "仅限男性"
    assert gender["message_zh"]
    assert "性别" in error["fields"]["description"]
    assert "benefits" in error["fields"]
    assert db.scalars(select(Job)).all() == []
    assert db.scalars(select(JobReview)).all() == []


def test_a_salary_below_the_minimum_wage_is_blocked(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    response = api.post(JOBS, json=job_payload(salary_min=1000), headers=owner.headers)
    assert response.status_code == 422
    matches = response.json()["error"]["matches"]
    assert [m["rule_id"] for m in matches] == ["salary.below_minimum_wage"]
    assert "salary" in response.json()["error"]["fields"]


def test_an_edit_that_adds_blocked_content_changes_nothing(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    job_id = api.post(JOBS, json=job_payload(), headers=owner.headers).json()["id"]
    api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers)
    response = api.patch(
        f"{JOBS}/{job_id}",
        json={"title": "销售代表", "description": "限本地户籍，先交500元保证金。"},
        headers=owner.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "job_post_blocked"
    db.expire_all()
    job = db.get_one(Job, job_id)
    assert (job.title, job.status) == ("后端开发工程师", JobStatus.PUBLISHED)


def test_flagged_content_goes_to_review_and_cannot_be_published(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    job = _flagged_job(api, owner)
    assert job["status"] == "pending_review"
    review = job["review"]
    assert review["state"] == "pending"
    assert [(m["rule_id"], m["excerpt"]) for m in review["matches"]] == [
        ("contact.phone", "13812345678")
    ]
    row = db.scalars(select(JobReview)).one()
    assert (row.job_id, row.province_code, row.state) == (job["id"], "330000", "pending")

    response = api.post(f"{JOBS}/{job['id']}/publish", headers=owner.headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "job_review_pending"
    assert api.get(f"{JOBS}/{job['id']}").status_code == 404  # not public


def test_an_edit_that_removes_the_flagged_passage_withdraws_the_review(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    job = _flagged_job(api, owner)
    edited = api.patch(
        f"{JOBS}/{job['id']}", json={"description": CLEAN_TEXT}, headers=owner.headers
    ).json()
    assert edited["status"] == "draft"
    assert edited["review"]["state"] == "withdrawn"
    assert api.post(f"{JOBS}/{job['id']}/publish", headers=owner.headers).status_code == 200


def test_a_new_flag_on_a_pending_job_updates_the_same_review(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    job = _flagged_job(api, owner)
    edited = api.patch(
        f"{JOBS}/{job['id']}", json={"description": WECHAT_TEXT}, headers=owner.headers
    ).json()
    assert edited["status"] == "pending_review"
    [row] = db.scalars(select(JobReview)).all()
    db.refresh(row)
    assert [m["rule_id"] for m in row.matches] == ["contact.im"]


def test_a_published_job_edited_into_review_leaves_search(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    job_id = api.post(JOBS, json=job_payload(), headers=owner.headers).json()["id"]
    api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers)
    edited = api.patch(f"{JOBS}/{job_id}", json={"description": PHONE_TEXT}, headers=owner.headers)
    assert edited.json()["status"] == "pending_review"
    assert api.get(f"{JOBS}/{job_id}").status_code == 404


def test_approval_lets_the_employer_publish_and_covers_later_edits(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    admin = reviewer(db, Role.PROVINCIAL_ADMIN, container.settings, province_code="330000")
    db.commit()
    job = _flagged_job(api, owner)
    review_id = job["review"]["id"]
    decided = api.post(
        f"{REVIEWS}/{review_id}/decision",
        json={"decision": "approved", "note": "座机为单位总机，可以保留"},
        headers=admin.headers,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "approved"
    assert decided.json()["decided_by"] == admin.user.id
    assert decided.json()["job_status"] == "draft"
    assert api.post(f"{JOBS}/{job['id']}/publish", headers=owner.headers).status_code == 200

    # an edit elsewhere keeps the approved passage: no new review, the job stays published
    edited = api.patch(f"{JOBS}/{job['id']}", json={"headcount": 4}, headers=owner.headers)
    assert edited.json()["status"] == "published"
    # a new flagged passage needs a new review
    edited = api.patch(
        f"{JOBS}/{job['id']}",
        json={"description": PHONE_TEXT + "请加微信 abc123 了解详情。"},
        headers=owner.headers,
    )
    assert edited.json()["status"] == "pending_review"
    assert db.scalars(select(JobReview).where(JobReview.state == "pending")).one()

    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "job_review.decided")).one()
    assert audit.actor_user_id == admin.user.id
    assert audit.detail["decision"] == "approved"
    assert audit.detail["rules"] == ["contact.phone"]


def test_rejection_needs_a_reason_and_keeps_the_job_unpublished(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    admin = reviewer(db, Role.NATIONAL_ADMIN, container.settings)
    db.commit()
    job = _flagged_job(api, owner)
    url = f"{REVIEWS}/{job['review']['id']}/decision"
    response = api.post(url, json={"decision": "rejected"}, headers=admin.headers)
    assert response.status_code == 422 and "note" in response.json()["error"]["fields"]
    response = api.post(
        url, json={"decision": "rejected", "note": "请删除私人电话"}, headers=admin.headers
    )
    assert response.json()["job_status"] == "rejected"
    again = api.post(url, json={"decision": "approved"}, headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "job_review_decided"

    mine = api.get(f"{JOBS}/{job['id']}", headers=owner.headers).json()
    assert mine["status"] == "rejected"
    assert mine["review"]["note"] == "请删除私人电话"
    refused = api.post(f"{JOBS}/{job['id']}/publish", headers=owner.headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "job_review_rejected"
    fixed = api.patch(
        f"{JOBS}/{job['id']}", json={"description": CLEAN_TEXT}, headers=owner.headers
    ).json()
    assert fixed["status"] == "draft"
    assert api.post(f"{JOBS}/{job['id']}/publish", headers=owner.headers).status_code == 200


def test_closing_a_job_under_review_withdraws_the_review(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    job = _flagged_job(api, owner)
    closed = api.post(f"{JOBS}/{job['id']}/close", headers=owner.headers).json()
    assert closed["status"] == "closed"
    assert closed["review"]["state"] == "withdrawn"


@pytest.fixture
def two_provinces(
    api: TestClient, db: Session, container: Container
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One flagged job in Hangzhou (Zhejiang), one in Nanjing (Jiangsu)."""
    _a, owner_zj = _owner(db, container, "330100")
    _b, owner_js = _owner(db, container, "320100")
    return _flagged_job(api, owner_zj), _flagged_job(api, owner_js, city_code="320100")


@pytest.mark.parametrize(
    ("role", "scope", "sees"),
    [
        (Role.NATIONAL_ADMIN, None, {"330000", "320000"}),
        (Role.PROVINCIAL_ADMIN, "330000", {"330000"}),
        (Role.PROVINCIAL_ADMIN, "320000", {"320000"}),
        (Role.CAREER_OFFICE, "zju", {"330000"}),
        (Role.CAREER_OFFICE, "zjut", {"330000"}),
        (Role.CAREER_OFFICE, "nju", {"320000"}),
    ],
)
def test_review_queue_is_scoped_like_employer_verification(
    api: TestClient,
    db: Session,
    container: Container,
    campus: Campus,
    two_provinces: tuple[dict[str, Any], dict[str, Any]],
    role: Role,
    scope: str | None,
    sees: set[str],
) -> None:
    universities = {"zju": campus.zju, "zjut": campus.zjut, "nju": campus.nju}
    actor = reviewer(
        db,
        role,
        container.settings,
        university=universities.get(scope or ""),
        province_code=scope if role is Role.PROVINCIAL_ADMIN else None,
    )
    db.commit()
    page = api.get(REVIEWS, headers=actor.headers)
    assert page.status_code == 200
    items = page.json()["items"]
    assert {i["province_code"] for i in items} == sees
    for item in items:
        assert item["matches"][0]["excerpt"] == "13812345678"
        assert item["description"] == PHONE_TEXT
    by_province = {job["province"]["code"]: job for job in two_provinces}
    for province, job in by_province.items():
        decided = api.post(
            f"{REVIEWS}/{job['review']['id']}/decision",
            json={"decision": "approved"},
            headers=actor.headers,
        )
        assert decided.status_code == (200 if province in sees else 404)
    assert api.get(REVIEWS, headers=actor.headers).json()["items"] == []
    decided_page = api.get(REVIEWS, params={"state": "approved"}, headers=actor.headers)
    assert {i["province_code"] for i in decided_page.json()["items"]} == sees


def test_review_queue_is_oldest_first_and_pages(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    admin = reviewer(db, Role.NATIONAL_ADMIN, container.settings)
    db.commit()
    ids = [_flagged_job(api, owner, title=f"岗位{i}")["review"]["id"] for i in range(3)]
    first = api.get(REVIEWS, params={"limit": 2}, headers=admin.headers).json()
    assert [i["id"] for i in first["items"]] == ids[:2]
    rest = api.get(
        REVIEWS, params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin.headers
    ).json()
    assert [i["id"] for i in rest["items"]] == ids[2:] and rest["next_cursor"] is None


def test_without_a_screener_posts_are_refused(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    container.extras.pop(SCREENER_KEY)
    response = api.post(JOBS, json=job_payload(), headers=owner.headers)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "screening_unavailable"
    assert db.scalars(select(Job)).all() == []
