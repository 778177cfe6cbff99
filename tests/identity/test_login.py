"""Signing in: success by username or phone, one answer for wrong password and unknown
account, lockout and its expiry, the per-address limiter, account status, rehash, audit."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.identity import lockout
from jobs_api.identity.errors import (
    AccountDisabled,
    AccountLocked,
    AccountNotActivated,
    InvalidCredentials,
    TooManyAttempts,
)
from jobs_api.identity.kit import IdentityKit, build_identity_kit
from jobs_api.identity.login import password_login
from jobs_api.identity.models import AccountStatus, AuthSession, User
from jobs_api.identity.passwords import PasswordHasher
from jobs_api.identity.principal import Role
from tests.factories.identity import DEFAULT_PASSWORD, make_account

TOKEN_URL = "/api/v1/auth/token"
PHONE = "13812345678"


def _login(client: TestClient, username: str, password: str) -> tuple[int, dict[str, object]]:
    response = client.post(
        TOKEN_URL, data={"username": username, "password": password, "grant_type": "password"}
    )
    return response.status_code, response.json()


def _account(container: Container, kit: IdentityKit, **kwargs: object) -> User:
    with job_session(container.session_factory) as session:
        return make_account(session, kit, **kwargs)  # type: ignore[arg-type]


def _error(body: dict[str, object]) -> dict[str, object]:
    error = body["error"]
    assert isinstance(error, dict)
    return error


@pytest.mark.usefixtures("reference")
def test_sign_in_with_username_and_with_phone(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    user = _account(container, kit, role=Role.CAREER_OFFICE, phone=PHONE)
    for name in (user.username or "", PHONE, (user.username or "").upper()):
        status, body = _login(client, name, DEFAULT_PASSWORD)
        assert status == 200, body
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 900
        assert isinstance(body["refresh_token"], str) and len(body["refresh_token"]) >= 40
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.status_code == 200
        assert me.json()["id"] == user.id
    with job_session(container.session_factory) as session:
        logins = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login")).all()
        stored = session.get(User, user.id)
        assert stored is not None and stored.last_login_at is not None
    assert len(logins) == 3
    assert {e.subject_id for e in logins} == {str(user.id)}


def test_grant_type_must_be_password(client: TestClient) -> None:
    response = client.post(
        TOKEN_URL, data={"username": "someone", "password": "x", "grant_type": "client_credentials"}
    )
    assert response.status_code == 422


@pytest.mark.usefixtures("reference")
def test_wrong_password_and_unknown_account_answer_alike(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    user = _account(container, kit, role=Role.GRADUATE, phone=PHONE)
    wrong = _login(client, user.username or "", "wrong-pass-1")
    unknown = _login(client, "nobody-here", "wrong-pass-1")
    unknown_phone = _login(client, "13900000000", "wrong-pass-1")
    assert wrong == unknown == unknown_phone
    assert wrong[0] == 401
    assert _error(wrong[1])["code"] == "invalid_credentials"
    assert _error(wrong[1])["message"] == "用户名或密码错误 (wrong username or password)"
    with job_session(container.session_factory) as session:
        failures = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "auth.login_failed")
            .order_by(AuditEvent.id)
        ).all()
    assert [f.detail["reason"] for f in failures] == [
        "wrong_password",
        "unknown_account",
        "unknown_account",
    ]
    # the phone typed as a login name is masked in the audit log
    assert failures[2].detail["login_name"] == "139****0000"
    assert all("13900000000" not in str(f.detail) for f in failures)


@pytest.mark.usefixtures("reference")
def test_unknown_account_takes_as_long_as_a_wrong_password(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, role=Role.GRADUATE)

    def duration(name: str) -> float:
        started = time.perf_counter()
        with pytest.raises(InvalidCredentials):
            password_login(db, kit, name, "wrong-pass-1", client_ip=f"10.9.{len(name)}.1")
        return time.perf_counter() - started

    wrong = min(duration(user.username or "") for _ in range(3))
    unknown = min(duration(f"ghost-{i}") for i in range(3))
    # both spend one Argon2 verification (tens of milliseconds); a shortcut would be ~0
    assert unknown > 0.4 * wrong
    assert wrong > 0.4 * unknown


@pytest.mark.usefixtures("reference")
def test_five_failures_lock_the_account_for_fifteen_minutes(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    user = _account(container, kit, role=Role.GRADUATE)
    name = user.username or ""
    answers = [_login(client, name, f"wrong-pass-{i}")[0] for i in range(5)]
    assert answers == [401, 401, 401, 401, 423]
    response = client.post(
        TOKEN_URL, data={"username": name, "password": DEFAULT_PASSWORD, "grant_type": "password"}
    )
    assert response.status_code == 423
    error = response.json()["error"]
    assert error["code"] == "account_locked"
    assert "北京时间" in error["message"] and "分钟" in error["message"]
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60 + 1
    with job_session(container.session_factory) as session:
        stored = session.get(User, user.id)
        assert stored is not None
        assert stored.lockouts == 1 and stored.failed_logins == 0
        assert stored.locked_until is not None
        locks = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.account_locked")
        ).all()
    assert len(locks) == 1 and locks[0].subject_id == str(user.id)


@pytest.mark.usefixtures("reference")
def test_lock_expires_and_doubles_and_success_resets(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, role=Role.GRADUATE)
    name, t0 = user.username or "", utcnow()

    def fail(now_offset: timedelta) -> None:
        with pytest.raises((InvalidCredentials, AccountLocked)):
            password_login(db, kit, name, "wrong-pass-1", client_ip="10.1.1.1", now=t0 + now_offset)

    for i in range(5):
        fail(timedelta(seconds=i))
    assert user.locked_until is not None
    first_lock = user.locked_until - (t0 + timedelta(seconds=4))
    assert first_lock == timedelta(minutes=15)
    with pytest.raises(AccountLocked):  # the right password does not help while locked
        password_login(
            db, kit, name, DEFAULT_PASSWORD, client_ip="10.1.1.2", now=t0 + timedelta(minutes=14)
        )
    # after the lock: five more failures lock for twice as long
    later = timedelta(minutes=16)
    for i in range(5):
        fail(later + timedelta(seconds=i))
    assert user.locked_until - (t0 + later + timedelta(seconds=4)) == timedelta(minutes=30)
    assert user.lockouts == 2
    # when it ends, the right password signs in and clears everything
    pair = password_login(
        db, kit, name, DEFAULT_PASSWORD, client_ip="10.1.1.3", now=t0 + timedelta(minutes=47)
    )
    assert pair.access_token
    assert (user.failed_logins, user.lockouts, user.locked_until) == (0, 0, None)


def test_lock_duration_doubles_up_to_a_day() -> None:
    state, now, durations = lockout.LockoutState(), utcnow(), []
    for _ in range(9):
        for _ in range(lockout.MAX_FAILURES):
            state = state.after_failure(now)
        assert state.locked_until is not None
        durations.append(state.locked_until - now)
        now = state.locked_until
    assert [d.total_seconds() / 60 for d in durations] == [
        15,
        30,
        60,
        120,
        240,
        480,
        960,
        1440,
        1440,
    ]


@pytest.mark.usefixtures("reference")
def test_success_resets_the_failure_counter(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, role=Role.GRADUATE)
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            password_login(db, kit, user.username or "", "wrong-pass-1", client_ip="10.2.0.1")
    assert user.failed_logins == 4
    password_login(db, kit, user.username or "", DEFAULT_PASSWORD, client_ip="10.2.0.1")
    assert user.failed_logins == 0
    for _ in range(4):  # four more do not lock: the count started again
        with pytest.raises(InvalidCredentials):
            password_login(db, kit, user.username or "", "wrong-pass-1", client_ip="10.2.0.1")
    assert user.locked_until is None


@pytest.mark.usefixtures("reference")
def test_unknown_names_lock_like_real_accounts(db: Session, kit: IdentityKit) -> None:
    """The lockout must not tell which names exist: a name without an account locks too."""
    errors = []
    for _ in range(6):
        try:
            password_login(db, kit, "13700001111", "wrong-pass-1", client_ip="10.3.0.1")
        except (InvalidCredentials, AccountLocked) as exc:
            errors.append(exc.code)
    assert errors == ["invalid_credentials"] * 4 + ["account_locked"] * 2
    assert db.scalar(select(User).where(User.username == "13700001111")) is None


@pytest.mark.usefixtures("reference")
def test_per_address_limiter(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, role=Role.GRADUATE)
    t0 = utcnow()
    for i in range(20):  # a spray: one try per name, so no account lock is involved
        with pytest.raises(InvalidCredentials):
            password_login(db, kit, f"spray-{i}", "wrong-pass-1", client_ip="10.4.0.1", now=t0)
    with pytest.raises(TooManyAttempts) as caught:
        password_login(db, kit, user.username or "", DEFAULT_PASSWORD, client_ip="10.4.0.1", now=t0)
    assert caught.value.status_code == 429
    assert caught.value.code == "too_many_attempts"
    assert 0 < caught.value.retry_after <= 15 * 60 + 1
    # another address is not affected, and the window passes
    assert password_login(
        db, kit, user.username or "", DEFAULT_PASSWORD, client_ip="10.4.0.2", now=t0
    )
    assert password_login(
        db,
        kit,
        user.username or "",
        DEFAULT_PASSWORD,
        client_ip="10.4.0.1",
        now=t0 + timedelta(minutes=15, seconds=1),
    )


@pytest.mark.usefixtures("reference")
def test_per_address_limiter_over_http(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    user = _account(container, kit, role=Role.GRADUATE)
    for i in range(20):
        assert _login(client, f"spray-{i}", "wrong-pass-1")[0] == 401
    response = client.post(
        TOKEN_URL,
        data={"username": user.username, "password": DEFAULT_PASSWORD, "grant_type": "password"},
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_attempts"
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.usefixtures("reference")
def test_pending_disabled_and_deleted_accounts_cannot_sign_in(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    pending = _account(container, kit, role=Role.CAREER_OFFICE, password=None)
    status, body = _login(client, pending.username or "", "any-pass-123")
    assert status == 403
    assert _error(body)["code"] == "account_not_activated"
    assert "激活" in str(_error(body)["message"])
    for state in (AccountStatus.DISABLED, AccountStatus.DELETED):
        user = _account(container, kit, role=Role.GRADUATE)
        with job_session(container.session_factory) as session:
            stored = session.get(User, user.id)
            assert stored is not None
            stored.status = state
        assert _login(client, user.username or "", "wrong-pass-1")[0] == 401
        status, body = _login(client, user.username or "", DEFAULT_PASSWORD)
        assert status == 403 and _error(body)["code"] == "account_disabled"
    with job_session(container.session_factory) as session:
        assert session.scalars(select(AuthSession)).all() == []


@pytest.mark.usefixtures("reference")
def test_service_refusals_for_pending_accounts(db: Session, kit: IdentityKit) -> None:
    pending = make_account(db, kit, role=Role.CAREER_OFFICE, password=None)
    with pytest.raises(AccountNotActivated):
        password_login(db, kit, pending.username or "", "any-pass-123", client_ip="10.5.0.1")
    disabled = make_account(db, kit, role=Role.GRADUATE)
    disabled.status = AccountStatus.DISABLED
    with pytest.raises(AccountDisabled):
        password_login(db, kit, disabled.username or "", DEFAULT_PASSWORD, client_ip="10.5.0.1")


@pytest.mark.usefixtures("reference")
def test_rehash_on_sign_in_when_parameters_change(
    db: Session, kit: IdentityKit, container: Container
) -> None:
    cheap = build_identity_kit(
        container.settings,
        hasher=PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1),
        attempts=kit.attempts,
    )
    user = make_account(db, cheap, role=Role.GRADUATE)
    old_hash = user.password_hash or ""
    assert "m=8192,t=1,p=1" in old_hash
    password_login(db, cheap, user.username or "", DEFAULT_PASSWORD, client_ip="10.6.0.1")
    assert user.password_hash == old_hash  # same parameters: left alone
    password_login(db, kit, user.username or "", DEFAULT_PASSWORD, client_ip="10.6.0.1")
    assert user.password_hash != old_hash
    assert "m=65536,t=3,p=4" in (user.password_hash or "")
    assert kit.hasher.verify(user.password_hash or "", DEFAULT_PASSWORD)
    # a failed sign-in never rehashes
    with pytest.raises(InvalidCredentials):
        password_login(db, cheap, user.username or "", "wrong-pass-1", client_ip="10.6.0.1")
    assert "m=65536,t=3,p=4" in (user.password_hash or "")


@pytest.mark.usefixtures("reference")
def test_parallel_guesses_cannot_race_past_the_lockout(
    container: Container, kit: IdentityKit
) -> None:
    """Ten guesses at once against one account: the row lock makes them count one by one, so
    the fifth locks the account and the rest are refused as locked (PostgreSQL)."""
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks; the embedded platform serialises writes")
    with job_session(container.session_factory) as session:
        user = make_account(session, kit, role=Role.GRADUATE)
    name = user.username or ""
    codes: list[str] = []
    lock = threading.Lock()

    def guess(i: int) -> None:
        with job_session(container.session_factory) as session:
            try:
                password_login(session, kit, name, f"wrong-{i}-x", client_ip=f"10.20.0.{i}")
            except (InvalidCredentials, AccountLocked) as exc:  # committed, as the route does
                with lock:
                    codes.append(exc.code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == ["account_locked"] * 6 + ["invalid_credentials"] * 4, codes
    with job_session(container.session_factory) as session:
        stored = session.get(User, user.id)
        assert stored is not None and stored.lockouts == 1 and stored.locked_until is not None
