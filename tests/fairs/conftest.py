"""A small world for the fairs tests: universities in two provinces, organizers at each
level, verified and unverified employers with members and jobs, and graduates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.identity.principal import Role
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.reference.service import load_reference
from jobs_api.universities.models import University
from tests.factories.applications import make_employer_actor, make_graduate_actor
from tests.factories.identity import Actor, make_university, make_user, sign_in
from tests.factories.jobs import make_employer, make_job


@dataclass
class World:
    zju: University  # 浙江
    zjut: University  # 浙江
    nju: University  # 江苏
    office_zju: Actor
    office_nju: Actor
    zhejiang: Actor  # provincial administrator of 330000
    jiangsu: Actor  # provincial administrator of 320000
    national: Actor
    employer: Employer  # verified
    hr: Actor
    job: Job  # published, of ``employer``
    other_employer: Employer  # verified
    other_hr: Actor
    other_job: Job
    unverified: Employer
    unverified_hr: Actor
    graduate: Actor  # 浙江大学
    nju_graduate: Actor  # 南京大学


@pytest.fixture
def db(container: Container) -> Iterator[Session]:
    """A session whose work the test commits explicitly (the app reads committed data)."""
    session = container.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def world(db: Session, container: Container) -> World:
    settings = container.settings
    load_reference(db)
    zju = make_university(db, code="10335", name="浙江大学", city="330100")
    zjut = make_university(db, code="10337", name="浙江工业大学", city="330100")
    nju = make_university(db, code="10284", name="南京大学", city="320100")

    def admin(role: Role, **scope: object) -> Actor:
        return sign_in(db, make_user(db, role, settings, **scope), settings)

    employer = make_employer(db, name="杭州云帆网络科技有限公司")
    other = make_employer(db, name="南京星辰软件有限公司", city_code="320100")
    unverified = make_employer(db, name="杭州待审科技有限公司", status=VerificationStatus.SUBMITTED)
    built = World(
        zju=zju,
        zjut=zjut,
        nju=nju,
        office_zju=admin(Role.CAREER_OFFICE, university_id=zju.id),
        office_nju=admin(Role.CAREER_OFFICE, university_id=nju.id),
        zhejiang=admin(Role.PROVINCIAL_ADMIN, province_code="330000"),
        jiangsu=admin(Role.PROVINCIAL_ADMIN, province_code="320000"),
        national=admin(Role.NATIONAL_ADMIN),
        employer=employer,
        hr=make_employer_actor(db, settings, employer),
        job=make_job(db, employer, title="Java开发工程师"),
        other_employer=other,
        other_hr=make_employer_actor(db, settings, other),
        other_job=make_job(db, other, title="前端开发工程师"),
        unverified=unverified,
        unverified_hr=make_employer_actor(db, settings, unverified),
        graduate=make_graduate_actor(db, settings, university=zju, name="张伟"),
        nju_graduate=make_graduate_actor(db, settings, university=nju, name="王芳"),
    )
    db.commit()
    return built


@pytest.fixture
def api(client: TestClient, world: World) -> TestClient:
    return client


def closed_job(db: Session, employer: Employer) -> Job:
    job = make_job(db, employer, title="已关闭的职位", status=JobStatus.CLOSED)
    db.commit()
    return job
