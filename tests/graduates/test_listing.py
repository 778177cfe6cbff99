"""The graduate list and detail: scope per role, filters, paging, masking, audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.settings import Settings
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.principal import Role
from jobs_api.registry.models import EnrollmentStatus
from tests.factories.graduates import RecordWithId, make_graduate, make_record
from tests.factories.identity import Actor, make_user, sign_in
from tests.factories.jobs import make_employer
from tests.graduates.conftest import Campus

LIST = "/api/v1/graduates"


@dataclass
class World:
    zju: list[RecordWithId]
    zjut: list[RecordWithId]
    nju: list[RecordWithId]
    office_zju: Actor
    office_zjut: Actor
    province_zj: Actor
    province_js: Actor
    national: Actor
    graduate: Actor
    employer: Actor


@pytest.fixture
def world(db: Session, campus: Campus, settings: Settings, kit: IdentityKit) -> World:
    zju = [
        make_record(db, campus.zju, settings, student_number="3220100003", name="张一"),
        make_record(
            db,
            campus.zju,
            settings,
            student_number="3220100001",
            name="张二",
            low_income_family=True,
        ),
        make_record(
            db,
            campus.zju,
            settings,
            student_number="3220100002",
            name="李三",
            major_code="080901",
            degree_level="master",
            college="软件学院",
        ),
        make_record(
            db,
            campus.zju,
            settings,
            student_number="3210100009",
            name="王四",
            graduation_year=2025,
            status=EnrollmentStatus.GRADUATED.value,
        ),
    ]
    zjut = [make_record(db, campus.zjut, settings, student_number="201901", name="钱五")]
    nju = [make_record(db, campus.nju, settings, student_number="MG2201", name="孙六")]
    graduate_user = make_graduate(db, kit, zju[0], campus.zju)

    def actor(role: Role, **scope: object) -> Actor:
        return sign_in(db, make_user(db, role, settings, **scope), settings)

    built = World(
        zju=zju,
        zjut=zjut,
        nju=nju,
        office_zju=actor(Role.CAREER_OFFICE, university_id=campus.zju.id),
        office_zjut=actor(Role.CAREER_OFFICE, university_id=campus.zjut.id),
        province_zj=actor(Role.PROVINCIAL_ADMIN, province_code="330000"),
        province_js=actor(Role.PROVINCIAL_ADMIN, province_code="320000"),
        national=actor(Role.NATIONAL_ADMIN),
        graduate=sign_in(db, graduate_user, settings),
        employer=actor(
            Role.EMPLOYER_MEMBER, employer_id=make_employer(db).id, employer_role="owner"
        ),
    )
    db.commit()
    return built


def _numbers(api: TestClient, actor: Actor, **params: Any) -> list[str]:
    response = api.get(LIST, params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    return [row["student_number"] for row in response.json()["items"]]


def test_each_role_sees_its_scope(api: TestClient, world: World) -> None:
    zju = sorted(r.record.student_number for r in world.zju)
    assert _numbers(api, world.office_zju) == zju  # sorted by student number
    assert _numbers(api, world.office_zjut) == ["201901"]
    assert _numbers(api, world.province_zj) == sorted([*zju, "201901"])
    assert _numbers(api, world.province_js) == ["MG2201"]
    assert _numbers(api, world.national) == sorted([*zju, "201901", "MG2201"])
    for outsider in (world.graduate, world.employer):
        denied = api.get(LIST, headers=outsider.headers)
        assert denied.status_code == 403
        assert denied.json()["error"]["code"] == "role_not_allowed"


def test_detail_is_404_outside_scope_and_audited_inside(
    api: TestClient, world: World, db: Session
) -> None:
    zju_id, nju_id = world.zju[1].id, world.nju[0].id
    assert api.get(f"{LIST}/{zju_id}", headers=world.office_zjut.headers).status_code == 404
    assert api.get(f"{LIST}/{nju_id}", headers=world.province_zj.headers).status_code == 404
    assert api.get(f"{LIST}/{zju_id}", headers=world.province_js.headers).status_code == 404
    assert api.get(f"{LIST}/999999", headers=world.national.headers).status_code == 404
    for viewer in (world.office_zju, world.province_zj, world.national):
        response = api.get(f"{LIST}/{zju_id}", headers=viewer.headers)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["name"] == "张二"
        assert body["priority"]["low_income_family"] is True
        assert body["activation"] == "none"
    views = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "personal_data.view", AuditEvent.subject_id == str(zju_id)
        )
    ).all()
    assert sorted(v.actor_user_id or 0 for v in views) == sorted(
        a.user.id for a in (world.office_zju, world.province_zj, world.national)
    )
    assert all(v.subject_type == "student_record" for v in views)


def test_rows_show_masked_ids_and_activation(api: TestClient, world: World) -> None:
    response = api.get(LIST, headers=world.office_zju.headers)
    rows = {row["student_number"]: row for row in response.json()["items"]}
    for made in world.zju:
        assert made.id_number not in response.text
        row = rows[made.record.student_number]
        assert row["id_number_masked"] == made.id_number[:6] + "********" + made.id_number[-4:]
    activated = rows[world.zju[0].record.student_number]
    assert activated["activation"] == "active"
    assert activated["major_name"] == "软件工程"
    assert activated["university_name"] == "浙江大学"
    detail = api.get(f"{LIST}/{world.zju[0].id}", headers=world.office_zju.headers).json()
    assert detail["account"]["phone_masked"].count("*") == 4
    assert detail["profile"]["registry"]["student_record_id"] == world.zju[0].id


def test_filters(api: TestClient, world: World) -> None:
    office = world.office_zju
    assert _numbers(api, office, graduation_year=2025) == ["3210100009"]
    assert _numbers(api, office, major_code="080901") == ["3220100002"]
    assert _numbers(api, office, college="软件学院") == ["3220100002"]
    assert _numbers(api, office, degree_level="master") == ["3220100002"]
    assert _numbers(api, office, status="毕业") == ["3210100009"]
    assert _numbers(api, office, activated="true") == ["3220100003"]
    assert "3220100003" not in _numbers(api, office, activated="false")
    assert _numbers(api, office, priority_group="low_income_family") == ["3220100001"]
    assert _numbers(api, office, q="张") == ["3220100001", "3220100003"]
    assert _numbers(api, office, q="32201") == ["3220100001", "3220100002", "3220100003"]
    assert _numbers(api, office, q="%") == []  # LIKE wildcards are literal
    bad = api.get(LIST, params={"priority_group": "rich"}, headers=office.headers)
    assert bad.status_code == 422
    assert "priority_group" in bad.json()["error"]["fields"]


def test_list_reads_are_audited_without_the_search_text(
    api: TestClient, world: World, db: Session
) -> None:
    api.get(LIST, params={"q": "张", "graduation_year": 2026}, headers=world.office_zju.headers)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "personal_data.list"))
    assert event is not None
    assert event.actor_user_id == world.office_zju.user.id
    assert event.detail["filters"] == {"graduation_year": 2026, "q": "<given>"}
    assert "张" not in str(event.detail)


def test_paging_by_page_and_by_cursor(api: TestClient, world: World) -> None:
    everyone = _numbers(api, world.national, size=100)
    assert len(everyone) == 6
    pages = [_numbers(api, world.national, size=4, page=p) for p in (1, 2)]
    assert pages[0] + pages[1] == everyone
    first = api.get(LIST, params={"size": 4}, headers=world.national.headers).json()
    assert first["total"] == 6 and first["total_is_lower_bound"] is False
    cursor = first["next_cursor"]
    assert cursor
    second = api.get(LIST, params={"size": 4, "cursor": cursor}, headers=world.national.headers)
    rest = second.json()
    assert [r["student_number"] for r in first["items"] + rest["items"]] == everyone
    assert rest["next_cursor"] is None
    too_deep = api.get(LIST, params={"size": 100, "page": 101}, headers=world.national.headers)
    assert too_deep.status_code == 422
    assert "page" in too_deep.json()["error"]["fields"]
    broken = api.get(LIST, params={"cursor": "not-a-cursor"}, headers=world.national.headers)
    assert broken.status_code == 422
    assert api.get(LIST, params={"size": 101}, headers=world.national.headers).status_code == 422
