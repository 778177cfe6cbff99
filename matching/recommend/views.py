"""Recommendation results as the API's shapes (scores rounded, reasons in both languages)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.applications.models import ApplicationStatus
from jobs_api.applications.views import applicants
from jobs_api.graduates.models import GraduateProfile
from jobs_api.jobs.models import Job
from jobs_api.jobs.search_service import salary_text
from matching.documents import DEGREE_NAMES_ZH, JobDoc
from matching.recommend.common import masked_name
from matching.recommend.for_graduate import GraduateRecommendations, JobRecommendation
from matching.recommend.for_job import ApplicantFit, CandidateFit, Ranking
from matching.recommend.schemas import (
    GapOut,
    JobRecommendationOut,
    RankedApplicantOut,
    RankedApplicantsOut,
    ReasonOut,
    RecommendationsOut,
    SuggestedCandidateOut,
    SuggestedCandidatesOut,
)
from matching.scoring import GapHint, Reason

SCORE_DIGITS = 3


def score_out(score: float) -> float:
    """Rounded and clipped to 0–1 (the congestion jitter may step slightly outside)."""
    return round(min(1.0, max(0.0, score)), SCORE_DIGITS)


def reasons_out(reasons: Iterable[Reason]) -> list[ReasonOut]:
    return [
        ReasonOut(code=r.code, matched=r.matched, text_zh=r.text_zh, text_en=r.text_en)
        for r in reasons
    ]


def gaps_out(gaps: Iterable[GapHint]) -> list[GapOut]:
    return [GapOut(code=g.code, text_zh=g.text_zh, text_en=g.text_en, link=g.link) for g in gaps]


def _job_extras(session: Session, job_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Job id -> (employer id, salary months) — what the documents do not carry."""
    if not job_ids:
        return {}
    rows = session.execute(
        select(Job.id, Job.employer_id, Job.salary_months).where(Job.id.in_(list(job_ids)))
    )
    return {job_id: (employer_id, months) for job_id, employer_id, months in rows}


def _recommendation_out(item: JobRecommendation, extras: tuple[int, int]) -> JobRecommendationOut:
    job: JobDoc = item.job
    employer_id, months = extras
    return JobRecommendationOut(
        job_id=item.job_id,
        title=job.title,
        employer_id=employer_id,
        employer_name=job.employer,
        city=job.city,
        degree_level=job.degree_level,
        salary_min=job.salary_min,
        salary_max=job.salary_max,
        salary_text=salary_text(job.salary_min, job.salary_max, months),
        deadline=job.deadline,
        score=score_out(item.score),
        congested=item.crowd.congested,
        reasons=reasons_out(item.reasons),
        gaps=gaps_out(item.match.gaps),
    )


def recommendations_out(session: Session, found: GraduateRecommendations) -> RecommendationsOut:
    extras = _job_extras(session, [item.job_id for item in found.items])
    return RecommendationsOut(
        items=[_recommendation_out(item, extras[item.job_id]) for item in found.items],
        vector_used=found.vector_used,
        notice_zh=found.notice[0] if found.notice else None,
        notice_en=found.notice[1] if found.notice else None,
    )


def ranked_applicants_out(session: Session, ranking: Ranking[ApplicantFit]) -> RankedApplicantsOut:
    people = applicants(session, {item.student_record_id for item in ranking.items})
    return RankedApplicantsOut(
        job_id=int(ranking.job.id),
        job_title=ranking.job.title,
        vector_used=ranking.vector_used,
        items=[
            RankedApplicantOut(
                application_id=item.application_id,
                status=ApplicationStatus(item.status),
                submitted_at=item.submitted_at,
                applicant=people[item.student_record_id],
                score=score_out(item.score),
                reasons=reasons_out(item.match.reasons),
                gaps=gaps_out(item.match.gaps),
            )
            for item in ranking.items
        ],
    )


def _skills(session: Session, record_ids: Sequence[int]) -> dict[int, list[str]]:
    if not record_ids:
        return {}
    rows = session.execute(
        select(GraduateProfile.student_record_id, GraduateProfile.skills).where(
            GraduateProfile.student_record_id.in_(list(record_ids))
        )
    )
    return {record_id: [str(s) for s in skills or ()] for record_id, skills in rows}


def suggested_candidates_out(
    session: Session, ranking: Ranking[CandidateFit]
) -> SuggestedCandidatesOut:
    """The employer's masked view: no ids, no ID number or phone, no priority flags."""
    record_ids = [item.student_record_id for item in ranking.items]
    people = applicants(session, set(record_ids))
    skills = _skills(session, record_ids)
    items = []
    for item in ranking.items:
        person = people[item.student_record_id]
        items.append(
            SuggestedCandidateOut(
                name_masked=masked_name(person.name),
                university_name=person.university_name,
                major_name=person.major_name,
                degree_level=person.degree_level,
                degree_name=person.degree_name or DEGREE_NAMES_ZH.get(person.degree_level, ""),
                graduation_year=person.graduation_year,
                skills=skills.get(item.student_record_id, [])[:12],
                score=score_out(item.score),
                reasons=reasons_out(item.match.reasons),
            )
        )
    return SuggestedCandidatesOut(
        job_id=int(ranking.job.id),
        job_title=ranking.job.title,
        vector_used=ranking.vector_used,
        items=items,
    )
