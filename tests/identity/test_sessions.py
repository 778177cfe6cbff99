"""Refresh-token rotation and reuse detection, sign-out, sign-out everywhere, /me."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.identity import sessions
from jobs_api.identity.errors import InvalidRefreshToken, RefreshTokenReused, SessionRevoked
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.login import password_login
from jobs_api.identity.models import AccountStatus, AuthSession, RefreshToken, User
from jobs_api.identity.principal import Role
from jobs_api.identity.tokens import decode_access_token
from tests.factories.identity import DEFAULT_PASSWORD, make_account

pytestmark = pytest.mark.usefixtures("reference")


def _sign_in(client: TestClient, container: Container, kit: IdentityKit) -> tuple[User, dict]:
    with job_session(container.session_factory) as session:
        user = make_account(session, kit, Role.GRADUATE)
    response = client.post(
        "/api/v1/auth/token",
        data={"username": user.username, "password": DEFAULT_PASSWORD, "grant_type": "password"},
    )
    assert response.status_code == 200, response.text
    return user, response.json()


def _bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _refresh(client: TestClient, token: str) -> tuple[int, dict]:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": token})
    return response.status_code, response.json()


def test_refresh_rotates_the_pair(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    user, first = _sign_in(client, container, kit)
    status, second = _refresh(client, first["refresh_token"])
    assert status == 200, second
    assert second["refresh_token"] != first["refresh_token"]
    assert second["expires_in"] == 900
    secret = container.settings.secret_key.get_secret_value()
    same_session = decode_access_token(first["access_token"], secret).session_id
    assert decode_access_token(second["access_token"], secret).session_id == same_session
    assert client.get("/api/v1/me", headers=_bearer(second)).json()["id"] == user.id
    status, third = _refresh(client, second["refresh_token"])
    assert status == 200
    with job_session(container.session_factory) as session:
        chain = session.scalars(
            select(RefreshToken)
            .where(RefreshToken.session_id == same_session)
            .order_by(RefreshToken.id)
        ).all()
        stored_hashes = {t.token_hash for t in chain}
    assert len(chain) == 3
    assert [t.used_at is not None for t in chain] == [True, True, False]
    assert chain[0].replaced_by == chain[1].id and chain[1].replaced_by == chain[2].id
    # only hashes are stored
    for raw in (first["refresh_token"], second["refresh_token"], third["refresh_token"]):
        assert raw not in stored_hashes
        assert sessions.hash_refresh_token(raw) in stored_hashes


def test_reuse_revokes_the_session_and_its_access_tokens_at_once(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    _user, first = _sign_in(client, container, kit)
    _status, second = _refresh(client, first["refresh_token"])
    assert client.get("/api/v1/me", headers=_bearer(second)).status_code == 200
    status, body = _refresh(client, first["refresh_token"])  # the old one again: reuse
    assert status == 401
    assert body["error"]["code"] == "refresh_token_reused"
    me = client.get("/api/v1/me", headers=_bearer(second))
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "session_revoked"
    # the newest refresh token of the family is dead too
    status, body = _refresh(client, second["refresh_token"])
    assert status == 401 and body["error"]["code"] == "session_revoked"
    with job_session(container.session_factory) as session:
        revoked = session.scalars(select(AuthSession)).one()
        assert revoked.revoked_reason == "refresh_token_reused"
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.session_revoked")
        ).one()
    assert audit.detail["reason"] == "refresh_token_reused"


def test_unknown_and_expired_refresh_tokens(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    t0 = utcnow()
    pair = password_login(
        db, kit, user.username or "", DEFAULT_PASSWORD, client_ip="10.0.0.1", now=t0
    )
    with pytest.raises(InvalidRefreshToken):
        sessions.refresh(db, "not-a-token", secret=kit.secret, now=t0)
    with pytest.raises(InvalidRefreshToken):
        sessions.refresh(db, pair.refresh_token, secret=kit.secret, now=t0 + timedelta(days=15))
    # within 14 days it works; the session still ends 30 days after sign-in
    later = t0 + timedelta(days=13)
    renewed = sessions.refresh(db, pair.refresh_token, secret=kit.secret, now=later)
    auth_session = db.get(AuthSession, pair.session_id)
    assert auth_session is not None
    assert auth_session.expires_at == t0 + timedelta(days=30)
    token = db.scalar(
        select(RefreshToken).where(
            RefreshToken.token_hash == sessions.hash_refresh_token(renewed.refresh_token)
        )
    )
    assert token is not None and token.expires_at == later + timedelta(days=14)
    last = sessions.refresh(
        db, renewed.refresh_token, secret=kit.secret, now=t0 + timedelta(days=26)
    )
    token = db.scalar(
        select(RefreshToken).where(
            RefreshToken.token_hash == sessions.hash_refresh_token(last.refresh_token)
        )
    )
    assert token is not None and token.expires_at == t0 + timedelta(days=30)  # capped
    with pytest.raises(InvalidRefreshToken):
        sessions.refresh(db, last.refresh_token, secret=kit.secret, now=t0 + timedelta(days=31))


def test_refresh_refused_when_the_account_was_disabled(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    pair = password_login(db, kit, user.username or "", DEFAULT_PASSWORD, client_ip="10.0.0.1")
    user.status = AccountStatus.DISABLED
    with pytest.raises(SessionRevoked):
        sessions.refresh(db, pair.refresh_token, secret=kit.secret)
    auth_session = db.get(AuthSession, pair.session_id)
    assert auth_session is not None and auth_session.revoked_reason == "account_unavailable"


def test_reuse_at_service_level_raises_and_revokes(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.GRADUATE)
    pair = password_login(db, kit, user.username or "", DEFAULT_PASSWORD, client_ip="10.0.0.1")
    sessions.refresh(db, pair.refresh_token, secret=kit.secret)
    with pytest.raises(RefreshTokenReused):
        sessions.refresh(db, pair.refresh_token, secret=kit.secret)
    auth_session = db.get(AuthSession, pair.session_id)
    assert auth_session is not None and auth_session.revoked_at is not None


def test_logout_revokes_only_the_current_session(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    user, first = _sign_in(client, container, kit)
    second = client.post(
        "/api/v1/auth/token",
        data={"username": user.username, "password": DEFAULT_PASSWORD, "grant_type": "password"},
    ).json()
    # the refresh token must belong to the session being ended
    wrong = client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": second["refresh_token"]},
        headers=_bearer(first),
    )
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_refresh_token"
    response = client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": first["refresh_token"]},
        headers=_bearer(first),
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(first)).json()["error"]["code"] == (
        "session_revoked"
    )
    assert _refresh(client, first["refresh_token"])[1]["error"]["code"] == "session_revoked"
    assert client.get("/api/v1/me", headers=_bearer(second)).status_code == 200


def test_logout_all_revokes_every_session(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    user, first = _sign_in(client, container, kit)
    second = client.post(
        "/api/v1/auth/token",
        data={"username": user.username, "password": DEFAULT_PASSWORD, "grant_type": "password"},
    ).json()
    _other_user, other = _sign_in(client, container, kit)
    response = client.post(
        "/api/v1/auth/logout-all",
        json={"refresh_token": second["refresh_token"]},
        headers=_bearer(second),
    )
    assert response.status_code == 204
    for tokens in (first, second):
        me = client.get("/api/v1/me", headers=_bearer(tokens))
        assert me.status_code == 401 and me.json()["error"]["code"] == "session_revoked"
    assert client.get("/api/v1/me", headers=_bearer(other)).status_code == 200
    with job_session(container.session_factory) as session:
        reasons = {
            s.revoked_reason
            for s in session.scalars(select(AuthSession).where(AuthSession.user_id == user.id))
        }
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.sessions_revoked")
        ).one()
    assert reasons == {"logout_all"}
    assert audit.detail["sessions"] == 2


def test_me_shows_role_scope_and_masked_phone(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    with job_session(container.session_factory) as session:
        user = make_account(session, kit, Role.CAREER_OFFICE, phone="13812345678")
        member = make_account(session, kit, Role.EMPLOYER_MEMBER)
        admin = make_account(session, kit, Role.PROVINCIAL_ADMIN)
        graduate = make_account(session, kit, Role.GRADUATE)
    views = {}
    for account in (user, member, admin, graduate):
        tokens = client.post(
            "/api/v1/auth/token",
            data={
                "username": account.username,
                "password": DEFAULT_PASSWORD,
                "grant_type": "password",
            },
        ).json()
        response = client.get("/api/v1/me", headers=_bearer(tokens))
        assert response.status_code == 200
        views[account.role] = response.json()
    office = views["career_office"]
    assert office["phone_masked"] == "138****5678"
    assert "13812345678" not in str(office)
    assert office["status"] == "active"
    assert office["scope"]["university_name"] == "浙江大学"
    assert views["employer_member"]["scope"]["employer_role"] == "owner"
    assert views["employer_member"]["scope"]["employer_name"]
    assert views["provincial_admin"]["scope"]["province_code"] == "330000"
    assert views["provincial_admin"]["scope"]["province_name"] == "浙江省"
    assert views["graduate"]["scope"]["student_record_id"] == graduate.student_record_id
    assert views["graduate"]["scope"]["university_name"] == "浙江大学"
    assert client.get("/api/v1/me").json()["error"]["code"] == "not_authenticated"
