"""Deleting a graduate account: password confirmation, what goes, what statistics keep."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.settings import Settings
from jobs_api.graduates.models import ConsentRecord, GraduateProfile, Resume
from jobs_api.graduates.resumes import resume_path
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.models import AccountStatus, AuthSession, User
from jobs_api.registry.models import StudentRecord
from tests.factories.graduates import (
    PASSWORD,
    claim_body,
    make_graduate,
    make_record,
    pdf_bytes,
    synthetic_phone,
)
from tests.factories.identity import sign_in
from tests.graduates.conftest import Campus

ME = "/api/v1/graduates/me"
TOKEN = "/api/v1/auth/token"


def test_deletion_anonymises_the_account_and_keeps_statistics(
    api: TestClient, db: Session, campus: Campus, settings: Settings, kit: IdentityKit
) -> None:
    made = make_record(
        db, campus.zju, settings, name="郑爽", zero_employment_family=True, has_disability=True
    )
    phone = synthetic_phone()
    user = make_graduate(db, kit, made, campus.zju, phone=phone)
    actor = sign_in(db, user, settings)
    db.commit()
    headers = actor.headers
    api.patch(f"{ME}/profile", json={"summary": "个人简介", "skills": ["C"]}, headers=headers)
    resume = api.post(
        f"{ME}/resumes",
        files={"file": ("cv.pdf", pdf_bytes("z"), "application/pdf")},
        headers=headers,
    ).json()
    login = api.post(
        TOKEN, data={"username": phone, "password": PASSWORD, "grant_type": "password"}
    )
    assert login.status_code == 200

    wrong = api.request("DELETE", ME, json={"password": "not-my-password-1"}, headers=headers)
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "wrong_password"
    db.expire_all()
    assert db.get(User, user.id).failed_logins == 1  # type: ignore[union-attr]  # counted
    missing = api.request("DELETE", ME, headers=headers)
    assert missing.status_code == 422

    done = api.request("DELETE", ME, json={"password": PASSWORD}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "deleted"
    assert len(done.json()["kept"]) == 4

    # the old token is dead, and the password no longer opens anything
    assert api.get(f"{ME}/consents", headers=headers).status_code == 401
    for name in (phone, user.username or "g"):
        again = api.post(
            TOKEN, data={"username": name, "password": PASSWORD, "grant_type": "password"}
        )
        assert again.status_code == 401

    db.expire_all()
    gone = db.get(User, user.id)
    assert gone is not None
    assert gone.status == AccountStatus.DELETED
    assert (gone.username, gone.phone_hash, gone.phone_cipher, gone.phone_masked) == (None,) * 4
    assert (gone.email, gone.password_hash, gone.student_record_id) == (None, None, None)
    assert gone.display_name == ""
    open_sessions = db.scalar(
        select(func.count())
        .select_from(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    )
    assert open_sessions == 0
    assert (
        db.scalar(select(GraduateProfile).where(GraduateProfile.student_record_id == made.id))
        is None
    )
    assert db.scalar(select(Resume).where(Resume.user_id == user.id)) is None
    assert not resume_path(settings.data_dir, resume["sha256"]).exists()
    consents = db.scalars(select(ConsentRecord).where(ConsentRecord.user_id == user.id)).all()
    assert consents and all(c.withdrawn_at is not None for c in consents)

    record = db.get(StudentRecord, made.id)
    assert record is not None  # the university's record stays, with what statistics need
    assert (record.university_id, record.major_code, record.degree_level) == (
        campus.zju.id,
        "080902",
        "bachelor",
    )
    assert (record.graduation_year, record.gender) == (2026, "女")
    assert (record.zero_employment_family, record.has_disability) == (True, True)
    assert db.scalar(select(User).where(User.student_record_id == made.id)) is None

    audit = db.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "graduate.account_deleted", AuditEvent.subject_id == str(user.id)
        )
    )
    assert audit is not None
    assert phone not in str(audit.detail) and made.id_number not in str(audit.detail)


def test_the_person_may_claim_the_record_again_later(
    api: TestClient, db: Session, campus: Campus, settings: Settings, kit: IdentityKit
) -> None:
    made = make_record(db, campus.zju, settings)
    user = make_graduate(db, kit, made, campus.zju)
    actor = sign_in(db, user, settings)
    db.commit()
    response = api.request("DELETE", ME, json={"password": PASSWORD}, headers=actor.headers)
    assert response.status_code == 200
    again = api.post("/api/v1/graduates/activate", json=claim_body(made, campus.zju))
    assert again.status_code == 201
    assert again.json()["user_id"] != user.id
