"""Offer and agreement pages: the employer's offer form and agreement page (terms, signing),
the graduate's offers (accept / decline) and agreement (confirm and sign), the career
office's queue and decisions, the public verification page; scope (404) and CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.agreements.drafting import format_code
from jobs_api.agreements.models import Agreement
from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.core.container import Container
from jobs_api.identity.access import ACCESS_COOKIE
from jobs_api.identity.principal import Role
from jobs_api.reference.service import load_reference
from tests.employers.fixtures import reviewer
from tests.factories.agreements import Deal, make_deal, offer_body, office_of
from tests.factories.applications import make_graduate_actor, make_hiring
from tests.factories.identity import Actor, make_university
from tests.web.conftest import Browser


@dataclass
class World:
    db: Session
    container: Container
    api: TestClient
    browser: Browser

    def as_(self, actor: Actor | None) -> Browser:
        """Browse signed in as ``actor`` (its access token as the pages' cookie)."""
        self.browser.client.cookies.delete(ACCESS_COOKIE)
        if actor is not None:
            self.browser.client.cookies.set(ACCESS_COOKIE, actor.token)
        return self.browser

    def deal(self, until: str = "draft") -> Deal:
        zju = make_university(self.db, code="10335", name="浙江大学", city="330100")
        return make_deal(self.db, self.container.settings, self.api, university=zju, until=until)


@pytest.fixture
def world(container: Container, client: TestClient) -> Iterator[World]:
    session = container.session_factory()
    load_reference(session)
    session.commit()
    try:
        yield World(session, container, client, Browser(client))
    finally:
        session.rollback()
        session.close()


def test_employer_sends_an_offer_through_the_form(world: World) -> None:
    hiring = make_hiring(world.db, world.container.settings, status=ApplicationStatus.INTERVIEW)
    world.db.commit()
    browser = world.as_(hiring.member)
    path = f"/employer/applications/{hiring.application.id}/offer/new"
    form = browser.get(path)
    assert form.status_code == 200
    assert 'data-testid="offer-form"' in form.text
    assert hiring.job.title in form.text
    # the workplace is a city picker, preset to the job's city (not a code to type)
    assert '<select id="workplace_city_code" name="workplace_city_code" required' in form.text
    assert f'<option value="{hiring.job.city_code}" selected>' in form.text
    body = {k: str(v) for k, v in offer_body().items()}
    bad = browser.post(path, {**body, "monthly_salary": "0"}, token_from=path)
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text
    sent = browser.post(path, body, token_from=path)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/employer/agreements?notice=offer_sent"
    listing = browser.get(sent.headers["location"])
    assert "录用通知已发出。" in listing.text
    assert 'data-testid="offer-table"' in listing.text
    world.db.expire_all()
    assert world.db.get_one(Application, hiring.application.id).status == "offer"
    again = browser.post(path, body, token_from=path)
    assert again.status_code == 409
    assert "已有待答复或已接受的录用通知" in again.text
    no_csrf = browser.post(path, body)
    assert no_csrf.status_code == 403


def test_graduate_accepts_and_signs_after_confirming(world: World) -> None:
    deal = world.deal(until="offer")
    browser = world.as_(deal.graduate)
    offers = browser.get("/me/offers")
    assert offers.status_code == 200 and "待答复" in offers.text
    accepted = browser.post(f"/me/offers/{deal.offer_id}/accept", {}, token_from="/me/offers")
    assert accepted.status_code == 303
    location = accepted.headers["location"]
    assert location.startswith("/me/agreements/")
    detail = browser.get(location)
    assert detail.status_code == 200
    assert "已接受录用通知，三方协议草稿已生成。" in detail.text
    assert 'data-testid="sign-form"' in detail.text
    agreement_id = int(location.split("/")[3].split("?")[0])
    sign = f"/me/agreements/{agreement_id}/sign"
    unconfirmed = browser.post(sign, {}, token_from=f"/me/agreements/{agreement_id}")
    assert unconfirmed.status_code == 422
    assert "请先确认已阅读并同意协议条款。" in unconfirmed.text
    signed = browser.post(sign, {"confirm": "yes"}, token_from=f"/me/agreements/{agreement_id}")
    assert signed.status_code == 303
    page = browser.get(signed.headers["location"])
    assert "签署中" in page.text
    assert 'data-testid="sign-form"' not in page.text


def test_graduate_declines_with_a_reason(world: World) -> None:
    deal = world.deal(until="offer")
    browser = world.as_(deal.graduate)
    url = f"/me/offers/{deal.offer_id}/decline"
    empty = browser.post(url, {"reason": " "}, token_from="/me/offers")
    assert empty.status_code == 422 and "请填写拒绝原因" in empty.text
    declined = browser.post(url, {"reason": "已签约其他单位"}, token_from="/me/offers")
    assert declined.status_code == 303
    assert "已拒绝" in browser.get("/me/offers").text


def test_employer_edits_terms_and_signs(world: World) -> None:
    deal = world.deal()
    browser = world.as_(deal.member)
    detail_path = f"/employer/agreements/{deal.agreement_id}"
    detail = browser.get(detail_path)
    assert detail.status_code == 200
    assert 'data-testid="terms-form"' in detail.text
    assert deal.hiring.employer.uscc in detail.text
    form = {
        "position_title": "Java开发工程师",
        "monthly_salary": "15000",
        "salary_months": "14",
        "workplace_city_code": "330100",
        "start_date": offer_body()["start_date"],
        "term_months": "36",
        "probation_months": "3",
        "breach_penalty": "99999",
        "other_terms": "",
    }
    too_much = browser.post(detail_path + "/terms", form, token_from=detail_path)
    assert too_much.status_code == 422
    assert "违约金不得超过" in too_much.text
    saved = browser.post(
        detail_path + "/terms", {**form, "breach_penalty": "3000"}, token_from=detail_path
    )
    assert saved.status_code == 303
    signed = browser.post(detail_path + "/sign", {}, token_from=detail_path)
    assert signed.status_code == 303
    world.db.expire_all()
    agreement = world.db.get_one(Agreement, deal.agreement_id)
    assert agreement.breach_penalty == 3000 and agreement.employer_signed_at is not None
    listing = browser.get("/employer/agreements")
    assert agreement.agreement_number in listing.text


def test_office_queue_approve_and_return(world: World) -> None:
    first = world.deal(until="pending_approval")
    second = world.deal(until="pending_approval")
    browser = world.as_(first.office)
    queue = browser.get("/office/agreements")
    assert queue.status_code == 200
    numbers = [
        world.db.get_one(Agreement, d.agreement_id).agreement_number for d in (first, second)
    ]
    assert all(n in queue.text for n in numbers)
    path = f"/office/agreements/{first.agreement_id}"
    detail = browser.get(path)
    assert 'data-testid="decision"' in detail.text
    approved = browser.post(path + "/approve", {}, token_from=path)
    assert approved.status_code == 303
    assert approved.headers["location"] == "/office/agreements?notice=approved"
    other = f"/office/agreements/{second.agreement_id}"
    no_reason = browser.post(other + "/return", {"reason": ""}, token_from=other)
    assert no_reason.status_code == 422
    returned = browser.post(other + "/return", {"reason": "单位名称有误"}, token_from=other)
    assert returned.status_code == 303
    world.db.expire_all()
    assert world.db.get_one(Agreement, first.agreement_id).status == "signed"
    assert world.db.get_one(Agreement, second.agreement_id).status == "returned"
    twice = browser.post(path + "/approve", {}, token_from=path)
    assert twice.status_code == 409


def test_termination_through_the_pages(world: World) -> None:
    deal = world.deal(until="signed")
    browser = world.as_(deal.graduate)
    path = f"/me/agreements/{deal.agreement_id}"
    page = browser.get(path)
    assert 'data-testid="termination-form"' in page.text
    asked = browser.post(
        path + "/termination", {"category": "mutual", "detail": "协商"}, token_from=path
    )
    assert asked.status_code == 303
    office = world.as_(deal.office)
    office_path = f"/office/agreements/{deal.agreement_id}"
    assert "解约审核" in office.get(office_path).text
    done = office.post(office_path + "/termination/approve", {}, token_from=office_path)
    assert done.status_code == 303
    world.db.expire_all()
    assert world.db.get_one(Agreement, deal.agreement_id).status == "terminated"


def test_pages_are_scoped(world: World) -> None:
    deal = world.deal(until="pending_approval")
    settings = world.container.settings
    nju = make_university(world.db, code="10284", name="南京大学", city="320100")
    outsiders = [
        office_of(world.db, nju, settings),
        reviewer(world.db, Role.PROVINCIAL_ADMIN, settings, province_code="320000"),
    ]
    stranger = make_graduate_actor(world.db, settings)
    world.db.commit()
    for actor in outsiders:
        browser = world.as_(actor)
        assert browser.get(f"/office/agreements/{deal.agreement_id}").status_code == 404
        queue = browser.get("/office/agreements").text
        assert world.db.get_one(Agreement, deal.agreement_id).agreement_number not in queue
    browser = world.as_(stranger)
    assert browser.get(f"/me/agreements/{deal.agreement_id}").status_code == 404
    assert browser.get(f"/employer/agreements/{deal.agreement_id}").status_code == 403
    provincial = reviewer(world.db, Role.PROVINCIAL_ADMIN, settings, province_code="330000")
    world.db.commit()
    assert world.as_(provincial).get(f"/office/agreements/{deal.agreement_id}").status_code == 200


def test_public_verification_page(world: World) -> None:
    deal = world.deal(until="signed")
    agreement = world.db.get_one(Agreement, deal.agreement_id)
    browser = world.as_(None)
    empty = browser.get("/agreements/verify")
    assert empty.status_code == 200 and 'data-testid="verify-result"' not in empty.text
    found = browser.get(
        "/agreements/verify", params={"code": format_code(agreement.verification_code)}
    )
    assert found.status_code == 200
    assert "验证通过" in found.text and "已签约" in found.text
    assert agreement.agreement_number in found.text
    assert "李*" in found.text and "李娜" not in found.text
    missing = browser.get("/agreements/verify", params={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert "未找到该验证码对应的三方协议" in missing.text
    english = browser.get(
        "/agreements/verify",
        params={"code": agreement.verification_code, "lang": "en"},
    )
    assert "Genuine: this agreement is recorded on the platform" in english.text
