"""Applying: only verified graduates, only to open jobs, with an own résumé, once per job
(the unique index decides, also under a race), again after withdrawing; the résumé sent
stays available to the employer after the graduate deletes it."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.applications.apply import apply, insert_live
from jobs_api.applications.errors import AlreadyApplied
from jobs_api.applications.files import application_file_path
from jobs_api.applications.models import Application
from jobs_api.applications.schemas import ApplyIn
from jobs_api.core.container import Container
from jobs_api.employers.models import VerificationStatus
from jobs_api.fairs.models import Fair, FairJob
from jobs_api.graduates.resumes import delete_resume, resume_path
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.registry.models import EnrollmentStatus, StudentRecord
from tests.employers.fixtures import Campus
from tests.factories.applications import (
    give_resume,
    make_employer_actor,
    make_graduate_actor,
)
from tests.factories.identity import Actor
from tests.factories.jobs import make_employer, make_job


def _apply(api: TestClient, graduate: Actor, job_id: int, **body: object) -> Any:
    return api.post(f"/api/v1/jobs/{job_id}/applications", json=body, headers=graduate.headers)


def _count(db: Session, job_id: int) -> int:
    db.expire_all()
    return db.get_one(Job, job_id).application_count


def test_a_verified_graduate_applies_with_the_default_resume(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    give_resume(db, settings, graduate, text="old", filename="旧简历.pdf")
    chosen = give_resume(
        db, settings, graduate, text="new", filename="新简历.pdf", make_default=True
    )
    job = make_job(db, make_employer(db))
    db.commit()

    response = api.post(
        f"/api/v1/jobs/{job.id}/applications",
        json={"cover_note": "  希望加入贵公司。 "},
        headers=graduate.headers,
    )

    assert response.status_code == 201, response.text
    out = response.json()
    assert out["status"] == "submitted"
    assert out["job_title"] == "Java开发工程师"
    assert out["employer_name"] == "杭州云帆网络科技有限公司"
    assert out["resume_filename"] == "新简历.pdf"
    assert out["cover_note"] == "希望加入贵公司。"
    row = db.get_one(Application, out["id"])
    assert row.resume_sha256 == chosen.sha256 and row.resume_id == chosen.id
    assert row.university_id == campus.zju.id
    assert application_file_path(settings.data_dir, chosen.sha256).read_bytes().startswith(b"%PDF")
    assert _count(db, job.id) == 1


def test_unverified_graduates_and_other_roles_cannot_apply(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    dropped = make_graduate_actor(db, settings, university=campus.zju)
    record = db.get_one(StudentRecord, dropped.principal.student_record_id)
    record.status = EnrollmentStatus.WITHDRAWN.value
    give_resume(db, settings, dropped)
    employer = make_employer(db)
    job = make_job(db, employer)
    member = make_employer_actor(db, settings, employer)
    db.commit()

    refused = _apply(api, dropped, job.id)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "graduate_not_verified"
    assert _apply(api, member, job.id).status_code == 403
    assert api.post(f"/api/v1/jobs/{job.id}/applications", json={}).status_code == 401
    assert _count(db, job.id) == 0


def test_only_open_jobs_take_applications(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    give_resume(db, settings, graduate)
    employer = make_employer(db)
    closed = make_job(db, employer, status=JobStatus.CLOSED)
    draft = make_job(db, employer, status=JobStatus.DRAFT)
    expired = make_job(db, employer)
    expired.deadline = china_today() - timedelta(days=1)
    today = make_job(db, employer)
    today.deadline = china_today()
    doubtful = make_job(db, make_employer(db, status=VerificationStatus.NEEDS_REVIEW))
    db.commit()

    def code(job_id: int) -> tuple[int, str]:
        response = _apply(api, graduate, job_id)
        return response.status_code, response.json()["error"]["code"]

    assert code(closed.id) == (409, "job_not_open")
    assert code(expired.id) == (409, "job_not_open")
    assert code(draft.id) == (404, "job_not_found")
    assert code(doubtful.id) == (404, "job_not_found")
    assert code(999_999) == (404, "job_not_found")
    assert _apply(api, graduate, today.id).status_code == 201


def test_the_resume_must_be_the_graduates_own(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    other = make_graduate_actor(db, settings, university=campus.zjut, name="王芳")
    others_resume = give_resume(db, settings, other, text="other")
    job = make_job(db, make_employer(db))
    db.commit()

    none_yet = _apply(api, graduate, job.id)
    assert none_yet.status_code == 422
    error = none_yet.json()["error"]
    assert error["code"] == "resume_required"
    assert "请先上传一份简历" in error["message"]

    give_resume(db, settings, graduate, text="mine")
    db.commit()
    foreign = _apply(api, graduate, job.id, resume_id=others_resume.id)
    assert foreign.status_code == 422
    assert foreign.json()["error"]["code"] == "resume_required"
    assert _count(db, job.id) == 0


def test_one_live_application_per_job_and_again_after_withdrawing(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    give_resume(db, settings, graduate)
    job = make_job(db, make_employer(db))
    db.commit()

    first = _apply(api, graduate, job.id)
    assert first.status_code == 201
    first_id = first.json()["id"]
    second = _apply(api, graduate, job.id)
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "already_applied"
    assert error["fields"]["application_id"] == str(first_id)
    assert _count(db, job.id) == 1

    withdrawn = api.post(f"/api/v1/me/applications/{first_id}/withdraw", headers=graduate.headers)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = _apply(api, graduate, job.id)
    assert again.status_code == 201
    assert again.json()["id"] != first_id
    assert _count(db, job.id) == 2
    rows = db.scalar(
        select(func.count()).select_from(Application).where(Application.job_id == job.id)
    )
    assert rows == 2


def test_a_concurrent_duplicate_is_refused_by_the_unique_index(
    db: Session, container: Container, campus: Campus
) -> None:
    """What the losing request of a race meets: a live row committed by the other one."""
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    job = make_job(db, make_employer(db))
    record = db.get_one(StudentRecord, graduate.principal.student_record_id)

    def row() -> Application:
        return Application(
            job_id=job.id,
            employer_id=job.employer_id,
            user_id=graduate.user.id,
            student_record_id=record.id,
            university_id=record.university_id,
            resume_sha256="a" * 64,
            resume_filename="简历.pdf",
        )

    winner = insert_live(db, row())
    db.commit()
    with container.session_factory() as other:
        other.execute(select(Job.id).where(Job.id == job.id))
        other.get_one(Job, job.id).application_count += 1  # a write first, as apply() does
        other.flush()
        with pytest.raises(AlreadyApplied) as refused:
            insert_live(other, row())
        assert refused.value.fields == {"application_id": str(winner.id)}
        other.rollback()
    live = db.scalar(
        select(func.count()).select_from(Application).where(Application.job_id == job.id)
    )
    assert live == 1


def test_the_employer_keeps_the_resume_the_graduate_deleted(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    resume = give_resume(db, settings, graduate, filename="张三简历.pdf")
    employer = make_employer(db)
    job = make_job(db, employer)
    member = make_employer_actor(db, settings, employer)
    db.commit()
    application_id = _apply(api, graduate, job.id).json()["id"]

    delete_resume(db, graduate.principal, settings.data_dir, resume.id)
    db.commit()
    assert not resume_path(settings.data_dir, resume.sha256).exists()

    download = api.get(
        f"/api/v1/employers/me/applications/{application_id}/resume", headers=member.headers
    )
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF") and b"%%EOF" in download.content
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    db.expire_all()
    assert db.get_one(Application, application_id).resume_filename == "张三简历.pdf"


def test_applying_from_a_fair_needs_the_job_in_that_fair(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    give_resume(db, settings, graduate)
    employer = make_employer(db)
    in_fair = make_job(db, employer, title="测试工程师")
    outside = make_job(db, employer)
    fair = Fair(
        title="数字经济专场招聘会",
        starts_on=china_today(),
        ends_on=china_today() + timedelta(days=3),
        status="published",
        organizer_level="university",
        organizer_university_id=campus.zju.id,
        created_by=graduate.user.id,
    )
    db.add(fair)
    db.flush()
    db.add(FairJob(fair_id=fair.id, job_id=in_fair.id, employer_id=employer.id))
    db.commit()

    refused = _apply(api, graduate, outside.id, fair_id=fair.id)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "fair_job_mismatch"
    done = _apply(api, graduate, in_fair.id, fair_id=fair.id)
    assert done.status_code == 201
    assert done.json()["fair_id"] == fair.id


def test_two_simultaneous_applications_leave_one(
    db: Session, container: Container, campus: Campus
) -> None:
    """Two requests of the same graduate in flight at once (double submit): the second waits
    for the first (the job's row lock on PostgreSQL, the write lock on SQLite), then meets
    the unique index and gets ``already_applied``; the counter counts one."""
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    give_resume(db, settings, graduate)
    job = make_job(db, make_employer(db))
    db.commit()
    first = container.session_factory()
    second = container.session_factory()
    outcome: list[BaseException | int] = []

    def late_request() -> None:
        try:
            made = apply(second, graduate.principal, settings.data_dir, job.id, ApplyIn())
            second.commit()
            outcome.append(made.id)
        except BaseException as error:
            second.rollback()
            outcome.append(error)

    try:
        winner = apply(first, graduate.principal, settings.data_dir, job.id, ApplyIn())
        racer = threading.Thread(target=late_request)
        racer.start()
        racer.join(timeout=0.5)
        assert racer.is_alive(), "the second request must wait for the first"
        first.commit()
        racer.join(timeout=30)
        assert not racer.is_alive()
    finally:
        first.close()
        second.close()
    assert len(outcome) == 1 and isinstance(outcome[0], AlreadyApplied)
    assert outcome[0].fields == {"application_id": str(winner.id)}
    assert _count(db, job.id) == 1


def test_a_resume_lost_on_disk_asks_for_a_new_upload(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    graduate = make_graduate_actor(db, settings, university=campus.zju)
    resume = give_resume(db, settings, graduate)
    job = make_job(db, make_employer(db))
    db.commit()
    resume_path(settings.data_dir, resume.sha256).unlink()

    refused = _apply(api, graduate, job.id)

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "resume_required"
    assert _count(db, job.id) == 0
