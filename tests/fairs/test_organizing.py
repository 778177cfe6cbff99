"""Organizing fairs: each level's scope (career office: own university only; province: its
universities only; national: any), validation with fields, edits / publish / cancel only by
the organizer (others 404), and the inbox notice to registered employers on cancel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.fairs.models import Fair, FairStatus, OrganizerLevel
from jobs_api.inbox.models import InboxMessage
from jobs_api.jobs.posting import china_today
from tests.factories.fairs import make_fair, register_employer
from tests.fairs.conftest import World

FAIRS = "/api/v1/fairs"


def body(**overrides: Any) -> dict[str, Any]:
    start = china_today() + timedelta(days=10)
    data: dict[str, Any] = {
        "title": "2026届信息技术专场招聘会",
        "theme": "数字经济专场",
        "industry_code": "I",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=2)).isoformat(),
        "description": "线上专场，面向计算机类专业毕业生。",
    }
    data.update(overrides)
    return data


def test_career_office_creates_a_draft_for_its_own_university(
    api: TestClient, world: World, db: Session
) -> None:
    response = api.post(FAIRS, json=body(), headers=world.office_zju.headers)
    assert response.status_code == 201, response.text
    fair = response.json()
    assert fair["status"] == "draft"
    assert fair["organizer_level"] == "university"
    assert fair["organizer_name"] == "浙江大学"
    assert fair["organizer_province_code"] == "330000"
    assert [u["id"] for u in fair["universities"]] == [world.zju.id]
    assert fair["industry_name"]
    audit = db.scalar(select(AuditEvent).where(AuditEvent.action == "fair.created"))
    assert audit is not None and audit.subject_id == str(fair["id"])


def test_career_office_cannot_organize_for_another_university(
    api: TestClient, world: World
) -> None:
    response = api.post(
        FAIRS, json=body(university_ids=[world.nju.id]), headers=world.office_zju.headers
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "fair_out_of_scope"
    both = body(university_ids=[world.zju.id, world.zjut.id])
    response = api.post(FAIRS, json=both, headers=world.office_zju.headers)
    assert response.status_code == 403


def test_province_includes_only_its_own_universities(api: TestClient, world: World) -> None:
    ok = api.post(
        FAIRS,
        json=body(university_ids=[world.zju.id, world.zjut.id]),
        headers=world.zhejiang.headers,
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["organizer_level"] == "province"
    assert ok.json()["organizer_name"] == "浙江省"
    refused = api.post(
        FAIRS,
        json=body(university_ids=[world.zju.id, world.nju.id]),
        headers=world.zhejiang.headers,
    )
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "fair_out_of_scope"
    assert str(world.nju.id) in error["fields"]["university_ids"]
    empty = api.post(FAIRS, json=body(), headers=world.zhejiang.headers)
    assert empty.status_code == 422
    assert "university_ids" in empty.json()["error"]["fields"]


def test_national_admin_invites_any_university(api: TestClient, world: World) -> None:
    response = api.post(
        FAIRS,
        json=body(university_ids=[world.zju.id, world.nju.id]),
        headers=world.national.headers,
    )
    assert response.status_code == 201, response.text
    fair = response.json()
    assert fair["organizer_level"] == "national"
    assert fair["organizer_province_code"] is None
    assert {u["id"] for u in fair["universities"]} == {world.zju.id, world.nju.id}
    unknown = api.post(FAIRS, json=body(university_ids=[999999]), headers=world.national.headers)
    assert unknown.status_code == 422
    assert "999999" in unknown.json()["error"]["fields"]["university_ids"]


def test_dates_and_industry_are_validated_with_fields(api: TestClient, world: World) -> None:
    today = china_today()
    reversed_dates = body(
        starts_on=(today + timedelta(days=5)).isoformat(),
        ends_on=(today + timedelta(days=3)).isoformat(),
        industry_code="ZZ",
    )
    response = api.post(FAIRS, json=reversed_dates, headers=world.office_zju.headers)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"ends_on", "industry_code"}
    division = api.post(FAIRS, json=body(industry_code="65"), headers=world.office_zju.headers)
    assert division.status_code == 422  # a division, not a section
    no_industry = api.post(FAIRS, json=body(industry_code=None), headers=world.office_zju.headers)
    assert no_industry.status_code == 201


def test_publish_refuses_a_start_in_the_past(api: TestClient, world: World, db: Session) -> None:
    fair = make_fair(
        db,
        [world.zju],
        created_by=world.office_zju.user.id,
        status=FairStatus.DRAFT,
        starts_on=china_today() - timedelta(days=1),
        ends_on=china_today() + timedelta(days=1),
    )
    db.commit()
    response = api.post(f"{FAIRS}/{fair.id}/publish", headers=world.office_zju.headers)
    assert response.status_code == 422
    assert "starts_on" in response.json()["error"]["fields"]
    moved = api.patch(
        f"{FAIRS}/{fair.id}",
        json={"starts_on": china_today().isoformat()},
        headers=world.office_zju.headers,
    )
    assert moved.status_code == 200, moved.text
    published = api.post(f"{FAIRS}/{fair.id}/publish", headers=world.office_zju.headers)
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["phase"] == "ongoing"


def test_edits_publish_cancel_and_statistics_outside_the_scope_are_404(
    api: TestClient, world: World, db: Session
) -> None:
    university_fair = make_fair(
        db, [world.zju], created_by=world.office_zju.user.id, status=FairStatus.DRAFT
    )
    province_fair = make_fair(
        db,
        [world.zju, world.zjut],
        created_by=world.zhejiang.user.id,
        level=OrganizerLevel.PROVINCE,
        status=FairStatus.DRAFT,
    )
    db.commit()
    outsiders = {
        university_fair.id: [world.office_nju, world.zhejiang, world.national],
        province_fair.id: [world.jiangsu, world.office_zju, world.national],
    }
    for fair_id, actors in outsiders.items():
        for actor in actors:
            for method, path, payload in (
                ("PATCH", f"{FAIRS}/{fair_id}", {"title": "改名后的招聘会"}),
                ("POST", f"{FAIRS}/{fair_id}/publish", None),
                ("POST", f"{FAIRS}/{fair_id}/cancel", None),
                ("GET", f"{FAIRS}/{fair_id}/statistics", None),
                ("GET", f"{FAIRS}/{fair_id}", None),  # a draft: only its organizer reads it
            ):
                response = api.request(method, path, json=payload, headers=actor.headers)
                assert response.status_code == 404, (method, path, actor.principal.role)
                assert response.json()["error"]["code"] == "fair_not_found"
    db.expire_all()
    assert db.get_one(Fair, university_fair.id).status == FairStatus.DRAFT
    assert db.get_one(Fair, university_fair.id).title == "2026届数字经济专场招聘会"
    own = api.patch(
        f"{FAIRS}/{province_fair.id}",
        json={"title": "浙江省春季专场", "university_ids": [world.zjut.id]},
        headers=world.zhejiang.headers,
    )
    assert own.status_code == 200, own.text
    assert own.json()["title"] == "浙江省春季专场"
    assert [u["id"] for u in own.json()["universities"]] == [world.zjut.id]
    listed = api.get("/api/v1/organizer/fairs", headers=world.zhejiang.headers).json()
    assert [f["id"] for f in listed["items"]] == [province_fair.id]
    assert api.get("/api/v1/organizer/fairs", headers=world.jiangsu.headers).json()["total"] == 0


def test_cancel_notifies_registered_employers_once(
    api: TestClient, world: World, db: Session
) -> None:
    fair = make_fair(db, [world.zju], created_by=world.office_zju.user.id)
    register_employer(db, fair, world.employer, user_id=world.hr.user.id)
    db.commit()
    for _ in range(2):
        response = api.post(f"{FAIRS}/{fair.id}/cancel", headers=world.office_zju.headers)
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
    messages = db.scalars(select(InboxMessage).where(InboxMessage.kind == "fair.cancelled")).all()
    assert [m.user_id for m in messages] == [world.hr.user.id]
    assert fair.title in messages[0].title_zh
    assert messages[0].link == f"/fairs/{fair.id}"
    edit = api.patch(
        f"{FAIRS}/{fair.id}", json={"title": "再改一次标题"}, headers=world.office_zju.headers
    )
    assert edit.status_code == 409
    assert edit.json()["error"]["code"] == "fair_state_conflict"
    # a cancelled fair is still readable (links in the inbox), but leaves the list
    assert api.get(f"{FAIRS}/{fair.id}").json()["fair"]["status"] == "cancelled"
    assert api.get(FAIRS).json()["total"] == 0
