"""Graduates for a job: the employer's applicants ranked by fit, and suggested candidates.

* :func:`rank_applicants` — the live (not withdrawn) applications to one job of the
  caller's employer (any other job is 404), ranked by
  :func:`matching.scoring.rank_profiles_for_job`. Applicants chose to share their registry
  facts with this employer; their own profile text is used only when it is not hidden, and
  vectors only when every applicant has one (a mixed ranking would favour the embedded).
* :func:`suggest_candidates` (the contract push uses too) — the nearest graduates to the
  job's query vector in the graduate vector index, nationally and among those who want the
  job's province, kept only when they may be suggested for ``purpose``
  (:func:`.common.eligible_graduates_query`) and their degree meets the job's; without a
  vector, graduates of the job's majors (or any) who opted in.
* :func:`suggested_for_employer` — the employer's view of those: verified employers only,
  masked (张*), never the priority-group flags, and the read is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.core.audit import record_audit
from jobs_api.employers.gate import require_verified_employer
from jobs_api.employers.scope import member_employer_id
from jobs_api.graduates.models import GraduateProfile, Visibility
from jobs_api.identity.principal import Principal
from jobs_api.jobs.errors import JobNotFound
from jobs_api.jobs.models import Job
from jobs_api.registry.models import StudentRecord
from matching.documents import JobDoc, ProfileDoc, degree_rank
from matching.recommend.common import (
    Purpose,
    eligible_graduates_query,
    maybe_unavailable,
    nearest_with_local,
    registry_profiles,
    stack_vectors,
)
from matching.regions import provincial_allow_list
from matching.runtime import MatchingRuntime, Vector
from matching.scoring import ScoredMatch, rank_profiles_for_job
from matching.sources import load_job_docs, load_profile_docs
from matching.vector_index import VectorIndex

MAX_APPLICANTS: Final = 2_000
"""Most applications one ranking reads (the newest)."""
MAX_SUGGESTIONS: Final = 200
"""Most suggestions an employer gets for one job."""
MAX_PUSH_CANDIDATES: Final = 1_000
"""Most graduates one job's push fan-out considers (the vector index answers at most 1,000
neighbours per search; see BENCHMARKS.md, push fan-out)."""
NEAREST_FACTOR: Final = 6
"""Nearest neighbours fetched per suggestion asked for (room for the filters)."""
MIN_NEAREST: Final = 200
MAX_NEAREST: Final = 1_000
FALLBACK_POOL: Final = 500

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ApplicantFit:
    application_id: int
    student_record_id: int
    user_id: int
    status: str
    submitted_at: datetime
    score: float
    match: ScoredMatch


@dataclass(frozen=True, slots=True)
class CandidateFit:
    student_record_id: int
    user_id: int
    score: float
    match: ScoredMatch
    priority_group: bool
    """Registry flag: low-income family, zero-employment family or disability. Push serves
    these graduates first; it is never shown to employers."""


@dataclass(frozen=True, slots=True)
class Ranking(Generic[T]):
    job: JobDoc
    items: list[T]
    vector_used: bool


def own_job(session: Session, principal: Principal, job_id: int) -> Job:
    """A job of the caller's employer; 404 for any other (existence is not revealed)."""
    employer_id = member_employer_id(principal)
    job = session.get(Job, job_id)
    if job is None or job.employer_id != employer_id:
        raise JobNotFound("岗位不存在 (no such job)")
    return job


def _job_doc(session: Session, job_id: int) -> JobDoc:
    doc = load_job_docs(session, [job_id]).get(job_id)
    if doc is None:
        raise JobNotFound("岗位不存在 (no such job)")
    return doc


def _without_own_words(doc: ProfileDoc) -> ProfileDoc:
    """Registry facts only: what an employer may know of an applicant who hid the profile."""
    return replace(
        doc,
        skills=(),
        certificates=(),
        intended_cities=(),
        intended_city_codes=(),
        intended_industries=(),
        intended_industry_codes=(),
        intended_occupation_codes=(),
        expected_salary=None,
        summary="",
        internships=(),
        projects=(),
    )


def rank_applicants(
    session: Session, runtime: MatchingRuntime, principal: Principal, job_id: int
) -> list[ApplicantFit]:
    """The contract form of :func:`applicant_ranking`: the ranked items only."""
    return applicant_ranking(session, runtime, principal, job_id).items


def applicant_ranking(
    session: Session, runtime: MatchingRuntime, principal: Principal, job_id: int
) -> Ranking[ApplicantFit]:
    """Live applications to the caller's employer's job ``job_id``, best fit first."""
    job = own_job(session, principal, job_id)
    job_doc = _job_doc(session, job.id)
    applications = list(
        session.scalars(
            select(Application)
            .where(
                Application.job_id == job.id,
                Application.status != ApplicationStatus.WITHDRAWN.value,
            )
            .order_by(Application.id.desc())
            .limit(MAX_APPLICANTS)
        )
    )
    if not applications:
        return Ranking(job_doc, [], vector_used=False)
    by_record = {a.student_record_id: a for a in applications}
    record_ids = sorted(by_record)
    hidden = set(
        session.scalars(
            select(GraduateProfile.student_record_id).where(
                GraduateProfile.student_record_id.in_(record_ids),
                GraduateProfile.visibility == Visibility.HIDDEN.value,
            )
        )
    )
    docs = load_profile_docs(session, record_ids)
    for record_id in hidden & set(docs):
        docs[record_id] = _without_own_words(docs[record_id])
    docs.update(registry_profiles(session, [r for r in record_ids if r not in docs]))
    ids = [r for r in record_ids if r in docs]
    query_vector = maybe_unavailable(lambda: runtime.query_vector_for_job(session, job.id))
    vectors = None
    if query_vector is not None and not hidden:
        found = maybe_unavailable(lambda: runtime.vectors(session, "graduate", ids))
        vectors = stack_vectors(ids, found or {})
    ranked = rank_profiles_for_job(
        job_doc,
        [docs[r] for r in ids],
        query_vector=query_vector if vectors is not None else None,
        profile_vectors=vectors,
    )
    items = []
    for match in ranked:
        application = by_record[int(match.profile_id)]
        items.append(
            ApplicantFit(
                application_id=application.id,
                student_record_id=application.student_record_id,
                user_id=application.user_id,
                status=application.status,
                submitted_at=application.submitted_at,
                score=match.score,
                match=match,
            )
        )
    return Ranking(job_doc, items, vector_used=vectors is not None)


# --------------------------------------------------------------------------- suggestions


@dataclass(frozen=True, slots=True)
class _Eligible:
    user_id: int
    priority_group: bool


def _eligible(
    session: Session,
    job: JobDoc,
    record_ids: Sequence[int] | None,
    purpose: Purpose,
    exclude_applied: bool,
) -> dict[int, _Eligible]:
    """Record id -> who may be suggested among ``record_ids`` (``None``: a pool of the job's
    majors, for when there is no vector to search with)."""
    query = eligible_graduates_query(purpose, job_id=int(job.id), exclude_applied=exclude_applied)
    if record_ids is not None:
        if not record_ids:
            return {}
        query = query.where(StudentRecord.id.in_(list(record_ids)))
    else:
        if job.major_codes:
            query = query.where(StudentRecord.major_code.in_(list(job.major_codes)))
        query = query.order_by(StudentRecord.id.desc()).limit(FALLBACK_POOL)
    needed = degree_rank(job.degree_level)
    found: dict[int, _Eligible] = {}
    for record_id, user_id, degree, low_income, zero_employment, disability in session.execute(
        query
    ):
        if degree_rank(degree) >= needed and record_id not in found:
            found[record_id] = _Eligible(user_id, bool(low_income or zero_employment or disability))
    return found


def _nearest_graduates(
    session: Session, index: VectorIndex, job: JobDoc, query_vector: Vector, k: int
) -> list[int]:
    """The ``k`` nearest graduates of the country, then of those who want the job's
    province."""
    local = provincial_allow_list(session, job.city_code, index.count())
    return nearest_with_local(index, query_vector, k, local)


def suggestion_ranking(
    session: Session,
    runtime: MatchingRuntime,
    job_id: int,
    *,
    limit: int = 50,
    purpose: Purpose = "share_with_employers",
    exclude_applied: bool = True,
) -> Ranking[CandidateFit]:
    """Graduates who may be suggested for ``job_id`` under ``purpose``, best fit first."""
    most = MAX_PUSH_CANDIDATES if purpose == "push_notifications" else MAX_SUGGESTIONS
    limit = max(1, min(limit, most))
    job = _job_doc(session, job_id)
    query_vector = maybe_unavailable(lambda: runtime.query_vector_for_job(session, job_id))
    nearest: list[int] | None = None
    if query_vector is not None:
        k = min(MAX_NEAREST, max(MIN_NEAREST, limit * NEAREST_FACTOR))
        nearest = maybe_unavailable(
            lambda: _nearest_graduates(session, runtime.index("graduate"), job, query_vector, k)
        )
    eligible = _eligible(session, job, nearest, purpose, exclude_applied)
    docs = load_profile_docs(session, eligible)
    ids = sorted(r for r in eligible if r in docs)
    vectors = None
    if query_vector is not None and ids:
        found = maybe_unavailable(lambda: runtime.vectors(session, "graduate", ids))
        vectors = stack_vectors(ids, found or {})
    ranked = rank_profiles_for_job(
        job,
        [docs[r] for r in ids],
        query_vector=query_vector if vectors is not None else None,
        profile_vectors=vectors,
    )
    items = [
        CandidateFit(
            student_record_id=int(match.profile_id),
            user_id=eligible[int(match.profile_id)].user_id,
            score=match.score,
            match=match,
            priority_group=eligible[int(match.profile_id)].priority_group,
        )
        for match in ranked[:limit]
    ]
    return Ranking(job, items, vector_used=vectors is not None)


def suggest_candidates(
    session: Session,
    runtime: MatchingRuntime,
    job_id: int,
    *,
    limit: int = 50,
    purpose: Purpose = "share_with_employers",
    exclude_applied: bool = True,
) -> list[CandidateFit]:
    """The contract form of :func:`suggestion_ranking` (push calls it with
    ``purpose="push_notifications"``)."""
    return suggestion_ranking(
        session, runtime, job_id, limit=limit, purpose=purpose, exclude_applied=exclude_applied
    ).items


def suggested_for_employer(
    session: Session,
    runtime: MatchingRuntime,
    principal: Principal,
    job_id: int,
    *,
    limit: int = 50,
) -> Ranking[CandidateFit]:
    """Suggestions for a job of the caller's employer (404 otherwise; 403 while the employer
    is not verified), for the masked employer view. The read is audited."""
    job = own_job(session, principal, job_id)
    require_verified_employer(session, job.employer_id)
    ranking = suggestion_ranking(
        session, runtime, job.id, limit=limit, purpose="share_with_employers"
    )
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="matching.candidates_suggested",
        subject_type="job",
        subject_id=job.id,
        detail={
            "employer_id": job.employer_id,
            "student_record_ids": [c.student_record_id for c in ranking.items],
        },
    )
    return ranking
