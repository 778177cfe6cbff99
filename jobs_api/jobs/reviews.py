"""The job-review queue: posts screening flagged for a reviewer, oldest first, and decisions.

Scope is that of employer verification (:mod:`jobs_api.employers.scope`): a provincial
administrator sees jobs located in its province, a career office those in its university's
province, the national administrator all. A review outside the caller's scope is 404.
Approving takes the job back to ``draft`` (the employer may publish it); rejecting leaves it
unpublished (``rejected``) with the reviewer's note until the employer edits it. Every
decision is audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer
from jobs_api.employers.scope import reviewer_province
from jobs_api.identity.principal import Principal
from jobs_api.jobs.errors import InvalidJob, JobReviewDecided, JobReviewNotFound
from jobs_api.jobs.models import Job, JobReview, JobReviewState, JobStatus
from jobs_api.jobs.schemas import JobReviewOut, JobReviewPageOut, ReviewDecisionIn, matches_out
from jobs_api.jobs.views import city_and_province, employer_ref

DEFAULT_PAGE = 50


def review_out(session: Session, review: JobReview) -> JobReviewOut:
    job = session.get_one(Job, review.job_id)
    employer = session.get_one(Employer, review.employer_id)
    city, _province = city_and_province(session, job.city_code)
    return JobReviewOut(
        id=review.id,
        state=review.state,
        job_id=job.id,
        job_title=job.title,
        job_status=job.status,
        employer=employer_ref(session, employer),
        city=city,
        province_code=review.province_code,
        matches=matches_out(review.matches),
        description=job.description or "",
        skills=list(job.skills or []),
        benefits=list(job.benefits or []),
        note=review.note,
        created_at=review.created_at,
        decided_by=review.decided_by,
        decided_at=review.decided_at,
    )


def list_reviews(
    session: Session,
    principal: Principal,
    *,
    state: JobReviewState = JobReviewState.PENDING,
    after: int | None = None,
    limit: int = DEFAULT_PAGE,
) -> JobReviewPageOut:
    """Reviews in the caller's scope with ``state``, oldest first; ``after`` is the cursor
    (the last id of the previous page)."""
    province = reviewer_province(session, principal)
    query = select(JobReview).where(JobReview.state == state.value)
    if province is not None:
        query = query.where(JobReview.province_code == province)
    if after is not None:
        query = query.where(JobReview.id > after)
    rows = list(session.scalars(query.order_by(JobReview.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return JobReviewPageOut(
        items=[review_out(session, r) for r in rows],
        next_cursor=str(rows[-1].id) if more and rows else None,
    )


def _review_in_scope(session: Session, principal: Principal, review_id: int) -> JobReview:
    province = reviewer_province(session, principal)
    review = session.scalar(select(JobReview).where(JobReview.id == review_id).with_for_update())
    if review is None or (province is not None and review.province_code != province):
        raise JobReviewNotFound("审核记录不存在 (no such job review)")
    return review


def decide_review(
    session: Session, principal: Principal, review_id: int, body: ReviewDecisionIn
) -> JobReviewOut:
    review = _review_in_scope(session, principal, review_id)
    if review.state != JobReviewState.PENDING:
        raise JobReviewDecided("该审核已处理 (this review was already decided or withdrawn)")
    if body.decision == "rejected" and not body.note:
        message = "驳回时请填写理由 (a reason is required when rejecting)"
        raise InvalidJob(message, fields={"note": message})
    job = session.scalar(select(Job).where(Job.id == review.job_id).with_for_update())
    assert job is not None
    now = utcnow()
    review.state = (
        JobReviewState.APPROVED if body.decision == "approved" else JobReviewState.REJECTED
    )
    review.decided_by = principal.user_id
    review.decided_at = now
    review.note = body.note
    if job.status == JobStatus.PENDING_REVIEW:
        job.status = JobStatus.DRAFT if body.decision == "approved" else JobStatus.REJECTED
        job.updated_at = now
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="job_review.decided",
        subject_type="job_review",
        subject_id=review.id,
        detail={
            "job_id": job.id,
            "employer_id": job.employer_id,
            "decision": body.decision,
            "rules": sorted({str(m.get("rule_id")) for m in review.matches}),
        },
    )
    session.flush()
    return review_out(session, review)
