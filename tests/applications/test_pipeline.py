"""The employer's pipeline and the graduate's reads: scope both ways, the automatic
``viewed``, transitions, bulk changes with per-id results, private notes, the audited résumé
download, and registry facts without ID numbers or phones."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.employers.models import VerificationStatus
from jobs_api.inbox.models import InboxMessage
from jobs_api.registry.models import StudentRecord
from tests.employers.fixtures import Campus
from tests.factories.applications import (
    Hiring,
    give_resume,
    make_application,
    make_employer_actor,
    make_graduate_actor,
    make_hiring,
)
from tests.factories.identity import Actor
from tests.factories.jobs import make_employer, make_job

PIPELINE = "/api/v1/employers/me/applications"


def _messages(db: Session, user_id: int) -> list[InboxMessage]:
    db.expire_all()
    return list(
        db.scalars(
            select(InboxMessage).where(InboxMessage.user_id == user_id).order_by(InboxMessage.id)
        )
    )


def _status(db: Session, application_id: int) -> str:
    db.expire_all()
    return db.get_one(Application, application_id).status


def _move(api: TestClient, member: Actor, application_id: int, status: str, **extra: str) -> Any:
    return api.post(
        f"{PIPELINE}/{application_id}/status",
        json={"status": status, **extra},
        headers=member.headers,
    )


def test_the_employer_lists_its_applicants_with_registry_facts_only(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    hiring = make_hiring(db, settings)
    second_job = make_job(db, hiring.employer, title="测试工程师")
    later = make_application(db, hiring.graduate, second_job)
    rejected = make_application(
        db,
        make_graduate_actor(db, settings, name="王芳"),
        second_job,
        status=ApplicationStatus.REJECTED,
    )
    record = db.get_one(StudentRecord, hiring.graduate.principal.student_record_id)
    masked_id, name = record.id_number_masked, record.name
    db.commit()

    page = api.get(PIPELINE, headers=hiring.member.headers)
    assert page.status_code == 200
    items = page.json()["items"]
    assert [i["id"] for i in items] == [rejected.id, later.id, hiring.application.id]
    first = items[-1]
    assert first["applicant"]["name"] == name
    assert first["applicant"]["university_name"] == "浙江大学"
    assert first["applicant"]["major_name"] == "软件工程"
    assert first["applicant"]["degree_name"] and first["applicant"]["graduation_year"] == 2026
    assert masked_id not in page.text and "id_number" not in page.text and "phone" not in page.text

    by_job = api.get(PIPELINE, params={"job_id": second_job.id}, headers=hiring.member.headers)
    assert {i["id"] for i in by_job.json()["items"]} == {later.id, rejected.id}
    by_status = api.get(PIPELINE, params={"status": "rejected"}, headers=hiring.member.headers)
    assert [i["id"] for i in by_status.json()["items"]] == [rejected.id]
    paged = api.get(PIPELINE, params={"limit": 2}, headers=hiring.member.headers).json()
    assert len(paged["items"]) == 2 and paged["next_cursor"] == str(later.id)
    rest = api.get(
        PIPELINE, params={"limit": 2, "cursor": paged["next_cursor"]}, headers=hiring.member.headers
    ).json()
    assert [i["id"] for i in rest["items"]] == [hiring.application.id]
    assert rest["next_cursor"] is None
    bad = api.get(PIPELINE, params={"cursor": "x"}, headers=hiring.member.headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_cursor"


def test_the_first_read_marks_it_viewed_once(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    hiring = make_hiring(db, container.settings)
    db.commit()
    url = f"{PIPELINE}/{hiring.application.id}"

    first = api.get(url, headers=hiring.member.headers)
    assert first.status_code == 200
    assert first.json()["status"] == "viewed"
    assert [t["to_status"] for t in first.json()["timeline"]] == ["viewed"]
    assert api.get(url, headers=hiring.member.headers).json()["status"] == "viewed"

    notices = _messages(db, hiring.graduate.user.id)
    assert len(notices) == 1
    assert notices[0].title_zh == "申请状态更新：已查看"
    assert notices[0].link == f"/me/applications/{hiring.application.id}"
    application = db.get_one(Application, hiring.application.id)
    assert application.first_response_at is not None
    reads = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "application.read", AuditEvent.subject_id == str(application.id)
        )
    )
    assert reads == 2


def test_status_changes_follow_the_pipeline_and_notify_once(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    hiring = make_hiring(db, container.settings)
    db.commit()
    app_id = hiring.application.id

    shortlisted = _move(api, hiring.member, app_id, "shortlisted", reason="简历符合要求")
    assert shortlisted.status_code == 200 and shortlisted.json()["status"] == "shortlisted"
    again = _move(api, hiring.member, app_id, "shortlisted", reason="简历符合要求")
    assert again.status_code == 200  # a double click changes nothing
    back = _move(api, hiring.member, app_id, "viewed")
    assert back.status_code == 409
    assert back.json()["error"]["code"] == "application_transition_not_allowed"
    for by_hand in ("withdrawn", "offer", "hired"):  # offer and hired need their records
        refused = _move(api, hiring.member, app_id, by_hand)
        assert refused.status_code == 422, by_hand
        assert refused.json()["error"]["code"] == "application_status_not_allowed"
    assert _move(api, hiring.member, app_id, "rejected", reason="岗位已招满").status_code == 200

    notices = _messages(db, hiring.graduate.user.id)
    assert [n.payload["status"] for n in notices] == ["shortlisted", "rejected"]
    assert "岗位已招满" in notices[-1].body_zh
    mine = api.get(f"/api/v1/me/applications/{app_id}", headers=hiring.graduate.headers).json()
    assert mine["status"] == "rejected"
    assert [(t["from_status"], t["to_status"]) for t in mine["timeline"]] == [
        ("submitted", "shortlisted"),
        ("shortlisted", "rejected"),
    ]
    late = api.post(f"/api/v1/me/applications/{app_id}/withdraw", headers=hiring.graduate.headers)
    assert late.status_code == 409


def test_an_unverified_employer_cannot_move_applications(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    employer = make_employer(db, status=VerificationStatus.EXPIRED)
    hiring = make_hiring(db, container.settings, employer=employer)
    db.commit()
    refused = _move(api, hiring.member, hiring.application.id, "shortlisted")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "employer_not_verified"
    read = api.get(f"{PIPELINE}/{hiring.application.id}", headers=hiring.member.headers)
    assert read.status_code == 200 and read.json()["status"] == "submitted"
    assert _messages(db, hiring.graduate.user.id) == []


def test_employers_and_graduates_see_only_their_own(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    ours = make_hiring(db, settings)
    theirs = make_hiring(db, settings, employer_name="南京星河软件有限公司")
    db.commit()
    foreign = theirs.application.id

    assert [i["id"] for i in api.get(PIPELINE, headers=ours.member.headers).json()["items"]] == [
        ours.application.id
    ]
    for method, path, body in (
        ("GET", f"{PIPELINE}/{foreign}", None),
        ("POST", f"{PIPELINE}/{foreign}/status", {"status": "rejected"}),
        ("GET", f"{PIPELINE}/{foreign}/notes", None),
        ("POST", f"{PIPELINE}/{foreign}/notes", {"body": "看一看"}),
        ("GET", f"{PIPELINE}/{foreign}/resume", None),
    ):
        response = api.request(method, path, json=body, headers=ours.member.headers)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "application_not_found"
    assert _status(db, foreign) == "submitted"

    mine = api.get("/api/v1/me/applications", headers=ours.graduate.headers).json()["items"]
    assert [i["id"] for i in mine] == [ours.application.id]
    for method, path in (
        ("GET", f"/api/v1/me/applications/{foreign}"),
        ("POST", f"/api/v1/me/applications/{foreign}/withdraw"),
    ):
        response = api.request(method, path, headers=ours.graduate.headers)
        assert response.status_code == 404, (method, path)
    assert _status(db, foreign) == "submitted"


def test_bulk_changes_report_each_id(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    ours = make_hiring(db, settings)
    hired = make_application(
        db, make_graduate_actor(db, settings, name="赵敏"), ours.job, status=ApplicationStatus.HIRED
    )
    third = make_application(db, make_graduate_actor(db, settings, name="孙磊"), ours.job)
    theirs = make_hiring(db, settings, employer_name="南京星河软件有限公司")
    db.commit()
    ids = [ours.application.id, hired.id, third.id, theirs.application.id, third.id]

    response = api.post(
        f"{PIPELINE}/bulk-status",
        json={"ids": ids, "status": "shortlisted", "reason": "进入笔试"},
        headers=ours.member.headers,
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["changed"] == 2
    assert [(i["id"], i["result"]) for i in out["items"]] == [
        (ours.application.id, "changed"),
        (hired.id, "not_allowed"),
        (third.id, "changed"),
        (theirs.application.id, "not_found"),
    ]
    repeat = api.post(
        f"{PIPELINE}/bulk-status",
        json={"ids": [ours.application.id], "status": "shortlisted"},
        headers=ours.member.headers,
    ).json()
    assert repeat["items"][0]["result"] == "unchanged" and repeat["changed"] == 0
    assert len(_messages(db, ours.graduate.user.id)) == 1
    assert _status(db, theirs.application.id) == "submitted"
    too_many = api.post(
        f"{PIPELINE}/bulk-status",
        json={"ids": list(range(1, 102)), "status": "rejected"},
        headers=ours.member.headers,
    )
    assert too_many.status_code == 422


def test_notes_stay_with_the_employer(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    hiring: Hiring = make_hiring(db, settings)
    colleague = make_employer_actor(db, settings, hiring.employer)
    db.commit()
    url = f"{PIPELINE}/{hiring.application.id}/notes"
    secret = "沟通能力一般，薪资期望偏高"

    added = api.post(url, json={"body": secret}, headers=hiring.member.headers)
    assert added.status_code == 201 and added.json()["body"] == secret
    assert api.post(url, json={"body": "   "}, headers=hiring.member.headers).status_code == 422
    shared = api.get(url, headers=colleague.headers).json()
    assert [n["body"] for n in shared] == [secret]

    graduate = hiring.graduate
    assert api.get(url, headers=graduate.headers).status_code == 403
    for path in ("/api/v1/me/applications", f"/api/v1/me/applications/{hiring.application.id}"):
        assert secret not in api.get(path, headers=graduate.headers).text
    assert secret not in api.get("/api/v1/me/inbox", headers=graduate.headers).text


def test_the_resume_download_is_audited(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    give_resume(db, settings, graduate, text="graduate-cv")
    employer = make_employer(db)
    job = make_job(db, employer)
    member = make_employer_actor(db, settings, employer)
    db.commit()
    applied = api.post(f"/api/v1/jobs/{job.id}/applications", json={}, headers=graduate.headers)
    application_id = applied.json()["id"]

    download = api.get(f"{PIPELINE}/{application_id}/resume", headers=member.headers)
    assert download.status_code == 200 and b"graduate-cv" in download.content
    assert download.headers["cache-control"] == "no-store"
    events = list(
        db.scalars(select(AuditEvent).where(AuditEvent.action == "application.resume_download"))
    )
    assert [(e.actor_user_id, e.subject_id) for e in events] == [
        (member.user.id, str(application_id))
    ]


def test_a_withdrawn_application_leaves_the_list_and_its_resume_is_no_longer_shared(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    give_resume(db, settings, graduate)
    employer = make_employer(db)
    job = make_job(db, employer)
    member = make_employer_actor(db, settings, employer)
    db.commit()
    application_id = api.post(
        f"/api/v1/jobs/{job.id}/applications", json={}, headers=graduate.headers
    ).json()["id"]
    assert api.get(f"{PIPELINE}/{application_id}/resume", headers=member.headers).status_code == 200

    api.post(f"/api/v1/me/applications/{application_id}/withdraw", headers=graduate.headers)

    listed = api.get(PIPELINE, headers=member.headers).json()["items"]
    assert listed == []
    asked = api.get(PIPELINE, params={"status": "withdrawn"}, headers=member.headers).json()
    assert [i["id"] for i in asked["items"]] == [application_id]
    refused = api.get(f"{PIPELINE}/{application_id}/resume", headers=member.headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "application_withdrawn"
    detail = api.get(f"{PIPELINE}/{application_id}", headers=member.headers).json()
    assert detail["status"] == "withdrawn"
