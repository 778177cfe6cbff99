"""Fixtures for the identity tests: the app's own identity kit, reference data, a session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.identity.kit import IdentityKit, identity_kit
from jobs_api.reference.service import load_reference


@pytest.fixture
def kit(container: Container) -> IdentityKit:
    """The kit the app uses for this container (same attempt store, same secret)."""
    return identity_kit(container)


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
