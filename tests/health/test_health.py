"""GET /health names every backend with its server version and state."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from redis import Redis

from jobs_api.core.container import Container
from jobs_api.core.queue import QueueConnection


def _backends(body: dict[str, object]) -> dict[str, dict[str, object]]:
    backends = body["backends"]
    assert isinstance(backends, list)
    return {b["name"]: b for b in backends}


def test_health_reports_each_backend_with_version(
    client: TestClient, container: Container, platform: str
) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    backends = _backends(body)
    assert set(backends) == {"database", "queue", "search"}
    assert all(b["state"] == "up" for b in backends.values())
    version = re.compile(r"^\d+\.\d+")
    for backend in backends.values():
        assert version.match(str(backend["version"])), backend
    if platform == "servers":
        assert backends["database"]["kind"] == "postgresql"
        assert str(backends["database"]["version"]).startswith("15.")
        assert backends["queue"]["kind"] == "redis"
        assert str(backends["queue"]["version"]).startswith("7.")
        assert backends["search"]["kind"] == "elasticsearch"
        assert str(backends["search"]["version"]).startswith("8.")
    else:
        assert backends["database"]["kind"] == "sqlite"
        assert backends["queue"]["kind"] in {"valkey", "redis"}


def test_health_is_degraded_when_a_backend_is_down(
    client: TestClient, container: Container
) -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    container.queue = QueueConnection(url="redis://127.0.0.1:1/0", redis=dead)
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    queue = _backends(body)["queue"]
    assert queue["state"] == "down"
    assert queue["version"] is None
    assert "127.0.0.1" not in response.text


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/health" in spec["paths"]
