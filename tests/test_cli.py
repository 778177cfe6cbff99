"""The gradmatch command on embedded defaults, as a person would run it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from jobs_api.cli import app
from jobs_api.core.db import build_engine, build_session_factory
from jobs_api.core.settings import get_settings
from jobs_api.identity.models import User
from jobs_api.jobs.models import Job

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"):
        monkeypatch.delenv(f"GRADMATCH_{name}", raising=False)
    monkeypatch.setenv("GRADMATCH_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GRADMATCH_ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def _count(data_dir: Path, model: type[Job] | type[User]) -> int:
    engine = build_engine(f"sqlite:///{data_dir / 'gradmatch.db'}")
    try:
        with build_session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_demo_then_again_with_if_empty(data_dir: Path) -> None:
    args = ["demo", "--graduates", "200", "--employers", "40", "--jobs", "300", "--seed", "7"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "demo data ready" in first.output
    assert "admin" in first.output  # the demo accounts table
    assert _count(data_dir, Job) == 300

    refused = runner.invoke(app, args)
    assert refused.exit_code == 1
    kept = runner.invoke(app, [*args, "--if-empty"])
    assert kept.exit_code == 0, kept.output
    assert _count(data_dir, Job) == 300


def test_create_admin_and_health(data_dir: Path) -> None:
    result = runner.invoke(
        app, ["create-admin", "--username", "root-admin", "--password", "Str0ng-passw0rd"]
    )
    assert result.exit_code == 0, result.output
    assert _count(data_dir, User) == 1
    weak = runner.invoke(app, ["create-admin", "--username", "root-admin", "--password", "123"])
    assert weak.exit_code == 2
    assert "password" in weak.output

    health = runner.invoke(app, ["health"])
    assert health.exit_code == 0, health.output
    assert "sqlite" in health.output
    assert "embedded-sqlite-fts5" in health.output


def test_worker_refuses_the_embedded_queue(data_dir: Path) -> None:
    result = runner.invoke(app, ["worker", "--burst"])
    assert result.exit_code == 2
    assert "GRADMATCH_REDIS_URL" in result.output


def test_expire_verifications_runs(data_dir: Path) -> None:
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    result = runner.invoke(app, ["expire-verifications"])
    assert result.exit_code == 0, result.output
    assert "expired 0 verifications" in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_serve_stops_its_worker_and_queue_server_on_sigterm(data_dir: Path) -> None:
    """``kill <serve pid>`` (systemd, docker stop) must not leave the worker and the bundled
    Valkey running."""
    port = _free_port()
    env = {**os.environ, "GRADMATCH_DATA_DIR": str(data_dir)}
    serve = subprocess.Popen(
        [sys.executable, "-m", "jobs_api", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[int] = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("gradmatch serve did not answer /health within 90 s")
        children = _children(serve.pid)
        assert len(children) >= 2, "expected the worker and the Valkey server as children"
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [c for c in children if _alive(c)]
    finally:
        if serve.poll() is None:
            serve.kill()
        for child in children:  # never leave them behind, even when the test fails
            if _alive(child):
                os.kill(child, signal.SIGKILL)
