"""Fixtures for the page tests: a small world of accounts, and a browser-like client helper
that reads CSRF tokens from pages and signs in through the form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.identity.kit import IdentityKit, identity_kit
from jobs_api.identity.models import User
from jobs_api.identity.principal import Role
from jobs_api.reference.service import load_reference
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University
from tests.factories.identity import (
    DEFAULT_PASSWORD,
    make_account,
    make_student_record,
    make_university,
    synthetic_id_number,
)

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PASSWORD = DEFAULT_PASSWORD
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(body: str) -> str:
    found = _TOKEN.search(body)
    assert found, "the page has no CSRF token"
    return found.group(1)


class Browser:
    """A ``TestClient`` used like a browser: HTML requests, forms with their CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def get(self, path: str, **kwargs: object) -> Any:
        return self.client.get(path, headers=HTML, **kwargs)  # type: ignore[arg-type]

    def token(self, page: str = "/login") -> str:
        return csrf_token(self.get(page).text)

    def post(
        self,
        path: str,
        data: Mapping[str, object] | None = None,
        *,
        token_from: str | None = None,
        follow: bool = False,
        **kwargs: object,
    ) -> Any:
        form = dict(data or {})
        if token_from is not None:
            form["csrf_token"] = self.token(token_from)
        return self.client.post(
            path,
            data=form,
            headers=HTML,
            follow_redirects=follow,
            **kwargs,  # type: ignore[arg-type]
        )

    def sign_in(self, login_name: str, password: str = PASSWORD, **extra: str) -> Any:
        response = self.post(
            "/login",
            {"username": login_name, "password": password, **extra},
            token_from="/login",
        )
        assert response.status_code == 303, response.text[:500]
        return response


@pytest.fixture
def browser(client: TestClient) -> Browser:
    return Browser(client)


@dataclass
class People:
    zju: University
    zjut: University  # same province (浙江)
    nju: University  # another province (江苏)
    graduate: User
    graduate_record: StudentRecord
    other_graduate: User  # 浙江工业大学
    other_record: StudentRecord
    office: User  # 浙江大学's career office
    other_office: User  # 南京大学's career office
    provincial: User  # 浙江省
    employer: User
    kit: IdentityKit


@pytest.fixture
def people(container: Container) -> People:
    kit = identity_kit(container)
    settings = container.settings
    with job_session(container.session_factory) as session:
        load_reference(session)
        zju = make_university(session, code="10335", name="浙江大学", city="330100")
        zjut = make_university(session, code="10337", name="浙江工业大学", city="330100")
        nju = make_university(session, code="10284", name="南京大学", city="320100")
        record = make_student_record(
            session,
            zju,
            settings,
            id_number="330106200301011237",
            student_number="3210100001",
            name="张伟",
        )
        other_record = make_student_record(
            session,
            zjut,
            settings,
            id_number=synthetic_id_number(),
            student_number="2021000777",
            name="王芳",
        )
        graduate = make_account(
            session,
            kit,
            Role.GRADUATE,
            username="zhangwei",
            phone="13800138000",
            student_record_id=record.id,
        )
        graduate.display_name = "张伟"
        other_graduate = make_account(
            session, kit, Role.GRADUATE, username="wangfang", student_record_id=other_record.id
        )
        office = make_account(
            session, kit, Role.CAREER_OFFICE, username="office-zju", university_id=zju.id
        )
        office.display_name = "浙江大学就业指导中心"
        other_office = make_account(
            session, kit, Role.CAREER_OFFICE, username="office-nju", university_id=nju.id
        )
        provincial = make_account(
            session, kit, Role.PROVINCIAL_ADMIN, username="zj-admin", province_code="330000"
        )
        employer = make_account(session, kit, Role.EMPLOYER_MEMBER, username="hr-owner")
        session.flush()
        session.expunge_all()
    return People(
        zju=zju,
        zjut=zjut,
        nju=nju,
        graduate=graduate,
        graduate_record=record,
        other_graduate=other_graduate,
        other_record=other_record,
        office=office,
        other_office=other_office,
        provincial=provincial,
        employer=employer,
        kit=kit,
    )
