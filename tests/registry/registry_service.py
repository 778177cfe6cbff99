"""A stand-in national student-status service: a small FastAPI app served by a real uvicorn
server on a free loopback port, in a thread. Tests steer it through :class:`Scenario`
(failures to answer first, slowness, broken bodies) — the adapter under test talks real HTTP.
"""

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

API_KEY = "test-registry-key"


@dataclass
class Scenario:
    records: list[dict[str, Any]] = field(default_factory=list)
    page_size_cap: int = 1000
    fail_with: int = 503  # status of the injected failures
    failures_left: int = 0  # answer the next N requests with ``fail_with``
    retry_after: str | None = None  # Retry-After header of the injected failures
    slow_seconds: float = 0.0  # sleep before answering ...
    slow_left: int = 0  # ... the next N requests
    broken_body: bytes | None = None  # answer 200 with this body
    repeat_token: bool = False  # hand out the same page token forever
    calls: list[str] = field(default_factory=list)

    def reset(self, records: list[dict[str, Any]]) -> None:
        """A clean slate holding ``records`` (the server keeps this same object)."""
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

    @app.post("/v1/students/verify")
    async def verify(request: Request, authorization: str | None = Header(None)) -> Response:
        early = await injected(request, authorization)
        if early is not None:
            return early
        body = await request.json()
        for record in scenario.records:
            if record["id_number"] == body["id_number"] and record["name"] == body["name"]:
                return JSONResponse({"record": record})
        return JSONResponse({"record": None})

    @app.get("/v1/cohorts/{university_code}/{graduation_year}/students")
    async def cohort(
        request: Request,
        university_code: str,
        graduation_year: int,
        page_size: int = 100,
        page_token: str | None = None,
        authorization: str | None = Header(None),
    ) -> Response:
        early = await injected(request, authorization)
        if early is not None:
            return early
        members = [
            r
            for r in scenario.records
            if r["university_code"] == university_code
            and r["expected_graduation_date"].startswith(str(graduation_year))
        ]
        size = min(page_size, scenario.page_size_cap)
        start = int(page_token[1:]) if page_token else 0
        end = start + size
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
    config = uvicorn.Config(build_app(scenario), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("stand-in registry service did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
