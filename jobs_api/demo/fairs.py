"""Demo recruitment fairs (专场招聘会), made after the demo accounts exist: one ongoing fair of
the demo career office's university, an upcoming provincial fair (浙江省), an upcoming
national fair, a past fair and a provincial draft; verified employers registered with a
booth intro and a few of their published jobs attached. Does nothing when fairs exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.employers.models import REACHES_GRADUATES, Employer
from jobs_api.fairs.models import (
    Fair,
    FairEmployer,
    FairJob,
    FairStatus,
    FairUniversity,
    OrganizerLevel,
)
from jobs_api.identity.models import User
from jobs_api.identity.principal import Role
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.universities.models import University

EMPLOYERS_PER_FAIR = 8
JOBS_PER_EMPLOYER = 3
MAX_UNIVERSITIES = 800


@dataclass(frozen=True, slots=True)
class _Plan:
    title: str
    theme: str
    industry_code: str | None
    level: OrganizerLevel
    starts_in: int  # days from today
    days: int
    status: FairStatus


PLANS = (
    _Plan(
        "2026届信息技术类专场招聘会",
        "数字经济专场",
        "I",
        OrganizerLevel.UNIVERSITY,
        -1,
        4,
        FairStatus.PUBLISHED,
    ),
    _Plan(
        "浙江省2026届高校毕业生春季联合招聘会",
        "制造业与数字经济",
        None,
        OrganizerLevel.PROVINCE,
        10,
        3,
        FairStatus.PUBLISHED,
    ),
    _Plan(
        "全国高校毕业生“国聘行动”专场",
        "国有企业专场",
        None,
        OrganizerLevel.NATIONAL,
        20,
        5,
        FairStatus.PUBLISHED,
    ),
    _Plan(
        "2026届金融类专场招聘会",
        "金融专场",
        "J",
        OrganizerLevel.UNIVERSITY,
        -30,
        2,
        FairStatus.PUBLISHED,
    ),
    _Plan(
        "浙江省先进制造业专场（筹备中）",
        "先进制造业",
        "C",
        OrganizerLevel.PROVINCE,
        40,
        3,
        FairStatus.DRAFT,
    ),
)


def _user(session: Session, role: Role) -> User | None:
    return session.scalar(select(User).where(User.role == role.value).order_by(User.id).limit(1))


def _universities(
    session: Session, plan: _Plan, office: User | None, province: str | None
) -> list[int]:
    if plan.level is OrganizerLevel.UNIVERSITY:
        return [office.university_id] if office and office.university_id else []
    query = select(University.id).order_by(University.code).limit(MAX_UNIVERSITIES)
    if plan.level is OrganizerLevel.PROVINCE:
        query = query.where(University.province_code == province)
    return list(session.scalars(query))


def create_demo_fairs(session: Session, today: date | None = None) -> int:
    """Create the demo fairs (if there are none yet); returns how many were made."""
    if session.scalar(select(func.count()).select_from(Fair)):
        return 0
    today = today or china_today()
    admin = _user(session, Role.NATIONAL_ADMIN)
    provincial = _user(session, Role.PROVINCIAL_ADMIN)
    office = _user(session, Role.CAREER_OFFICE)
    if admin is None:
        return 0
    office_university = (
        session.get(University, office.university_id) if office and office.university_id else None
    )
    employers = list(
        session.scalars(
            select(Employer.id)
            .where(Employer.verification_status.in_([s.value for s in REACHES_GRADUATES]))
            .order_by(Employer.id)
            .limit(EMPLOYERS_PER_FAIR * len(PLANS))
        )
    )
    members = dict(
        session.execute(
            select(User.employer_id, func.min(User.id))
            .where(User.role == Role.EMPLOYER_MEMBER.value, User.employer_id.in_(employers))
            .group_by(User.employer_id)
        ).all()
    )
    made = 0
    for index, plan in enumerate(PLANS):
        if plan.level is OrganizerLevel.UNIVERSITY and office_university is None:
            continue
        if plan.level is OrganizerLevel.PROVINCE and provincial is None:
            continue
        creator = {
            OrganizerLevel.UNIVERSITY: office,
            OrganizerLevel.PROVINCE: provincial,
            OrganizerLevel.NATIONAL: admin,
        }[plan.level]
        assert creator is not None
        province = (
            office_university.province_code
            if plan.level is OrganizerLevel.UNIVERSITY and office_university
            else provincial.province_code
            if plan.level is OrganizerLevel.PROVINCE and provincial
            else None
        )
        universities = _universities(session, plan, office, province)
        if not universities:
            continue
        starts = today + timedelta(days=plan.starts_in)
        fair = Fair(
            title=plan.title,
            theme=plan.theme,
            industry_code=plan.industry_code,
            description=f"{plan.theme}：线上举办，参会单位均已通过认证，毕业生可直接在线投递。",
            starts_on=starts,
            ends_on=starts + timedelta(days=plan.days - 1),
            status=plan.status,
            organizer_level=plan.level.value,
            organizer_university_id=(
                office_university.id
                if plan.level is OrganizerLevel.UNIVERSITY and office_university
                else None
            ),
            organizer_province_code=province,
            created_by=creator.id,
        )
        session.add(fair)
        session.flush()
        session.add_all(FairUniversity(fair_id=fair.id, university_id=u) for u in universities)
        made += 1
        if plan.status is not FairStatus.PUBLISHED:
            continue
        chosen = employers[index * EMPLOYERS_PER_FAIR : (index + 1) * EMPLOYERS_PER_FAIR]
        if index == 0:  # the demo employer account sees its own registration
            chosen = employers[:EMPLOYERS_PER_FAIR]
        for employer_id in chosen:
            session.add(
                FairEmployer(
                    fair_id=fair.id,
                    employer_id=employer_id,
                    registered_by=members.get(employer_id, creator.id),
                    booth_intro="欢迎同学们来访，线上答疑时间为每天 9:00–17:00。",
                )
            )
            jobs = session.scalars(
                select(Job.id)
                .where(Job.employer_id == employer_id, Job.status == JobStatus.PUBLISHED)
                .order_by(Job.id)
                .limit(JOBS_PER_EMPLOYER)
            )
            session.add_all(
                FairJob(fair_id=fair.id, job_id=job_id, employer_id=employer_id) for job_id in jobs
            )
        session.flush()
    return made
