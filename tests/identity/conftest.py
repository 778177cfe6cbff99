"""Fixtures for the identity tests: the app's own identity kit, reference data, a session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from redis import Redis
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.identity.kit import EXTRAS_KEY, IdentityKit, build_identity_kit, identity_kit
from jobs_api.identity.limiter import RedisAttemptStore
from jobs_api.reference.service import load_reference

# Limiter state goes to its own Redis database under a per-test prefix: the shared conftest
# flushes database 0 before each test, and other test sessions on the same server (developers
# running suites side by side) would wipe counters in the middle of a test.
LIMITER_DB = 15


@pytest.fixture
def kit(container: Container) -> Iterator[IdentityKit]:
    """The kit the app uses for this container (same attempt store, same secret)."""
    url = make_url(container.settings.redis_url).set(database=str(LIMITER_DB))
    redis = Redis.from_url(url.render_as_string(hide_password=False))
    built = build_identity_kit(
        container.settings,
        attempts=RedisAttemptStore(redis, prefix=f"test:{uuid.uuid4().hex}:"),
    )
    container.extras[EXTRAS_KEY] = built
    assert identity_kit(container) is built
    yield built
    redis.close()


@pytest.fixture
def reference(container: Container) -> None:
    with job_session(container.session_factory) as session:
        load_reference(session)


@pytest.fixture
def db(container: Container, reference: None) -> Iterator[Session]:
    """A session for service-level tests; rolled back at the end (services only flush)."""
    session = container.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
