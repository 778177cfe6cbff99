"""Offers: issue on an own live application (verified employer), validation, one open offer
per application, withdraw before the answer, accept / decline up to respond_by, lazy expiry,
the one-signed-agreement rule, inbox notices and the application's status."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.agreements.models import Agreement, Offer
from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.core.container import Container
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.inbox.models import InboxMessage
from tests.employers.fixtures import Campus
from tests.factories.agreements import make_deal, offer_body, past
from tests.factories.applications import make_employer_actor, make_hiring

OFFERS = "/api/v1/applications/{}/offers"


def _kinds(db: Session, user_id: int) -> list[str]:
    db.expire_all()
    return list(
        db.scalars(
            select(InboxMessage.kind)
            .where(InboxMessage.user_id == user_id)
            .order_by(InboxMessage.id)
        )
    )


def _hiring(db: Session, container: Container, **kwargs: Any) -> Any:
    made = make_hiring(db, container.settings, status=ApplicationStatus.INTERVIEW, **kwargs)
    db.commit()
    return made


def test_issue_offer_moves_the_application_and_notifies_the_graduate(
    api: TestClient, db: Session, container: Container
) -> None:
    hiring = _hiring(db, container)
    response = api.post(
        OFFERS.format(hiring.application.id), json=offer_body(), headers=hiring.member.headers
    )
    assert response.status_code == 201, response.text
    offer = response.json()
    assert offer["status"] == "issued"
    assert offer["workplace"] == {"code": "330100", "name": "杭州市"}
    assert offer["employer_name"] == hiring.employer.name
    assert offer["agreement_id"] is None
    db.expire_all()
    assert db.get_one(Application, hiring.application.id).status == "offer"
    # one message for one step: the offer notice, not also a generic status update
    assert _kinds(db, hiring.graduate.user.id) == ["offer.issued"]
    listed = api.get("/api/v1/offers", headers=hiring.graduate.headers).json()["items"]
    assert [o["id"] for o in listed] == [offer["id"]]


def test_offer_terms_are_validated(api: TestClient, db: Session, container: Container) -> None:
    hiring = _hiring(db, container)
    url, headers = OFFERS.format(hiring.application.id), hiring.member.headers
    cases: list[tuple[dict[str, Any], str]] = [
        (offer_body(monthly_salary=0), "monthly_salary"),
        (offer_body(salary_months=17), "salary_months"),
        (offer_body(probation_months=7), "probation_months"),
    ]
    for body, field in cases:
        response = api.post(url, json=body, headers=headers)
        assert response.status_code == 422, (field, response.text)
        assert any(field in key for key in response.json()["error"]["fields"]), response.text
    past_answer = api.post(url, json=offer_body(respond_by=past(0).isoformat()), headers=headers)
    assert past_answer.status_code == 422
    assert "答复截止日期须晚于今天" in past_answer.json()["error"]["message"]
    province = api.post(url, json=offer_body(workplace_city_code="330000"), headers=headers)
    assert province.status_code == 422
    assert province.json()["error"]["fields"] == {"workplace_city_code": "unknown_city"}
    db.expire_all()
    assert db.scalars(select(Offer)).all() == []


def test_one_open_offer_per_application_and_closed_applications_refused(
    api: TestClient, db: Session, container: Container
) -> None:
    hiring = _hiring(db, container)
    url, headers = OFFERS.format(hiring.application.id), hiring.member.headers
    assert api.post(url, json=offer_body(), headers=headers).status_code == 201
    second = api.post(url, json=offer_body(), headers=headers)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "offer_already_open"
    rejected = _hiring(db, container)
    application = db.get_one(Application, rejected.application.id)
    application.status = ApplicationStatus.REJECTED
    db.commit()
    closed = api.post(
        OFFERS.format(application.id), json=offer_body(), headers=rejected.member.headers
    )
    assert closed.status_code == 409
    assert closed.json()["error"]["code"] == "application_closed"


def test_only_the_applications_verified_employer_may_offer(
    api: TestClient, db: Session, container: Container
) -> None:
    hiring = _hiring(db, container)
    stranger = make_employer_actor(db, container.settings)
    db.commit()
    other = api.post(
        OFFERS.format(hiring.application.id), json=offer_body(), headers=stranger.headers
    )
    assert other.status_code == 404
    employer = db.get_one(Employer, hiring.employer.id)
    employer.verification_status = VerificationStatus.REJECTED
    db.commit()
    unverified = api.post(
        OFFERS.format(hiring.application.id), json=offer_body(), headers=hiring.member.headers
    )
    assert unverified.status_code == 403
    assert unverified.json()["error"]["code"] == "employer_not_verified"
    graduate = api.post(
        OFFERS.format(hiring.application.id), json=offer_body(), headers=hiring.graduate.headers
    )
    assert graduate.status_code == 403


def test_withdraw_before_the_answer_only(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="offer")
    stranger = make_employer_actor(db, container.settings)
    db.commit()
    url = f"/api/v1/offers/{deal.offer_id}/withdraw"
    assert api.post(url, headers=stranger.headers).status_code == 404
    assert api.post(url, headers=deal.graduate.headers).status_code == 403
    withdrawn = api.post(url, headers=deal.member.headers)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert "offer.withdrawn" in _kinds(db, deal.graduate.user.id)
    again = api.post(url, headers=deal.member.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "offer_state_conflict"
    late = api.post(f"/api/v1/offers/{deal.offer_id}/accept", headers=deal.graduate.headers)
    assert late.status_code == 409
    # the application keeps its status: a new offer can be issued
    renewed = api.post(
        OFFERS.format(deal.hiring.application.id), json=offer_body(), headers=deal.member.headers
    )
    assert renewed.status_code == 201


def test_decline_with_reason_notifies_the_issuer(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="offer")
    url = f"/api/v1/offers/{deal.offer_id}/decline"
    assert api.post(url, json={"reason": ""}, headers=deal.graduate.headers).status_code == 422
    declined = api.post(url, json={"reason": "已选择读研"}, headers=deal.graduate.headers)
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["decline_reason"]) == (
        "declined",
        "已选择读研",
    )
    assert _kinds(db, deal.member.user.id) == ["offer.declined"]
    accept = api.post(f"/api/v1/offers/{deal.offer_id}/accept", headers=deal.graduate.headers)
    assert accept.status_code == 409


def test_accept_drafts_the_agreement_and_notifies_the_employer(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="offer")
    other_graduate = make_deal(db, container.settings, api, university=campus.zju, until="offer")
    wrong = api.post(
        f"/api/v1/offers/{deal.offer_id}/accept", headers=other_graduate.graduate.headers
    )
    assert wrong.status_code == 404
    accepted = api.post(f"/api/v1/offers/{deal.offer_id}/accept", headers=deal.graduate.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    agreement_id = accepted.json()["agreement_id"]
    assert agreement_id
    assert _kinds(db, deal.member.user.id) == ["offer.accepted"]
    db.expire_all()
    agreement = db.get_one(Agreement, agreement_id)
    assert agreement.status == "draft"
    assert agreement.university_id == campus.zju.id
    assert (agreement.monthly_salary, agreement.salary_months, agreement.probation_months) == (
        15000,
        14,
        3,
    )
    twice = api.post(f"/api/v1/offers/{deal.offer_id}/accept", headers=deal.graduate.headers)
    assert twice.status_code == 409


def test_unanswered_offers_expire_after_respond_by(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="offer")
    offer = db.get_one(Offer, deal.offer_id)
    offer.respond_by = past(1)
    db.commit()
    late = api.post(f"/api/v1/offers/{deal.offer_id}/accept", headers=deal.graduate.headers)
    assert late.status_code == 409
    assert "过" in late.json()["error"]["message"]
    listed = api.get("/api/v1/offers", headers=deal.graduate.headers).json()["items"]
    assert [o["status"] for o in listed] == ["expired"]
    db.expire_all()
    assert db.get_one(Offer, deal.offer_id).status == "expired"
    employer_view = api.get("/api/v1/offers", headers=deal.member.headers).json()["items"]
    assert [o["status"] for o in employer_view] == ["expired"]


def test_a_signed_graduate_cannot_accept_another_offer_until_terminated(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    signed = make_deal(db, container.settings, api, university=campus.zju, until="signed")
    second = make_deal(
        db,
        container.settings,
        api,
        university=campus.zju,
        until="offer",
        graduate=signed.graduate,
        employer_name="宁波海港物流有限公司",
    )
    refused = api.post(f"/api/v1/offers/{second.offer_id}/accept", headers=signed.graduate.headers)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "already_signed_elsewhere"
    assert "只能签订一份三方协议" in error["message"]
    asked = api.post(
        f"/api/v1/agreements/{signed.agreement_id}/termination",
        json={"category": "graduate", "detail": "个人原因"},
        headers=signed.graduate.headers,
    )
    assert asked.status_code == 200
    still = api.post(f"/api/v1/offers/{second.offer_id}/accept", headers=signed.graduate.headers)
    assert still.status_code == 409
    done = api.post(
        f"/api/v1/agreements/{signed.agreement_id}/termination/approve",
        headers=signed.office.headers,
    )
    assert done.status_code == 200 and done.json()["status"] == "terminated"
    accepted = api.post(f"/api/v1/offers/{second.offer_id}/accept", headers=signed.graduate.headers)
    assert accepted.status_code == 200, accepted.text
