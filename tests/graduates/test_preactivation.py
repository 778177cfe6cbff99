"""Pre-activation by the career office (无需注册即开通), the code flow, and the verified guard."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.core.settings import Settings
from jobs_api.graduates.activation import is_verified_graduate
from jobs_api.identity.codes import latest_mailbox_code
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.models import (
    AccountStatus,
    CodePurpose,
    DevMailboxMessage,
    OneTimeCode,
    User,
)
from jobs_api.identity.principal import Role
from jobs_api.registry.models import EnrollmentStatus
from tests.factories.graduates import (
    PASSWORD,
    RecordWithId,
    claim_body,
    make_graduate,
    make_record,
    synthetic_phone,
)
from tests.factories.identity import Actor, make_user, sign_in
from tests.graduates.conftest import Campus

PREACTIVATE = "/api/v1/graduates/cohorts/preactivate"
CODE = "/api/v1/graduates/activate/code"
CODE_REQUEST = "/api/v1/graduates/activate/code/request"


def _office(db: Session, settings: Settings, university_id: int) -> Actor:
    user = make_user(db, Role.CAREER_OFFICE, settings, university_id=university_id)
    return sign_in(db, user, settings)


def _cohort(db: Session, campus: Campus, settings: Settings) -> dict[str, RecordWithId]:
    return {
        "a": make_record(db, campus.zju, settings),
        "b": make_record(db, campus.zju, settings, college="电气工程学院", major_code="080601"),
        "withdrawn": make_record(db, campus.zju, settings, status=EnrollmentStatus.WITHDRAWN),
        "other_year": make_record(db, campus.zju, settings, graduation_year=2025),
        "other_university": make_record(db, campus.zjut, settings),
    }


def _account(db: Session, record: RecordWithId) -> User | None:
    return db.scalar(select(User).where(User.student_record_id == record.id))


def _code_body(record: RecordWithId, code: str, **override: Any) -> dict[str, Any]:
    body = {
        "student_number": record.record.student_number,
        "university_code": "10335",
        "code": code,
        "phone": synthetic_phone(),
        "new_password": PASSWORD,
        "consents": ["profile_matching", "share_with_employers"],
    }
    body.update(override)
    return body


def test_preactivation_creates_pending_accounts_once_and_sends_codes(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    records = _cohort(db, campus, settings)
    office = _office(db, settings, campus.zju.id)
    db.commit()

    first = api.post(PREACTIVATE, json={"graduation_year": 2026}, headers=office.headers)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "matched": 3,
        "created": 2,
        "codes_sent": 2,
        "already_had_account": 0,
        "not_eligible": 1,
        "remaining": 0,
    }
    db.expire_all()
    for key in ("a", "b"):
        user = _account(db, records[key])
        assert user is not None
        assert user.status == AccountStatus.PENDING_ACTIVATION
        assert user.role == "graduate"
        assert user.password_hash is None
        assert user.username == f"g10335-{records[key].record.student_number}"
        assert not is_verified_graduate(db, user.id)
        message = db.scalar(select(DevMailboxMessage).where(DevMailboxMessage.user_id == user.id))
        assert message is not None and message.recipient == user.username
        assert latest_mailbox_code(db, user.id, CodePurpose.ACTIVATION) is not None
    for key in ("withdrawn", "other_year", "other_university"):
        assert _account(db, records[key]) is None

    second = api.post(PREACTIVATE, json={"graduation_year": 2026}, headers=office.headers)
    assert second.json() == {
        "matched": 3,
        "created": 0,
        "codes_sent": 0,
        "already_had_account": 2,
        "not_eligible": 1,
        "remaining": 0,
    }
    assert db.scalar(select(func.count()).select_from(User).where(User.role == "graduate")) == 2
    assert db.scalar(select(func.count()).select_from(OneTimeCode)) == 2


def test_large_cohorts_are_done_in_slices(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = [make_record(db, campus.zju, settings) for _ in range(5)]
    office = _office(db, settings, campus.zju.id)
    db.commit()
    body = {"graduation_year": 2026, "limit": 2}
    slices = [api.post(PREACTIVATE, json=body, headers=office.headers).json() for _ in range(4)]
    assert [(s["created"], s["remaining"]) for s in slices] == [(2, 3), (2, 1), (1, 0), (0, 0)]
    assert [s["already_had_account"] for s in slices] == [0, 2, 4, 5]
    db.expire_all()
    first_two = sorted(made, key=lambda m: m.record.student_number)[:2]
    graduates = select(User).where(User.role == "graduate").order_by(User.id).limit(2)
    created_first = {u.student_record_id for u in db.scalars(graduates)}
    assert created_first == {m.id for m in first_two}  # in student-number order
    too_many = api.post(
        PREACTIVATE, json={"graduation_year": 2026, "limit": 5000}, headers=office.headers
    )
    assert too_many.status_code == 422


def test_student_numbers_that_cannot_be_usernames_still_work(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings, student_number="研2026 001")
    office = _office(db, settings, campus.zju.id)
    db.commit()
    assert (
        api.post(PREACTIVATE, json={"graduation_year": 2026}, headers=office.headers).json()[
            "created"
        ]
        == 1
    )
    db.expire_all()
    user = _account(db, made)
    assert user is not None and user.username == f"g10335-r{made.id}"
    code = latest_mailbox_code(db, user.id, CodePurpose.ACTIVATION)
    assert code is not None
    done = api.post(CODE, json=_code_body(made, code))
    assert done.status_code == 201, done.text


def test_preactivation_filters_by_college_and_major(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    records = _cohort(db, campus, settings)
    office = _office(db, settings, campus.zju.id)
    db.commit()
    body = {"graduation_year": 2026, "college": "电气工程学院", "major_code": "080601"}
    response = api.post(PREACTIVATE, json=body, headers=office.headers)
    assert response.json()["created"] == 1
    db.expire_all()
    assert _account(db, records["b"]) is not None
    assert _account(db, records["a"]) is None


def test_pending_account_cannot_sign_in_and_the_code_completes_it(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    records = _cohort(db, campus, settings)
    office = _office(db, settings, campus.zju.id)
    db.commit()
    api.post(PREACTIVATE, json={"graduation_year": 2026}, headers=office.headers)
    db.expire_all()
    user = _account(db, records["a"])
    assert user is not None
    username = user.username or ""
    refused = api.post(
        "/api/v1/auth/token",
        data={"username": username, "password": PASSWORD, "grant_type": "password"},
    )
    assert refused.status_code in {401, 403}
    assert "access_token" not in refused.json()

    wrong = api.post(CODE, json=_code_body(records["a"], "000000"))
    code = latest_mailbox_code(db, user.id, CodePurpose.ACTIVATION)
    assert code is not None
    if code == "000000":  # one in a million: make the wrong code really wrong
        wrong = api.post(CODE, json=_code_body(records["a"], "111111"))
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "invalid_code"
    db.expire_all()
    attempts = db.scalar(select(OneTimeCode.attempts).where(OneTimeCode.user_id == user.id))
    assert attempts == 1  # the wrong try was committed although the request failed

    phone = synthetic_phone()
    done = api.post(CODE, json=_code_body(records["a"], code, phone=phone))
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "active"
    db.expire_all()
    assert is_verified_graduate(db, user.id)
    signed_in = api.post(
        "/api/v1/auth/token",
        data={"username": phone, "password": PASSWORD, "grant_type": "password"},
    )
    assert signed_in.status_code == 200

    reused = api.post(CODE, json=_code_body(records["a"], code))
    assert reused.json()["error"]["code"] == "invalid_code"


def test_unknown_student_number_gets_the_same_answer_as_a_wrong_code(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    made = make_record(db, campus.zju, settings)
    db.commit()
    response = api.post(CODE, json=_code_body(made, "123456", student_number="nobody-here"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_code"


def test_a_fresh_code_can_be_requested_and_the_old_one_stops_working(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    records = _cohort(db, campus, settings)
    office = _office(db, settings, campus.zju.id)
    db.commit()
    api.post(PREACTIVATE, json={"graduation_year": 2026}, headers=office.headers)
    db.expire_all()
    user = _account(db, records["a"])
    assert user is not None
    old = latest_mailbox_code(db, user.id, CodePurpose.ACTIVATION)
    body = {"student_number": records["a"].record.student_number, "university_code": "10335"}
    accepted = api.post(CODE_REQUEST, json=body)
    assert accepted.status_code == 202
    unknown = api.post(CODE_REQUEST, json={**body, "student_number": "0000"})
    assert unknown.status_code == 202 and unknown.json() == accepted.json()
    db.expire_all()
    new = latest_mailbox_code(db, user.id, CodePurpose.ACTIVATION)
    assert new is not None
    if old != new:
        stale = api.post(CODE, json=_code_body(records["a"], old or ""))
        assert stale.json()["error"]["code"] == "invalid_code"
    assert api.post(CODE, json=_code_body(records["a"], new)).status_code == 201
    for _ in range(3):
        api.post(CODE_REQUEST, json=body)
    limited = api.post(CODE_REQUEST, json=body)
    assert limited.status_code == 429


def test_self_claim_completes_a_preactivated_account(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    records = _cohort(db, campus, settings)
    office = _office(db, settings, campus.zju.id)
    db.commit()
    api.post(PREACTIVATE, json={"graduation_year": 2026}, headers=office.headers)
    db.expire_all()
    pending = _account(db, records["a"])
    assert pending is not None
    response = api.post("/api/v1/graduates/activate", json=claim_body(records["a"], campus.zju))
    assert response.status_code == 201
    assert response.json()["user_id"] == pending.id
    db.expire_all()
    assert is_verified_graduate(db, pending.id)


def test_only_a_career_office_preactivates_and_only_its_own_university(
    api: TestClient, db: Session, campus: Campus, settings: Settings
) -> None:
    records = _cohort(db, campus, settings)
    other_office = _office(db, settings, campus.zjut.id)
    national = sign_in(db, make_user(db, Role.NATIONAL_ADMIN, settings), settings)
    db.commit()
    response = api.post(PREACTIVATE, json={"graduation_year": 2026}, headers=other_office.headers)
    assert response.json()["created"] == 1  # the one zjut record, none of zju's
    db.expire_all()
    assert _account(db, records["other_university"]) is not None
    assert _account(db, records["a"]) is None
    denied = api.post(PREACTIVATE, json={"graduation_year": 2026}, headers=national.headers)
    assert denied.status_code == 403
    invalid = api.post(PREACTIVATE, json={"graduation_year": 1900}, headers=other_office.headers)
    assert invalid.status_code == 422
    assert "graduation_year" in invalid.json()["error"]["fields"]


def test_guard_refuses_a_graduate_whose_record_was_withdrawn(
    api: TestClient, db: Session, campus: Campus, settings: Settings, kit: IdentityKit
) -> None:
    made = make_record(db, campus.zju, settings)
    user = make_graduate(db, kit, made, campus.zju)
    actor = sign_in(db, user, settings)
    db.commit()
    assert api.get("/api/v1/graduates/me/profile", headers=actor.headers).status_code == 200
    made.record.status = EnrollmentStatus.WITHDRAWN.value
    db.commit()
    refused = api.get("/api/v1/graduates/me/profile", headers=actor.headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "graduate_not_verified"
