"""The employer's side of interviews: propose (slot and mode rules, the application moves to
``interview``, the graduate is told), reschedule, cancel, complete; scope and the
verification gate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.applications.models import Application, ApplicationStatus, ApplicationStatusChange
from jobs_api.core.container import Container
from jobs_api.employers.models import VerificationStatus
from jobs_api.inbox.models import InboxMessage
from jobs_api.interviews.models import Interview, InterviewSlot, InterviewStatus
from tests.employers.fixtures import Campus
from tests.factories.applications import Hiring, make_hiring
from tests.factories.interviews import at_hour, make_interview, proposal, slot
from tests.factories.jobs import make_employer

API = "/api/v1/employers/me"


@pytest.fixture
def hiring(db: Session, container: Container, campus: Campus) -> Hiring:
    made = make_hiring(db, container.settings)
    db.commit()
    return made


def _propose(client: TestClient, hiring: Hiring, body: dict[str, object]) -> Any:
    return client.post(
        f"{API}/applications/{hiring.application.id}/interviews",
        json=body,
        headers=hiring.member.headers,
    )


def _inbox(db: Session, user_id: int) -> list[InboxMessage]:
    db.expire_all()
    return list(
        db.scalars(
            select(InboxMessage).where(InboxMessage.user_id == user_id).order_by(InboxMessage.id)
        )
    )


def test_propose_moves_the_application_and_tells_the_graduate(
    client: TestClient, db: Session, hiring: Hiring
) -> None:
    starts = [at_hour(2, 2), at_hour(2, 6), at_hour(3, 2)]
    response = client.post(
        f"{API}/applications/{hiring.application.id}/interviews",
        json=proposal(*starts),
        headers=hiring.member.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "proposed" and body["round"] == 1
    assert body["job_title"] == "Java开发工程师" and body["candidate_name"] == "李娜"
    assert [s["starts_at"][:16] for s in body["slots"]] == [s.isoformat()[:16] for s in starts]
    assert body["clashes"] == [] and not any(s["busy"] for s in body["slots"])
    db.expire_all()
    application = db.get_one(Application, hiring.application.id)
    assert application.status == ApplicationStatus.INTERVIEW
    change = db.scalars(
        select(ApplicationStatusChange).where(
            ApplicationStatusChange.application_id == application.id
        )
    ).one()
    assert change.to_status == "interview" and change.changed_by == hiring.member.user.id
    kinds = [m.kind for m in _inbox(db, hiring.graduate.user.id)]
    assert kinds == ["interview.proposed"]  # the invitation alone, no generic status update
    invitation = _inbox(db, hiring.graduate.user.id)[-1]
    assert "杭州云帆网络科技有限公司" in invitation.title_zh
    assert "3 个可选时段" in invitation.body_zh and invitation.link == "/me/interviews"


def test_the_next_round_needs_the_previous_one_closed(
    client: TestClient, db: Session, hiring: Hiring
) -> None:
    assert _propose(client, hiring, proposal(at_hour(2, 2))).status_code == 201
    again = _propose(client, hiring, proposal(at_hour(4, 2)))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "interview_already_open"
    first = db.scalars(select(Interview)).one()
    cancelled = client.post(
        f"{API}/interviews/{first.id}/cancel",
        json={"reason": "岗位调整"},
        headers=hiring.member.headers,
    )
    assert cancelled.status_code == 200
    second = _propose(client, hiring, proposal(at_hour(4, 2)))
    assert second.status_code == 201 and second.json()["round"] == 2


@pytest.mark.parametrize(
    ("slots", "field"),
    [
        ([slot(at_hour(-1, 2))], "slots.0"),  # in the past
        ([slot(at_hour(2, 2), minutes=300)], "slots.0"),  # longer than 4 h
        ([slot(at_hour(2, 2), minutes=5)], "slots.0"),  # shorter than 10 min
        ([slot(at_hour(2, 2), minutes=-30)], "slots.0"),  # ends before it starts
        ([slot(at_hour(200, 2))], "slots.0"),  # beyond 180 days
        ([slot(at_hour(2, 2)), slot(at_hour(2, 2) + timedelta(minutes=30))], "slots.1"),
    ],
)
def test_bad_slots_are_refused_with_the_slot_named(
    client: TestClient, db: Session, hiring: Hiring, slots: list[dict[str, str]], field: str
) -> None:
    response = _propose(client, hiring, proposal(slots=slots))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "interview_invalid" and field in error["fields"]
    assert "时段" in error["message"]
    db.expire_all()
    assert db.scalars(select(Interview)).all() == []
    assert db.get_one(Application, hiring.application.id).status == "submitted"


def test_slot_count_and_naive_times_are_refused(client: TestClient, hiring: Hiring) -> None:
    six = proposal(*[at_hour(2, h) for h in range(0, 12, 2)])
    assert _propose(client, hiring, six).status_code == 422
    assert _propose(client, hiring, proposal(slots=[])).status_code == 422
    naive = {"starts_at": "2030-01-01T10:00:00", "ends_at": "2030-01-01T11:00:00"}
    assert _propose(client, hiring, proposal(slots=[naive])).status_code == 422
    five = proposal(*[at_hour(2, h) for h in range(0, 10, 2)])
    assert _propose(client, hiring, five).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"mode": "onsite", "location": "  "}, "location"),
        ({"mode": "online", "meeting_url": ""}, "meeting_url"),
        ({"mode": "online", "meeting_url": "http://meeting.example.com/123"}, "meeting_url"),
        ({"mode": "online", "meeting_url": "javascript:alert(1)"}, "meeting_url"),
        ({"mode": "online", "meeting_url": "https://user:pw@meeting.example.com/1"}, "meeting_url"),
        ({"mode": "online", "meeting_url": "https://localhost/1"}, "meeting_url"),
        ({"mode": "online", "meeting_url": "https://meet .example.com/1"}, "meeting_url"),
    ],
)
def test_each_mode_needs_its_details(
    client: TestClient, hiring: Hiring, overrides: dict[str, Any], field: str
) -> None:
    response = _propose(client, hiring, proposal(at_hour(2, 2), **overrides))
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_online_and_phone_interviews_keep_only_what_they_need(
    client: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    online = make_hiring(db, container.settings)
    phone = make_hiring(db, container.settings)
    db.commit()
    body = proposal(at_hour(2, 2), mode="online", meeting_url="https://meeting.tencent.com/dm/abc")
    made = _propose(client, online, body).json()
    assert made["meeting_url"] == "https://meeting.tencent.com/dm/abc" and made["location"] == ""
    made = _propose(client, phone, proposal(at_hour(2, 2), mode="phone")).json()
    assert made["mode"] == "phone" and made["location"] == "" and made["meeting_url"] == ""


def test_another_employer_cannot_touch_the_application_or_its_interview(
    client: TestClient, db: Session, container: Container, hiring: Hiring
) -> None:
    other = make_hiring(db, container.settings, employer_name="宁波海曙贸易有限公司")
    db.commit()
    stranger = other.member.headers
    response = client.post(
        f"{API}/applications/{hiring.application.id}/interviews",
        json=proposal(at_hour(2, 2)),
        headers=stranger,
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "application_not_found"
    interview_id = _propose(client, hiring, proposal(at_hour(2, 2))).json()["id"]
    for action, body in (
        ("cancel", {"reason": "x"}),
        ("complete", None),
        ("reschedule", {"slots": [slot(at_hour(3, 2))]}),
    ):
        refused = client.post(
            f"{API}/interviews/{interview_id}/{action}", json=body, headers=stranger
        )
        assert refused.status_code == 404, action
        assert refused.json()["error"]["code"] == "interview_not_found"
    assert client.get(f"{API}/interviews/{interview_id}", headers=stranger).status_code == 404
    listed = client.get(f"{API}/interviews", headers=stranger).json()["items"]
    assert listed == []


def test_an_unverified_employer_cannot_propose(
    client: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    pending = make_employer(db, name="温州瓯江电子有限公司", status=VerificationStatus.NEEDS_REVIEW)
    hiring = make_hiring(db, container.settings, employer=pending)
    db.commit()
    response = _propose(client, hiring, proposal(at_hour(2, 2)))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "employer_not_verified"


def test_a_closed_application_gets_no_interview(
    client: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    hiring = make_hiring(db, container.settings, status=ApplicationStatus.REJECTED)
    db.commit()
    response = _propose(client, hiring, proposal(at_hour(2, 2)))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "application_transition_not_allowed"
    db.expire_all()
    assert db.scalars(select(Interview)).all() == []


def test_reschedule_replaces_the_slots_and_releases_a_confirmed_time(
    client: TestClient, db: Session, hiring: Hiring
) -> None:
    interview = make_interview(
        db, hiring, [at_hour(2, 2), at_hour(2, 4)], status=InterviewStatus.CONFIRMED
    )
    interview.reminder_sent_at = at_hour(1, 3)
    db.commit()
    new = [at_hour(5, 1), at_hour(5, 3)]
    response = client.post(
        f"{API}/interviews/{interview.id}/reschedule",
        json={"slots": [slot(s) for s in new], "note": "改为线下二面"},
        headers=hiring.member.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "proposed" and body["starts_at"] is None
    assert body["note"] == "改为线下二面"
    db.expire_all()
    stored = db.scalars(
        select(InterviewSlot.starts_at).where(InterviewSlot.interview_id == interview.id)
    ).all()
    assert sorted(stored) == new
    assert db.get_one(Interview, interview.id).reminder_sent_at is None
    assert [m.kind for m in _inbox(db, hiring.graduate.user.id)] == ["interview.rescheduled"]


def test_cancel_needs_a_reason_and_tells_the_graduate(
    client: TestClient, db: Session, hiring: Hiring
) -> None:
    interview = make_interview(db, hiring, [at_hour(2, 2)])
    db.commit()
    url = f"{API}/interviews/{interview.id}/cancel"
    assert client.post(url, json={"reason": ""}, headers=hiring.member.headers).status_code == 422
    blank = client.post(url, json={"reason": "   "}, headers=hiring.member.headers)
    assert blank.status_code == 422 and blank.json()["error"]["fields"] == {"reason": "required"}
    done = client.post(url, json={"reason": "岗位已招满"}, headers=hiring.member.headers)
    assert done.status_code == 200
    assert done.json()["status"] == "cancelled" and done.json()["cancel_reason"] == "岗位已招满"
    assert done.json()["cancelled_by_graduate"] is False
    (notice,) = _inbox(db, hiring.graduate.user.id)
    assert notice.kind == "interview.cancelled" and "岗位已招满" in notice.body_zh
    again = client.post(url, json={"reason": "再次取消"}, headers=hiring.member.headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "interview_status_conflict"


def test_complete_only_after_a_confirmed_interview_started(
    client: TestClient, db: Session, hiring: Hiring
) -> None:
    future = make_interview(db, hiring, [at_hour(2, 2)], status=InterviewStatus.CONFIRMED)
    db.commit()
    url = f"{API}/interviews/{future.id}/complete"
    early = client.post(url, headers=hiring.member.headers)
    assert early.status_code == 409 and early.json()["error"]["code"] == "interview_status_conflict"
    started = at_hour(0, 0) - timedelta(hours=2)
    future.starts_at, future.ends_at = started, started + timedelta(hours=1)
    db.commit()
    done = client.post(url, headers=hiring.member.headers)
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert client.post(url, headers=hiring.member.headers).status_code == 200


def test_the_calendar_lists_own_interviews_in_the_window(
    client: TestClient, db: Session, hiring: Hiring
) -> None:
    soon = make_interview(db, hiring, [at_hour(3, 2)], status=InterviewStatus.CONFIRMED)
    later = make_interview(db, hiring, [at_hour(60, 2)])
    db.commit()
    items = client.get(f"{API}/interviews", headers=hiring.member.headers).json()["items"]
    assert [i["id"] for i in items] == [soon.id]
    window = {"start": at_hour(59, 0).isoformat(), "end": at_hour(61, 0).isoformat()}
    items = client.get(f"{API}/interviews", params=window, headers=hiring.member.headers).json()
    assert [i["id"] for i in items["items"]] == [later.id]
    one = client.get(f"{API}/interviews/{soon.id}", headers=hiring.member.headers)
    assert one.status_code == 200 and one.json()["status"] == "confirmed"


def test_calendar_windows_out_of_range_are_refused(client: TestClient, hiring: Hiring) -> None:
    url = f"{API}/interviews"
    far = {"start": "9999-12-31T00:00:00+00:00"}
    response = client.get(url, params=far, headers=hiring.member.headers)
    assert response.status_code == 422 and response.json()["error"]["fields"] == {
        "start": "out_of_range"
    }
    long = {"start": at_hour(0, 0).isoformat(), "end": at_hour(400, 0).isoformat()}
    response = client.get(url, params=long, headers=hiring.member.headers)
    assert response.status_code == 422 and "end" in response.json()["error"]["fields"]
    naive = client.get(url, params={"start": "2030-01-01T00:00:00"}, headers=hiring.member.headers)
    assert naive.status_code == 422
