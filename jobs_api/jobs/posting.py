"""Posting jobs: create, edit, publish and close, behind the verification gate and the
screening hook.

* Only members of an employer whose verification reaches graduates create or publish jobs
  (:func:`jobs_api.employers.gate.require_verified_employer`, 403 ``employer_not_verified``);
  members edit and close their own employer's jobs only (404 for anyone else's).
* Every create and edit is screened before anything is stored (:mod:`.screening_port`):
  ``block`` matches refuse the post (422 ``job_post_blocked``); ``review`` matches put the job
  in ``pending_review`` with a ``job_reviews`` row, unless an earlier approval of this job
  already covers exactly those passages. An edit that clears the flagged passages takes the
  job back to ``draft`` and withdraws the pending review.
* A job with a pending or rejected review cannot be published (409).
* Whatever may change a job's searchability records ``jobs.changed`` in the same transaction;
  the outbox handler brings search in line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.employers.gate import require_verified_employer
from jobs_api.employers.models import Employer
from jobs_api.employers.references import city_problem, industry_problem
from jobs_api.employers.scope import member_employer_id, province_of_city
from jobs_api.identity.principal import Principal
from jobs_api.jobs.errors import (
    InvalidJob,
    JobDeadlinePassed,
    JobNotFound,
    JobPostBlocked,
    JobReviewPending,
    JobReviewRejected,
)
from jobs_api.jobs.events import publish_jobs_changed
from jobs_api.jobs.models import Job, JobCloseReason, JobReview, JobReviewState, JobStatus
from jobs_api.jobs.schemas import JobIn, JobPatch
from jobs_api.jobs.screening_port import (
    JobPostText,
    JobScreener,
    ScreeningMatch,
    fingerprint_of,
)
from jobs_api.reference.models import DegreeLevel, Major, Occupation

CHINA = ZoneInfo("Asia/Shanghai")
MAX_DEADLINE_DAYS = 366
BLOCKED_MESSAGE = (
    "岗位信息含有不允许发布的内容，请按提示修改 (the post contains content that may not be posted)"
)
_UNDER_REVIEW = (JobStatus.PENDING_REVIEW, JobStatus.REJECTED)

_EDITABLE = (
    "title",
    "occupation_code",
    "industry_code",
    "city_code",
    "degree_level",
    "major_codes",
    "skills",
    "salary_min",
    "salary_max",
    "salary_months",
    "headcount",
    "deadline",
    "benefits",
    "description",
)
_REQUIRED = frozenset(_EDITABLE) - {"occupation_code", "deadline"}
_SEARCH_FIELDS = frozenset(_EDITABLE)  # every editable field shows in the search document


def china_today() -> date:
    return datetime.now(CHINA).date()


# --- validation --------------------------------------------------------------------------------


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def check_job_values(session: Session, values: Mapping[str, Any], *, changed: set[str]) -> None:
    """Reference codes, salary order and the deadline of a job's (merged) values; every
    problem at once as one 422 with ``fields``. The deadline is checked only when it is set
    or changed (an old job keeps its past deadline)."""
    problems: dict[str, str] = {}
    if p := industry_problem(session, values["industry_code"]):
        problems["industry_code"] = p
    if p := city_problem(session, values["city_code"]):
        problems["city_code"] = p
    if session.get(DegreeLevel, values["degree_level"]) is None:
        problems["degree_level"] = "学历层次代码不存在 (unknown degree level)"
    occupation = values.get("occupation_code")
    if occupation and session.get(Occupation, occupation) is None:
        problems["occupation_code"] = "职业分类代码不存在 (unknown occupation code)"
    majors = list(values["major_codes"])
    if majors:
        known = set(session.scalars(select(Major.code).where(Major.code.in_(majors))))
        unknown = [code for code in majors if code not in known]
        if unknown:
            problems["major_codes"] = f"专业代码不存在 (unknown major codes): {', '.join(unknown)}"
    if values["salary_min"] > values["salary_max"]:
        problems["salary_min"] = "最低月薪不能高于最高月薪 (salary_min must not exceed salary_max)"
    deadline = values.get("deadline")
    if deadline is not None and "deadline" in changed:
        today = china_today()
        if deadline < today:
            problems["deadline"] = "截止日期不能早于今天 (the deadline is in the past)"
        elif (deadline - today).days > MAX_DEADLINE_DAYS:
            problems["deadline"] = "截止日期不能晚于一年以后 (at most a year ahead)"
    if problems:
        raise InvalidJob("岗位信息有误，请检查标出的字段 (see fields)", fields=problems)


def post_text(values: Mapping[str, Any]) -> JobPostText:
    return JobPostText(
        title=values["title"],
        description=values["description"] or "",
        skills=tuple(values["skills"] or ()),
        benefits=tuple(values["benefits"] or ()),
        salary_min=values["salary_min"],
        salary_max=values["salary_max"],
        salary_months=values["salary_months"],
        city_code=values["city_code"],
        occupation_code=values.get("occupation_code"),
    )


# --- screening ---------------------------------------------------------------------------------


def _approved_fingerprints(session: Session, job_id: int) -> set[tuple[str, str, str]]:
    approved = session.scalars(
        select(JobReview.matches).where(
            JobReview.job_id == job_id, JobReview.state == JobReviewState.APPROVED
        )
    )
    return {fingerprint_of(m) for matches in approved for m in matches}


def _pending_review(session: Session, job_id: int) -> JobReview | None:
    return session.scalar(
        select(JobReview)
        .where(JobReview.job_id == job_id, JobReview.state == JobReviewState.PENDING)
        .order_by(JobReview.id.desc())
        .limit(1)
    )


def screen(screener: JobScreener, values: Mapping[str, Any]) -> tuple[ScreeningMatch, ...]:
    """The review matches of a post; raises :class:`JobPostBlocked` on any block match."""
    outcome = screener(post_text(values))
    if outcome.blocking:
        raise JobPostBlocked(BLOCKED_MESSAGE, outcome.blocking)
    return outcome.for_review


def _route_review(
    session: Session, job: Job, review_matches: tuple[ScreeningMatch, ...], now: datetime
) -> JobReview | None:
    """Send ``job`` to review (or back out of it) after screening; returns the open review."""
    pending = _pending_review(session, job.id)
    needs_review = bool(review_matches)
    if needs_review:
        covered = _approved_fingerprints(session, job.id)
        needs_review = not {m.fingerprint for m in review_matches} <= covered
    if needs_review:
        matches = [m.to_dict() for m in review_matches]
        province = province_of_city(session, job.city_code)
        if pending is None:
            pending = JobReview(
                job_id=job.id,
                employer_id=job.employer_id,
                province_code=province,
                matches=matches,
                state=JobReviewState.PENDING,
                created_at=now,
                note="",
            )
            session.add(pending)
        else:  # a new version of a post still waiting: the reviewer sees the current text
            pending.matches = matches
            pending.province_code = province
        job.status = JobStatus.PENDING_REVIEW
        return pending
    if pending is not None:
        pending.state = JobReviewState.WITHDRAWN
        pending.decided_at = now
        pending.note = "岗位已修改，不再需要审核 (edited; no longer flagged)"
    if job.status in _UNDER_REVIEW:
        job.status = JobStatus.DRAFT
    return None


# --- use cases ---------------------------------------------------------------------------------


def own_job(session: Session, principal: Principal, job_id: int, *, lock: bool = False) -> Job:
    """A job of the caller's employer; 404 for any other (existence does not leak)."""
    employer_id = member_employer_id(principal)
    query = select(Job).where(Job.id == job_id, Job.employer_id == employer_id)
    job = session.scalar(query.with_for_update() if lock else query)
    if job is None:
        raise JobNotFound("岗位不存在 (no such job)")
    return job


def _audit(session: Session, principal: Principal, action: str, job: Job, **detail: Any) -> None:
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action=action,
        subject_type="job",
        subject_id=job.id,
        detail={"employer_id": job.employer_id, **detail},
    )


def create_job(session: Session, principal: Principal, data: JobIn, screener: JobScreener) -> Job:
    """A new job (``draft``, or ``pending_review`` when screening asks for a reviewer)."""
    employer: Employer = require_verified_employer(session, member_employer_id(principal))
    values: dict[str, Any] = data.model_dump()
    values["industry_code"] = values["industry_code"] or employer.industry_code
    values["city_code"] = values["city_code"] or employer.city_code
    values["major_codes"] = _dedupe(values["major_codes"])
    values["skills"] = _dedupe(values["skills"])
    values["benefits"] = _dedupe(values["benefits"])
    check_job_values(session, values, changed=set(values))
    review_matches = screen(screener, values)
    now = utcnow()
    job = Job(
        employer_id=employer.id,
        status=JobStatus.DRAFT,
        created_by=principal.user_id,
        view_count=0,
        application_count=0,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(job)
    session.flush()
    review = _route_review(session, job, review_matches, now)
    session.flush()
    _audit(
        session,
        principal,
        "job.created",
        job,
        status=job.status,
        review_id=review.id if review else None,
    )
    return job


def update_job(
    session: Session, principal: Principal, job_id: int, patch: JobPatch, screener: JobScreener
) -> Job:
    """Change the given fields of an own job, screening the result first."""
    job = own_job(session, principal, job_id, lock=True)
    given = patch.model_dump(exclude_unset=True)
    nulls = {
        name: "不能为空 (required)" for name in _REQUIRED if name in given and given[name] is None
    }
    if nulls:
        raise InvalidJob("岗位信息有误，请检查标出的字段 (see fields)", fields=nulls)
    for name in ("major_codes", "skills", "benefits"):
        if name in given:
            given[name] = _dedupe(given[name])
    current = {name: getattr(job, name) for name in _EDITABLE}
    changed = {name for name, value in given.items() if current[name] != value}
    if not changed:
        return job
    values = {**current, **{name: given[name] for name in changed}}
    check_job_values(session, values, changed=changed)
    review_matches = screen(screener, values)
    was = job.status
    now = utcnow()
    for name in changed:
        setattr(job, name, values[name])
    job.updated_at = now
    _route_review(session, job, review_matches, now)
    session.flush()
    if JobStatus.PUBLISHED in (was, job.status) and changed & _SEARCH_FIELDS:
        publish_jobs_changed(session, [job.id])
    _audit(session, principal, "job.updated", job, changed=sorted(changed), status=job.status)
    return job


def publish_job(session: Session, principal: Principal, job_id: int) -> Job:
    """Publish (or republish) an own job; the employer must be verified, the job free of any
    pending or rejected review, and its deadline not passed (today counts: the job stays open
    through its deadline day; 422 ``job_deadline_passed`` otherwise). So a job closed at its
    deadline comes back only once the employer has set a new one."""
    job = own_job(session, principal, job_id, lock=True)
    require_verified_employer(session, job.employer_id)
    if job.status == JobStatus.PUBLISHED:
        return job
    if job.status == JobStatus.PENDING_REVIEW:
        raise JobReviewPending("岗位正在审核中，审核通过后方可发布 (the job is waiting for review)")
    if job.status == JobStatus.REJECTED:
        raise JobReviewRejected(
            "岗位审核未通过，请按审核意见修改后再提交 (the review rejected this job; edit it first)"
        )
    republished = job.status == JobStatus.CLOSED
    if job.deadline is not None and job.deadline < china_today():
        raise JobDeadlinePassed(
            "截止日期已过，请先修改截止日期 (the deadline has passed; change it first)",
            fields={"deadline": "已过期 (in the past)"},
        )
    now = utcnow()
    job.status = JobStatus.PUBLISHED
    job.published_at = now
    job.closed_at = None
    job.closed_reason = None
    job.updated_at = now
    session.flush()
    publish_jobs_changed(session, [job.id])
    _audit(session, principal, "job.published", job, republished=republished)
    return job


def close_job(session: Session, principal: Principal, job_id: int) -> Job:
    """Close an own job (idempotent); it leaves search, a pending review is withdrawn."""
    job = own_job(session, principal, job_id, lock=True)
    if job.status == JobStatus.CLOSED:
        return job
    now = utcnow()
    was = job.status
    pending = _pending_review(session, job.id)
    if pending is not None:
        pending.state = JobReviewState.WITHDRAWN
        pending.decided_at = now
        pending.note = "岗位已关闭 (the job was closed)"
    job.status = JobStatus.CLOSED
    job.closed_at = now
    job.closed_reason = JobCloseReason.EMPLOYER
    job.updated_at = now
    session.flush()
    if was == JobStatus.PUBLISHED:
        publish_jobs_changed(session, [job.id])
    _audit(session, principal, "job.closed", job, previous_status=was)
    return job
