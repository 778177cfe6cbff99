from __future__ import annotations

import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Literal

from jobs_api.core.container import Container
from jobs_api.core.db import database_version
from jobs_api.health.schemas import BackendHealth, HealthReport

BackendName = Literal["database", "queue", "search"]


def _probe(
    name: BackendName, fallback_kind: str, read: Callable[[], tuple[str, str]]
) -> BackendHealth:
    started = time.perf_counter()
    try:
        kind, server_version = read()
    except Exception as exc:  # a health check reports failures, it never raises them
        return BackendHealth(
            name=name,
            kind=fallback_kind,
            version=None,
            state="down",
            detail=type(exc).__name__,
        )
    return BackendHealth(
        name=name,
        kind=kind,
        version=server_version,
        state="up",
        latency_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def _search_info(container: Container) -> tuple[str, str]:
    info = container.search.server_info()
    return info.kind, info.version


def service_version() -> str:
    try:
        return package_version("gradmatch")
    except PackageNotFoundError:
        return "unknown"


def check_health(container: Container) -> HealthReport:
    backends = [
        _probe(
            "database", container.engine.dialect.name, lambda: database_version(container.engine)
        ),
        _probe("queue", "redis", container.queue.server_version),
        _probe(
            "search",
            "embedded" if container.settings.uses_embedded_search else "elasticsearch",
            lambda: _search_info(container),
        ),
    ]
    status: Literal["ok", "degraded"] = (
        "ok" if all(b.state == "up" for b in backends) else "degraded"
    )
    return HealthReport(status=status, version=service_version(), backends=backends)
