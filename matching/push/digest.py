"""The digest: matches that were not pushed at once, gathered into one message a day.

Daily (and instant graduates whose alerts were held back by quiet hours, the cap or the job's
budget) every morning at 08:30 Beijing time; weekly graduates on Mondays. One message per
graduate and day: the dedupe key ``digest:<Beijing date>`` makes a re-run add nothing, and the
matches it carried get ``digested_at``. Graduates who chose ``off`` or withdrew the push
consent get nothing (their matches stay, undigested).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.db import job_session, utcnow
from jobs_api.core.settings import Settings
from jobs_api.jobs.models import Job, JobStatus
from matching.push.delivery import publish_deliveries
from matching.push.fanout import consenting_users
from matching.push.models import Frequency, PushDelivery, PushMatch
from matching.push.preferences import available_channels, preferences_for
from matching.push.selection import BEIJING, beijing_date

DIGEST_LISTED = 5  # job titles named in the message body


@dataclass
class DigestReport:
    users: int = 0
    jobs: int = 0
    deliveries: int = 0


def _pending_users(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(PushMatch.user_id)
            .where(PushMatch.notified_at.is_(None), PushMatch.digested_at.is_(None))
            .distinct()
            .order_by(PushMatch.user_id)
        )
    )


def send_digests(
    session_factory: sessionmaker[Session],
    settings: Settings,
    *,
    now: datetime | None = None,
    batch_size: int = 500,
) -> DigestReport:
    """Write today's digest deliveries (one committed batch of graduates at a time)."""
    now = now or utcnow()
    day = beijing_date(now)
    monday = now.astimezone(BEIJING).weekday() == 0
    offered = set(available_channels(settings))
    report = DigestReport()
    with job_session(session_factory) as session:
        user_ids = _pending_users(session)
    for start in range(0, len(user_ids), batch_size):
        chunk = user_ids[start : start + batch_size]
        with job_session(session_factory) as session:
            _digest_batch(session, chunk, day, monday, offered, now, report)
    return report


def _digest_batch(
    session: Session,
    user_ids: list[int],
    day: str,
    monday: bool,
    offered: set[str],
    now: datetime,
    report: DigestReport,
) -> None:
    consenting = consenting_users(session, user_ids)
    preferences = preferences_for(session, [u for u in user_ids if u in consenting])
    due = [
        uid
        for uid, prefs in preferences.items()
        if prefs.frequency is not Frequency.OFF
        and (prefs.frequency is not Frequency.WEEKLY or monday)
    ]
    if not due:
        return
    rows = session.execute(
        select(
            PushMatch.id, PushMatch.user_id, PushMatch.job_id, Job.title, PushMatch.priority_group
        )
        .join(Job, Job.id == PushMatch.job_id)
        .where(
            PushMatch.user_id.in_(due),
            PushMatch.notified_at.is_(None),
            PushMatch.digested_at.is_(None),
            Job.status == JobStatus.PUBLISHED,
        )
        .order_by(PushMatch.user_id, PushMatch.score.desc())
    ).all()
    by_user: dict[int, list[tuple[int, int, str, bool]]] = {}
    for match_id, uid, job_id, title, priority in rows:
        by_user.setdefault(uid, []).append((match_id, job_id, title, priority))
    existing = {
        (uid, channel)
        for uid, channel in session.execute(
            select(PushDelivery.user_id, PushDelivery.channel).where(
                PushDelivery.user_id.in_(list(by_user)), PushDelivery.dedupe_key == f"digest:{day}"
            )
        )
    }
    deliveries: list[PushDelivery] = []
    for uid, items in by_user.items():
        titles = "、".join(title for _, _, title, _ in items[:DIGEST_LISTED])
        more = "等" if len(items) > DIGEST_LISTED else ""
        payload = {
            "title_zh": f"今日为你推荐 {len(items)} 个职位",
            "title_en": f"{len(items)} jobs recommended for you today",
            "body_zh": f"{titles}{more}",
            "body_en": f"{titles}{' and more' if more else ''}",
            "link": "/recommendations",
        }
        for channel in preferences[uid].channels:
            if channel in offered and (uid, channel) not in existing:
                deliveries.append(
                    PushDelivery(
                        user_id=uid,
                        channel=channel,
                        kind="digest",
                        dedupe_key=f"digest:{day}",
                        job_ids=[job_id for _, job_id, _, _ in items],
                        payload=payload,
                        priority_group=any(p for _, _, _, p in items),
                        created_at=now,
                    )
                )
        report.users += 1
        report.jobs += len(items)
    session.add_all(deliveries)
    session.flush()
    session.execute(
        update(PushMatch)
        .where(PushMatch.id.in_([m for items in by_user.values() for m, _, _, _ in items]))
        .values(digested_at=now)
        .execution_options(synchronize_session=False)
    )
    report.deliveries += len(deliveries)
    publish_deliveries(session, [d.id for d in deliveries])
