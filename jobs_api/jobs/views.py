"""Jobs as the API shows them, with reference codes resolved to names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.employers.models import Employer
from jobs_api.jobs.models import Job, JobReview
from jobs_api.jobs.schemas import CodeName, EmployerRef, JobOut, ReviewSummaryOut, matches_out
from jobs_api.reference.models import DegreeLevel, EmployerType, Industry, Occupation, Region


def _name(
    session: Session, model: type[Region] | type[Industry] | type[Occupation], code: str
) -> str:
    found = session.get(model, code)
    return str(getattr(found, "name", "")) if found is not None else ""


def employer_ref(session: Session, employer: Employer) -> EmployerRef:
    kind = session.get(EmployerType, employer.employer_type_code)
    return EmployerRef(
        id=employer.id,
        name=employer.name,
        employer_type=CodeName(
            code=employer.employer_type_code, name=kind.name_zh if kind is not None else ""
        ),
    )


def city_and_province(session: Session, city_code: str) -> tuple[CodeName, CodeName]:
    city = session.get(Region, city_code)
    province_code = (city.parent_code or city.code) if city else city_code[:2] + "0000"
    return (
        CodeName(code=city_code, name=city.name if city else ""),
        CodeName(code=province_code, name=_name(session, Region, province_code)),
    )


def latest_review(session: Session, job_id: int) -> JobReview | None:
    return session.scalar(
        select(JobReview).where(JobReview.job_id == job_id).order_by(JobReview.id.desc()).limit(1)
    )


def review_summary(review: JobReview | None) -> ReviewSummaryOut | None:
    if review is None:
        return None
    return ReviewSummaryOut(
        id=review.id,
        state=review.state,
        matches=matches_out(review.matches),
        note=review.note,
        created_at=review.created_at,
        decided_at=review.decided_at,
    )


def job_out(session: Session, job: Job, *, with_review: bool) -> JobOut:
    employer = session.get_one(Employer, job.employer_id)
    city, province = city_and_province(session, job.city_code)
    degree = session.get(DegreeLevel, job.degree_level)
    return JobOut(
        id=job.id,
        employer=employer_ref(session, employer),
        title=job.title,
        occupation=CodeName(
            code=job.occupation_code, name=_name(session, Occupation, job.occupation_code)
        )
        if job.occupation_code
        else None,
        industry=CodeName(code=job.industry_code, name=_name(session, Industry, job.industry_code)),
        city=city,
        province=province,
        degree=CodeName(code=job.degree_level, name=degree.name_zh if degree else ""),
        major_codes=list(job.major_codes or []),
        skills=list(job.skills or []),
        salary_min=job.salary_min,
        salary_max=job.salary_max,
        salary_months=job.salary_months,
        headcount=job.headcount,
        deadline=job.deadline,
        benefits=list(job.benefits or []),
        description=job.description or "",
        status=job.status,
        published_at=job.published_at,
        closed_at=job.closed_at,
        closed_reason=job.closed_reason,
        created_at=job.created_at,
        updated_at=job.updated_at,
        view_count=job.view_count or 0,
        application_count=job.application_count or 0,
        review=review_summary(latest_review(session, job.id)) if with_review else None,
    )
