"""A stand-in national enterprise credit service: a small FastAPI app served by a real uvicorn
server on a free loopback port, in a thread. Tests steer it through :class:`Scenario`
(failures first, slowness, broken bodies) — the adapter under test talks real HTTP."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response

API_KEY = "test-credit-key"


@dataclass
class Scenario:
    records: list[dict[str, Any]] = field(default_factory=list)
    fail_with: int = 503
    failures_left: int = 0
    retry_after: str | None = None
    slow_seconds: float = 0.0
    slow_left: int = 0
    broken_body: bytes | None = None
    repeat_token: bool = False
    calls: list[str] = field(default_factory=list)

    def reset(self, records: list[dict[str, Any]]) -> None:
        for name, value in vars(Scenario(records=records)).items():
            setattr(self, name, value)


def build_app(scenario: Scenario) -> FastAPI:
    app = FastAPI()

    async def injected(request: Request, authorization: str | None) -> Response | None:
        scenario.calls.append(f"{request.method} {request.url.path}")
        if authorization != f"Bearer {API_KEY}":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if scenario.slow_left > 0:
            scenario.slow_left -= 1
            await asyncio.sleep(scenario.slow_seconds)
        if scenario.failures_left > 0:
            scenario.failures_left -= 1
            headers = {"Retry-After": scenario.retry_after} if scenario.retry_after else None
            return JSONResponse({"error": "busy"}, status_code=scenario.fail_with, headers=headers)
        if scenario.broken_body is not None:
            return Response(scenario.broken_body, media_type="application/json")
        return None

    @app.get("/v1/enterprises/{uscc}")
    async def lookup(
        request: Request, uscc: str, authorization: str | None = Header(None)
    ) -> Response:
        early = await injected(request, authorization)
        if early is not None:
            return early
        found = next((r for r in scenario.records if r["uscc"] == uscc), None)
        return JSONResponse({"record": found})

    @app.get("/v1/enterprises")
    async def region(
        request: Request,
        region: str,
        page_size: int = 100,
        page_token: str | None = None,
        authorization: str | None = Header(None),
    ) -> Response:
        early = await injected(request, authorization)
        if early is not None:
            return early
        members = [r for r in scenario.records if r["uscc"][2:8] == region]
        start = int(page_token[1:]) if page_token else 0
        end = start + page_size
        following = f"p{end}" if end < len(members) else None
        if scenario.repeat_token:
            following = "p0"
        return JSONResponse({"items": members[start:end], "next_page_token": following})

    return app


@contextmanager
def serve(scenario: Scenario) -> Iterator[str]:
    """Serve the stand-in on 127.0.0.1 (a free port); yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(build_app(scenario), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("stand-in credit service did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
