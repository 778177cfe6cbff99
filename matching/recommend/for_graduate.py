"""Jobs for a graduate (为你推荐): hybrid candidates, ranking with reasons, congestion.

1. Candidates: the nearest jobs to the graduate's query vector in the job vector index
   (:data:`VECTOR_CANDIDATES`), nationally and among the jobs in the places the graduate
   wants (:mod:`matching.regions`) ∪ keyword candidates from the job search backend (the major's
   name as text, the major code as a filter, the graduate's skills, and the major's name in
   the wanted cities and provinces; :data:`LEXICAL_CANDIDATES` each) ∪, when those are few,
   the newest recommendable jobs.
2. Kept: recommendable jobs only (:func:`matching.sources.recommendable_job_ids`), never one
   the graduate already applied to.
3. Ranked by :func:`matching.scoring.rank_jobs_for_profile` (vector + BM25 over the candidate
   set + hard signals), then spread by :mod:`.congestion`.

Without a vector (no model installed, the graduate not embedded yet, the index down) the
ranking is keywords and hard signals only and the result says so (``vector_used``).
Recommending uses the graduate's profile, so it needs the ``profile_matching`` consent; a
graduate without a profile is matched on the registry facts (major, degree) alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.applications.models import Application
from jobs_api.core.search import (
    RELEVANCE,
    Range,
    SearchBackend,
    SearchIndexNotFound,
    SearchQuery,
    SearchUnavailable,
    SortField,
)
from jobs_api.graduates.activation import is_verified_graduate
from jobs_api.graduates.consent import has_consent
from jobs_api.graduates.errors import GraduateNotVerified
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.identity.principal import Principal
from jobs_api.jobs.models import Job
from jobs_api.jobs.posting import china_today
from jobs_api.jobs.search_index import JOB_INDEX
from matching.documents import JobDoc, ProfileDoc
from matching.recommend.common import maybe_unavailable, nearest_with_local, registry_profiles
from matching.recommend.congestion import (
    CONGESTED_CODE,
    CONGESTED_EN,
    CONGESTED_ZH,
    Congestion,
    adjusted_score,
    congestion,
)
from matching.regions import local_job_allow_list, split_places
from matching.runtime import MatchingRuntime, Vector
from matching.scoring import Reason, ScoredMatch, rank_jobs_for_profile
from matching.sources import load_job_docs, load_profile_docs, recommendable_job_ids
from matching.vector_index import VectorIndex

VECTOR_CANDIDATES: Final = 200
LEXICAL_CANDIDATES: Final = 60
FALLBACK_CANDIDATES: Final = 200
MAX_LIMIT: Final = 50

NOTICE_NO_VECTOR: Final = (
    "语义匹配暂不可用（模型或职位向量尚未就绪），当前推荐仅依据专业、技能与求职意向。",
    "Semantic matching is not available right now (model or job vectors not ready): these "
    "are ranked by major, skills and preferences only.",
)
NOTICE_NO_PROFILE: Final = (
    "完善个人资料（技能、意向城市、期望薪资）后推荐会更准确。",
    "Complete your profile (skills, preferred cities, expected salary) for better matches.",
)
NOTICE_NO_CONSENT: Final = (
    "你尚未同意将个人资料用于职位推荐，可在“隐私与授权”中开启。",
    "You have not agreed to use your profile for job recommendations; turn it on under "
    "Privacy & consent.",
)


@dataclass(frozen=True, slots=True)
class JobRecommendation:
    job: JobDoc
    match: ScoredMatch
    score: float
    """The match score after the congestion adjustment (what the list is sorted by)."""
    crowd: Congestion
    reasons: tuple[Reason, ...]
    """The match's reasons, plus "该职位申请人数较多" for a congested job."""

    @property
    def job_id(self) -> int:
        return int(self.job.id)


@dataclass(frozen=True, slots=True)
class GraduateRecommendations:
    items: list[JobRecommendation]
    vector_used: bool
    notice: tuple[str, str] | None = None
    """(Chinese, English) when the list is limited: no consent, no profile, no vector."""


def _record_id(session: Session, principal: Principal) -> int:
    if principal.student_record_id is None or not is_verified_graduate(session, principal.user_id):
        raise GraduateNotVerified(
            "账号尚未完成学籍核验，暂不能获取职位推荐 (the account is not a verified graduate)"
        )
    return principal.student_record_id


def _lexical_candidates(search: SearchBackend, profile: ProfileDoc) -> set[int]:
    open_now = {"open_until": Range(gte=china_today().isoformat())}
    newest = (SortField("published_at", descending=True),)
    size = LEXICAL_CANDIDATES
    queries = []
    if profile.major:
        queries.append(SearchQuery(text=profile.major, ranges=open_now, sort=RELEVANCE, size=size))
    if profile.major_code:
        terms = {"major_filter": [profile.major_code]}
        queries.append(SearchQuery(terms=terms, ranges=open_now, sort=newest, size=size))
    if profile.skills:
        terms = {"skills": list(profile.skills[:20])}
        queries.append(SearchQuery(terms=terms, ranges=open_now, sort=newest, size=size))
    # The same in the places the graduate wants: nationally, they may all fall past `size`.
    words = profile.major or " ".join(profile.skills[:5])
    cities, provinces = split_places(profile.intended_city_codes)
    for field, codes in (("city_code", cities), ("province_code", provinces)):
        if words and codes:
            terms = {field: codes}
            queries.append(
                SearchQuery(text=words, terms=terms, ranges=open_now, sort=RELEVANCE, size=size)
            )
    found: set[int] = set()
    for query in queries:
        try:
            page = search.search(JOB_INDEX, query)
        except (SearchIndexNotFound, SearchUnavailable):
            return found
        found.update(int(hit.id) for hit in page.hits)
    return found


def nearest_jobs(
    session: Session, index: VectorIndex, profile: ProfileDoc, query_vector: Vector
) -> list[int]:
    """The nearest jobs of the country, then of the places the graduate wants."""
    local = local_job_allow_list(session, profile.intended_city_codes, index.count())
    return nearest_with_local(index, query_vector, VECTOR_CANDIDATES, local)


def _kept(session: Session, user_id: int, candidates: set[int]) -> list[int]:
    """Recommendable candidates the graduate has not applied to, in id order."""
    if not candidates:
        return []
    ids = sorted(candidates)
    open_ids: set[int] = set()
    for start in range(0, len(ids), 1_000):
        chunk = ids[start : start + 1_000]
        open_ids.update(session.scalars(recommendable_job_ids().where(Job.id.in_(chunk))))
    applied = set(
        session.scalars(
            select(Application.job_id).where(
                Application.user_id == user_id, Application.job_id.in_(sorted(open_ids))
            )
        )
    )
    return sorted(open_ids - applied)


def _congested_reason() -> Reason:
    return Reason(code=CONGESTED_CODE, matched=False, text_zh=CONGESTED_ZH, text_en=CONGESTED_EN)


def spread(
    matches: list[ScoredMatch], docs: dict[int, JobDoc], graduate_key: int | str
) -> list[JobRecommendation]:
    """Apply congestion to ranked matches and sort by the adjusted score (best first)."""
    out: list[JobRecommendation] = []
    for match in matches:
        job = docs[int(match.job_id)]
        crowd = congestion(job.application_count, job.headcount)
        score = adjusted_score(match.score, crowd, graduate_key, int(job.id))
        reasons = match.reasons + ((_congested_reason(),) if crowd.congested else ())
        out.append(JobRecommendation(job, match, score, crowd, reasons))
    out.sort(key=lambda r: (-r.score, r.job_id))
    return out


def recommend_for_graduate(
    session: Session,
    runtime: MatchingRuntime,
    principal: Principal,
    *,
    limit: int = 20,
    search: SearchBackend | None = None,
) -> GraduateRecommendations:
    """Up to ``limit`` jobs for the calling graduate, best first, with the notice to show."""
    record_id = _record_id(session, principal)
    limit = max(1, min(limit, MAX_LIMIT))
    if not has_consent(session, principal.user_id, ConsentPurpose.PROFILE_MATCHING):
        return GraduateRecommendations([], vector_used=False, notice=NOTICE_NO_CONSENT)
    profile = load_profile_docs(session, [record_id]).get(record_id)
    notice: tuple[str, str] | None = None
    if profile is None:
        profile = registry_profiles(session, [record_id])[record_id]
        notice = NOTICE_NO_PROFILE
    query_vector = maybe_unavailable(lambda: runtime.query_vector_for_profile(session, record_id))
    candidates: set[int] = set()
    if query_vector is not None:
        nearest = maybe_unavailable(
            lambda: nearest_jobs(session, runtime.index("job"), profile, query_vector)
        )
        candidates.update(nearest or ())
    if search is not None:
        candidates.update(_lexical_candidates(search, profile))
    kept = _kept(session, principal.user_id, candidates)
    if len(kept) < limit * 2:
        newest = recommendable_job_ids().order_by(Job.id.desc()).limit(FALLBACK_CANDIDATES)
        kept = _kept(session, principal.user_id, candidates | set(session.scalars(newest)))
    docs = load_job_docs(session, kept)
    ids = [i for i in kept if i in docs]
    job_vectors = None
    if query_vector is not None and ids:
        found = maybe_unavailable(lambda: runtime.vectors(session, "job", ids)) or {}
        job_vectors = _with_zero_rows(ids, found, int(query_vector.shape[-1]))
    ranked = rank_jobs_for_profile(
        profile,
        [docs[i] for i in ids],
        query_vector=query_vector if job_vectors is not None else None,
        job_vectors=job_vectors,
    )
    vector_used = job_vectors is not None
    if not vector_used and notice is None:
        notice = NOTICE_NO_VECTOR
    items = spread(ranked, docs, record_id)[:limit]
    return GraduateRecommendations(items, vector_used=vector_used, notice=notice)


def _with_zero_rows(
    ids: list[int], found: Mapping[int, npt.NDArray[np.float32]], dimension: int
) -> npt.NDArray[np.float32] | None:
    """Jobs not embedded yet (just published) get a zero row: no vector similarity, the rest
    of their score still counts. ``None`` when no job has a vector at all."""
    if not found:
        return None
    matrix = np.zeros((len(ids), dimension), dtype=np.float32)
    for row, job_id in enumerate(ids):
        if job_id in found:
            matrix[row] = found[job_id]
    return matrix


def recommend_jobs(
    session: Session,
    runtime: MatchingRuntime,
    principal: Principal,
    *,
    limit: int = 20,
    search: SearchBackend | None = None,
) -> list[JobRecommendation]:
    """The contract's short form of :func:`recommend_for_graduate`: the items only."""
    return recommend_for_graduate(session, runtime, principal, limit=limit, search=search).items
