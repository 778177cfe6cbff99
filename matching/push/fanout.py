"""Fan-out of one newly published job to the graduates it suits.

:func:`fan_out` takes the candidates (from ``matching.recommend.service.suggest_candidates``
with ``purpose="push_notifications"``: verified, opted in, not applied), keeps those whose
``push_notifications`` consent is open, decides per graduate with
:func:`matching.push.selection.select` (instant / digest / skip; priority groups first and
never cut by the budget) and then writes, one committed batch at a time:

* a :class:`PushMatch` per graduate (unique per graduate and job: a re-run adds nothing, and a
  run that crashed after some batches resumes with the graduates not matched yet);
* for "send now": ``notified_at`` and one :class:`PushDelivery` per enabled channel (dedupe
  key ``job:<id>``; the text says why this graduate gets it: :func:`personal_message`), plus
  the outbox event that sends them once the batch commits;
* the running figures on the job's :class:`PushFanout` row, ``done`` at the end.

Two runs for one job at once (two workers picking up a re-queued fan-out) meet at a unique
key — the job's :class:`PushFanout` row or a graduate's :class:`PushMatch` — and the one that
loses stops with ``already_running`` after rolling its batch back; the other finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.db import job_session, utcnow
from jobs_api.core.settings import Settings
from jobs_api.employers.models import Employer
from jobs_api.graduates.models import ConsentPurpose, ConsentRecord
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.reference.models import Region
from matching.push.delivery import publish_deliveries
from matching.push.models import PushDelivery, PushFanout, PushMatch
from matching.push.preferences import Preferences, available_channels, preferences_for
from matching.push.selection import Candidate, Decision, Selection, beijing_day_start
from matching.push.selection import select as select_candidates

DEFAULT_BATCH_SIZE = 500
DEFAULT_INSTANT_BUDGET = 2_000
"""Instant alerts per job for graduates outside the priority groups; the rest of the matches
wait for the digest (a popular job must not alert tens of thousands at once)."""


@dataclass(frozen=True, slots=True)
class FanoutCandidate:
    """What fan-out needs of a matched graduate (``CandidateFit`` has these fields)."""

    user_id: int
    score: float
    priority_group: bool = False
    reasons: tuple[dict[str, Any], ...] = ()


@dataclass
class FanoutReport:
    job_id: int
    status: str = "done"  # done | already_done | already_running | not_published
    candidates: int = 0
    matched: int = 0
    notified: int = 0
    deferred: int = 0
    skipped: int = 0
    deliveries: int = 0
    decisions: dict[str, int] = field(default_factory=dict)


def job_message(session: Session, job: Job) -> dict[str, Any]:
    """The text of a job alert (Chinese first, English alongside)."""
    employer = session.get(Employer, job.employer_id)
    city = session.get(Region, job.city_code)
    where = city.short_name if city is not None else ""
    name = employer.name if employer is not None else ""
    salary = f"{job.salary_min // 1000}-{job.salary_max // 1000}K"
    return {
        "title_zh": f"新职位推荐：{job.title}",
        "title_en": f"New job for you: {job.title}",
        "body_zh": f"{name} · {where} · {salary}",
        "body_en": f"{name} · {where} · {salary}",
        "link": f"/jobs/{job.id}",
    }


WHY_LISTED = 3
"""Matched reasons an alert names (the first ones: the ranking's order)."""


def personal_message(message: dict[str, Any], reasons: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``message`` with why this graduate gets it: the first matched reasons of the ranking
    (推荐理由：专业对口；城市符合：杭州), nothing added when none matched."""
    matched = [r for r in reasons if r.get("matched") and r.get("text_zh")][:WHY_LISTED]
    if not matched:
        return message
    why_zh = "；".join(str(r["text_zh"]) for r in matched)
    why_en = "; ".join(str(r.get("text_en") or r["text_zh"]) for r in matched)
    return {
        **message,
        "body_zh": f"{message['body_zh']}\n推荐理由：{why_zh}",
        "body_en": f"{message['body_en']}\nWhy: {why_en}",
    }


def consenting_users(session: Session, user_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(user_ids), 1000):
        chunk = list(user_ids[start : start + 1000])
        found.update(
            session.scalars(
                select(ConsentRecord.user_id).where(
                    ConsentRecord.user_id.in_(chunk),
                    ConsentRecord.purpose == ConsentPurpose.PUSH_NOTIFICATIONS.value,
                    ConsentRecord.withdrawn_at.is_(None),
                )
            )
        )
    return found


def alerts_today(session: Session, user_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """Job alerts each account got since the start of the Beijing day (inbox row = alert)."""
    counts: dict[int, int] = {}
    since = beijing_day_start(now)
    for start in range(0, len(user_ids), 1000):
        chunk = list(user_ids[start : start + 1000])
        rows = session.execute(
            select(PushDelivery.user_id, func.count())
            .where(
                PushDelivery.user_id.in_(chunk),
                PushDelivery.channel == "inbox",
                PushDelivery.kind == "job_match",
                PushDelivery.created_at >= since,
            )
            .group_by(PushDelivery.user_id)
        )
        counts.update({int(uid): int(n) for uid, n in rows})
    return counts


def _existing_matches(session: Session, job_id: int, user_ids: Sequence[int]) -> set[int]:
    return set(
        session.scalars(
            select(PushMatch.user_id).where(
                PushMatch.job_id == job_id, PushMatch.user_id.in_(list(user_ids))
            )
        )
    )


def plan(
    session: Session,
    candidates: Sequence[FanoutCandidate],
    now: datetime,
    *,
    instant_budget: int | None,
) -> list[Selection]:
    """Consent filter, settings, today's counts and the selection (read-only)."""
    best: dict[int, FanoutCandidate] = {}
    for candidate in candidates:
        if candidate.user_id not in best or best[candidate.user_id].score < candidate.score:
            best[candidate.user_id] = candidate
    user_ids = sorted(consenting_users(session, sorted(best)))
    preferences: dict[int, Preferences] = {}
    for start in range(0, len(user_ids), 1000):
        preferences.update(preferences_for(session, user_ids[start : start + 1000]))
    sent = alerts_today(session, user_ids, now)
    return select_candidates(
        (
            Candidate(
                uid, best[uid].score, best[uid].priority_group, preferences[uid], sent.get(uid, 0)
            )
            for uid in user_ids
        ),
        now,
        instant_budget=instant_budget,
    )


def fan_out(
    session_factory: sessionmaker[Session],
    settings: Settings,
    job_id: int,
    candidates: Sequence[FanoutCandidate],
    *,
    now: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    instant_budget: int | None = DEFAULT_INSTANT_BUDGET,
    after_batch: Callable[[int], None] | None = None,
) -> FanoutReport:
    """Record matches and instant deliveries for ``job_id`` (idempotent, resumable).
    ``after_batch`` is called with the batch number after each commit (progress; tests use
    it to stop a run half-way)."""
    now = now or utcnow()
    report = FanoutReport(job_id=job_id, candidates=len(candidates))
    reasons = {c.user_id: list(c.reasons) for c in candidates}
    offered = set(available_channels(settings))
    try:
        with job_session(session_factory) as session:
            job = session.get(Job, job_id)
            if job is None or job.status != JobStatus.PUBLISHED:
                report.status = "not_published"
                return report
            fanout = session.get(PushFanout, job_id)
            if fanout is not None and fanout.status == "done":
                report.status = "already_done"
                return report
            if fanout is None:
                session.add(PushFanout(job_id=job_id, status="running", started_at=now))
            message = job_message(session, job)
            selections = plan(session, candidates, now, instant_budget=instant_budget)
    except IntegrityError:
        report.status = "already_running"  # another run claimed the job after our read
        return report
    for number, start in enumerate(range(0, len(selections), batch_size), start=1):
        batch = selections[start : start + batch_size]
        batch_report = FanoutReport(job_id=job_id)
        try:
            with job_session(session_factory) as session:
                _write_batch(session, job_id, batch, reasons, message, offered, now, batch_report)
        except IntegrityError:
            report.status = "already_running"  # another run matched some of these meanwhile
            return report
        _add_counts(report, batch_report)
        if after_batch is not None:
            after_batch(number)
    with job_session(session_factory) as session:
        fanout = session.get(PushFanout, job_id)
        assert fanout is not None
        fanout.candidates = len(candidates)
        fanout.matched = (
            session.scalar(
                select(func.count()).select_from(PushMatch).where(PushMatch.job_id == job_id)
            )
            or 0
        )
        fanout.notified = (
            session.scalar(
                select(func.count())
                .select_from(PushMatch)
                .where(PushMatch.job_id == job_id, PushMatch.notified_at.is_not(None))
            )
            or 0
        )
        fanout.deferred = fanout.matched - fanout.notified
        fanout.status = "done"
        fanout.finished_at = utcnow()
    return report


def _add_counts(report: FanoutReport, batch: FanoutReport) -> None:
    """Count a committed batch (a rolled-back one must not be counted)."""
    report.matched += batch.matched
    report.notified += batch.notified
    report.deferred += batch.deferred
    report.skipped += batch.skipped
    report.deliveries += batch.deliveries
    for reason, count in batch.decisions.items():
        report.decisions[reason] = report.decisions.get(reason, 0) + count


def _write_batch(
    session: Session,
    job_id: int,
    batch: Sequence[Selection],
    reasons: dict[int, list[dict[str, Any]]],
    message: dict[str, Any],
    offered: set[str],
    now: datetime,
    report: FanoutReport,
) -> None:
    done = _existing_matches(session, job_id, [s.candidate.user_id for s in batch])
    deliveries: list[PushDelivery] = []
    for selection in batch:
        candidate = selection.candidate
        report.decisions[selection.reason] = report.decisions.get(selection.reason, 0) + 1
        if selection.decision is Decision.SKIP:
            report.skipped += 1
            continue
        if candidate.user_id in done:
            continue  # a previous (crashed or repeated) run already handled this graduate
        send_now = selection.decision is Decision.SEND_NOW
        session.add(
            PushMatch(
                user_id=candidate.user_id,
                job_id=job_id,
                score=candidate.score,
                priority_group=candidate.priority_group,
                reasons=reasons.get(candidate.user_id, []),
                created_at=now,
                notified_at=now if send_now else None,
            )
        )
        report.matched += 1
        if not send_now:
            report.deferred += 1
            continue
        report.notified += 1
        payload = personal_message(message, reasons.get(candidate.user_id, []))
        for channel in candidate.preferences.channels:
            if channel not in offered:
                continue
            deliveries.append(
                PushDelivery(
                    user_id=candidate.user_id,
                    channel=channel,
                    kind="job_match",
                    dedupe_key=f"job:{job_id}",
                    job_ids=[job_id],
                    payload=payload,
                    priority_group=candidate.priority_group,
                    created_at=now,
                )
            )
    session.add_all(deliveries)
    session.flush()
    report.deliveries += len(deliveries)
    publish_deliveries(session, [d.id for d in deliveries])
