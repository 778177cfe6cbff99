"""Helpers of the push tests: a published job, fixed clocks, a real local HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy.orm import Session

from jobs_api.jobs.models import Job
from tests.factories.jobs import make_employer, make_job

NOON = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # Wednesday 12:00 in Beijing
NIGHT = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)  # Wednesday 23:00 in Beijing


def published_job(session: Session, title: str = "Java开发工程师") -> Job:
    employer = make_employer(session)
    return make_job(session, employer, title=title)


@dataclass
class Received:
    body: dict[str, Any]
    signature_ok: bool
    idempotency_key: str
    status: int


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: answers with ``script`` statuses in turn (then 200)
    and checks each request's HMAC signature with ``secret``."""

    secret: str
    script: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    url: str = ""

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.status < 300]


@contextmanager
def webhook_receiver(secret: str, script: list[int] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(secret=secret, script=list(script or []))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
            signature = self.headers.get("X-Gradmatch-Signature", "")
            with lock:
                status = receiver.script.pop(0) if receiver.script else 200
                receiver.received.append(
                    Received(
                        body=json.loads(raw),
                        signature_ok=hmac.compare_digest(signature, expected),
                        idempotency_key=self.headers.get("Idempotency-Key", ""),
                        status=status,
                    )
                )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
