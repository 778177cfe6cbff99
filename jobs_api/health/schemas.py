from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class BackendHealth(BaseModel):
    name: Literal["database", "queue", "search"]
    kind: str = Field(description="e.g. postgresql, sqlite, redis, valkey, elasticsearch")
    version: str | None = Field(description="server version as the server reports it")
    state: Literal["up", "down"]
    latency_ms: float | None = None
    detail: str | None = Field(default=None, description="why a backend is down")


class HealthReport(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    backends: list[BackendHealth]
