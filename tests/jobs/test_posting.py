"""Posting jobs: the verification gate, validation with fields, the employer scope (404 for
others' jobs), publish / close / republish with ``jobs.changed`` events, public reads and the
employer's own list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.outbox import OutboxEvent
from jobs_api.employers.errors import EmployerNotFound, EmployerNotVerified
from jobs_api.employers.gate import require_verified_employer
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.identity.principal import EmployerRole
from jobs_api.jobs.events import JOBS_CHANGED
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today
from tests.employers.fixtures import member_of
from tests.factories.identity import Actor
from tests.factories.jobs import job_payload, make_employer, make_job

JOBS = "/api/v1/jobs"


def _owner(db: Session, container: Container, **employer: Any) -> tuple[Employer, Actor]:
    found = make_employer(db, **employer)
    actor = member_of(db, found.id, container.settings)
    db.commit()
    return found, actor


def _changed_job_ids(db: Session) -> list[list[int]]:
    db.expire_all()
    return [
        list(e.payload["job_ids"])
        for e in db.scalars(
            select(OutboxEvent).where(OutboxEvent.topic == JOBS_CHANGED).order_by(OutboxEvent.id)
        )
    ]


def test_verified_employer_creates_a_draft(
    api: TestClient, db: Session, container: Container
) -> None:
    employer, owner = _owner(db, container, employer_type_code="state_owned_enterprise")
    body = job_payload(deadline=(china_today() + timedelta(days=30)).isoformat())
    response = api.post(JOBS, json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["status"] == "draft"
    assert job["employer"]["id"] == employer.id
    assert job["employer"]["employer_type"] == {
        "code": "state_owned_enterprise",
        "name": "国有企业",
    }
    assert job["city"] == {"code": "330100", "name": "杭州市"}
    assert job["degree"]["name"] == "本科"
    assert (job["salary_min"], job["salary_max"], job["salary_months"]) == (12000, 18000, 13)
    assert job["major_codes"] == ["080902"] and job["skills"] == ["Python", "PostgreSQL"]
    assert job["review"] is None
    stored = db.get_one(Job, job["id"])
    assert stored.created_by == owner.user.id
    assert _changed_job_ids(db) == []  # a draft is not searchable: nothing to sync


def test_industry_and_city_default_to_the_employers(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container, city_code="320100")
    body = job_payload()
    del body["industry_code"], body["city_code"]
    job = api.post(JOBS, json=body, headers=owner.headers).json()
    assert (job["industry"]["code"], job["city"]["code"]) == ("I", "320100")
    assert job["province"] == {"code": "320000", "name": "江苏省"}


@pytest.mark.parametrize(
    "status",
    [
        VerificationStatus.SUBMITTED,
        VerificationStatus.NEEDS_REVIEW,
        VerificationStatus.REJECTED,
        VerificationStatus.EXPIRED,
    ],
)
def test_unverified_employers_cannot_post(
    api: TestClient, db: Session, container: Container, status: VerificationStatus
) -> None:
    _employer, owner = _owner(db, container, status=status)
    response = api.post(JOBS, json=job_payload(), headers=owner.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "employer_not_verified"
    assert db.scalars(select(Job)).all() == []


def test_an_employer_that_lost_its_verification_cannot_publish(
    api: TestClient, db: Session, container: Container
) -> None:
    employer, owner = _owner(db, container)
    job_id = api.post(JOBS, json=job_payload(), headers=owner.headers).json()["id"]
    db.get_one(Employer, employer.id).verification_status = VerificationStatus.EXPIRED
    db.commit()
    response = api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "employer_not_verified"
    db.expire_all()
    assert db.get_one(Job, job_id).status == JobStatus.DRAFT


def test_the_gate_function_for_fairs(db: Session) -> None:
    verified = make_employer(db, status=VerificationStatus.AUTO_VERIFIED)
    pending = make_employer(db, status=VerificationStatus.NEEDS_REVIEW)
    assert require_verified_employer(db, verified.id) is verified
    with pytest.raises(EmployerNotVerified):
        require_verified_employer(db, pending.id)
    with pytest.raises(EmployerNotFound):
        require_verified_employer(db, 987654)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"major_codes": ["080902", "999999"]}, "major_codes"),
        ({"salary_min": 20000, "salary_max": 10000}, "salary_min"),
        ({"salary_months": 17}, "salary_months"),
        ({"salary_months": 11}, "salary_months"),
        ({"headcount": 0}, "headcount"),
        ({"city_code": "330000"}, "city_code"),
        ({"city_code": "999900"}, "city_code"),
        ({"industry_code": "ZZ"}, "industry_code"),
        ({"degree_level": "kindergarten"}, "degree_level"),
        ({"occupation_code": "9-99-99-99"}, "occupation_code"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"title": "x"}, "title"),
        ({"description": "太短"}, "description"),
        ({"skills": ["x" * 31]}, "skills.0"),
        ({"employer_type_code": "government_agency"}, "employer_type_code"),
    ],
)
def test_validation_names_the_field(
    api: TestClient, db: Session, container: Container, changes: dict[str, Any], field: str
) -> None:
    _employer, owner = _owner(db, container)
    response = api.post(JOBS, json=job_payload(**changes), headers=owner.headers)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"]
    assert db.scalars(select(Job)).all() == []


def test_publish_close_and_republish(api: TestClient, db: Session, container: Container) -> None:
    _employer, owner = _owner(db, container)
    job_id = api.post(JOBS, json=job_payload(), headers=owner.headers).json()["id"]

    published = api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers)
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None
    assert _changed_job_ids(db) == [[job_id]]
    again = api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers)  # idempotent
    assert again.status_code == 200 and _changed_job_ids(db) == [[job_id]]

    closed = api.post(f"{JOBS}/{job_id}/close", headers=owner.headers)
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"] is not None
    assert _changed_job_ids(db) == [[job_id], [job_id]]

    republished = api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers).json()
    assert republished["status"] == "published" and republished["closed_at"] is None
    assert len(_changed_job_ids(db)) == 3


def test_editing_a_published_job_syncs_search_and_a_draft_does_not(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    draft = api.post(JOBS, json=job_payload(), headers=owner.headers).json()["id"]
    live = api.post(JOBS, json=job_payload(title="数据工程师"), headers=owner.headers).json()["id"]
    api.post(f"{JOBS}/{live}/publish", headers=owner.headers)
    assert _changed_job_ids(db) == [[live]]

    assert (
        api.patch(f"{JOBS}/{draft}", json={"headcount": 5}, headers=owner.headers).json()[
            "headcount"
        ]
        == 5
    )
    assert _changed_job_ids(db) == [[live]]
    edited = api.patch(
        f"{JOBS}/{live}",
        json={"salary_max": 25000, "skills": ["Spark", "Spark"]},
        headers=owner.headers,
    )
    assert edited.status_code == 200
    assert edited.json()["skills"] == ["Spark"]  # duplicates dropped
    assert edited.json()["status"] == "published"
    assert _changed_job_ids(db) == [[live], [live]]
    # nothing changed: no event
    api.patch(f"{JOBS}/{live}", json={"salary_max": 25000}, headers=owner.headers)
    assert len(_changed_job_ids(db)) == 2


def test_edit_validation_uses_the_merged_values(
    api: TestClient, db: Session, container: Container
) -> None:
    _employer, owner = _owner(db, container)
    job_id = api.post(JOBS, json=job_payload(), headers=owner.headers).json()["id"]
    response = api.patch(f"{JOBS}/{job_id}", json={"salary_min": 30000}, headers=owner.headers)
    assert response.status_code == 422
    assert "salary_min" in response.json()["error"]["fields"]
    response = api.patch(f"{JOBS}/{job_id}", json={"title": None}, headers=owner.headers)
    assert response.status_code == 422
    assert "title" in response.json()["error"]["fields"]
    cleared = api.patch(f"{JOBS}/{job_id}", json={"deadline": None}, headers=owner.headers)
    assert cleared.status_code == 200 and cleared.json()["deadline"] is None


def test_a_passed_deadline_blocks_publishing(
    api: TestClient, db: Session, container: Container
) -> None:
    employer, owner = _owner(db, container)
    job = make_job(db, employer, status=JobStatus.DRAFT)
    job.deadline = china_today() - timedelta(days=1)
    db.commit()
    response = api.post(f"{JOBS}/{job.id}/publish", headers=owner.headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "job_deadline_passed"


def test_recruiters_post_and_publish_too(
    api: TestClient, db: Session, container: Container
) -> None:
    employer, _owner_actor = _owner(db, container)
    recruiter = member_of(db, employer.id, container.settings, EmployerRole.RECRUITER)
    db.commit()
    job_id = api.post(JOBS, json=job_payload(), headers=recruiter.headers).json()["id"]
    response = api.post(f"{JOBS}/{job_id}/publish", headers=recruiter.headers)
    assert response.status_code == 200


def test_another_employers_jobs_are_not_found(
    api: TestClient, db: Session, container: Container
) -> None:
    employer_a, member_a = _owner(db, container, name="甲公司")
    employer_b, member_b = _owner(db, container, name="乙公司")
    draft_b = make_job(db, employer_b, status=JobStatus.DRAFT, title="乙的草稿")
    live_b = make_job(db, employer_b, title="乙的岗位")
    db.commit()
    for job in (draft_b, live_b):
        for method, url, body in (
            ("PATCH", f"{JOBS}/{job.id}", {"headcount": 9}),
            ("POST", f"{JOBS}/{job.id}/publish", None),
            ("POST", f"{JOBS}/{job.id}/close", None),
        ):
            response = api.request(method, url, json=body, headers=member_a.headers)
            assert response.status_code == 404, (method, url)
            assert response.json()["error"]["code"] == "job_not_found"
    assert api.get(f"{JOBS}/{draft_b.id}", headers=member_a.headers).status_code == 404
    # a published job is public, for A too, but without B's review details
    public = api.get(f"{JOBS}/{live_b.id}", headers=member_a.headers)
    assert public.status_code == 200 and public.json()["review"] is None
    db.expire_all()
    assert db.get_one(Job, live_b.id).status == JobStatus.PUBLISHED
    assert db.get_one(Job, draft_b.id).headcount == 3
    mine = api.get("/api/v1/employers/me/jobs", headers=member_a.headers).json()
    assert mine["items"] == []
    theirs = api.get("/api/v1/employers/me/jobs", headers=member_b.headers).json()
    assert {j["id"] for j in theirs["items"]} == {draft_b.id, live_b.id}
    assert employer_a.id != employer_b.id


def test_public_reads(api: TestClient, db: Session, container: Container) -> None:
    employer, owner = _owner(db, container)
    draft = make_job(db, employer, status=JobStatus.DRAFT)
    live = make_job(db, employer)
    closed = make_job(db, employer, status=JobStatus.CLOSED)
    db.commit()
    assert api.get(f"{JOBS}/{draft.id}").status_code == 404
    assert api.get(f"{JOBS}/{closed.id}").status_code == 404
    assert api.get(f"{JOBS}/{live.id}").json()["title"] == live.title
    # the employer's own members see drafts
    assert api.get(f"{JOBS}/{draft.id}", headers=owner.headers).json()["status"] == "draft"
    # once the employer is rejected its jobs are gone for the public, not for its members
    db.get_one(Employer, employer.id).verification_status = VerificationStatus.REJECTED
    db.commit()
    assert api.get(f"{JOBS}/{live.id}").status_code == 404
    assert api.get(f"{JOBS}/{live.id}", headers=owner.headers).status_code == 200
    assert api.get(f"{JOBS}/777777").status_code == 404


def test_own_list_filters_and_pages(api: TestClient, db: Session, container: Container) -> None:
    employer, owner = _owner(db, container)
    ids = [make_job(db, employer, title=f"岗位{i}").id for i in range(5)]
    draft = make_job(db, employer, status=JobStatus.DRAFT)
    db.commit()
    url = "/api/v1/employers/me/jobs"
    first = api.get(url, params={"limit": 2}, headers=owner.headers).json()
    assert [j["id"] for j in first["items"]] == [draft.id, ids[4]]
    second = api.get(
        url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=owner.headers
    ).json()
    assert [j["id"] for j in second["items"]] == [ids[3], ids[2]]
    drafts = api.get(url, params={"status": "draft"}, headers=owner.headers).json()
    assert [j["id"] for j in drafts["items"]] == [draft.id] and drafts["next_cursor"] is None
    bad = api.get(url, params={"cursor": "abc"}, headers=owner.headers)
    assert bad.status_code == 422


def test_own_list_shows_counters_and_the_close_reason(
    api: TestClient, db: Session, container: Container
) -> None:
    employer, owner = _owner(db, container)
    live = make_job(db, employer)
    live.view_count, live.application_count = 40, 6
    live.deadline = china_today() + timedelta(days=3)
    closed = make_job(db, employer, title="已关闭岗位")
    db.commit()
    assert api.post(f"{JOBS}/{closed.id}/close", headers=owner.headers).status_code == 200
    items = {
        j["id"]: j
        for j in api.get("/api/v1/employers/me/jobs", headers=owner.headers).json()["items"]
    }
    assert (items[live.id]["view_count"], items[live.id]["application_count"]) == (40, 6)
    assert items[live.id]["deadline"] == live.deadline.isoformat()
    assert items[live.id]["closed_reason"] is None
    assert items[closed.id]["status"] == "closed"
    assert items[closed.id]["closed_reason"] == "employer"
