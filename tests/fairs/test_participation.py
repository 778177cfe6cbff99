"""Employers at fairs: the verification gate, open fairs only, own published jobs only, a job
in several fairs, withdrawing takes the jobs along."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.fairs.models import FairEmployer, FairJob, FairStatus
from jobs_api.jobs.posting import china_today
from tests.factories.fairs import make_fair
from tests.fairs.conftest import World, closed_job

FAIRS = "/api/v1/fairs"


def _open_fair(db: Session, world: World, **kwargs: Any) -> int:
    fair = make_fair(db, [world.zju], created_by=world.office_zju.user.id, **kwargs)
    db.commit()
    return fair.id


def test_verified_employer_registers_attaches_and_withdraws(
    api: TestClient, world: World, db: Session
) -> None:
    fair_id = _open_fair(db, world)
    registered = api.post(
        f"{FAIRS}/{fair_id}/registration",
        json={"booth_intro": "云计算方向，现场可预约面试"},
        headers=world.hr.headers,
    )
    assert registered.status_code == 200, registered.text
    assert registered.json()["booth_intro"] == "云计算方向，现场可预约面试"
    again = api.post(
        f"{FAIRS}/{fair_id}/registration", json={"booth_intro": "新介绍"}, headers=world.hr.headers
    )
    assert again.status_code == 200 and again.json()["booth_intro"] == "新介绍"
    attached = api.put(f"{FAIRS}/{fair_id}/jobs/{world.job.id}", headers=world.hr.headers)
    assert attached.status_code == 200, attached.text
    assert attached.json()["job_ids"] == [world.job.id]
    assert api.put(f"{FAIRS}/{fair_id}/jobs/{world.job.id}", headers=world.hr.headers).json()[
        "job_ids"
    ] == [world.job.id]  # idempotent
    mine = api.get("/api/v1/employers/me/fairs", headers=world.hr.headers).json()
    assert [(m["fair"]["id"], m["registration"]["job_ids"]) for m in mine] == [
        (fair_id, [world.job.id])
    ]
    detail = api.get(f"{FAIRS}/{fair_id}").json()
    assert [e["employer_id"] for e in detail["employers"]] == [world.employer.id]
    assert detail["jobs"][0]["apply_link"] == f"/jobs/{world.job.id}/apply?fair_id={fair_id}"
    detached = api.delete(f"{FAIRS}/{fair_id}/jobs/{world.job.id}", headers=world.hr.headers)
    assert detached.status_code == 200 and detached.json()["job_ids"] == []
    assert (
        api.delete(f"{FAIRS}/{fair_id}/jobs/{world.job.id}", headers=world.hr.headers).status_code
        == 404
    )
    api.put(f"{FAIRS}/{fair_id}/jobs/{world.job.id}", headers=world.hr.headers)
    withdrawn = api.delete(f"{FAIRS}/{fair_id}/registration", headers=world.hr.headers)
    assert withdrawn.status_code == 204
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(FairJob)) == 0
    assert db.scalar(select(func.count()).select_from(FairEmployer)) == 0


def test_unverified_employer_is_refused(api: TestClient, world: World, db: Session) -> None:
    fair_id = _open_fair(db, world)
    response = api.post(
        f"{FAIRS}/{fair_id}/registration", json={}, headers=world.unverified_hr.headers
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "employer_not_verified"


def test_only_open_published_fairs_take_registrations(
    api: TestClient, world: World, db: Session
) -> None:
    draft = _open_fair(db, world, status=FairStatus.DRAFT)
    cancelled = _open_fair(db, world, status=FairStatus.CANCELLED)
    ended = _open_fair(
        db,
        world,
        starts_on=china_today() - timedelta(days=5),
        ends_on=china_today() - timedelta(days=1),
    )
    path = f"{FAIRS}/{{}}/registration"
    assert api.post(path.format(draft), json={}, headers=world.hr.headers).status_code == 404
    for fair_id in (cancelled, ended):
        response = api.post(path.format(fair_id), json={}, headers=world.hr.headers)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "fair_not_open"


def test_attaching_others_closed_or_unregistered_jobs_is_refused(
    api: TestClient, world: World, db: Session
) -> None:
    fair_id = _open_fair(db, world)
    not_yet = api.put(f"{FAIRS}/{fair_id}/jobs/{world.job.id}", headers=world.hr.headers)
    assert not_yet.status_code == 409
    assert not_yet.json()["error"]["code"] == "fair_not_registered"
    api.post(f"{FAIRS}/{fair_id}/registration", json={}, headers=world.hr.headers)
    others = api.put(f"{FAIRS}/{fair_id}/jobs/{world.other_job.id}", headers=world.hr.headers)
    assert others.status_code == 404
    assert others.json()["error"]["code"] == "job_not_found"
    closed = closed_job(db, world.employer)
    refused = api.put(f"{FAIRS}/{fair_id}/jobs/{closed.id}", headers=world.hr.headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "job_not_attachable"
    # the other employer cannot detach this employer's job either
    api.put(f"{FAIRS}/{fair_id}/jobs/{world.job.id}", headers=world.hr.headers)
    api.post(f"{FAIRS}/{fair_id}/registration", json={}, headers=world.other_hr.headers)
    response = api.delete(f"{FAIRS}/{fair_id}/jobs/{world.job.id}", headers=world.other_hr.headers)
    assert response.status_code == 404
    db.expire_all()
    assert db.scalars(select(FairJob.job_id)).all() == [world.job.id]


def test_a_job_can_be_in_several_fairs(api: TestClient, world: World, db: Session) -> None:
    first = _open_fair(db, world, title="春季专场招聘会")
    second = _open_fair(db, world, title="秋季专场招聘会")
    for fair_id in (first, second):
        api.post(f"{FAIRS}/{fair_id}/registration", json={}, headers=world.hr.headers)
        response = api.put(f"{FAIRS}/{fair_id}/jobs/{world.job.id}", headers=world.hr.headers)
        assert response.status_code == 200, response.text
    for fair_id in (first, second):
        jobs = api.get(f"{FAIRS}/{fair_id}").json()["jobs"]
        assert [j["job_id"] for j in jobs] == [world.job.id]
