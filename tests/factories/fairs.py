"""Fairs for tests: a fair at any organizer level with its participating universities,
employers registered for it, jobs attached, and offers on applications (written directly
through the models)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from jobs_api.agreements.models import Offer, OfferStatus
from jobs_api.applications.models import Application
from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer
from jobs_api.fairs.models import (
    Fair,
    FairEmployer,
    FairJob,
    FairStatus,
    FairUniversity,
    OrganizerLevel,
)
from jobs_api.jobs.models import Job
from jobs_api.jobs.posting import china_today
from jobs_api.universities.models import University


def make_fair(
    session: Session,
    universities: list[University],
    *,
    created_by: int,
    title: str = "2026届数字经济专场招聘会",
    level: OrganizerLevel = OrganizerLevel.UNIVERSITY,
    status: FairStatus = FairStatus.PUBLISHED,
    starts_on: date | None = None,
    ends_on: date | None = None,
    industry_code: str | None = "I",
    province_code: str | None = None,
) -> Fair:
    """A fair organized by ``universities[0]`` (university level), by ``province_code`` (or
    the first university's province) at province level, or nationally."""
    starts_on = starts_on or china_today() + timedelta(days=7)
    first = universities[0]
    fair = Fair(
        title=title,
        theme="数字经济专场",
        industry_code=industry_code,
        description="面向信息技术类专业毕业生的线上专场。",
        starts_on=starts_on,
        ends_on=ends_on or starts_on + timedelta(days=2),
        status=status,
        organizer_level=level.value,
        organizer_university_id=first.id if level is OrganizerLevel.UNIVERSITY else None,
        organizer_province_code=(
            None if level is OrganizerLevel.NATIONAL else province_code or first.province_code
        ),
        created_by=created_by,
    )
    session.add(fair)
    session.flush()
    for university in universities:
        session.add(FairUniversity(fair_id=fair.id, university_id=university.id))
    session.flush()
    return fair


def register_employer(
    session: Session, fair: Fair, employer: Employer, *, user_id: int, intro: str = "欢迎来访"
) -> FairEmployer:
    entry = FairEmployer(
        fair_id=fair.id, employer_id=employer.id, registered_by=user_id, booth_intro=intro
    )
    session.add(entry)
    session.flush()
    return entry


def attach_job(session: Session, fair: Fair, job: Job) -> FairJob:
    row = FairJob(fair_id=fair.id, job_id=job.id, employer_id=job.employer_id)
    session.add(row)
    session.flush()
    return row


def make_offer(
    session: Session,
    application: Application,
    *,
    issued_by: int,
    status: OfferStatus = OfferStatus.ISSUED,
) -> Offer:
    """An offer on ``application`` (Hangzhou, starting in three months)."""
    today = china_today()
    offer = Offer(
        application_id=application.id,
        job_id=application.job_id,
        employer_id=application.employer_id,
        user_id=application.user_id,
        position_title="Java开发工程师",
        monthly_salary=15000,
        workplace_city_code="330100",
        start_date=today + timedelta(days=90),
        respond_by=today + timedelta(days=14),
        status=status,
        issued_by=issued_by,
        issued_at=utcnow(),
    )
    session.add(offer)
    session.flush()
    return offer
