"""The inbox: own messages only, newest first with a cursor and the unread count; marking
read by ids (others' ids ignored) or all; every status change reaches the graduate exactly
once, whatever is retried."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.applications.models import Application, ApplicationStatus, ApplicationStatusChange
from jobs_api.applications.pipeline import change_status
from jobs_api.core.container import Container
from jobs_api.identity.principal import Role
from jobs_api.inbox.models import InboxMessage
from jobs_api.inbox.service import Notice, deliver
from tests.employers.fixtures import Campus
from tests.factories.applications import make_hiring
from tests.factories.identity import Actor, make_actor

INBOX = "/api/v1/me/inbox"


def _notice(n: int) -> Notice:
    return Notice(
        kind="test.notice",
        title_zh=f"第{n}条消息",
        title_en=f"Message {n}",
        dedupe_key=f"test:{n}",
        link=f"/me/applications/{n}",
    )


def _fill(db: Session, actor: Actor, count: int) -> list[int]:
    return [deliver(db, actor.user.id, _notice(n)).id for n in range(1, count + 1)]


def test_each_account_reads_its_own_messages_page_by_page(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    owner = make_actor(db, Role.EMPLOYER_MEMBER, settings)
    other = make_actor(db, Role.CAREER_OFFICE, settings)
    ids = _fill(db, owner, 5)
    deliver(db, other.user.id, _notice(99))
    db.commit()

    first = api.get(INBOX, params={"limit": 3}, headers=owner.headers)
    assert first.status_code == 200
    page = first.json()
    assert [m["id"] for m in page["items"]] == ids[::-1][:3]
    assert page["unread"] == 5 and page["next_cursor"] == str(ids[2])
    rest = api.get(INBOX, params={"limit": 3, "cursor": page["next_cursor"]}, headers=owner.headers)
    assert [m["id"] for m in rest.json()["items"]] == [ids[1], ids[0]]
    assert rest.json()["next_cursor"] is None
    assert "第99条消息" not in first.text + rest.text
    assert api.get(INBOX).status_code == 401


def test_marking_read_by_ids_or_all(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    settings = container.settings
    owner = make_actor(db, Role.GRADUATE, settings)
    other = make_actor(db, Role.PROVINCIAL_ADMIN, settings)
    ids = _fill(db, owner, 4)
    foreign = deliver(db, other.user.id, _notice(7)).id
    db.commit()

    marked = api.post(INBOX + "/read", json={"ids": [ids[0], foreign]}, headers=owner.headers)
    assert marked.status_code == 200 and marked.json() == {"marked": 1, "unread": 3}
    unread = api.get(INBOX, params={"unread_only": True}, headers=owner.headers).json()
    assert {m["id"] for m in unread["items"]} == set(ids[1:])
    db.expire_all()
    assert db.get_one(InboxMessage, foreign).read_at is None

    assert api.post(INBOX + "/read", json={}, headers=owner.headers).status_code == 422
    both = api.post(INBOX + "/read", json={"ids": [1], "all": True}, headers=owner.headers)
    assert both.status_code == 422
    everything = api.post(INBOX + "/read", json={"all": True}, headers=owner.headers)
    assert everything.json() == {"marked": 3, "unread": 0}
    assert api.post(INBOX + "/read", json={"all": True}, headers=owner.headers).json() == {
        "marked": 0,
        "unread": 0,
    }


def test_each_status_change_reaches_the_graduate_exactly_once(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    hiring = make_hiring(db, container.settings)
    db.commit()
    url = f"/api/v1/employers/me/applications/{hiring.application.id}/status"
    for _ in range(3):  # double clicks and client retries
        response = api.post(url, json={"status": "interview"}, headers=hiring.member.headers)
        assert response.status_code == 200

    # the same change delivered again by a retried job: no second message
    with container.session_factory() as session:
        application = session.get_one(Application, hiring.application.id)
        assert (
            change_status(session, application, ApplicationStatus.INTERVIEW, actor_user_id=None)
            is None
        )
        session.commit()

    inbox = api.get(INBOX, headers=hiring.graduate.headers).json()
    assert [m["payload"]["status"] for m in inbox["items"]] == ["interview"]
    assert inbox["unread"] == 1
    assert inbox["items"][0]["title_zh"] == "申请状态更新：面试"
    assert inbox["items"][0]["title_en"] == "Application update: Interview"

    again = deliver(db, hiring.graduate.user.id, _notice(1))
    same = deliver(db, hiring.graduate.user.id, _notice(1))
    db.commit()
    assert again.id == same.id
    count = db.scalar(
        select(func.count())
        .select_from(InboxMessage)
        .where(InboxMessage.user_id == hiring.graduate.user.id)
    )
    assert count == 2


def test_two_simultaneous_clicks_notify_once(
    db: Session, container: Container, campus: Campus
) -> None:
    """Two requests move the same application at once: the second waits for the first (row
    lock on PostgreSQL, write lock on SQLite), finds it moved and changes nothing."""
    hiring = make_hiring(db, container.settings)
    db.commit()
    app_id = hiring.application.id
    first = container.session_factory()
    second = container.session_factory()
    outcome: list[object] = []

    def second_click() -> None:
        try:
            outcome.append(
                change_status(
                    second,
                    second.get_one(Application, app_id),
                    ApplicationStatus.SHORTLISTED,
                    actor_user_id=hiring.member.user.id,
                )
            )
            second.commit()
        except BaseException as error:
            second.rollback()
            outcome.append(error)

    try:
        stale = second.get_one(Application, app_id)  # both requests read "submitted"
        assert stale.status == "submitted"
        change = change_status(
            first,
            first.get_one(Application, app_id),
            ApplicationStatus.SHORTLISTED,
            actor_user_id=hiring.member.user.id,
        )
        assert change is not None
        racer = threading.Thread(target=second_click)
        racer.start()
        racer.join(timeout=0.5)
        assert racer.is_alive(), "the second click must wait for the first"
        first.commit()
        racer.join(timeout=30)
        assert not racer.is_alive()
    finally:
        first.close()
        second.close()
    assert outcome == [None]
    db.expire_all()
    messages = db.scalars(
        select(InboxMessage).where(InboxMessage.user_id == hiring.graduate.user.id)
    ).all()
    assert [m.payload["status"] for m in messages] == ["shortlisted"]
    changes = db.scalar(
        select(func.count())
        .select_from(ApplicationStatusChange)
        .where(ApplicationStatusChange.application_id == app_id)
    )
    assert changes == 1
