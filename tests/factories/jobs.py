"""Employers and jobs for tests, with reference codes that exist after ``load_reference``."""

from __future__ import annotations

from itertools import count

from sqlalchemy.orm import Session
from stdnum.cn import uscc

from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.jobs.models import Job, JobStatus

_serial = count(1)


def _valid_uscc(serial: int) -> str:
    body = f"91330100MA2{serial:06d}"  # 9 = industry & commerce, 1 = enterprise, Hangzhou
    return body + uscc.calc_check_digit(body)


def make_employer(
    session: Session,
    *,
    name: str = "杭州云帆网络科技有限公司",
    status: VerificationStatus = VerificationStatus.VERIFIED,
) -> Employer:
    employer = Employer(
        name=name,
        uscc=_valid_uscc(next(_serial)),
        employer_type_code="private_enterprise",
        industry_code="I",
        city_code="330100",
        size="100-499",
        verification_status=status,
    )
    session.add(employer)
    session.flush()
    return employer


def make_job(
    session: Session,
    employer: Employer,
    *,
    title: str = "Java开发工程师",
    status: JobStatus = JobStatus.PUBLISHED,
    description: str = "负责后端服务开发，熟悉 Spring Boot 与 MySQL。",
) -> Job:
    job = Job(
        employer_id=employer.id,
        title=title,
        occupation_code=None,
        industry_code="I",
        city_code="330100",
        degree_level="bachelor",
        major_codes=["080902"],
        skills=["Java", "MySQL"],
        salary_min=12000,
        salary_max=18000,
        salary_months=13,
        headcount=3,
        description=description,
        status=status,
        published_at=utcnow() if status == JobStatus.PUBLISHED else None,
    )
    session.add(job)
    session.flush()
    return job
