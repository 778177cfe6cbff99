"""The graduate's side of interviews: list, confirm a slot, ask to reschedule, decline; clash
detection both ways; the employer member who proposed is told; scope (another graduate's
interview is 404)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.core.container import Container
from jobs_api.inbox.models import InboxMessage
from jobs_api.interviews.models import Interview, InterviewMode, InterviewStatus
from jobs_api.registry.models import EnrollmentStatus, StudentRecord
from tests.employers.fixtures import Campus
from tests.factories.applications import Hiring, make_hiring
from tests.factories.interviews import at_hour, make_interview, proposal, slot

ME = "/api/v1/me/interviews"
EMPLOYER = "/api/v1/employers/me"


@pytest.fixture
def hiring(db: Session, container: Container, campus: Campus) -> Hiring:
    made = make_hiring(db, container.settings)
    db.commit()
    return made


@pytest.fixture
def rival(db: Session, container: Container, hiring: Hiring) -> Hiring:
    """Another employer's application of the same graduate."""
    made = make_hiring(
        db,
        container.settings,
        employer_name="宁波海曙贸易有限公司",
        job_title="外贸业务员",
        graduate=hiring.graduate,
    )
    db.commit()
    return made


def _inbox(db: Session, user_id: int) -> list[InboxMessage]:
    db.expire_all()
    return list(
        db.scalars(
            select(InboxMessage).where(InboxMessage.user_id == user_id).order_by(InboxMessage.id)
        )
    )


def _post(client: TestClient, hiring: Hiring, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{ME}/{path}", json=body, headers=hiring.graduate.headers)


def test_confirm_a_slot_and_the_proposer_is_told(
    client: TestClient, db: Session, hiring: Hiring
) -> None:
    starts = [at_hour(2, 2), at_hour(2, 6)]
    interview = make_interview(
        db,
        hiring,
        starts,
        mode=InterviewMode.ONLINE,
        meeting_url="https://meeting.tencent.com/dm/xyz",
    )
    db.commit()
    listed = client.get(ME, headers=hiring.graduate.headers).json()["items"]
    (item,) = listed
    assert item["employer_name"] == "杭州云帆网络科技有限公司" and item["status"] == "proposed"
    assert item["meeting_url"] is None  # the link only once confirmed
    chosen = item["slots"][1]
    response = _post(client, hiring, f"{interview.id}/confirm", {"slot_id": chosen["id"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "confirmed" and body["starts_at"] == chosen["starts_at"]
    assert body["meeting_url"] == "https://meeting.tencent.com/dm/xyz"
    (notice,) = _inbox(db, hiring.member.user.id)
    assert notice.kind == "interview.confirmed" and notice.link == "/employer/interviews"
    assert "李娜" in notice.title_zh and "北京时间" in notice.body_zh
    again = _post(client, hiring, f"{interview.id}/confirm", {"slot_id": chosen["id"]})
    assert again.status_code == 200 and len(_inbox(db, hiring.member.user.id)) == 1


def test_another_graduate_cannot_see_or_answer_the_interview(
    client: TestClient, db: Session, container: Container, hiring: Hiring
) -> None:
    interview = make_interview(db, hiring, [at_hour(2, 2)])
    other = make_hiring(db, container.settings)
    db.commit()
    slot_id = client.get(ME, headers=hiring.graduate.headers).json()["items"][0]["slots"][0]["id"]
    for path, body in (
        ("confirm", {"slot_id": slot_id}),
        ("reschedule", {"reason": "时间冲突"}),
        ("decline", {"reason": "已有其他安排"}),
    ):
        response = _post(client, other, f"{interview.id}/{path}", body)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "interview_not_found"
    assert client.get(ME, headers=other.graduate.headers).json()["items"] == []
    db.expire_all()
    assert db.get_one(Interview, interview.id).status == "proposed"


def test_a_slot_of_another_interview_is_refused(
    client: TestClient, db: Session, hiring: Hiring, rival: Hiring
) -> None:
    mine = make_interview(db, hiring, [at_hour(2, 2)])
    theirs = make_interview(db, rival, [at_hour(3, 2)])
    db.commit()
    foreign = client.get(f"{EMPLOYER}/interviews/{theirs.id}", headers=rival.member.headers)
    slot_id = foreign.json()["slots"][0]["id"]
    response = _post(client, hiring, f"{mine.id}/confirm", {"slot_id": slot_id})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"slot_id": "unknown_slot"}
    huge = _post(client, hiring, f"{mine.id}/confirm", {"slot_id": 2**40})
    assert huge.status_code == 422


def test_confirming_a_clashing_slot_names_the_other_interview(
    client: TestClient, db: Session, hiring: Hiring, rival: Hiring
) -> None:
    make_interview(db, rival, [at_hour(2, 2)], status=InterviewStatus.CONFIRMED)
    overlapping = at_hour(2, 2) + timedelta(minutes=30)
    interview = make_interview(db, hiring, [overlapping, at_hour(2, 5)])
    db.commit()
    slots = client.get(ME, headers=hiring.graduate.headers).json()["items"]
    mine = next(i for i in slots if i["id"] == interview.id)
    refused = _post(client, hiring, f"{interview.id}/confirm", {"slot_id": mine["slots"][0]["id"]})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "interview_clash" and error["fields"] == {"slot_id": "interview_clash"}
    assert "宁波海曙贸易有限公司" in error["message"] and "外贸业务员" in error["message"]
    local = (at_hour(2, 2) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert local in error["message"]
    fine = _post(client, hiring, f"{interview.id}/confirm", {"slot_id": mine["slots"][1]["id"]})
    assert fine.status_code == 200 and fine.json()["status"] == "confirmed"


def test_the_employer_sees_busy_slots_but_not_with_whom(
    client: TestClient, db: Session, hiring: Hiring, rival: Hiring
) -> None:
    make_interview(db, rival, [at_hour(2, 2)], status=InterviewStatus.CONFIRMED)
    db.commit()
    busy_start = at_hour(2, 2) + timedelta(minutes=30)
    response = client.post(
        f"{EMPLOYER}/applications/{hiring.application.id}/interviews",
        json=proposal(busy_start, at_hour(2, 5)),
        headers=hiring.member.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert [s["busy"] for s in body["slots"]] == [True, False]
    (clash,) = body["clashes"]
    assert clash["busy"] is True and clash["slot_id"] == body["slots"][0]["id"]
    assert "宁波" not in response.text and "外贸" not in response.text
    calendar = client.get(f"{EMPLOYER}/interviews", headers=hiring.member.headers).json()
    assert [s["busy"] for s in calendar["items"][0]["slots"]] == [True, False]
    moved = client.post(
        f"{EMPLOYER}/interviews/{body['id']}/reschedule",
        json={"slots": [slot(at_hour(2, 1) + timedelta(minutes=30)), slot(at_hour(4, 2))]},
        headers=hiring.member.headers,
    ).json()
    assert [s["busy"] for s in moved["slots"]] == [True, False] and len(moved["clashes"]) == 1


def test_ask_to_reschedule_releases_the_time_and_tells_the_employer(
    client: TestClient, db: Session, hiring: Hiring
) -> None:
    interview = make_interview(db, hiring, [at_hour(2, 2)], status=InterviewStatus.CONFIRMED)
    db.commit()
    url = f"{interview.id}/reschedule"
    assert _post(client, hiring, url, {"reason": " "}).status_code == 422
    past = _post(client, hiring, url, {"reason": "考试", "preferred_times": [slot(at_hour(-1, 2))]})
    assert past.status_code == 422 and "preferred_times.0" in past.json()["error"]["fields"]
    response = _post(
        client,
        hiring,
        url,
        {"reason": "当天有期末考试", "preferred_times": [slot(at_hour(4, 2)), slot(at_hour(4, 6))]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "reschedule_requested" and body["starts_at"] is None
    assert body["reschedule_reason"].startswith("当天有期末考试\n期望时间（北京时间）：")
    (notice,) = _inbox(db, hiring.member.user.id)
    assert notice.kind == "interview.reschedule_requested" and "期末考试" in notice.body_zh


def test_decline_with_a_reason(client: TestClient, db: Session, hiring: Hiring) -> None:
    interview = make_interview(db, hiring, [at_hour(2, 2)])
    db.commit()
    response = _post(client, hiring, f"{interview.id}/decline", {"reason": "已接受其他单位录用"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    (notice,) = _inbox(db, hiring.member.user.id)
    assert notice.kind == "interview.declined" and "已接受其他单位录用" in notice.body_zh
    seen = client.get(f"{EMPLOYER}/interviews/{interview.id}", headers=hiring.member.headers)
    assert seen.json()["cancelled_by_graduate"] is True
    again = _post(client, hiring, f"{interview.id}/confirm", {"slot_id": 1})
    assert again.status_code in {409, 422}
    past = client.get(ME, params={"when": "past"}, headers=hiring.graduate.headers).json()
    assert [i["id"] for i in past["items"]] == [interview.id]
    assert client.get(ME, headers=hiring.graduate.headers).json()["items"] == []


def test_a_passed_slot_cannot_be_confirmed(client: TestClient, db: Session, hiring: Hiring) -> None:
    interview = make_interview(db, hiring, [at_hour(0, 0) - timedelta(hours=3)])
    db.commit()
    slot_id = client.get(ME, headers=hiring.graduate.headers).json()["items"][0]["slots"][0]["id"]
    response = _post(client, hiring, f"{interview.id}/confirm", {"slot_id": slot_id})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"slot_id": "slot_passed"}


def test_an_unverified_graduate_is_refused(client: TestClient, db: Session, hiring: Hiring) -> None:
    record = db.get_one(StudentRecord, hiring.graduate.principal.student_record_id)
    record.status = EnrollmentStatus.WITHDRAWN.value
    db.commit()
    response = client.get(ME, headers=hiring.graduate.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "graduate_not_verified"


def test_nothing_is_confirmed_or_rescheduled_on_a_closed_application(
    client: TestClient, db: Session, hiring: Hiring
) -> None:
    interview = make_interview(db, hiring, [at_hour(2, 2)])
    db.get_one(Application, hiring.application.id).status = ApplicationStatus.REJECTED
    db.commit()
    slot_id = client.get(ME, headers=hiring.graduate.headers).json()["items"][0]["slots"][0]["id"]
    refused = _post(client, hiring, f"{interview.id}/confirm", {"slot_id": slot_id})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "interview_status_conflict"
    moved = client.post(
        f"{EMPLOYER}/interviews/{interview.id}/reschedule",
        json={"slots": [slot(at_hour(3, 2))]},
        headers=hiring.member.headers,
    )
    assert moved.status_code == 409
    db.expire_all()
    assert db.get_one(Interview, interview.id).status == "proposed"
