"""Password reset with one-time codes (end to end, codes read from the development mailbox
through the service), code rules (expiry, single use, attempts, supersession), change of
password, activation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.identity import codes
from jobs_api.identity.errors import (
    AccountLocked,
    InvalidCode,
    InvalidCredentials,
    TooManyAttempts,
    WeakPassword,
)
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.login import password_login
from jobs_api.identity.models import AuthSession, CodePurpose, DevMailboxMessage, OneTimeCode, User
from jobs_api.identity.principal import Role
from jobs_api.identity.reset import (
    RESET_ACCEPTED_MESSAGE,
    activate_account,
    confirm_password_reset,
    request_password_reset,
)
from tests.factories.identity import DEFAULT_PASSWORD, make_account

pytestmark = pytest.mark.usefixtures("reference")
NEW_PASSWORD = "New-pass-2027"
PHONE = "13812345678"


def _token(client: TestClient, username: str, password: str) -> dict:
    response = client.post(
        "/api/v1/auth/token",
        data={"username": username, "password": password, "grant_type": "password"},
    )
    return {"status": response.status_code, **response.json()}


def _code(container: Container, user_id: int, purpose: CodePurpose) -> str:
    with job_session(container.session_factory) as session:
        code = codes.latest_mailbox_code(session, user_id, purpose)
    assert code is not None and len(code) == 6
    return code


def test_reset_end_to_end(client: TestClient, container: Container, kit: IdentityKit) -> None:
    with job_session(container.session_factory) as session:
        user = make_account(session, kit, Role.GRADUATE, phone=PHONE)
    old = _token(client, user.username or "", DEFAULT_PASSWORD)
    for _ in range(3):  # some failures on the way, to see the counter cleared
        _token(client, user.username or "", "wrong-pass-1")
    response = client.post("/api/v1/auth/password-reset/request", json={"username": PHONE})
    assert response.status_code == 202
    assert response.json() == {"message": RESET_ACCEPTED_MESSAGE}
    code = _code(container, user.id, CodePurpose.PASSWORD_RESET)
    with job_session(container.session_factory) as session:
        message = session.scalars(select(DevMailboxMessage)).one()
        stored = session.scalars(select(OneTimeCode)).one()
    assert message.recipient == "138****5678" and message.channel == "sms"
    assert code in message.body and "10 分钟" in message.body
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    response = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"username": user.username, "code": code, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204, response.text
    # every session ended; the old password is gone, the new one works
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {old['access_token']}"})
    assert me.json()["error"]["code"] == "session_revoked"
    assert _token(client, user.username or "", DEFAULT_PASSWORD)["status"] == 401
    assert _token(client, user.username or "", NEW_PASSWORD)["status"] == 200
    # the code worked once
    again = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"username": user.username, "code": code, "new_password": "Other-pass-2028"},
    )
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid_code"
    with job_session(container.session_factory) as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"auth.password_reset_requested", "auth.password_reset", "auth.sessions_revoked"} <= (
        actions
    )


def test_reset_clears_a_lockout(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    for _ in range(5):
        with pytest.raises((InvalidCredentials, AccountLocked)):
            password_login(db, kit, user.username or "", "wrong-pass-1", client_ip="10.7.0.1")
    assert user.locked_until is not None
    request_password_reset(db, kit, user.username or "", client_ip="10.7.0.2")
    code = codes.latest_mailbox_code(db, user.id, CodePurpose.PASSWORD_RESET)
    assert code is not None
    confirm_password_reset(db, kit, user.username or "", code, NEW_PASSWORD, client_ip="10.7.0.2")
    assert (user.failed_logins, user.lockouts, user.locked_until) == (0, 0, None)
    assert password_login(db, kit, user.username or "", NEW_PASSWORD, client_ip="10.7.0.3")


def test_request_answers_alike_for_unknown_accounts(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    with job_session(container.session_factory) as session:
        user = make_account(session, kit, Role.GRADUATE)
    known = client.post("/api/v1/auth/password-reset/request", json={"username": user.username})
    unknown = client.post("/api/v1/auth/password-reset/request", json={"username": "nobody-x"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 202
    with job_session(container.session_factory) as session:
        assert len(session.scalars(select(DevMailboxMessage)).all()) == 1
    # confirming for an unknown account gives the same answer as a wrong code
    bad = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"username": "nobody-x", "code": "123456", "new_password": NEW_PASSWORD},
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_code"


def test_reset_requests_are_rate_limited(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    now = utcnow()
    for _ in range(3):
        request_password_reset(db, kit, user.username or "", client_ip="10.8.0.1", now=now)
    with pytest.raises(TooManyAttempts):  # per name, whatever the address
        request_password_reset(db, kit, user.username or "", client_ip="10.8.0.2", now=now)
    with pytest.raises(TooManyAttempts):  # unknown names are counted the same way
        for _ in range(4):
            request_password_reset(db, kit, "nobody-y", client_ip="10.8.0.3", now=now)
    for i in range(10):  # per address: 10 requests, then 429
        request_password_reset(db, kit, f"someone-{i}", client_ip="10.8.0.4", now=now)
    with pytest.raises(TooManyAttempts):
        request_password_reset(db, kit, "someone-else", client_ip="10.8.0.4", now=now)
    later = now + timedelta(minutes=16)
    request_password_reset(db, kit, user.username or "", client_ip="10.8.0.4", now=later)


def test_codes_expire_after_ten_minutes(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    t0 = utcnow()
    code = codes.issue_code(db, user, CodePurpose.PASSWORD_RESET, secret=kit.secret, now=t0)
    with pytest.raises(InvalidCode):
        codes.consume_code(
            db,
            user,
            CodePurpose.PASSWORD_RESET,
            code,
            secret=kit.secret,
            now=t0 + timedelta(minutes=10, seconds=1),
        )
    code = codes.issue_code(db, user, CodePurpose.PASSWORD_RESET, secret=kit.secret, now=t0)
    codes.consume_code(
        db,
        user,
        CodePurpose.PASSWORD_RESET,
        code,
        secret=kit.secret,
        now=t0 + timedelta(minutes=9, seconds=59),
    )


def test_codes_are_single_use_and_bound_to_purpose(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    code = codes.issue_code(db, user, CodePurpose.PASSWORD_RESET, secret=kit.secret)
    with pytest.raises(InvalidCode):
        codes.consume_code(db, user, CodePurpose.ACTIVATION, code, secret=kit.secret)
    codes.consume_code(db, user, CodePurpose.PASSWORD_RESET, code, secret=kit.secret)
    with pytest.raises(InvalidCode):
        codes.consume_code(db, user, CodePurpose.PASSWORD_RESET, code, secret=kit.secret)


def test_a_new_code_replaces_the_old_one(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    first = codes.issue_code(db, user, CodePurpose.PASSWORD_RESET, secret=kit.secret)
    other_purpose = codes.issue_code(db, user, CodePurpose.ACTIVATION, secret=kit.secret)
    second = codes.issue_code(db, user, CodePurpose.PASSWORD_RESET, secret=kit.secret)
    if first != second:
        with pytest.raises(InvalidCode):
            codes.consume_code(db, user, CodePurpose.PASSWORD_RESET, first, secret=kit.secret)
    codes.consume_code(db, user, CodePurpose.PASSWORD_RESET, second, secret=kit.secret)
    # a code of another purpose is untouched
    codes.consume_code(db, user, CodePurpose.ACTIVATION, other_purpose, secret=kit.secret)


def test_five_wrong_tries_burn_the_code(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    with job_session(container.session_factory) as session:
        user = make_account(session, kit, Role.GRADUATE)
    client.post("/api/v1/auth/password-reset/request", json={"username": user.username})
    code = _code(container, user.id, CodePurpose.PASSWORD_RESET)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for attempt in range(5):
        response = client.post(
            "/api/v1/auth/password-reset/confirm",
            json={"username": user.username, "code": wrong, "new_password": NEW_PASSWORD},
        )
        assert response.status_code == 400, attempt
        assert response.json()["error"]["code"] == "invalid_code"
    with job_session(container.session_factory) as session:
        assert session.scalars(select(OneTimeCode.attempts)).one() == 5  # committed
    response = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"username": user.username, "code": code, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 400  # even the right code: used up
    assert _token(client, user.username or "", DEFAULT_PASSWORD)["status"] == 200


def test_malformed_codes_are_refused(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    codes.issue_code(db, user, CodePurpose.PASSWORD_RESET, secret=kit.secret)
    for bad in ("", "12345", "1234567", "abcdef"):
        with pytest.raises(InvalidCode):
            codes.consume_code(db, user, CodePurpose.PASSWORD_RESET, bad, secret=kit.secret)


def test_weak_new_password_keeps_the_code(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    request_password_reset(db, kit, user.username or "", client_ip="10.9.0.1")
    code = codes.latest_mailbox_code(db, user.id, CodePurpose.PASSWORD_RESET)
    assert code is not None
    with pytest.raises(WeakPassword):
        confirm_password_reset(db, kit, user.username or "", code, "short", client_ip="10.9.0.1")
    confirm_password_reset(db, kit, user.username or "", code, NEW_PASSWORD, client_ip="10.9.0.1")


def test_change_password_revokes_other_sessions(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    with job_session(container.session_factory) as session:
        user = make_account(session, kit, Role.EMPLOYER_MEMBER)
    this = _token(client, user.username or "", DEFAULT_PASSWORD)
    other = _token(client, user.username or "", DEFAULT_PASSWORD)
    headers = {"Authorization": f"Bearer {this['access_token']}"}
    wrong = client.post(
        "/api/v1/auth/password",
        json={"old_password": "wrong-pass-1", "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_password"
    weak = client.post(
        "/api/v1/auth/password",
        json={"old_password": DEFAULT_PASSWORD, "new_password": "abcdefgh"},
        headers=headers,
    )
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "weak_password"
    assert weak.json()["error"]["fields"] == {
        "new_password": "密码需至少包含字母、数字、符号中的两类"
    }
    done = client.post(
        "/api/v1/auth/password",
        json={"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert done.status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    gone = client.get("/api/v1/me", headers={"Authorization": f"Bearer {other['access_token']}"})
    assert gone.json()["error"]["code"] == "session_revoked"
    assert _token(client, user.username or "", NEW_PASSWORD)["status"] == 200
    with job_session(container.session_factory) as session:
        stored = session.get(User, user.id)
        assert stored is not None and stored.failed_logins == 0
        assert (
            len(session.scalars(select(AuthSession).where(AuthSession.revoked_at.is_(None))).all())
            == 2
        )


def test_wrong_current_password_counts_towards_the_lockout(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    with job_session(container.session_factory) as session:
        user = make_account(session, kit, Role.GRADUATE)
    access = _token(client, user.username or "", DEFAULT_PASSWORD)["access_token"]
    headers = {"Authorization": f"Bearer {access}"}
    statuses = [
        client.post(
            "/api/v1/auth/password",
            json={"old_password": "wrong-pass-1", "new_password": NEW_PASSWORD},
            headers=headers,
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [400, 400, 400, 400, 423, 423]
    assert _token(client, user.username or "", DEFAULT_PASSWORD)["status"] == 423


def test_activation_with_code(client: TestClient, container: Container, kit: IdentityKit) -> None:
    with job_session(container.session_factory) as session:
        user = make_account(session, kit, Role.CAREER_OFFICE, password=None)
        assert user.status == "pending_activation" and user.password_hash is None
    code = _code(container, user.id, CodePurpose.ACTIVATION)
    wrong = client.post(
        "/api/v1/auth/activate",
        json={
            "username": user.username,
            "code": "000000" if code != "000000" else "111111",
            "new_password": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_code"
    response = client.post(
        "/api/v1/auth/activate",
        json={"username": user.username, "code": code, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204, response.text
    assert _token(client, user.username or "", NEW_PASSWORD)["status"] == 200
    again = client.post(  # an active account has nothing to activate
        "/api/v1/auth/activate",
        json={"username": user.username, "code": code, "new_password": NEW_PASSWORD},
    )
    assert again.status_code == 400


def test_reset_is_not_offered_to_pending_accounts(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.CAREER_OFFICE, password=None)
    before = len(codes.list_mailbox(db, user_id=user.id))
    request_password_reset(db, kit, user.username or "", client_ip="10.10.0.1")
    assert len(codes.list_mailbox(db, user_id=user.id)) == before
    activation = codes.latest_mailbox_code(db, user.id, CodePurpose.ACTIVATION)
    assert activation is not None
    with pytest.raises(InvalidCode):  # the activation code is no reset code
        confirm_password_reset(
            db, kit, user.username or "", activation, NEW_PASSWORD, client_ip="10.10.0.1"
        )
    activate_account(db, kit, user.username or "", activation, NEW_PASSWORD, client_ip="10.10.0.1")
    assert user.status == "active"
