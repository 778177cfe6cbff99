"""Who sees and decides which agreement: the three parties, the graduate's own career office,
the provincial administrator of the university's province and the national administrator;
everyone else gets 404 (existence does not leak)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.identity.principal import Role
from tests.employers.fixtures import Campus, reviewer
from tests.factories.agreements import make_deal, office_of
from tests.factories.applications import make_employer_actor, make_graduate_actor

A = "/api/v1/agreements/{}"


def test_parties_and_offices_in_scope_read_others_get_404(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    deal = make_deal(db, settings, api, university=campus.zju, until="pending_approval")
    zjut_office = office_of(db, campus.zjut, settings)
    zhejiang = reviewer(db, Role.PROVINCIAL_ADMIN, settings, province_code="330000")
    jiangsu = reviewer(db, Role.PROVINCIAL_ADMIN, settings, province_code="320000")
    national = reviewer(db, Role.NATIONAL_ADMIN, settings)
    other_member = make_employer_actor(db, settings)
    other_graduate = make_graduate_actor(db, settings, university=campus.zju)
    db.commit()
    url = A.format(deal.agreement_id)
    for actor in (deal.graduate, deal.member, deal.office, zhejiang, national):
        assert api.get(url, headers=actor.headers).status_code == 200
        assert api.get(url + "/pdf", headers=actor.headers).status_code == 200
    for actor in (zjut_office, jiangsu, other_member, other_graduate):
        response = api.get(url, headers=actor.headers)
        assert response.status_code == 404, actor.principal.role
        assert response.json()["error"]["code"] == "agreement_not_found"
        assert api.get(url + "/pdf", headers=actor.headers).status_code == 404
    for actor in (zjut_office, jiangsu):
        assert api.post(url + "/approve", headers=actor.headers).status_code == 404
        queue = api.get("/api/v1/agreements/queue", headers=actor.headers).json()["items"]
        assert queue == []
    for actor in (other_member, other_graduate):
        assert api.post(url + "/sign", headers=actor.headers).status_code == 404
    assert api.patch(url + "/terms", json={}, headers=other_member.headers).status_code == 404
    listed = api.get("/api/v1/agreements", headers=other_member.headers).json()["items"]
    assert listed == []
    mine = api.get("/api/v1/agreements", headers=deal.member.headers).json()["items"]
    assert [a["id"] for a in mine] == [deal.agreement_id]
    # the provincial administrator of the university's province may decide
    assert api.post(url + "/approve", headers=zhejiang.headers).status_code == 200
    db.expire_all()
    readers = set(
        db.scalars(
            select(AuditEvent.actor_role).where(
                AuditEvent.action == "agreement.read",
                AuditEvent.subject_id == str(deal.agreement_id),
            )
        )
    )
    assert readers == {"employer_member", "career_office", "provincial_admin", "national_admin"}


def test_offices_cannot_act_for_a_party_and_parties_cannot_decide(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="pending_approval")
    url = A.format(deal.agreement_id)
    assert api.post(url + "/approve", headers=deal.member.headers).status_code == 403
    assert api.post(url + "/approve", headers=deal.graduate.headers).status_code == 403
    assert api.post(url + "/sign", headers=deal.office.headers).status_code == 403
    offers = api.get("/api/v1/offers", headers=deal.office.headers)
    assert offers.status_code == 403


def test_other_graduates_and_employers_cannot_see_offers(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="offer")
    other_member = make_employer_actor(db, container.settings)
    other_graduate = make_graduate_actor(db, container.settings, university=campus.zju)
    db.commit()
    url = f"/api/v1/offers/{deal.offer_id}"
    assert api.get(url, headers=deal.graduate.headers).status_code == 200
    assert api.get(url, headers=deal.member.headers).status_code == 200
    for actor in (other_member, other_graduate):
        assert api.get(url, headers=actor.headers).status_code == 404
    assert (
        api.post(url + "/decline", json={"reason": "x"}, headers=other_graduate.headers).status_code
        == 404
    )
    assert api.get("/api/v1/offers", headers=other_member.headers).json()["items"] == []
