"""Consent records and their side effect on visibility; the export of everything about me."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent, record_audit
from jobs_api.core.settings import Settings
from jobs_api.graduates.consent import CONSENT_TEXT_VERSION
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.identity.kit import IdentityKit
from tests.factories.graduates import (
    RecordWithId,
    make_graduate,
    make_record,
    pdf_bytes,
    synthetic_phone,
)
from tests.factories.identity import Actor, sign_in
from tests.graduates.conftest import Campus

CONSENTS = "/api/v1/graduates/me/consents"
EXPORT = "/api/v1/graduates/me/export"
PROFILE = "/api/v1/graduates/me/profile"


@pytest.fixture
def made(db: Session, campus: Campus, settings: Settings) -> RecordWithId:
    return make_record(db, campus.zju, settings, name="吴静", low_income_family=True)


@pytest.fixture
def phone() -> str:
    return synthetic_phone()


@pytest.fixture
def graduate(
    db: Session,
    campus: Campus,
    settings: Settings,
    kit: IdentityKit,
    made: RecordWithId,
    phone: str,
) -> Actor:
    user = make_graduate(
        db,
        kit,
        made,
        campus.zju,
        phone=phone,
        consents=[ConsentPurpose.PROFILE_MATCHING, ConsentPurpose.SHARE_WITH_EMPLOYERS],
    )
    actor = sign_in(db, user, settings)
    db.commit()
    return actor


def _state(api: TestClient, actor: Actor) -> dict[str, bool]:
    body = api.get(CONSENTS, headers=actor.headers).json()
    return {c["purpose"]: c["granted"] for c in body["consents"]}


def test_activation_records_the_ticked_consents(api: TestClient, graduate: Actor) -> None:
    body = api.get(CONSENTS, headers=graduate.headers).json()
    assert body["current_text_version"] == CONSENT_TEXT_VERSION
    assert {c["purpose"]: c["granted"] for c in body["consents"]} == {
        "profile_matching": True,
        "share_with_employers": True,
        "push_notifications": False,
        "statistics": False,
    }
    assert all(h["text_version"] == CONSENT_TEXT_VERSION for h in body["history"])
    assert len(body["history"]) == 2


def test_grant_and_withdraw_keep_a_history(api: TestClient, graduate: Actor) -> None:
    grant = api.post(
        CONSENTS, json={"purpose": "push_notifications", "granted": True}, headers=graduate.headers
    )
    assert grant.status_code == 200
    again = api.post(
        CONSENTS, json={"purpose": "push_notifications", "granted": True}, headers=graduate.headers
    )
    assert len(again.json()["history"]) == 3  # granting twice opens one record
    withdraw = api.post(
        CONSENTS, json={"purpose": "push_notifications", "granted": False}, headers=graduate.headers
    )
    body = withdraw.json()
    push = next(c for c in body["consents"] if c["purpose"] == "push_notifications")
    assert push["granted"] is False and push["withdrawn_at"] is not None
    regrant = api.post(
        CONSENTS, json={"purpose": "push_notifications", "granted": True}, headers=graduate.headers
    )
    history = [h for h in regrant.json()["history"] if h["purpose"] == "push_notifications"]
    assert [h["withdrawn_at"] is None for h in history] == [False, True]


def test_withdrawing_sharing_hides_the_profile(
    api: TestClient, graduate: Actor, db: Session
) -> None:
    assert api.get(PROFILE, headers=graduate.headers).json()["visibility"] == "verified_employers"
    response = api.post(
        CONSENTS,
        json={"purpose": "share_with_employers", "granted": False},
        headers=graduate.headers,
    )
    assert response.status_code == 200
    assert api.get(PROFILE, headers=graduate.headers).json()["visibility"] == "hidden"
    assert _state(api, graduate)["share_with_employers"] is False
    audit = db.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == str(graduate.user.id))
    ).all()
    assert "consent.withdrawn" in audit


def test_unknown_purpose_is_a_field_error(api: TestClient, graduate: Actor) -> None:
    response = api.post(
        CONSENTS, json={"purpose": "selling_data", "granted": True}, headers=graduate.headers
    )
    assert response.status_code == 422
    assert "purpose" in response.json()["error"]["fields"]


def test_export_holds_everything_about_me_and_no_clear_identifiers(
    api: TestClient,
    graduate: Actor,
    db: Session,
    made: RecordWithId,
    phone: str,
    settings: Settings,
) -> None:
    api.patch(
        PROFILE, json={"skills": ["Rust"], "summary": "喜欢系统编程"}, headers=graduate.headers
    )
    api.post(
        "/api/v1/graduates/me/resumes",
        files={"file": ("cv.pdf", pdf_bytes("cv"), "application/pdf")},
        headers=graduate.headers,
    )
    record_audit(
        db,
        actor_user_id=None,
        actor_role="career_office",
        action="personal_data.view",
        subject_type="student_record",
        subject_id=made.id,
    )
    db.commit()

    response = api.get(EXPORT, headers=graduate.headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    raw = response.text
    assert made.id_number not in raw
    assert made.id_number[:17] not in raw
    assert phone not in raw
    assert made.record.id_number_cipher not in raw
    body = json.loads(raw)
    assert body["account"]["user_id"] == graduate.user.id
    assert body["account"]["phone_masked"] == phone[:3] + "****" + phone[-4:]
    record = body["registry_record"]
    assert record["id_number_masked"] == made.id_number[:6] + "********" + made.id_number[-4:]
    assert record["name"] == "吴静"
    assert record["low_income_family"] is True
    assert body["profile"]["skills"] == ["Rust"]
    assert body["profile"]["summary"] == "喜欢系统编程"
    assert [r["filename"] for r in body["resumes"]] == ["cv.pdf"]
    assert {c["purpose"] for c in body["consents"]} == {
        "profile_matching",
        "share_with_employers",
    }
    actions = {e["action"] for e in body["audit_events"]}
    assert {"graduate.activated", "personal_data.view"} <= actions

    db.expire_all()
    exported = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "personal_data.export",
            AuditEvent.subject_id == str(graduate.user.id),
        )
    ).all()
    assert len(exported) == 1
    assert exported[0].actor_user_id == graduate.user.id
