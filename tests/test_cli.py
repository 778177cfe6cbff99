"""The gradmatch command on embedded defaults, as a person would run it."""

from __future__ import annotations

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
