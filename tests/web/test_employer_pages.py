"""Employer pages: sign-up form (validation, CSRF, sign-in as owner), the member's status
page with its 发布职位 rule, and the public employer page (404 page when not verified)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.employers.models import Employer, VerificationStatus
from tests.factories.jobs import make_employer, pdf_bytes, valid_uscc
from tests.web.conftest import HTML, Browser, People

STRONG = "Zhaopin-2026-strong"


def _form(**overrides: str) -> dict[str, str]:
    form = {
        "name": "杭州明湖数据科技有限公司",
        "uscc": valid_uscc(),
        "employer_type": "private_enterprise",
        "industry_code": "I",
        "city_code": "330100",
        "size": "100-499",
        "contact_name": "李敏",
        "contact_phone": "13900139000",
        "username": "mh-owner",
        "password": STRONG,
        "accept_terms": "1",
    }
    form.update(overrides)
    return form


def _register(browser: Browser, form: dict[str, str], *, token: bool = True) -> Any:
    data: dict[str, str] = dict(form)
    if token:
        data["csrf_token"] = browser.token("/employer/register")
    return browser.client.post(
        "/employer/register",
        data=data,
        files={"licence": ("营业执照.pdf", pdf_bytes(2048), "application/pdf")},
        headers=HTML,
        follow_redirects=False,
    )


def test_the_sign_up_form_lists_the_reference_choices(browser: Browser, people: People) -> None:
    body = browser.get("/employer/register").text
    assert "用人单位注册" in body
    assert 'value="330100"' in body and "杭州市" in body
    assert 'name="licence"' in body and 'name="csrf_token"' in body


def test_sign_up_signs_in_as_the_owner_and_shows_the_status(
    browser: Browser, people: People, container: Container
) -> None:
    form = _form()
    response = _register(browser, form)
    assert response.status_code == 303, response.text[:800]
    assert response.headers["location"] == "/employer"
    home = browser.get("/employer")
    assert home.status_code == 200
    assert "杭州明湖数据科技有限公司" in home.text
    assert 'data-testid="verification-status"' in home.text
    assert "审核中" in home.text
    assert 'data-testid="new-job"' not in home.text
    assert "单位认证通过后才能发布职位" in home.text
    with job_session(container.session_factory) as session:
        employer = session.scalars(select(Employer).where(Employer.uscc == form["uscc"])).one()
        assert employer.verification_status == VerificationStatus.SUBMITTED


def test_a_bad_credit_code_is_shown_in_the_form(browser: Browser, people: People) -> None:
    bad = valid_uscc()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    response = _register(browser, _form(uscc=bad))
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="uscc-error"' in response.text
    assert "杭州明湖数据科技有限公司" in response.text  # the form keeps what was typed
    assert STRONG not in response.text  # never the password


def test_missing_fields_and_terms_are_marked(browser: Browser, people: People) -> None:
    form = _form(name="")
    del form["accept_terms"]
    response = _register(browser, form)
    assert response.status_code == 422
    assert 'id="name-error"' in response.text


def test_sign_up_without_the_csrf_token_is_refused(browser: Browser, people: People) -> None:
    browser.get("/employer/register")
    response = _register(browser, _form(), token=False)
    assert response.status_code == 403
    assert "<html" in response.text.lower()


def test_a_verified_employer_sees_the_badge_and_the_post_button(
    browser: Browser, people: People, container: Container
) -> None:
    _register(browser, _form())
    with job_session(container.session_factory) as session:
        employer = session.scalars(select(Employer).where(Employer.name.contains("明湖"))).one()
        employer.verification_status = VerificationStatus.AUTO_VERIFIED
    home = browser.get("/employer").text
    assert 'data-testid="verified-badge"' in home
    assert 'data-testid="new-job"' in home


def test_the_public_page_shows_verified_employers_only(
    client: TestClient, people: People, container: Container
) -> None:
    with job_session(container.session_factory) as session:
        good = make_employer(session, name="杭州云帆网络科技有限公司")
        doubtful = make_employer(
            session, name="杭州可疑贸易有限公司", status=VerificationStatus.NEEDS_REVIEW
        )
        session.flush()
        good_id, doubtful_id = good.id, doubtful.id
    page = client.get(f"/employers/{good_id}", headers=HTML)
    assert page.status_code == 200
    assert "杭州云帆网络科技有限公司" in page.text and "已认证" in page.text
    missing = client.get(f"/employers/{doubtful_id}", headers=HTML)
    assert missing.status_code == 404
    assert "杭州可疑贸易有限公司" not in missing.text


def test_review_and_graduate_roles_cannot_open_the_employer_home(
    browser: Browser, people: People
) -> None:
    browser.sign_in("office-zju")
    response = browser.get("/employer", follow_redirects=False)
    assert response.status_code == 403
    assert "<html" in response.text.lower()
