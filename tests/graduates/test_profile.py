"""The graduate's profile: registry facts read-only, editable fields validated with field paths."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.core.settings import Settings
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.principal import Role
from tests.factories.graduates import make_graduate, make_record
from tests.factories.identity import Actor, make_user, sign_in
from tests.graduates.conftest import Campus

PROFILE = "/api/v1/graduates/me/profile"

FULL = {
    "skills": ["Python", "SQL", "python", " Go "],
    "certificates": ["CET-6", "软件设计师"],
    "internships": [
        {
            "company": "杭州云帆网络科技有限公司",
            "role": "后端开发实习生",
            "start_date": "2025-07-01",
            "end_date": "2025-09-30",
            "description": "参与订单服务开发",
        }
    ],
    "projects": [{"name": "校园二手平台", "role": "负责人", "start_date": "2024-03-01"}],
    "intended_city_codes": ["330100", "310100"],
    "intended_industry_codes": ["I", "M"],
    "intended_occupation_codes": ["2-02-10-03"],
    "expected_salary": {"min_monthly": 12000, "max_monthly": 18000},
    "summary": "热爱后端开发",
    "visibility": "applied_only",
}


@pytest.fixture
def graduate(db: Session, campus: Campus, settings: Settings, kit: IdentityKit) -> Actor:
    made = make_record(db, campus.zju, settings, name="周杰")
    actor = sign_in(db, make_graduate(db, kit, made, campus.zju), settings)
    db.commit()
    return actor


def _fields(response: Any) -> dict[str, str]:
    fields: dict[str, str] = response.json()["error"]["fields"]
    return fields


def test_profile_shows_registry_facts_read_only(api: TestClient, graduate: Actor) -> None:
    response = api.get(PROFILE, headers=graduate.headers)
    assert response.status_code == 200
    body = response.json()
    registry = body["registry"]
    assert {
        k: registry[k] for k in registry if k not in {"student_record_id", "university_id"}
    } == {
        "student_number": registry["student_number"],
        "name": "周杰",
        "university_code": "10335",
        "university_name": "浙江大学",
        "college": "计算机科学与技术学院",
        "major_code": "080902",
        "major_name": "软件工程",
        "degree_level": "bachelor",
        "degree_name": "本科",
        "graduation_year": 2026,
        "status": "在籍",
    }
    assert registry["student_record_id"] == graduate.user.student_record_id
    assert body["skills"] == []
    assert body["visibility"] == "verified_employers"  # share consent was given


def test_put_and_patch_edit_the_profile(api: TestClient, graduate: Actor) -> None:
    put = api.put(PROFILE, json=FULL, headers=graduate.headers)
    assert put.status_code == 200, put.text
    body = put.json()
    assert body["skills"] == ["Python", "SQL", "Go"]  # trimmed, deduplicated ignoring case
    assert body["internships"][0]["end_date"] == "2025-09-30"
    assert body["projects"][0]["end_date"] is None
    assert body["expected_salary"] == {"min_monthly": 12000, "max_monthly": 18000}
    assert body["visibility"] == "applied_only"

    patch = api.patch(PROFILE, json={"summary": "更新后的简介"}, headers=graduate.headers)
    assert patch.status_code == 200
    assert patch.json()["summary"] == "更新后的简介"
    assert patch.json()["skills"] == ["Python", "SQL", "Go"]  # untouched

    cleared = api.patch(PROFILE, json={"expected_salary": None}, headers=graduate.headers)
    assert cleared.json()["expected_salary"] is None
    replaced = api.put(PROFILE, json={"skills": ["Java"]}, headers=graduate.headers)
    assert replaced.json()["skills"] == ["Java"]
    assert replaced.json()["internships"] == []
    assert replaced.json()["visibility"] == "applied_only"  # PUT without visibility keeps it
    again = api.get(PROFILE, headers=graduate.headers).json()
    assert again["skills"] == ["Java"]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize(
    "change",
    [
        {"major_code": "080901"},
        {"graduation_year": 2030},
        {"university_id": 2},
        {"degree_level": "master"},
        {"registry": {"college": "x"}},
        {"name": "别人"},
    ],
)
def test_registry_fields_are_read_only(
    api: TestClient, graduate: Actor, method: str, change: dict[str, Any]
) -> None:
    response = api.request(
        method, PROFILE, json={"summary": "x", **change}, headers=graduate.headers
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "registry_field_read_only"
    assert set(error["fields"]) == set(change)
    assert api.get(PROFILE, headers=graduate.headers).json()["summary"] == ""  # nothing saved


def test_unknown_fields_are_refused(api: TestClient, graduate: Actor) -> None:
    response = api.patch(PROFILE, json={"hobbies": ["chess"]}, headers=graduate.headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"
    assert "hobbies" in _fields(response)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"skills": [f"skill-{i}" for i in range(51)]}, "skills"),
        ({"skills": ["x" * 31]}, "skills.0"),
        ({"intended_city_codes": ["33010"]}, "intended_city_codes.0"),
        ({"intended_city_codes": ["330100", "330000"]}, "intended_city_codes.1"),  # a province
        ({"intended_city_codes": ["339900"]}, "intended_city_codes.0"),  # no such city
        ({"intended_industry_codes": ["Z"]}, "intended_industry_codes.0"),
        ({"intended_occupation_codes": ["9-99-99"]}, "intended_occupation_codes.0"),
        ({"expected_salary": {"min_monthly": 500}}, "expected_salary.min_monthly"),
        ({"expected_salary": {"min_monthly": 9000, "max_monthly": 8000}}, "expected_salary"),
        (
            {
                "internships": [
                    {
                        "company": "A",
                        "role": "B",
                        "start_date": "2025-09-01",
                        "end_date": "2025-01-01",
                    }
                ]
            },
            "internships.0",
        ),
        ({"internships": [{"company": "A", "start_date": "2025-09-01"}]}, "internships.0.role"),
        ({"visibility": "everyone"}, "visibility"),
        ({"summary": "长" * 2001}, "summary"),
    ],
)
def test_invalid_values_answer_with_the_field(
    api: TestClient, graduate: Actor, change: dict[str, Any], field: str
) -> None:
    response = api.patch(PROFILE, json=change, headers=graduate.headers)
    assert response.status_code == 422, response.text
    assert field in _fields(response), _fields(response)


def test_fifty_skills_after_deduplication_are_fine(api: TestClient, graduate: Actor) -> None:
    skills = [f"skill-{i}" for i in range(50)] + ["SKILL-0", "skill-1"]
    response = api.patch(PROFILE, json={"skills": skills}, headers=graduate.headers)
    assert response.status_code == 200
    assert len(response.json()["skills"]) == 50


def test_visible_profile_needs_the_sharing_consent(
    api: TestClient, db: Session, campus: Campus, settings: Settings, kit: IdentityKit
) -> None:
    made = make_record(db, campus.zju, settings)
    user = make_graduate(db, kit, made, campus.zju, consents=[ConsentPurpose.PROFILE_MATCHING])
    actor = sign_in(db, user, settings)
    db.commit()
    assert api.get(PROFILE, headers=actor.headers).json()["visibility"] == "hidden"
    refused = api.patch(PROFILE, json={"visibility": "verified_employers"}, headers=actor.headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "consent_required"
    assert (
        api.patch(PROFILE, json={"visibility": "hidden"}, headers=actor.headers).status_code == 200
    )


def test_other_roles_have_no_profile(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    office = sign_in(
        db, make_user(db, Role.CAREER_OFFICE, settings, university_id=campus.zju.id), settings
    )
    db.commit()
    response = api.get(PROFILE, headers=office.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_not_allowed"
