"""Fan-out of a published job: consent and settings respected, one match and one message per
graduate however often it runs, a crash half-way resumes without duplicates, and the
jobs.changed event queues it (end to end through the outbox and rq)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from rq import SimpleWorker
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.queue import DEFAULT_QUEUE
from jobs_api.graduates.consent import withdraw_consent
from jobs_api.graduates.models import ConsentPurpose, GraduateProfile
from jobs_api.inbox.models import InboxMessage
from jobs_api.jobs.events import publish_jobs_changed
from jobs_api.jobs.models import JobStatus
from matching.indexing import index_graduates
from matching.push.fanout import FanoutCandidate, FanoutReport, fan_out, personal_message
from matching.push.models import DeliveryStatus, PushDelivery, PushFanout, PushMatch
from matching.push.preferences import PreferencesIn, update_preferences
from matching.push.tasks import CANDIDATE_SOURCE_KEY, fanout_job_id, run_fan_out
from matching.runtime import matching_runtime
from tests.matching.push.conftest import MakeGraduate
from tests.matching.push.helpers import NIGHT, NOON, published_job

Drain = Callable[[], None]


def _count(db: Session, model: type, *where: object) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def _candidates(user_ids: Sequence[int], priority: Sequence[int] = ()) -> list[FanoutCandidate]:
    return [
        FanoutCandidate(uid, 0.9 - n / 100, uid in priority, ({"code": "major", "matched": True},))
        for n, uid in enumerate(user_ids)
    ]


def test_fan_out_twice_gives_one_match_and_one_message_each(
    db: Session, container: Container, graduate: MakeGraduate, outbox: Drain
) -> None:
    instant = graduate()
    daily = graduate()
    withdrawn = graduate()
    off = graduate()
    update_preferences(db, daily.id, PreferencesIn(frequency="daily"))
    update_preferences(db, off.id, PreferencesIn(frequency="off"))
    withdraw_consent(db, withdrawn.id, ConsentPurpose.PUSH_NOTIFICATIONS)
    job = published_job(db)
    db.commit()
    candidates = _candidates([instant.id, daily.id, withdrawn.id, off.id])

    first = fan_out(container.session_factory, container.settings, job.id, candidates, now=NOON)
    assert (first.matched, first.notified, first.deferred, first.skipped) == (2, 1, 1, 1)
    outbox()
    again = fan_out(container.session_factory, container.settings, job.id, candidates, now=NOON)
    assert again.status == "already_done" and again.matched == 0
    outbox()

    matches = db.scalars(select(PushMatch).order_by(PushMatch.user_id)).all()
    assert [(m.user_id, m.notified_at is not None) for m in matches] == [
        (instant.id, True),
        (daily.id, False),
    ]
    assert matches[0].reasons == [{"code": "major", "matched": True}]
    messages = db.scalars(select(InboxMessage).where(InboxMessage.kind == "push.job_match")).all()
    assert [(m.user_id, m.dedupe_key, m.link) for m in messages] == [
        (instant.id, f"job:{job.id}", f"/jobs/{job.id}")
    ]
    assert messages[0].title_zh == "新职位推荐：Java开发工程师"
    delivery = db.scalars(select(PushDelivery)).one()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    fanout = db.get(PushFanout, job.id)
    assert fanout is not None and fanout.status == "done"
    assert (fanout.candidates, fanout.matched, fanout.notified, fanout.deferred) == (4, 2, 1, 1)


def test_crash_after_first_batch_resumes_without_duplicates(
    db: Session, container: Container, graduate: MakeGraduate, outbox: Drain
) -> None:
    users = [graduate() for _ in range(5)]
    job = published_job(db)
    db.commit()
    candidates = _candidates([u.id for u in users])

    def crash(batch: int) -> None:
        raise RuntimeError(f"worker killed after batch {batch}")

    with pytest.raises(RuntimeError, match="after batch 1"):
        fan_out(
            container.session_factory,
            container.settings,
            job.id,
            candidates,
            now=NOON,
            batch_size=2,
            after_batch=crash,
        )
    assert _count(db, PushMatch) == 2 and _count(db, PushDelivery) == 2
    fanout = db.get(PushFanout, job.id)
    assert fanout is not None and fanout.status == "running"

    resumed = fan_out(
        container.session_factory, container.settings, job.id, candidates, now=NOON, batch_size=2
    )
    assert resumed.matched == 3  # only the graduates the crashed run had not reached
    outbox()
    assert _count(db, PushMatch) == 5
    assert _count(db, PushDelivery) == 5
    assert _count(db, InboxMessage, InboxMessage.kind == "push.job_match") == 5
    assert sorted(db.scalars(select(InboxMessage.user_id))) == sorted(u.id for u in users)


def _rival_run_at_first_flush_of(
    container: Container, new_object: type, run: Callable[[], FanoutReport]
) -> tuple[Callable[..., None], list[FanoutReport]]:
    """A ``before_flush`` hook that runs a whole rival fan-out just before our run first
    writes a ``new_object``: the interleaving of two workers that both read "nothing yet"."""
    rival: list[FanoutReport] = []
    armed = [True]

    def hook(session: Session, *_: object) -> None:
        if armed[0] and any(isinstance(o, new_object) for o in session.new):
            armed[0] = False  # once: not again for the rival's own flushes
            rival.append(run())

    event.listen(container.session_factory, "before_flush", hook)
    return hook, rival


@pytest.mark.parametrize("collides_on", [PushFanout, PushMatch], ids=["claim", "batch"])
def test_two_runs_at_once_notify_each_graduate_once(
    db: Session, container: Container, graduate: MakeGraduate, outbox: Drain, collides_on: type
) -> None:
    users = [graduate() for _ in range(3)]
    job = published_job(db)
    db.commit()
    candidates = _candidates([u.id for u in users])

    def run() -> FanoutReport:
        return fan_out(container.session_factory, container.settings, job.id, candidates, now=NOON)

    hook, rival = _rival_run_at_first_flush_of(container, collides_on, run)
    try:
        ours = run()
    finally:
        event.remove(container.session_factory, "before_flush", hook)

    assert (rival[0].status, rival[0].matched) == ("done", 3)
    assert (ours.status, ours.matched, ours.notified, ours.deliveries) == (
        "already_running",
        0,
        0,
        0,
    )
    outbox()
    assert _count(db, PushMatch) == 3 and _count(db, PushDelivery) == 3
    assert _count(db, InboxMessage, InboxMessage.kind == "push.job_match") == 3
    fanout = db.get(PushFanout, job.id)
    assert fanout is not None and (fanout.status, fanout.matched) == ("done", 3)


def test_quiet_hours_cap_and_priority_first(
    db: Session, container: Container, graduate: MakeGraduate, outbox: Drain
) -> None:
    regular = [graduate() for _ in range(3)]
    priority = graduate(low_income_family=True)
    job = published_job(db)
    db.commit()
    ids = [u.id for u in regular] + [priority.id]

    at_night = fan_out(
        container.session_factory, container.settings, job.id, _candidates(ids), now=NIGHT
    )
    assert (at_night.notified, at_night.deferred) == (0, 4)  # 23:00 in Beijing: all wait
    second = published_job(db, title="测试工程师")
    db.commit()
    report = fan_out(
        container.session_factory,
        container.settings,
        second.id,
        _candidates(ids, priority=[priority.id]),
        now=NOON,
        instant_budget=1,
    )
    # the budget of one goes to the priority graduate although their score is the lowest
    assert (report.notified, report.deferred) == (1, 3)
    told = db.scalars(select(PushMatch.user_id).where(PushMatch.notified_at.is_not(None))).all()
    assert told == [priority.id]
    match = db.scalars(
        select(PushMatch).where(PushMatch.user_id == priority.id, PushMatch.job_id == second.id)
    ).one()
    assert match.priority_group


def test_daily_cap_defers_further_alerts(
    db: Session, container: Container, graduate: MakeGraduate
) -> None:
    user = graduate()
    update_preferences(db, user.id, PreferencesIn(daily_cap=2))
    jobs = [published_job(db, title=f"岗位{n}") for n in range(3)]
    db.commit()
    notified = [
        fan_out(
            container.session_factory, container.settings, j.id, _candidates([user.id]), now=NOON
        ).notified
        for j in jobs
    ]
    assert notified == [1, 1, 0]


def test_job_published_event_queues_the_fan_out(
    db: Session, container: Container, graduate: MakeGraduate, outbox: Drain
) -> None:
    users = [graduate(), graduate()]
    for user in users:  # the worker runs at the real time of day: no quiet hours, no 22:00 flake
        update_preferences(
            db, user.id, PreferencesIn(quiet_start_minute=None, quiet_end_minute=None)
        )
    job = published_job(db)
    draft = published_job(db)
    draft.status = JobStatus.DRAFT
    db.commit()
    asked: list[tuple[int, int]] = []

    def source(session: Session, job_id: int, limit: int) -> list[FanoutCandidate]:
        asked.append((job_id, limit))
        return _candidates([u.id for u in users])

    container.extras[CANDIDATE_SOURCE_KEY] = source
    publish_jobs_changed(db, [job.id, draft.id])
    db.commit()
    outbox()
    queue = container.queue.queue(DEFAULT_QUEUE)
    pushes = [j for j in queue.job_ids if j.startswith("push-fanout-")]
    assert pushes == [fanout_job_id(job.id)]  # not the draft
    SimpleWorker([queue], connection=container.queue.redis).work(burst=True)
    outbox()
    assert [a[0] for a in asked] == [job.id]
    assert _count(db, InboxMessage, InboxMessage.kind == "push.job_match") == 2
    # the same event again (an edit of the job) queues nothing: the fan-out is done
    publish_jobs_changed(db, [job.id])
    db.commit()
    outbox()
    assert not [j for j in queue.job_ids if j.startswith("push-fanout-")]


def test_recommender_suggestions_feed_the_fan_out(
    db: Session, container: Container, graduate: MakeGraduate, outbox: Drain
) -> None:
    """Without an installed source the fan-out asks the recommender (push purpose): graduates
    who consented to matching and push, priority flag from the registry."""
    with_consents = graduate(low_income_family=True)
    push_only = graduate(consents=[ConsentPurpose.PUSH_NOTIFICATIONS])
    profile = db.scalars(
        select(GraduateProfile).where(
            GraduateProfile.student_record_id == with_consents.student_record_id
        )
    ).one()
    profile.skills = ["Java", "MySQL"]
    profile.intended_city_codes = ["330100"]
    # no quiet hours: the run uses the clock, and the alert itself is checked below
    update_preferences(
        db, with_consents.id, PreferencesIn(quiet_start_minute=None, quiet_end_minute=None)
    )
    job = published_job(db)
    db.flush()
    assert with_consents.student_record_id is not None
    index_graduates(db, matching_runtime(container), [with_consents.student_record_id])
    db.commit()
    report = run_fan_out(container, job.id)
    assert report.status == "done" and report.candidates == 1
    match = db.scalars(select(PushMatch)).one()
    assert (match.user_id, match.priority_group) == (with_consents.id, True)
    assert match.score > 0 and match.reasons
    assert push_only.id not in db.scalars(select(PushDelivery.user_id)).all()
    outbox()
    alert = db.scalars(select(InboxMessage).where(InboxMessage.kind == "push.job_match")).one()
    first_line, why = alert.body_zh.split("\n")
    assert "杭州" in first_line and why.startswith("推荐理由：")
    matched = [r["text_zh"] for r in match.reasons if r["matched"]]
    assert why.removeprefix("推荐理由：").split("；") == matched[:3]
    assert alert.body_en.split("\n")[1].startswith("Why: ")


def test_an_alert_names_at_most_three_matched_reasons() -> None:
    message = {
        "title_zh": "新职位推荐：会计",
        "body_zh": "某公司 · 杭州 · 8-12K",
        "body_en": "A · B",
    }
    reasons = [
        {"code": "major", "matched": True, "text_zh": "专业对口", "text_en": "Major fits"},
        {"code": "city", "matched": False, "text_zh": "不在意向城市", "text_en": "Not wanted"},
        {"code": "degree", "matched": True, "text_zh": "学历符合", "text_en": ""},
        {"code": "skills", "matched": True, "text_zh": "技能：Excel", "text_en": "Skills: Excel"},
        {"code": "salary", "matched": True, "text_zh": "薪资符合", "text_en": "Salary fits"},
    ]

    personal = personal_message(message, reasons)

    assert personal["body_zh"] == "某公司 · 杭州 · 8-12K\n推荐理由：专业对口；学历符合；技能：Excel"
    assert personal["body_en"] == "A · B\nWhy: Major fits; 学历符合; Skills: Excel"
    assert personal["title_zh"] == message["title_zh"]
    assert personal_message(message, reasons[1:2]) == message  # nothing matched: as it was
