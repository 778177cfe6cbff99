"""Account creation: scope per role, who may create whom (national / provincial admins,
employer owners), the national-admin CLI function, the development mailbox."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.app import create_app
from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.errors import Conflict
from jobs_api.core.settings import Settings
from jobs_api.identity import codes
from jobs_api.identity.accounts import NewAccount, create_account, ensure_national_admin
from jobs_api.identity.api import build_router
from jobs_api.identity.config import DevMailboxInProduction, IdentitySettings
from jobs_api.identity.errors import (
    InvalidAccount,
    OutOfScope,
    PhoneTaken,
    RoleNotAllowed,
    StudentRecordTaken,
    UsernameTaken,
    WeakPassword,
)
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.login import password_login
from jobs_api.identity.models import AccountStatus, CodePurpose, User
from jobs_api.identity.principal import EmployerRole, Principal, Role
from jobs_api.identity.sessions import principal_for
from tests.factories.identity import (
    DEFAULT_PASSWORD,
    make_account,
    make_student_record,
    make_university,
    synthetic_id_number,
)
from tests.factories.jobs import make_employer

pytestmark = pytest.mark.usefixtures("reference")
PRODUCTION_SECRET = "a-production-secret-that-is-long-enough-0123456789"


def _headers(client: TestClient, username: str, password: str = DEFAULT_PASSWORD) -> dict:
    response = client.post(
        "/api/v1/auth/token",
        data={"username": username, "password": password, "grant_type": "password"},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


# --- scope validation per role -------------------------------------------------------------


def test_each_role_needs_its_scope(db: Session, kit: IdentityKit, container: Container) -> None:
    university = make_university(db)
    employer = make_employer(db)
    record = make_student_record(
        db, university, container.settings, id_number=synthetic_id_number(), student_number="S1"
    )
    cases: list[tuple[NewAccount, str]] = [
        (NewAccount(Role.CAREER_OFFICE, "office-a"), "university_id"),
        (NewAccount(Role.CAREER_OFFICE, "office-b", university_id=999_999), "university_id"),
        (NewAccount(Role.PROVINCIAL_ADMIN, "prov-a"), "province_code"),
        (NewAccount(Role.PROVINCIAL_ADMIN, "prov-b", province_code="330100"), "province_code"),
        (
            NewAccount(Role.EMPLOYER_MEMBER, "emp-a", employer_role=EmployerRole.OWNER),
            "employer_id",
        ),
        (NewAccount(Role.EMPLOYER_MEMBER, "emp-b", employer_id=employer.id), "employer_role"),
        (NewAccount(Role.GRADUATE, "grad-a"), "student_record_id"),
        (
            NewAccount(Role.GRADUATE, "grad-b", student_record_id=record.id, university_id=1),
            "university_id",
        ),
        (NewAccount(Role.NATIONAL_ADMIN, "nat-a", province_code="330000"), "province_code"),
    ]
    for spec, field in cases:
        spec.password = DEFAULT_PASSWORD
        with pytest.raises(InvalidAccount) as caught:
            create_account(db, kit, spec, actor=None)
        assert field in caught.value.fields, spec
    good = [
        NewAccount(Role.CAREER_OFFICE, "office-ok", university_id=university.id),
        NewAccount(Role.PROVINCIAL_ADMIN, "prov-ok", province_code="330000"),
        NewAccount(
            Role.EMPLOYER_MEMBER,
            "emp-ok",
            employer_id=employer.id,
            employer_role=EmployerRole.OWNER,
        ),
        NewAccount(Role.GRADUATE, "grad-ok", student_record_id=record.id),
    ]
    for spec in good:
        spec.password = DEFAULT_PASSWORD
        assert create_account(db, kit, spec, actor=None).user.status == AccountStatus.ACTIVE
    with pytest.raises(StudentRecordTaken):
        create_account(
            db,
            kit,
            NewAccount(Role.GRADUATE, "grad-two", student_record_id=record.id, password=None),
            actor=None,
        )


def test_identity_fields_are_checked(db: Session, kit: IdentityKit) -> None:
    make_account(db, kit, Role.PROVINCIAL_ADMIN, username="taken-name", phone="13812345678")
    spec = {"province_code": "330000", "password": DEFAULT_PASSWORD}
    with pytest.raises(UsernameTaken):
        create_account(db, kit, NewAccount(Role.PROVINCIAL_ADMIN, "Taken-Name", **spec), actor=None)
    with pytest.raises(PhoneTaken):
        create_account(
            db,
            kit,
            NewAccount(Role.PROVINCIAL_ADMIN, "free-name", phone="13812345678", **spec),
            actor=None,
        )
    for bad in ("13912345678", "ab", "9lives", "has space", "x" * 65):
        with pytest.raises(InvalidAccount):
            create_account(db, kit, NewAccount(Role.PROVINCIAL_ADMIN, bad, **spec), actor=None)
    with pytest.raises(InvalidAccount):
        create_account(
            db, kit, NewAccount(Role.PROVINCIAL_ADMIN, "ok-name", phone="12345", **spec), actor=None
        )
    with pytest.raises(WeakPassword):
        create_account(
            db,
            kit,
            NewAccount(Role.PROVINCIAL_ADMIN, "ok-name", province_code="330000", password="abc"),
            actor=None,
        )


def test_phone_is_stored_hashed_encrypted_and_masked(db: Session, kit: IdentityKit) -> None:
    user = make_account(db, kit, Role.PROVINCIAL_ADMIN, phone="13812345678")
    assert user.phone_masked == "138****5678"
    assert user.phone_hash == kit.vault.lookup_hash("13812345678")
    assert user.phone_cipher and "13812345678" not in user.phone_cipher
    assert kit.vault.decrypt(user.phone_cipher) == "13812345678"


# --- who may create whom -------------------------------------------------------------------


def test_national_admin_creates_provincial_admins_and_career_offices(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    with job_session(container.session_factory) as session:
        admin = make_account(session, kit, Role.NATIONAL_ADMIN, username="nat-admin")
        jiangsu = make_university(session, code="10284", name="南京大学", city="320100")
    headers = _headers(client, "nat-admin")
    created = client.post(
        "/api/v1/admin/accounts",
        json={
            "role": "provincial_admin",
            "username": "jiangsu",
            "province_code": "320000",
            "phone": "13912345678",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["activation_code_sent"] is True
    assert body["account"]["status"] == "pending_activation"
    assert body["account"]["scope"]["province_name"] == "江苏省"
    assert body["account"]["phone_masked"] == "139****5678"
    assert "13912345678" not in created.text
    office = client.post(
        "/api/v1/admin/accounts",
        json={"role": "career_office", "username": "career-10284", "university_id": jiangsu.id},
        headers=headers,
    )
    assert office.status_code == 201
    assert office.json()["account"]["scope"]["university_name"] == "南京大学"
    graduate = client.post(
        "/api/v1/admin/accounts",
        json={"role": "graduate", "username": "someone"},
        headers=headers,
    )
    assert graduate.status_code == 422  # only the two administrative roles
    with job_session(container.session_factory) as session:
        new = session.scalar(select(User).where(User.username == "jiangsu"))
        assert new is not None
        assert codes.latest_mailbox_code(session, new.id, CodePurpose.ACTIVATION)
        audit = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "account.created", AuditEvent.actor_user_id == admin.id
            )
        ).all()
    assert len(audit) == 2


def test_provincial_admin_creates_career_offices_only_in_their_province(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    with job_session(container.session_factory) as session:
        make_account(session, kit, Role.PROVINCIAL_ADMIN, username="zj-admin")
        zhejiang = make_university(session)
        jiangsu = make_university(session, code="10284", name="南京大学", city="320100")
    headers = _headers(client, "zj-admin")
    outside = client.post(
        "/api/v1/admin/accounts",
        json={"role": "career_office", "username": "career-10284", "university_id": jiangsu.id},
        headers=headers,
    )
    assert outside.status_code == 403
    assert outside.json()["error"]["code"] == "out_of_scope"
    inside = client.post(
        "/api/v1/admin/accounts",
        json={"role": "career_office", "username": "career-10335", "university_id": zhejiang.id},
        headers=headers,
    )
    assert inside.status_code == 201
    peer = client.post(
        "/api/v1/admin/accounts",
        json={"role": "provincial_admin", "username": "zj-two", "province_code": "330000"},
        headers=headers,
    )
    assert peer.status_code == 403 and peer.json()["error"]["code"] == "role_not_allowed"
    with job_session(container.session_factory) as session:
        assert session.scalar(select(User).where(User.username == "career-10284")) is None


def test_employer_owner_invites_recruiters_of_their_own_employer(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    with job_session(container.session_factory) as session:
        owner = make_account(session, kit, Role.EMPLOYER_MEMBER, username="owner-a")
    headers = _headers(client, "owner-a")
    response = client.post(
        "/api/v1/employers/me/members",
        json={"username": "recruiter-a", "display_name": "王招聘", "phone": "13700001111"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    account = response.json()["account"]
    assert account["role"] == "employer_member"
    assert account["scope"]["employer_id"] == owner.employer_id
    assert account["scope"]["employer_role"] == "recruiter"
    assert account["status"] == "pending_activation"
    assert response.json()["activation_code_sent"] is True
    with job_session(container.session_factory) as session:
        code = codes.latest_mailbox_code(session, account["id"], CodePurpose.ACTIVATION)
    assert code is not None and code not in response.text
    # the recruiter activates, signs in, and may not invite anyone
    activated = client.post(
        "/api/v1/auth/activate",
        json={"username": "recruiter-a", "code": code, "new_password": "Recruit-2026"},
    )
    assert activated.status_code == 204
    recruiter_headers = _headers(client, "recruiter-a", "Recruit-2026")
    refused = client.post(
        "/api/v1/employers/me/members", json={"username": "recruiter-b"}, headers=recruiter_headers
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "out_of_scope"
    # the body cannot name another employer
    other = client.post(
        "/api/v1/employers/me/members",
        json={"username": "recruiter-c", "employer_id": owner.employer_id + 1},
        headers=headers,
    )
    assert other.status_code == 422


def test_employer_owner_cannot_add_members_to_another_employer(
    db: Session, kit: IdentityKit
) -> None:
    owner = make_account(db, kit, Role.EMPLOYER_MEMBER)
    other_employer = make_employer(db)
    principal = _principal(owner)
    spec = NewAccount(
        Role.EMPLOYER_MEMBER,
        "recruiter-x",
        employer_id=other_employer.id,
        employer_role=EmployerRole.RECRUITER,
    )
    with pytest.raises(OutOfScope):
        create_account(db, kit, spec, actor=principal)
    owner_spec = NewAccount(
        Role.EMPLOYER_MEMBER,
        "owner-y",
        employer_id=owner.employer_id,
        employer_role=EmployerRole.OWNER,
    )
    with pytest.raises(RoleNotAllowed):  # owners invite recruiters, not more owners
        create_account(db, kit, owner_spec, actor=principal)


def test_roles_without_account_administration(db: Session, kit: IdentityKit) -> None:
    university = make_university(db)
    spec = NewAccount(Role.CAREER_OFFICE, "career-z", university_id=university.id)
    for role in (Role.GRADUATE, Role.CAREER_OFFICE):
        with pytest.raises(RoleNotAllowed):
            create_account(db, kit, spec, actor=_principal(make_account(db, kit, role)))


def _principal(user: User) -> Principal:
    return principal_for(user, "test-session")


# --- the national administrator from the CLI -------------------------------------------------


def test_ensure_national_admin_creates_then_resets(db: Session, kit: IdentityKit) -> None:
    user = ensure_national_admin(db, "Root-Admin", "First-pass-2026", hasher=kit.hasher)
    assert (user.username, user.role, user.status) == ("root-admin", "national_admin", "active")
    again = ensure_national_admin(db, "root-admin", "Second-pass-2026", hasher=kit.hasher)
    assert again.id == user.id
    assert password_login(db, kit, "root-admin", "Second-pass-2026", client_ip="10.11.0.1")
    with pytest.raises(WeakPassword):
        ensure_national_admin(db, "root-admin", "weak", hasher=kit.hasher)
    make_account(db, kit, Role.GRADUATE, username="not-admin")
    with pytest.raises(Conflict):
        ensure_national_admin(db, "not-admin", "Third-pass-2026", hasher=kit.hasher)


# --- the development mailbox -----------------------------------------------------------------


def test_dev_mailbox_is_for_national_admins(
    client: TestClient, container: Container, kit: IdentityKit
) -> None:
    with job_session(container.session_factory) as session:
        make_account(session, kit, Role.NATIONAL_ADMIN, username="nat-admin")
        make_account(session, kit, Role.PROVINCIAL_ADMIN, username="zj-admin")
        pending = make_account(session, kit, Role.CAREER_OFFICE, password=None, username="co-new")
    response = client.get("/api/v1/dev/mailbox", headers=_headers(client, "nat-admin"))
    assert response.status_code == 200
    messages = response.json()
    assert [m["user_id"] for m in messages] == [pending.id]
    assert messages[0]["purpose"] == "activation" and messages[0]["recipient"] == "co-new"
    denied = client.get("/api/v1/dev/mailbox", headers=_headers(client, "zj-admin"))
    assert denied.status_code == 403


def test_production_refuses_the_dev_mailbox(container: Container) -> None:
    production = Settings(environment="production", secret_key=PRODUCTION_SECRET)
    with pytest.raises(DevMailboxInProduction):
        build_router(production, IdentitySettings())
    with pytest.raises(DevMailboxInProduction):
        create_app(settings=production)
    # an explicit setting allows it, and the mailbox route is still not mounted
    allowed = build_router(production, IdentitySettings(allow_dev_mailbox_in_production=True))
    assert "/api/v1/auth/token" in _paths(allowed)
    assert "/api/v1/dev/mailbox" not in _paths(allowed)
    development = build_router(Settings(environment="development"), IdentitySettings())
    assert "/api/v1/dev/mailbox" in _paths(development)


def _paths(router: APIRouter | FastAPI) -> set[str]:
    return {context.path for context in iter_route_contexts(router.routes)}


def test_production_allowance_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRADMATCH_ALLOW_DEV_MAILBOX_IN_PRODUCTION", "true")
    production = Settings(environment="production", secret_key=PRODUCTION_SECRET)
    app = create_app(settings=production)
    assert "/api/v1/auth/token" in _paths(app)
    assert "/api/v1/dev/mailbox" not in _paths(app)
