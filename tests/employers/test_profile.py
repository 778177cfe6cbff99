"""The employer's own profile: members read, the owner edits; which edits void the
verification; PII masked; reviewers' licence reads scoped and audited; the public page."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.outbox import OutboxEvent
from jobs_api.employers.events import EMPLOYER_DETAILS_CHANGED, EMPLOYER_PROFILE_CHANGED
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.identity.models import User
from jobs_api.identity.principal import EmployerRole, Role
from jobs_api.jobs.models import JobStatus
from tests.employers.fixtures import Campus, member_of, reviewer
from tests.factories.identity import Actor, sign_in
from tests.factories.jobs import (
    make_employer,
    make_job,
    pdf_bytes,
    png_bytes,
    registration_fields,
    valid_uscc,
)

ME = "/api/v1/employers/me"
PHONE = "13712340000"


@dataclass
class Registered:
    employer_id: int
    owner: Actor
    recruiter: Actor
    licence: bytes


@pytest.fixture
def registered(api: TestClient, db: Session, container: Container) -> Registered:
    """An employer registered through the API (Hangzhou), its owner and one recruiter."""
    licence = pdf_bytes(2048)
    response = api.post(
        "/api/v1/employers/register",
        data=registration_fields(contact_phone=PHONE, name="杭州远山软件有限公司"),
        files={"licence": ("营业执照.pdf", licence, "application/pdf")},
    )
    assert response.status_code == 201, response.text
    employer_id = int(response.json()["employer"]["id"])
    owner_user = db.scalars(select(User).where(User.employer_id == employer_id)).one()
    owner = sign_in(db, owner_user, container.settings)
    recruiter = member_of(db, employer_id, container.settings, EmployerRole.RECRUITER)
    db.commit()
    return Registered(employer_id, owner, recruiter, licence)


def _events(db: Session, topic: str) -> list[dict[str, object]]:
    db.expire_all()
    return [e.payload for e in db.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic))]


def test_members_read_their_employer_with_the_phone_masked(
    api: TestClient, registered: Registered
) -> None:
    for actor in (registered.owner, registered.recruiter):
        response = api.get(ME, headers=actor.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == registered.employer_id
        assert body["contact_phone_masked"] == "137****0000"
        assert PHONE not in response.text
        assert body["licence"]["content_type"] == "application/pdf"
        assert body["verification_status"] == "submitted"


def test_only_the_owner_edits(api: TestClient, registered: Registered) -> None:
    response = api.patch(ME, json={"description": "新的介绍"}, headers=registered.recruiter.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "employer_owner_required"
    response = api.patch(ME, json={"description": "新的介绍"}, headers=registered.owner.headers)
    assert response.status_code == 200
    assert response.json()["description"] == "新的介绍"


def test_ordinary_edits_do_not_touch_the_verification(
    api: TestClient, db: Session, registered: Registered
) -> None:
    response = api.patch(
        ME,
        json={"size": "500-999", "contact_phone": "13800001111", "industry_code": "65"},
        headers=registered.owner.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["contact_phone_masked"] == "138****1111"
    assert "13800001111" not in response.text
    assert body["industry"]["code"] == "65"
    assert _events(db, EMPLOYER_DETAILS_CHANGED) == []
    [profile] = _events(db, EMPLOYER_PROFILE_CHANGED)
    assert profile == {
        "employer_id": registered.employer_id,
        "changed": ["contact_phone", "industry_code", "size"],
    }
    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "employer.updated")).one()
    assert "13800001111" not in str(audit.detail)


def test_a_new_name_or_credit_code_voids_the_verification(
    api: TestClient, db: Session, registered: Registered
) -> None:
    response = api.patch(
        ME, json={"name": "杭州远山智能有限公司"}, headers=registered.owner.headers
    )
    assert response.status_code == 200
    assert _events(db, EMPLOYER_DETAILS_CHANGED) == [
        {"employer_id": registered.employer_id, "changed": ["name"]}
    ]
    code = valid_uscc()
    response = api.patch(ME, json={"uscc": code.lower()}, headers=registered.owner.headers)
    assert response.status_code == 200
    assert response.json()["uscc"] == code
    assert _events(db, EMPLOYER_DETAILS_CHANGED)[-1] == {
        "employer_id": registered.employer_id,
        "changed": ["uscc"],
    }


def test_unchanged_values_publish_nothing(
    api: TestClient, db: Session, registered: Registered
) -> None:
    current = api.get(ME, headers=registered.owner.headers).json()
    response = api.patch(
        ME,
        json={"name": current["name"], "uscc": current["uscc"], "contact_phone": PHONE},
        headers=registered.owner.headers,
    )
    assert response.status_code == 200
    assert _events(db, EMPLOYER_DETAILS_CHANGED) == []
    assert _events(db, EMPLOYER_PROFILE_CHANGED) == []


def test_edit_validation(api: TestClient, db: Session, registered: Registered) -> None:
    other = make_employer(db, name="别家公司")
    db.commit()
    cases = [
        ({"uscc": "91330100MB00000010"}, 422, "invalid_uscc", "uscc"),
        ({"uscc": other.uscc}, 409, "employer_already_registered", "uscc"),
        ({"name": None}, 422, "invalid_employer", "name"),
        ({"city_code": "330000"}, 422, "invalid_employer", "city_code"),
        ({"contact_phone": "110"}, 422, "validation_failed", "contact_phone"),
        ({"verification_status": "verified"}, 422, "validation_failed", "verification_status"),
    ]
    for body, status, code, field in cases:
        response = api.patch(ME, json=body, headers=registered.owner.headers)
        assert response.status_code == status, (body, response.text)
        error = response.json()["error"]
        assert error["code"] == code
        assert field in error["fields"]
        assert "别家公司" not in response.text
    db.expire_all()
    assert db.get_one(Employer, registered.employer_id).verification_status == "submitted"


def test_members_download_the_licence_and_the_owner_replaces_it(
    api: TestClient, db: Session, registered: Registered
) -> None:
    response = api.get(f"{ME}/licence", headers=registered.recruiter.headers)
    assert response.status_code == 200
    assert response.content == registered.licence
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"

    files = {"licence": ("new.png", png_bytes(), "image/png")}
    denied = api.put(f"{ME}/licence", files=files, headers=registered.recruiter.headers)
    assert denied.status_code == 403
    replaced = api.put(f"{ME}/licence", files=files, headers=registered.owner.headers)
    assert replaced.status_code == 200
    assert replaced.json()["content_type"] == "image/png"
    current = api.get(f"{ME}/licence", headers=registered.owner.headers)
    assert current.content == png_bytes()
    assert current.headers["content-type"] == "image/png"

    bad = api.put(
        f"{ME}/licence",
        files={"licence": ("x.pdf", b"MZ\x90\x00", "application/pdf")},
        headers=registered.owner.headers,
    )
    assert bad.status_code == 415


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        (Role.NATIONAL_ADMIN, None, True),
        (Role.PROVINCIAL_ADMIN, "330000", True),
        (Role.PROVINCIAL_ADMIN, "320000", False),
        (Role.CAREER_OFFICE, "zju", True),
        (Role.CAREER_OFFICE, "nju", False),
    ],
)
def test_reviewers_read_licences_in_their_province_and_are_audited(
    api: TestClient,
    db: Session,
    container: Container,
    campus: Campus,
    registered: Registered,
    role: Role,
    where: str | None,
    allowed: bool,
) -> None:
    actor = reviewer(
        db,
        role,
        container.settings,
        university={"zju": campus.zju, "nju": campus.nju}.get(where or ""),
        province_code=where if role is Role.PROVINCIAL_ADMIN else None,
    )
    db.commit()
    response = api.get(f"/api/v1/employers/{registered.employer_id}/licence", headers=actor.headers)
    reads = db.scalars(select(AuditEvent).where(AuditEvent.action == "employer.licence_read")).all()
    if allowed:
        assert response.status_code == 200
        assert response.content == registered.licence
        assert [(r.actor_user_id, r.subject_id) for r in reads] == [
            (actor.user.id, str(registered.employer_id))
        ]
    else:
        assert response.status_code == 404
        assert reads == []


def test_reviewer_gets_404_for_an_unknown_employer(
    api: TestClient, db: Session, container: Container
) -> None:
    actor = reviewer(db, Role.NATIONAL_ADMIN, container.settings)
    db.commit()
    assert api.get("/api/v1/employers/99999/licence", headers=actor.headers).status_code == 404


def test_public_page_shows_verified_employers_only(
    api: TestClient, db: Session, registered: Registered
) -> None:
    url = f"/api/v1/employers/{registered.employer_id}/public"
    assert api.get(url).status_code == 404  # submitted
    employer = db.get_one(Employer, registered.employer_id)
    employer.verification_status = VerificationStatus.AUTO_VERIFIED
    make_job(db, employer, title="公开岗位一")
    make_job(db, employer, title="公开岗位二")
    make_job(db, employer, title="草稿岗位", status=JobStatus.DRAFT)
    make_job(db, employer, title="已关闭岗位", status=JobStatus.CLOSED)
    db.commit()
    verified_since = employer.verified_at
    assert verified_since is not None

    response = api.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "杭州远山软件有限公司"
    assert body["badge"] == "已认证" and body["verified"] is True
    assert body["verified_since"] == verified_since.date().isoformat()
    assert body["open_jobs"] == 2
    assert body["city"]["name"] == "杭州市"
    for private in ("contact", "uscc", "licence", "phone"):
        assert private not in response.text

    employer.verification_status = VerificationStatus.VERIFIED  # reviewer confirms: same date
    db.commit()
    assert api.get(url).json()["verified_since"] == verified_since.date().isoformat()
    employer.verification_status = VerificationStatus.REJECTED
    db.commit()
    assert api.get(url).status_code == 404
    assert db.get_one(Employer, registered.employer_id).verified_at is None


def test_public_page_of_an_unknown_employer_is_404(api: TestClient) -> None:
    assert api.get("/api/v1/employers/424242/public").status_code == 404
