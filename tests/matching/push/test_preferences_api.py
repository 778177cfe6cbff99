"""Notification settings: graduates only, always the caller's own row, validated, the opt-in
is the push consent (granted and withdrawn through the consent service, with its history)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.settings import Settings
from jobs_api.graduates.consent import has_consent
from jobs_api.graduates.models import ConsentPurpose, ConsentRecord
from jobs_api.identity.principal import Role
from matching.push.models import NotificationPreference
from matching.push.preferences import PreferencesIn, available_channels, update_preferences
from tests.factories.identity import make_actor, sign_in
from tests.matching.push.conftest import MakeGraduate

URL = "/api/v1/me/notification-settings"
BODY = {
    "channels": ["inbox"],
    "frequency": "daily",
    "quiet_start_minute": 23 * 60,
    "quiet_end_minute": 7 * 60,
    "daily_cap": 3,
}


def test_defaults_then_own_row_only(
    api: TestClient, db: Session, container: Container, graduate: MakeGraduate
) -> None:
    settings = container.settings
    me = sign_in(db, graduate(), settings)
    other = sign_in(db, graduate(), settings)
    db.commit()

    first = api.get(URL, headers=me.headers)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "channels": ["inbox"],
        "available_channels": ["inbox"],
        "frequency": "instant",
        "quiet_start_minute": 1320,
        "quiet_end_minute": 480,
        "daily_cap": 5,
        "opted_in": True,
        "timezone": "Asia/Shanghai",
    }
    saved = api.put(URL, json=BODY, headers=me.headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["frequency"] == "daily" and saved.json()["daily_cap"] == 3

    # the other graduate still reads defaults: there is no id to point at someone else's row
    theirs = api.get(URL, headers=other.headers).json()
    assert theirs["frequency"] == "instant" and theirs["daily_cap"] == 5
    rows = db.scalars(select(NotificationPreference)).all()
    assert [(r.user_id, r.frequency) for r in rows] == [(me.user.id, "daily")]
    # a query parameter naming another account changes nothing either
    again = api.get(URL, params={"user_id": other.user.id}, headers=me.headers).json()
    assert again["frequency"] == "daily"


def test_only_graduates(api: TestClient, db: Session, container: Container) -> None:
    settings = container.settings
    employer = make_actor(db, Role.EMPLOYER_MEMBER, settings)
    office = make_actor(db, Role.CAREER_OFFICE, settings)
    db.commit()
    assert api.get(URL).status_code == 401
    for actor in (employer, office):
        assert api.get(URL, headers=actor.headers).status_code == 403
        assert api.put(URL, json=BODY, headers=actor.headers).status_code == 403
    assert db.scalars(select(NotificationPreference)).all() == []


def test_bad_input_is_422_with_clear_message(
    api: TestClient, db: Session, container: Container, graduate: MakeGraduate
) -> None:
    me = sign_in(db, graduate(), container.settings)
    db.commit()
    bad = [
        {**BODY, "daily_cap": 0},
        {**BODY, "daily_cap": 21},
        {**BODY, "frequency": "hourly"},
        {**BODY, "quiet_start_minute": 1440},
        {**BODY, "quiet_end_minute": None},
        {**BODY, "quiet_end_minute": 23 * 60},
        {**BODY, "channels": ["pager"]},
    ]
    for body in bad:
        response = api.put(URL, json=body, headers=me.headers)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "validation_failed"
    # a real channel whose gateway is not configured is refused, not stored
    sms = api.put(URL, json={**BODY, "channels": ["inbox", "sms"]}, headers=me.headers)
    assert sms.status_code == 422
    assert sms.json()["error"]["code"] == "push_channel_not_available"
    assert "推送渠道未开通" in sms.json()["error"]["message"]
    # no quiet hours at all is fine
    none = api.put(
        URL, json={**BODY, "quiet_start_minute": None, "quiet_end_minute": None}, headers=me.headers
    )
    assert none.status_code == 200 and none.json()["quiet_start_minute"] is None


def test_opt_in_is_the_push_consent(
    api: TestClient, db: Session, container: Container, graduate: MakeGraduate
) -> None:
    user = graduate(consents=[ConsentPurpose.PROFILE_MATCHING])
    me = sign_in(db, user, container.settings)
    db.commit()
    assert api.get(URL, headers=me.headers).json()["opted_in"] is False
    on = api.put(URL, json={**BODY, "opted_in": True}, headers=me.headers)
    assert on.json()["opted_in"] is True
    db.expire_all()
    assert has_consent(db, user.id, ConsentPurpose.PUSH_NOTIFICATIONS)
    off = api.put(URL, json={**BODY, "opted_in": False}, headers=me.headers)
    assert off.json()["opted_in"] is False
    unchanged = api.put(URL, json=BODY, headers=me.headers)  # opted_in omitted: left alone
    assert unchanged.json()["opted_in"] is False
    history = db.scalars(
        select(ConsentRecord).where(
            ConsentRecord.user_id == user.id,
            ConsentRecord.purpose == ConsentPurpose.PUSH_NOTIFICATIONS.value,
        )
    ).all()
    assert len(history) == 1 and history[0].withdrawn_at is not None


def test_configured_channels_are_offered(
    settings: Settings, db: Session, graduate: MakeGraduate
) -> None:
    configured = settings.model_copy(
        update={"push_webhook_url": "http://127.0.0.1:9/hook", "push_sms_gateway_url": "http://x"}
    )
    assert available_channels(configured) == ("inbox", "sms", "webhook")
    user = graduate()
    saved = update_preferences(
        db, user.id, PreferencesIn(channels=["sms", "webhook"]), settings=configured
    )
    assert saved.channels == ("inbox", "sms", "webhook")  # inbox is always on
