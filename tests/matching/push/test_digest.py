"""The digest: one message a day with the matches not pushed at once, weekly graduates on
Mondays, nobody who chose off; running it twice the same day adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.inbox.models import InboxMessage
from matching.push.delivery import send_due
from matching.push.digest import send_digests
from matching.push.fanout import FanoutCandidate, fan_out
from matching.push.models import PushDelivery, PushMatch
from matching.push.preferences import PreferencesIn, update_preferences
from tests.matching.push.conftest import MakeGraduate
from tests.matching.push.helpers import NIGHT, published_job

Drain = Callable[[], None]
WEDNESDAY_0830 = datetime(2026, 6, 11, 0, 30, tzinfo=UTC)  # Thursday 08:30 in Beijing
MONDAY_0830 = datetime(2026, 6, 15, 0, 30, tzinfo=UTC)


def test_digest_once_per_day(
    db: Session, container: Container, graduate: MakeGraduate, outbox: Drain
) -> None:
    daily, weekly, night_owl, off = graduate(), graduate(), graduate(), graduate()
    update_preferences(db, daily.id, PreferencesIn(frequency="daily"))
    update_preferences(db, weekly.id, PreferencesIn(frequency="weekly"))
    jobs = [published_job(db, title=t) for t in ("Java开发工程师", "数据分析师")]
    db.commit()
    ids = [daily.id, weekly.id, night_owl.id, off.id]
    for job in jobs:  # at 23:00 the instant graduate is in quiet hours too
        fan_out(
            container.session_factory,
            container.settings,
            job.id,
            [FanoutCandidate(uid, 0.7) for uid in ids],
            now=NIGHT,
        )
    update_preferences(db, off.id, PreferencesIn(frequency="off"))
    db.commit()

    report = send_digests(container.session_factory, container.settings, now=WEDNESDAY_0830)
    assert (report.users, report.jobs, report.deliveries) == (2, 4, 2)  # not weekly, not off
    again = send_digests(container.session_factory, container.settings, now=WEDNESDAY_0830)
    assert (again.users, again.deliveries) == (0, 0)
    outbox()
    send_due(container.session_factory, container.settings, now=WEDNESDAY_0830)
    digests = db.scalars(select(InboxMessage).where(InboxMessage.kind == "push.digest")).all()
    assert sorted(m.user_id for m in digests) == sorted([daily.id, night_owl.id])
    assert {m.title_zh for m in digests} == {"今日为你推荐 2 个职位"}
    assert {m.dedupe_key for m in digests} == {"digest:2026-06-11"}
    assert "数据分析师" in digests[0].body_zh and "Java开发工程师" in digests[0].body_zh

    # the weekly graduate hears on Monday; the "off" graduate never
    monday = send_digests(container.session_factory, container.settings, now=MONDAY_0830)
    assert (monday.users, monday.jobs) == (1, 2)
    weekly_row = db.scalars(select(PushDelivery).where(PushDelivery.user_id == weekly.id)).one()
    assert weekly_row.dedupe_key == "digest:2026-06-15"
    left = db.scalars(select(PushMatch.user_id).where(PushMatch.digested_at.is_(None))).all()
    assert set(left) == {off.id}
    # a new match the next day makes a new digest for that day only
    third = published_job(db, title="测试工程师")
    db.commit()
    fan_out(
        container.session_factory,
        container.settings,
        third.id,
        [FanoutCandidate(daily.id, 0.9)],
        now=NIGHT + timedelta(days=1),
    )
    next_day = send_digests(
        container.session_factory, container.settings, now=WEDNESDAY_0830 + timedelta(days=1)
    )
    assert (next_day.users, next_day.jobs) == (1, 1)
