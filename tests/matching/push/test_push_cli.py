"""``gradmatch push-status`` and ``gradmatch push-retry-dead`` against the test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jobs_api.cli import app
from jobs_api.core.container import Container
from jobs_api.core.outbox import OutboxEvent
from jobs_api.core.settings import get_settings
from matching.push.delivery import DELIVERIES_TOPIC
from matching.push.models import DeliveryStatus, PushDelivery
from tests.matching.push.conftest import MakeGraduate

runner = CliRunner()


@pytest.fixture
def cli_env(container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings = container.settings
    monkeypatch.setenv("GRADMATCH_DATABASE_URL", settings.resolved_database_url())
    monkeypatch.setenv("GRADMATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GRADMATCH_ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_status_lists_dead_letters_and_retry_revives_them(
    db: Session, graduate: MakeGraduate, cli_env: None
) -> None:
    user = graduate()
    rows = [
        PushDelivery(
            user_id=user.id,
            channel=channel,
            kind="job_match",
            dedupe_key=f"job:{n}",
            status=status,
            attempts=8 if status == DeliveryStatus.DEAD else 1,
            last_error="TemporaryChannelError: webhook: HTTP 503" if status == "dead" else "",
        )
        for n, (channel, status) in enumerate(
            [("inbox", DeliveryStatus.SENT), ("webhook", DeliveryStatus.DEAD), ("sms", "dead")]
        )
    ]
    db.add_all(rows)
    db.commit()

    status = runner.invoke(app, ["push-status"])
    assert status.exit_code == 0, status.output
    assert "sent" in status.output and "webhook" in status.output
    assert f"dead #{rows[1].id} webhook job_match user {user.id} after 8 attempts" in status.output
    assert "HTTP 503" in status.output

    one = runner.invoke(app, ["push-retry-dead", "--id", str(rows[1].id)])
    assert one.exit_code == 0 and "queued 1" in one.output
    missing = runner.invoke(app, ["push-retry-dead", "--id", str(rows[0].id)])  # sent, not dead
    assert missing.exit_code == 1
    rest = runner.invoke(app, ["push-retry-dead"])
    assert rest.exit_code == 0 and "queued 1" in rest.output
    db.expire_all()
    assert [db.get(PushDelivery, r.id).status for r in rows] == [  # type: ignore[union-attr]
        "sent",
        "pending",
        "pending",
    ]
    events = db.scalars(select(OutboxEvent).where(OutboxEvent.topic == DELIVERIES_TOPIC)).all()
    assert [e.payload["delivery_ids"] for e in events] == [[rows[1].id], [rows[2].id]]
