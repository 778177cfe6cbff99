from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient


def test_request_id_is_echoed_or_generated(client: TestClient) -> None:
    generated = client.get("/health")
    assert len(generated.headers["x-request-id"]) == 32
    echoed = client.get("/health", headers={"X-Request-ID": "req-12345678"})
    assert echoed.headers["x-request-id"] == "req-12345678"
    hostile = client.get("/health", headers={"X-Request-ID": "x" * 200})
    assert hostile.headers["x-request-id"] != "x" * 200


def test_access_log_has_no_query_string(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gradmatch.access"):
        client.get("/api/v1/reference/majors", params={"q": "110101199003071234"})
    lines = [r.getMessage() for r in caplog.records if r.name == "gradmatch.access"]
    assert any(line.startswith("GET /api/v1/reference/majors 200") for line in lines)
    assert "110101199003071234" not in caplog.text
