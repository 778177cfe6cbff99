"""Browsing fairs: phases, filters, a graduate's own-university fairs first with the flag,
and the fair page showing only jobs graduates can see."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.employers.models import VerificationStatus
from jobs_api.fairs.models import FairStatus, OrganizerLevel
from jobs_api.jobs.models import JobStatus
from jobs_api.jobs.posting import china_today
from tests.factories.fairs import attach_job, make_fair, register_employer
from tests.factories.identity import make_university
from tests.factories.jobs import make_job
from tests.fairs.conftest import World

FAIRS = "/api/v1/fairs"


def test_phases_filters_and_own_university_first(
    api: TestClient, world: World, db: Session
) -> None:
    today = china_today()
    nju_fair = make_fair(
        db,
        [world.nju],
        created_by=world.office_nju.user.id,
        title="南京大学专场",
        starts_on=today + timedelta(days=1),
    )
    zju_fair = make_fair(
        db,
        [world.zju],
        created_by=world.office_zju.user.id,
        title="浙江大学专场",
        starts_on=today + timedelta(days=20),
        industry_code="C",
    )
    ongoing = make_fair(
        db,
        [world.zju, world.nju],
        created_by=world.national.user.id,
        level=OrganizerLevel.NATIONAL,
        title="全国联合专场",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )
    past = make_fair(
        db,
        [world.zju],
        created_by=world.office_zju.user.id,
        title="往期专场",
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=28),
    )
    make_fair(db, [world.zju], created_by=world.office_zju.user.id, status=FairStatus.DRAFT)
    db.commit()

    anonymous = api.get(FAIRS).json()
    assert [f["id"] for f in anonymous["items"]] == [ongoing.id, nju_fair.id, zju_fair.id]
    assert not any(f["for_my_university"] for f in anonymous["items"])
    mine = api.get(FAIRS, headers=world.graduate.headers).json()["items"]
    assert [(f["id"], f["for_my_university"]) for f in mine] == [
        (ongoing.id, True),
        (zju_fair.id, True),
        (nju_fair.id, False),
    ]
    assert [f["id"] for f in api.get(FAIRS, params={"when": "past"}).json()["items"]] == [past.id]
    upcoming = api.get(FAIRS, params={"when": "upcoming"}).json()["items"]
    assert [f["phase"] for f in upcoming] == ["upcoming", "upcoming"]
    assert [f["id"] for f in api.get(FAIRS, params={"industry_code": "C"}).json()["items"]] == [
        zju_fair.id
    ]
    jiangsu = api.get(FAIRS, params={"province_code": "320000"}).json()["items"]
    assert [f["id"] for f in jiangsu] == [nju_fair.id]
    assert api.get(FAIRS, params={"when": "tomorrow"}).status_code == 422


def test_fair_page_shows_only_jobs_graduates_can_see(
    api: TestClient, world: World, db: Session
) -> None:
    fair = make_fair(db, [world.zju], created_by=world.office_zju.user.id)
    register_employer(db, fair, world.employer, user_id=world.hr.user.id, intro="展位 A01")
    register_employer(db, fair, world.unverified, user_id=world.unverified_hr.user.id)
    attach_job(db, fair, world.job)
    closed = make_job(db, world.employer, title="已关闭的职位", status=JobStatus.CLOSED)
    attach_job(db, fair, closed)
    attach_job(db, fair, make_job(db, world.unverified, title="待审单位职位"))
    db.commit()
    detail = api.get(f"{FAIRS}/{fair.id}", headers=world.graduate.headers).json()
    assert detail["fair"]["for_my_university"] is True
    assert detail["fair"]["employer_count"] == 1
    assert detail["fair"]["job_count"] == 1
    assert [(e["name"], e["booth_intro"], e["job_count"]) for e in detail["employers"]] == [
        ("杭州云帆网络科技有限公司", "展位 A01", 1)
    ]
    assert [j["title"] for j in detail["jobs"]] == ["Java开发工程师"]
    assert detail["jobs"][0]["link"] == f"/jobs/{world.job.id}"
    assert detail["jobs_total"] == 1
    # an employer losing its verification leaves the page with its jobs
    world.employer.verification_status = VerificationStatus.EXPIRED
    db.add(world.employer)
    db.commit()
    detail = api.get(f"{FAIRS}/{fair.id}").json()
    assert detail["employers"] == [] and detail["jobs"] == []
    assert api.get(f"{FAIRS}/999999").status_code == 404


def test_lists_name_the_first_universities_and_the_page_all(
    api: TestClient, world: World, db: Session
) -> None:
    many = [world.zju, world.zjut, world.nju] + [
        make_university(db, code=f"1{n:04d}", name=f"示例大学{n}", city="330100") for n in range(9)
    ]
    fair = make_fair(db, many, created_by=world.national.user.id, level=OrganizerLevel.NATIONAL)
    db.commit()
    listed = api.get(FAIRS).json()["items"][0]
    assert listed["university_count"] == 12
    assert len(listed["universities"]) == 10
    codes = [u["code"] for u in listed["universities"]]
    assert codes == sorted(codes)
    detail = api.get(f"{FAIRS}/{fair.id}").json()["fair"]
    assert len(detail["universities"]) == detail["university_count"] == 12
