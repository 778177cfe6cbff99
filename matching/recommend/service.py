"""Recommendations both ways — the entry points other packages and the API call.

* :func:`recommend_jobs` — jobs for a graduate (:mod:`.for_graduate`);
* :func:`rank_applicants` — an employer's applicants to one job, by fit (:mod:`.for_job`);
* :func:`suggest_candidates` — graduates who opted in, for a job (push uses
  ``purpose="push_notifications"``; employers see them masked through
  :func:`suggested_for_employer`).

Nothing here commits; the caller's session does.
"""

from __future__ import annotations

from matching.recommend.for_graduate import (
    GraduateRecommendations,
    JobRecommendation,
    recommend_for_graduate,
    recommend_jobs,
)
from matching.recommend.for_job import (
    ApplicantFit,
    CandidateFit,
    Ranking,
    applicant_ranking,
    rank_applicants,
    suggest_candidates,
    suggested_for_employer,
    suggestion_ranking,
)

__all__ = [
    "ApplicantFit",
    "CandidateFit",
    "GraduateRecommendations",
    "JobRecommendation",
    "Ranking",
    "applicant_ranking",
    "rank_applicants",
    "recommend_for_graduate",
    "recommend_jobs",
    "suggest_candidates",
    "suggested_for_employer",
    "suggestion_ranking",
]
