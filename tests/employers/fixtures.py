"""Fixtures shared by the employers and jobs tests (imported by both conftest files).

* ``kit``: the app's identity kit with a cheap Argon2 setting;
* ``campus``: reference data and three universities (two in Zhejiang, one in Jiangsu);
* ``api``: the test client once ``campus`` exists (the app installs the real screener);
* ``outbox``: this container's handlers registered and installed for delivery, and a
  function that relays and delivers every pending event (what ``gradmatch worker`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from rq import SimpleWorker
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.outbox import (
    OutboxEvent,
    OutboxStatus,
    deliver_event,
    handler_registry,
    relay_once,
)
from jobs_api.core.queue import EVENTS_QUEUE
from jobs_api.core.settings import Settings
from jobs_api.identity.kit import EXTRAS_KEY, IdentityKit, build_identity_kit
from jobs_api.identity.passwords import PasswordHasher
from jobs_api.identity.principal import EmployerRole, Role
from jobs_api.reference.service import load_reference
from jobs_api.universities.models import University
from jobs_api.wiring import register_event_handlers
from tests.factories.identity import Actor, make_university, make_user, sign_in


@pytest.fixture
def kit(container: Container) -> IdentityKit:
    cheap = build_identity_kit(
        container.settings,
        container=container,
        hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
    container.extras[EXTRAS_KEY] = cheap
    return cheap


@dataclass
class Campus:
    zju: University  # 浙江大学, Hangzhou (Zhejiang)
    zjut: University  # 浙江工业大学, Hangzhou (Zhejiang)
    nju: University  # 南京大学, Nanjing (Jiangsu)


@pytest.fixture
def campus(container: Container, kit: IdentityKit) -> Campus:
    with job_session(container.session_factory) as session:
        load_reference(session)
        return Campus(
            zju=make_university(session, code="10335", name="浙江大学", city="330100"),
            zjut=make_university(session, code="10337", name="浙江工业大学", city="330100"),
            nju=make_university(session, code="10284", name="南京大学", city="320100"),
        )


@pytest.fixture
def db(container: Container, campus: Campus) -> Iterator[Session]:
    """A session whose work the test commits explicitly (the app reads committed data)."""
    session = container.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


Drain = Callable[[], None]


@pytest.fixture
def outbox(container: Container) -> Iterator[Drain]:
    handler_registry.clear()
    register_event_handlers(handler_registry, container)
    worker_context.install(container)

    def drain() -> None:
        for _ in range(5):  # handlers may publish follow-up events
            report = relay_once(container.session_factory, container.queue)
            queue = container.queue.queue(EVENTS_QUEUE)
            SimpleWorker([queue], connection=container.queue.redis).work(burst=True)
            # The integration Redis may be shared with other test sessions, whose workers can
            # take (and drop) our jobs: deliver whatever is still undelivered directly.
            with container.session_factory() as session:
                left = session.scalars(
                    select(OutboxEvent.id).where(OutboxEvent.status != OutboxStatus.DELIVERED)
                ).all()
            for event_id in left:
                deliver_event(container.session_factory, event_id)
            if not report.enqueued and not left:
                return

    yield drain
    worker_context.uninstall()
    handler_registry.clear()


@pytest.fixture
def api(client: TestClient, campus: Campus, outbox: Drain) -> TestClient:
    """The test client, once reference data, universities and the outbox wiring exist."""
    return client


def member_of(
    session: Session,
    employer_id: int,
    settings: Settings,
    employer_role: EmployerRole = EmployerRole.OWNER,
) -> Actor:
    """A signed-in member (owner by default) of ``employer_id``."""
    user = make_user(
        session,
        Role.EMPLOYER_MEMBER,
        settings,
        employer_id=employer_id,
        employer_role=employer_role.value,
    )
    return sign_in(session, user, settings)


def reviewer(
    session: Session,
    role: Role,
    settings: Settings,
    *,
    university: University | None = None,
    province_code: str | None = None,
) -> Actor:
    """A signed-in career office (of ``university``), provincial (of ``province_code``) or
    national administrator."""
    scope: dict[str, object] = {}
    if role is Role.CAREER_OFFICE:
        assert university is not None
        scope["university_id"] = university.id
    elif role is Role.PROVINCIAL_ADMIN:
        scope["province_code"] = province_code
    return sign_in(session, make_user(session, role, settings, **scope), settings)
