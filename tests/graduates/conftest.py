"""Fixtures for the graduates tests: reference data, two Zhejiang universities and one in
Jiangsu, a fast identity kit installed in the app's container, and a service-level session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.identity.kit import EXTRAS_KEY, IdentityKit, build_identity_kit
from jobs_api.identity.passwords import PasswordHasher
from jobs_api.reference.service import load_reference
from jobs_api.universities.models import University
from tests.factories.graduates import make_university


@pytest.fixture
def kit(container: Container) -> IdentityKit:
    """The app's identity kit with a cheap Argon2 setting (same attempt store and secret)."""
    cheap = build_identity_kit(
        container.settings,
        container=container,
        hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
    container.extras[EXTRAS_KEY] = cheap
    return cheap


@dataclass
class Campus:
    zju: University  # 浙江大学, Hangzhou
    zjut: University  # 浙江工业大学, Hangzhou
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


@pytest.fixture
def api(client: TestClient, campus: Campus) -> TestClient:
    """The test client, once reference data and universities exist."""
    return client
