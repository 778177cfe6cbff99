"""Self-claim: success, one generic answer for every mismatch, rate limits, 退学, claimed twice."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.settings import Settings
from jobs_api.graduates.activation import CLAIM_FAILURES_PER_CLIENT, is_verified_graduate
from jobs_api.graduates.consent import has_consent
from jobs_api.graduates.models import ConsentPurpose, GraduateProfile
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.models import AccountStatus, User
from jobs_api.registry.models import EnrollmentStatus
from tests.factories.graduates import (
    PASSWORD,
    claim_body,
    make_graduate,
    make_record,
    synthetic_id_number,
    synthetic_phone,
)
from tests.graduates.conftest import Campus

ACTIVATE = "/api/v1/graduates/activate"
TOKEN = "/api/v1/auth/token"


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert "error" in body, body
    error: dict[str, Any] = body["error"]
    return error


def _login(api: TestClient, username: str, password: str = PASSWORD) -> Any:
    return api.post(
        TOKEN, data={"username": username, "password": password, "grant_type": "password"}
    )


def test_self_claim_opens_a_verified_account_that_can_sign_in(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings)
    db.commit()
    phone = synthetic_phone()
    consents = ["profile_matching", "statistics"]
    response = api.post(ACTIVATE, json=claim_body(made, campus.zju, phone=phone, consents=consents))
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["status"] == "active"
    assert out["display_name"] == made.record.name
    assert out["phone_masked"] == phone[:3] + "****" + phone[-4:]
    assert phone not in response.text

    db.expire_all()
    user = db.get(User, out["user_id"])
    assert user is not None
    assert user.role == "graduate"
    assert user.student_record_id == made.id
    assert user.username == f"g10335-{made.record.student_number}"
    assert user.phone_cipher and phone not in user.phone_cipher
    assert is_verified_graduate(db, user.id)
    assert has_consent(db, user.id, ConsentPurpose.PROFILE_MATCHING)
    assert has_consent(db, user.id, ConsentPurpose.STATISTICS)
    assert not has_consent(db, user.id, ConsentPurpose.SHARE_WITH_EMPLOYERS)
    profile = db.scalar(select(GraduateProfile).where(GraduateProfile.student_record_id == made.id))
    assert profile is not None and profile.visibility == "hidden"  # no consent to share

    for login_name in (phone, user.username or ""):
        signed_in = _login(api, login_name)
        assert signed_in.status_code == 200, signed_in.text
    token = _login(api, phone).json()["access_token"]
    me = api.get("/api/v1/graduates/me/profile", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["registry"]["student_record_id"] == made.id


def test_university_may_be_given_by_id(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zjut, settings)
    db.commit()
    body = claim_body(made, campus.zjut)
    del body["university_code"]
    body["university_id"] = campus.zjut.id
    assert api.post(ACTIVATE, json=body).status_code == 201


def test_every_mismatch_gets_the_same_answer(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings, name="王芳")
    other = make_record(db, campus.zju, settings, name="赵磊")
    elsewhere = make_record(db, campus.zjut, settings, name="钱进")
    db.commit()
    wrong = {
        "wrong name": {"name": "王芳芳"},
        "wrong student number": {"student_number": other.record.student_number},
        "wrong university": {"university_code": campus.zjut.code},
        "unknown university": {"university_code": "99999"},
        "unknown ID number": {"id_number": synthetic_id_number()},
        "another person's ID number": {"id_number": other.id_number},
        "ID of a record at another university": {"id_number": elsewhere.id_number},
    }
    answers = set()
    for case, override in wrong.items():
        response = api.post(ACTIVATE, json=claim_body(made, campus.zju, **override))
        assert response.status_code == 400, case
        error = _error(response)
        assert error["code"] == "activation_failed", case
        assert error["fields"] == {}, case
        answers.add((response.status_code, error["message"]))
    assert len(answers) == 1
    assert db.scalar(select(func.count()).select_from(User)) == 0
    failures = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "graduate.activation_failed")
    )
    assert failures == len(wrong)  # recorded although the requests failed


def test_name_comparison_ignores_spacing_and_width(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings, name="阿依古丽·买买提")
    db.commit()
    body = claim_body(made, campus.zju, name=" 阿依古丽 买买提 ")
    assert api.post(ACTIVATE, json=body).status_code == 201


def test_student_number_letters_may_differ_in_case(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.nju, settings, student_number="MG2233001")
    db.commit()
    body = claim_body(made, campus.nju, student_number="mg2233001")
    assert api.post(ACTIVATE, json=body).status_code == 201


def test_bad_input_is_a_field_error_not_a_mismatch(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings)
    db.commit()
    bad_check_digit = made.id_number[:17] + ("0" if made.id_number[17] != "0" else "1")
    cases = {
        "id_number": {"id_number": bad_check_digit},
        "phone": {"phone": "12345"},
        "university_code": {"university_code": "abc"},
    }
    for field, override in cases.items():
        response = api.post(ACTIVATE, json=claim_body(made, campus.zju, **override))
        assert response.status_code == 422, field
        assert field in _error(response)["fields"], field
    checksum = api.post(ACTIVATE, json=claim_body(made, campus.zju, id_number=bad_check_digit))
    assert "校验位" in _error(checksum)["fields"]["id_number"]
    weak = api.post(ACTIVATE, json=claim_body(made, campus.zju, password="onlyletters"))
    assert weak.status_code == 422
    assert _error(weak)["code"] == "weak_password"
    both = claim_body(made, campus.zju, university_id=campus.zju.id)
    assert api.post(ACTIVATE, json=both).status_code == 422


def test_failures_per_id_number_are_limited(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings, name="孙悦")
    db.commit()
    for _ in range(5):
        response = api.post(ACTIVATE, json=claim_body(made, campus.zju, name="孙月"))
        assert _error(response)["code"] == "activation_failed"
    blocked = api.post(ACTIVATE, json=claim_body(made, campus.zju))  # now even the right data
    assert blocked.status_code == 429
    assert _error(blocked)["code"] == "too_many_attempts"
    assert int(blocked.headers["Retry-After"]) > 0
    other = make_record(db, campus.zju, settings)
    db.commit()
    assert api.post(ACTIVATE, json=claim_body(other, campus.zju)).status_code == 201


def test_failures_per_client_are_limited(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings)
    db.commit()
    for _ in range(CLAIM_FAILURES_PER_CLIENT.max_events):
        guess = claim_body(made, campus.zju, id_number=synthetic_id_number())
        assert _error(api.post(ACTIVATE, json=guess))["code"] == "activation_failed"
    blocked = api.post(ACTIVATE, json=claim_body(made, campus.zju))
    assert blocked.status_code == 429


def test_withdrawn_record_cannot_activate(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings, status=EnrollmentStatus.WITHDRAWN.value)
    db.commit()
    response = api.post(ACTIVATE, json=claim_body(made, campus.zju))
    assert response.status_code == 403
    assert _error(response)["code"] == "registry_status_not_eligible"
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_graduated_record_can_activate(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings, status=EnrollmentStatus.GRADUATED.value)
    db.commit()
    assert api.post(ACTIVATE, json=claim_body(made, campus.zju)).status_code == 201


def test_second_activation_of_a_record_is_refused_with_a_reset_hint(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings)
    db.commit()
    assert api.post(ACTIVATE, json=claim_body(made, campus.zju)).status_code == 201
    again = api.post(ACTIVATE, json=claim_body(made, campus.zju))
    assert again.status_code == 409
    error = _error(again)
    assert error["code"] == "already_activated"
    assert "找回密码" in error["message"]
    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_phone_of_another_account_is_refused(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    first = make_record(db, campus.zju, settings)
    second = make_record(db, campus.zju, settings)
    db.commit()
    phone = synthetic_phone()
    assert api.post(ACTIVATE, json=claim_body(first, campus.zju, phone=phone)).status_code == 201
    clash = api.post(ACTIVATE, json=claim_body(second, campus.zju, phone=phone))
    assert clash.status_code == 409
    assert _error(clash)["code"] == "phone_taken"
    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_person_with_records_at_two_universities_claims_the_one_named(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    """A bachelor's at one university and a master's at another share one ID number."""
    bachelor = make_record(
        db, campus.zjut, settings, status=EnrollmentStatus.GRADUATED.value, graduation_year=2024
    )
    master = make_record(
        db, campus.zju, settings, id_number=bachelor.id_number, degree_level="master"
    )
    db.commit()
    response = api.post(ACTIVATE, json=claim_body(master, campus.zju))
    assert response.status_code == 201
    user = db.get(User, response.json()["user_id"])
    assert user is not None and user.student_record_id == master.id


def test_is_verified_graduate(db: Session, campus: Campus, kit: IdentityKit) -> None:
    made = make_record(db, campus.zju, kit.settings)
    user = make_graduate(db, kit, made, campus.zju)
    assert is_verified_graduate(db, user.id)
    made.record.status = EnrollmentStatus.WITHDRAWN.value
    db.flush()
    assert not is_verified_graduate(db, user.id)
    made.record.status = EnrollmentStatus.GRADUATED.value
    user.status = AccountStatus.DISABLED.value
    db.flush()
    assert not is_verified_graduate(db, user.id)
    assert not is_verified_graduate(db, 987654)
