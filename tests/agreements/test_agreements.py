"""The agreement's state machine through the API: drafted parties and terms, the employer's
edits (penalty cap, probation, signatures cleared), signing in any order, the career office's
approval (application hired, ``agreements.signed``) or return, 解约 approved or rejected
(``agreements.terminated``), illegal transitions (409) and the inbox notices."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.agreements.events import AGREEMENT_SIGNED, AGREEMENT_TERMINATED
from jobs_api.agreements.models import AgreementEvent
from jobs_api.applications.models import Application
from jobs_api.core.container import Container
from jobs_api.core.outbox import OutboxEvent, OutboxStatus
from jobs_api.inbox.models import InboxMessage
from jobs_api.registry.models import StudentRecord
from tests.employers.fixtures import Campus, Drain
from tests.factories.agreements import Deal, make_deal

A = "/api/v1/agreements/{}"


def _get(api: TestClient, deal: Deal, headers: dict[str, str] | None = None) -> dict:  # type: ignore[type-arg]
    response = api.get(A.format(deal.agreement_id), headers=headers or deal.graduate.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _actions(db: Session, agreement_id: int) -> list[str]:
    db.expire_all()
    return list(
        db.scalars(
            select(AgreementEvent.action)
            .where(AgreementEvent.agreement_id == agreement_id)
            .order_by(AgreementEvent.id)
        )
    )


def _kinds(db: Session, user_id: int) -> list[str]:
    db.expire_all()
    return list(
        db.scalars(
            select(InboxMessage.kind)
            .where(InboxMessage.user_id == user_id)
            .order_by(InboxMessage.id)
        )
    )


def _events(db: Session, topic: str) -> list[OutboxEvent]:
    db.expire_all()
    return list(db.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic)))


def test_draft_has_the_parties_from_the_records_and_the_offers_terms(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju)
    body = _get(api, deal)
    record = db.get_one(StudentRecord, deal.graduate.principal.student_record_id)
    assert body["status"] == "draft"
    assert body["graduate"] == {
        "name": record.name,
        "id_number_masked": record.id_number_masked,
        "student_number": record.student_number,
    }
    assert "*" in body["graduate"]["id_number_masked"]
    assert body["employer"]["name"] == deal.hiring.employer.name
    assert body["employer"]["uscc"] == deal.hiring.employer.uscc
    assert body["university"] == {"id": campus.zju.id, "code": "10335", "name": "浙江大学"}
    assert (body["position_title"], body["monthly_salary"], body["salary_months"]) == (
        "Java开发工程师",
        15000,
        14,
    )
    assert (body["term_months"], body["probation_months"], body["breach_penalty"]) == (36, 3, 0)
    assert body["agreement_number"].startswith("SF") and "10335" in body["agreement_number"]
    assert len(body["verification_code"]) == 16
    assert [e["action"] for e in body["events"]] == ["drafted"]


def test_terms_edits_are_validated(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju)
    url, headers = A.format(deal.agreement_id) + "/terms", deal.member.headers
    too_much = api.patch(url, json={"breach_penalty": 50000}, headers=headers)
    assert too_much.status_code == 422
    assert "违约金不得超过" in too_much.json()["error"]["message"]
    probation = api.patch(url, json={"term_months": 24, "probation_months": 6}, headers=headers)
    assert probation.status_code == 422
    assert probation.json()["error"]["fields"] == {"probation_months": "too_long_for_term"}
    ok = api.patch(
        url,
        json={"breach_penalty": 3000, "term_months": 36, "other_terms": "缴纳五险一金"},
        headers=headers,
    )
    assert ok.status_code == 200, ok.text
    assert (ok.json()["breach_penalty"], ok.json()["other_terms"]) == (3000, "缴纳五险一金")
    graduate = api.patch(url, json={"breach_penalty": 0}, headers=deal.graduate.headers)
    assert graduate.status_code == 403


def test_signing_then_approval_hires_and_publishes_agreements_signed(
    api: TestClient, db: Session, container: Container, campus: Campus, outbox: Drain
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju)
    sign = A.format(deal.agreement_id) + "/sign"
    early = api.post(A.format(deal.agreement_id) + "/approve", headers=deal.office.headers)
    assert early.status_code == 409
    first = api.post(sign, headers=deal.graduate.headers)
    assert first.status_code == 200 and first.json()["status"] == "signing"
    assert api.post(sign, headers=deal.graduate.headers).status_code == 409  # signed already
    second = api.post(sign, headers=deal.member.headers)
    assert second.status_code == 200 and second.json()["status"] == "pending_approval"
    queue = api.get("/api/v1/agreements/queue", headers=deal.office.headers).json()["items"]
    assert [a["id"] for a in queue] == [deal.agreement_id]
    assert "agreement.pending_approval" in _kinds(db, deal.office.user.id)
    edit = api.patch(
        A.format(deal.agreement_id) + "/terms",
        json={"breach_penalty": 100},
        headers=deal.member.headers,
    )
    assert edit.status_code == 409
    approved = api.post(A.format(deal.agreement_id) + "/approve", headers=deal.office.headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "signed"
    assert approved.json()["approved_at"] is not None
    db.expire_all()
    assert db.get_one(Application, deal.hiring.application.id).status == "hired"
    events = _events(db, AGREEMENT_SIGNED)
    assert len(events) == 1
    payload = events[0].payload
    assert payload["agreement_id"] == deal.agreement_id
    assert payload["user_id"] == deal.graduate.user.id
    assert payload["student_record_id"] == deal.graduate.principal.student_record_id
    assert payload["university_id"] == campus.zju.id
    assert payload["employer_id"] == deal.hiring.employer.id
    assert payload["signed_at"]
    # a topic without handlers is delivered, not parked as dead
    outbox()
    db.expire_all()
    assert db.get_one(OutboxEvent, events[0].id).status == OutboxStatus.DELIVERED
    assert _actions(db, deal.agreement_id) == [
        "drafted",
        "graduate_signed",
        "employer_signed",
        "approved",
    ]
    assert "agreement.approved" in _kinds(db, deal.graduate.user.id)
    assert "agreement.approved" in _kinds(db, deal.member.user.id)
    again = api.post(A.format(deal.agreement_id) + "/approve", headers=deal.office.headers)
    assert again.status_code == 409
    assert api.post(sign, headers=deal.member.headers).status_code == 409


def test_edit_after_a_signature_clears_both_signatures(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju)
    assert api.post(A.format(deal.agreement_id) + "/sign", headers=deal.member.headers).is_success
    edited = api.patch(
        A.format(deal.agreement_id) + "/terms",
        json={"monthly_salary": 16000},
        headers=deal.member.headers,
    )
    assert edited.status_code == 200
    body = edited.json()
    assert body["status"] == "draft"
    assert body["employer_signed_at"] is None and body["graduate_signed_at"] is None
    edit_event = body["events"][-1]
    assert edit_event["action"] == "terms_edited"
    assert "signatures cleared" in edit_event["note"]
    assert "agreement.terms_edited" in _kinds(db, deal.graduate.user.id)


def test_return_clears_signatures_and_the_parties_sign_again(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="pending_approval")
    url = A.format(deal.agreement_id) + "/return"
    assert api.post(url, json={"reason": ""}, headers=deal.office.headers).status_code == 422
    returned = api.post(url, json={"reason": "报到日期有误"}, headers=deal.office.headers)
    assert returned.status_code == 200
    body = returned.json()
    assert (body["status"], body["return_reason"]) == ("returned", "报到日期有误")
    assert body["graduate_signed_at"] is None and body["employer_signed_at"] is None
    assert "agreement.returned" in _kinds(db, deal.graduate.user.id)
    assert "agreement.returned" in _kinds(db, deal.member.user.id)
    for actor in (deal.member, deal.graduate):
        assert api.post(A.format(deal.agreement_id) + "/sign", headers=actor.headers).is_success
    assert _get(api, deal)["status"] == "pending_approval"


def test_termination_approved_publishes_agreements_terminated(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="signed")
    url = A.format(deal.agreement_id) + "/termination"
    other = api.post(url, json={"category": "other"}, headers=deal.member.headers)
    assert other.status_code == 422
    bad = api.post(url, json={"category": "whim"}, headers=deal.member.headers)
    assert bad.status_code == 422
    asked = api.post(
        url, json={"category": "employer", "detail": "岗位调整"}, headers=deal.member.headers
    )
    assert asked.status_code == 200
    assert asked.json()["status"] == "termination_requested"
    assert asked.json()["termination_reason"] == "用人单位原因：岗位调整"
    assert "agreement.termination_requested" in _kinds(db, deal.office.user.id)
    assert "agreement.termination_requested" in _kinds(db, deal.graduate.user.id)
    twice = api.post(url, json={"category": "mutual"}, headers=deal.graduate.headers)
    assert twice.status_code == 409
    queue = api.get("/api/v1/agreements/queue", headers=deal.office.headers).json()["items"]
    assert [a["status"] for a in queue] == ["termination_requested"]
    done = api.post(url + "/approve", headers=deal.office.headers)
    assert done.status_code == 200 and done.json()["status"] == "terminated"
    events = _events(db, AGREEMENT_TERMINATED)
    assert len(events) == 1
    assert events[0].payload["reason_category"] == "employer"
    assert events[0].payload["agreement_id"] == deal.agreement_id
    assert "agreement.terminated" in _kinds(db, deal.graduate.user.id)
    assert api.post(url + "/approve", headers=deal.office.headers).status_code == 409
    assert (
        api.post(url, json={"category": "mutual"}, headers=deal.graduate.headers).status_code == 409
    )


def test_termination_rejected_goes_back_to_signed(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(
        db, container.settings, api, university=campus.zju, until="termination_requested"
    )
    url = A.format(deal.agreement_id) + "/termination/reject"
    rejected = api.post(url, json={"reason": "材料不全"}, headers=deal.office.headers)
    assert rejected.status_code == 200 and rejected.json()["status"] == "signed"
    assert _actions(db, deal.agreement_id)[-2:] == ["termination_requested", "termination_rejected"]
    assert _events(db, AGREEMENT_TERMINATED) == []
    assert api.post(url, json={"reason": "x"}, headers=deal.office.headers).status_code == 409


def test_illegal_transitions_are_409(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju)
    base = A.format(deal.agreement_id)
    office = deal.office.headers
    assert api.post(base + "/return", json={"reason": "x"}, headers=office).status_code == 409
    assert api.post(base + "/termination/approve", headers=office).status_code == 409
    assert (
        api.post(
            base + "/termination", json={"category": "mutual"}, headers=deal.graduate.headers
        ).status_code
        == 409
    )
    codes = {
        api.post(base + "/approve", headers=office).json()["error"]["code"],
        api.post(base + "/termination/approve", headers=office).json()["error"]["code"],
    }
    assert codes == {"agreement_state_conflict"}


def test_a_graduate_signs_one_agreement_at_a_time(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    first = make_deal(db, container.settings, api, university=campus.zju, until="pending_approval")
    second = make_deal(
        db,
        container.settings,
        api,
        university=campus.zju,
        graduate=first.graduate,
        employer_name="宁波海港物流有限公司",
    )
    refused = api.post(A.format(second.agreement_id) + "/sign", headers=first.graduate.headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "already_signed_elsewhere"


def test_application_history_records_the_hire(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="signed")
    db.expire_all()
    application = db.get_one(Application, deal.hiring.application.id)
    assert application.status == "hired"
    kinds = db.scalars(
        select(InboxMessage.kind).where(InboxMessage.user_id == deal.graduate.user.id)
    ).all()
    # the approval notice stands for the hire: no second, generic "已录用" status message
    assert "agreement.approved" in kinds
    assert not any(
        "已录用" in title
        for title in db.scalars(
            select(InboxMessage.title_zh).where(
                InboxMessage.user_id == deal.graduate.user.id,
                InboxMessage.kind == "application.status",
            )
        )
    )
