"""The reviewer queue and decisions over HTTP: ordering by age, the SLA indicator, scope
(province of the employer; a career office covers its university's province), who may decide,
409 once decided, reason codes that fit the decision; and the employer's own status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from employer_verification.automatic import verify_registered
from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.employers.models import Employer, EmployerLicence
from jobs_api.identity.principal import EmployerRole, Role
from tests.factories.identity import Actor, make_user, sign_in
from tests.factories.verification import local_verifier, make_applicant, make_reviewer

QUEUE = "/api/v1/verification/queue"


@dataclass
class Desk:
    zhejiang: Actor
    jiangsu: Actor
    national: Actor
    zju_office: Actor  # career office, Hangzhou
    nju_office: Actor  # career office, Nanjing
    cases: dict[str, int]  # label -> case id
    employers: dict[str, int]


def _case(session: Any, employer: Employer, ago: timedelta) -> int:
    case = verify_registered(session, local_verifier(session), employer.id, now=utcnow() - ago)
    assert case is not None
    return case.id


@pytest.fixture
def desk(platform_with_reference: Container) -> Desk:
    settings = platform_with_reference.settings
    with job_session(platform_with_reference.session_factory) as session:
        old = make_applicant(session, "杭州甲乙信息技术有限公司", registry_status="经营异常")
        mid = make_applicant(
            session, "宁波丙丁贸易有限公司", city_code="330200", registry_status=None
        )
        new = make_applicant(
            session, "杭州戊己网络科技有限公司", registered_name="杭州戊己科技有限公司"
        )
        nanjing = make_applicant(
            session, "南京庚辛软件有限公司", city_code="320100", registry_status=None
        )
        good = make_applicant(session, "杭州壬癸智能科技有限公司")
        cases = {
            "old": _case(session, old, timedelta(days=6)),
            "mid": _case(session, mid, timedelta(days=1)),
            "new": _case(session, new, timedelta(hours=1)),
            "nanjing": _case(session, nanjing, timedelta(days=2)),
            "good": _case(session, good, timedelta(hours=2)),
        }
        employers = {"old": old.id, "good": good.id, "new": new.id}
        session.add(
            EmployerLicence(
                employer_id=new.id, sha256="ab" * 32, content_type="application/pdf",
                size_bytes=1024, filename="营业执照.pdf",
            )
        )  # fmt: skip
        return Desk(
            zhejiang=make_reviewer(
                session, Role.PROVINCIAL_ADMIN, settings, province_code="330000"
            ),
            jiangsu=make_reviewer(session, Role.PROVINCIAL_ADMIN, settings, province_code="320000"),
            national=make_reviewer(session, Role.NATIONAL_ADMIN, settings),
            zju_office=make_reviewer(session, Role.CAREER_OFFICE, settings),
            nju_office=make_reviewer(
                session,
                Role.CAREER_OFFICE,
                settings,
                university_code="10284",
                university_name="南京大学",
                university_city="320100",
            ),
            cases=cases,
            employers=employers,
        )


def _queue_ids(client: TestClient, actor: Actor, **params: Any) -> list[int]:
    response = client.get(QUEUE, headers=actor.headers, params=params)
    assert response.status_code == 200, response.text
    return [item["case_id"] for item in response.json()["items"]]


def test_queue_is_ordered_oldest_first_with_sla(client: TestClient, desk: Desk) -> None:
    response = client.get(QUEUE, headers=desk.zhejiang.headers)
    assert response.status_code == 200
    body = response.json()
    c = desk.cases
    assert [i["case_id"] for i in body["items"]] == [c["old"], c["mid"], c["new"]]
    assert body["total"] == 3
    by_id = {i["case_id"]: i for i in body["items"]}
    assert by_id[c["old"]]["sla"] == "overdue"
    assert by_id[c["new"]]["sla"] == "on_time"
    assert by_id[c["old"]]["age_hours"] >= 6 * 24
    assert [r["code"] for r in by_id[c["old"]]["reasons"]] == ["status_abnormal"]
    assert by_id[c["mid"]]["city_name"] == "宁波市"
    assert _queue_ids(client, desk.zhejiang, size=2, page=2) == [c["new"]]
    assert _queue_ids(client, desk.zhejiang, state="auto_verified") == [c["good"]]


def test_queue_scope_by_province(client: TestClient, desk: Desk) -> None:
    c = desk.cases
    assert _queue_ids(client, desk.jiangsu) == [c["nanjing"]]
    assert _queue_ids(client, desk.nju_office) == [c["nanjing"]]
    assert _queue_ids(client, desk.zju_office) == [c["old"], c["mid"], c["new"]]
    assert _queue_ids(client, desk.national) == [c["old"], c["nanjing"], c["mid"], c["new"]]


def test_case_detail_shows_checks_registry_record_and_history(
    client: TestClient, desk: Desk, platform_with_reference: Container
) -> None:
    response = client.get(
        f"/api/v1/verification/cases/{desk.cases['new']}", headers=desk.zju_office.headers
    )
    assert response.status_code == 200, response.text
    detail = response.json()
    assert detail["state"] == "needs_review"
    assert detail["employer"]["city_name"] == "杭州市"
    assert detail["employer"]["province_name"] == "浙江省"
    assert detail["registry_record"]["name"] == "杭州戊己科技有限公司"
    names = {c["check"]: c for c in detail["checks"]}
    assert names["name_match"]["reason"] == "name_similar"
    assert "相近" in names["name_match"]["message"]
    assert [e["to_state"] for e in detail["events"]] == ["submitted", "needs_review"]
    assert detail["is_current"] is True
    assert detail["licence"] == {
        "url": f"/api/v1/employers/{desk.employers['new']}/licence",
        "sha256": "ab" * 32,
        "content_type": "application/pdf",
        "filename": "营业执照.pdf",
        "uploaded_at": detail["licence"]["uploaded_at"],
    }
    with platform_with_reference.session_factory() as session:
        read = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "verification.case.read")
        ).one()
        assert read.actor_user_id == desk.zju_office.user.id


def test_cases_outside_scope_are_not_found(client: TestClient, desk: Desk) -> None:
    zhejiang_case = desk.cases["old"]
    for actor in (desk.jiangsu, desk.nju_office):
        response = client.get(f"/api/v1/verification/cases/{zhejiang_case}", headers=actor.headers)
        assert response.status_code == 404
        decided = client.post(
            f"/api/v1/verification/cases/{zhejiang_case}/decision",
            headers=actor.headers,
            json={"decision": "rejected", "reason_codes": ["fraud_suspected"]},
        )
        assert decided.status_code == 404
        assert decided.json()["error"]["code"] == "verification_case_not_found"
    assert (
        client.get("/api/v1/verification/cases/999999", headers=desk.national.headers).status_code
        == 404
    )


def test_only_reviewers_decide(
    client: TestClient, desk: Desk, platform_with_reference: Container
) -> None:
    settings = platform_with_reference.settings
    with job_session(platform_with_reference.session_factory) as session:
        member = sign_in(
            session,
            make_user(
                session, Role.EMPLOYER_MEMBER, settings,
                employer_id=desk.employers["old"], employer_role=EmployerRole.OWNER.value,
            ),
            settings,
        )  # fmt: skip
        graduate = sign_in(session, make_user(session, Role.GRADUATE, settings), settings)
    url = f"/api/v1/verification/cases/{desk.cases['old']}/decision"
    body = {"decision": "verified", "reason_codes": ["licence_confirmed"]}
    response = client.post(url, headers=member.headers, json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "role_not_allowed")
    assert client.post(url, json=body).status_code == 401
    response = client.post(url, headers=graduate.headers, json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "role_not_allowed")


def test_decision_verifies_once_then_conflicts(client: TestClient, desk: Desk) -> None:
    url = f"/api/v1/verification/cases/{desk.cases['old']}/decision"
    response = client.post(
        url,
        headers=desk.zhejiang.headers,
        json={
            "decision": "verified",
            "reason_codes": ["status_restored", "licence_confirmed"],
            "note": "已核对营业执照原件",
        },
    )
    assert response.status_code == 200, response.text
    detail = response.json()
    assert detail["state"] == "verified"
    assert detail["decided_by_user_id"] == desk.zhejiang.user.id
    assert detail["decided_by_role"] == "provincial_admin"
    assert [r["code"] for r in detail["reasons"]] == ["status_restored", "licence_confirmed"]
    assert detail["employer"]["verification_status"] == "verified"
    assert detail["expires_at"] is not None
    again = client.post(
        url, headers=desk.national.headers,
        json={"decision": "rejected", "reason_codes": ["fraud_suspected"]},
    )  # fmt: skip
    assert (again.status_code, again.json()["error"]["code"]) == (
        409,
        "verification_case_already_decided",
    )
    assert _queue_ids(client, desk.zhejiang) == [desk.cases["mid"], desk.cases["new"]]


def test_auto_verified_cases_cannot_be_decided(client: TestClient, desk: Desk) -> None:
    response = client.post(
        f"/api/v1/verification/cases/{desk.cases['good']}/decision",
        headers=desk.national.headers,
        json={"decision": "rejected", "reason_codes": ["fraud_suspected"]},
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "rejected", "reason_codes": ["licence_confirmed"]},  # approving reason
        {"decision": "verified", "reason_codes": ["fraud_suspected"]},
        {"decision": "verified", "reason_codes": ["because"]},  # not in the list
        {"decision": "verified", "reason_codes": []},
        {"decision": "maybe", "reason_codes": ["licence_confirmed"]},
    ],
)
def test_reason_codes_must_fit_the_decision(
    client: TestClient, desk: Desk, body: dict[str, Any]
) -> None:
    response = client.post(
        f"/api/v1/verification/cases/{desk.cases['mid']}/decision",
        headers=desk.zhejiang.headers,
        json=body,
    )
    assert response.status_code == 422, response.text


def test_rejection_is_explained_to_the_employer_only(
    client: TestClient, desk: Desk, platform_with_reference: Container
) -> None:
    settings = platform_with_reference.settings
    response = client.post(
        f"/api/v1/verification/cases/{desk.cases['new']}/decision",
        headers=desk.zju_office.headers,
        json={"decision": "rejected", "reason_codes": ["licence_mismatch"]},
    )
    assert response.status_code == 200
    with job_session(platform_with_reference.session_factory) as session:

        def member(employer_id: int) -> Actor:
            user = make_user(
                session, Role.EMPLOYER_MEMBER, settings,
                employer_id=employer_id, employer_role=EmployerRole.RECRUITER.value,
            )  # fmt: skip
            return sign_in(session, user, settings)

        own, other = member(desk.employers["new"]), member(desk.employers["good"])
    url = f"/api/v1/verification/employers/{desk.employers['new']}/status"
    status = client.get(url, headers=own.headers)
    assert status.status_code == 200
    body = status.json()
    assert (body["status"], body["status_label"]) == ("rejected", "未通过认证")
    assert body["reasons"][0]["code"] == "licence_mismatch"
    assert "营业执照" in body["reasons"][0]["message"]
    assert client.get(url, headers=other.headers).status_code == 404
    good = client.get(
        f"/api/v1/verification/employers/{desk.employers['good']}/status", headers=other.headers
    ).json()
    assert (good["status"], good["reasons"], good["expires_at"] is not None) == (
        "auto_verified",
        [],
        True,
    )
