"""Members: the owner invites recruiters (identity's invitation) and removes them; recruiters
manage nobody; one employer's owner cannot touch another's members."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import EmployerRole
from tests.employers.fixtures import member_of
from tests.factories.jobs import make_employer

MEMBERS = "/api/v1/employers/me/members"


def test_owner_invites_lists_and_removes_a_recruiter(
    api: TestClient, db: Session, container: Container
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    db.commit()

    invited = api.post(
        MEMBERS,
        json={"username": "hr-lina", "display_name": "李娜", "phone": "13600001234"},
        headers=owner.headers,
    )
    assert invited.status_code == 201, invited.text
    recruiter_id = invited.json()["account"]["id"]

    listed = api.get(MEMBERS, headers=owner.headers)
    assert listed.status_code == 200
    rows = listed.json()
    assert [(r["user_id"], r["employer_role"]) for r in rows] == [
        (owner.user.id, "owner"),
        (recruiter_id, "recruiter"),
    ]
    assert rows[1]["status"] == AccountStatus.PENDING_ACTIVATION
    assert rows[1]["phone_masked"] == "136****1234"
    assert "13600001234" not in listed.text

    removed = api.delete(f"{MEMBERS}/{recruiter_id}", headers=owner.headers)
    assert removed.status_code == 200
    assert removed.json()["status"] == AccountStatus.DISABLED
    db.expire_all()
    assert db.get_one(User, recruiter_id).status == AccountStatus.DISABLED
    audit = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "employer.member_removed")
    ).one()
    assert (audit.actor_user_id, audit.subject_id) == (owner.user.id, str(recruiter_id))


def test_a_removed_recruiter_is_signed_out_at_once(
    api: TestClient, db: Session, container: Container
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    recruiter = member_of(db, employer.id, container.settings, EmployerRole.RECRUITER)
    db.commit()
    assert api.get("/api/v1/employers/me", headers=recruiter.headers).status_code == 200
    assert api.delete(f"{MEMBERS}/{recruiter.user.id}", headers=owner.headers).status_code == 200
    response = api.get("/api/v1/employers/me", headers=recruiter.headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_revoked"


def test_recruiters_manage_nobody(api: TestClient, db: Session, container: Container) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    recruiter = member_of(db, employer.id, container.settings, EmployerRole.RECRUITER)
    colleague = member_of(db, employer.id, container.settings, EmployerRole.RECRUITER)
    db.commit()
    response = api.delete(f"{MEMBERS}/{colleague.user.id}", headers=recruiter.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "employer_owner_required"
    response = api.post(MEMBERS, json={"username": "hr-new"}, headers=recruiter.headers)
    assert response.status_code == 403
    # they may see who their colleagues are
    listed = api.get(MEMBERS, headers=recruiter.headers).json()
    assert {r["user_id"] for r in listed} == {owner.user.id, recruiter.user.id, colleague.user.id}


def test_the_owner_cannot_be_removed(api: TestClient, db: Session, container: Container) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    db.commit()
    response = api.delete(f"{MEMBERS}/{owner.user.id}", headers=owner.headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cannot_remove_owner"


def test_another_employers_members_are_not_found(
    api: TestClient, db: Session, container: Container
) -> None:
    mine = make_employer(db, name="甲公司")
    theirs = make_employer(db, name="乙公司")
    owner = member_of(db, mine.id, container.settings)
    stranger = member_of(db, theirs.id, container.settings, EmployerRole.RECRUITER)
    db.commit()
    response = api.delete(f"{MEMBERS}/{stranger.user.id}", headers=owner.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "member_not_found"
    db.expire_all()
    assert db.get_one(User, stranger.user.id).status == AccountStatus.ACTIVE
    listed = api.get(MEMBERS, headers=owner.headers).json()
    assert [r["user_id"] for r in listed] == [owner.user.id]
