"""Demo hiring data (applications, interviews, offers, 三方协议), made after the demo accounts
and fairs so that the demo ``hr-…`` account finds a filled pipeline, the ``career-…`` account
an agreement awaiting approval and the demo graduate things to answer.

Everything goes through the domains' real services, with :class:`Principal` objects built for
the demo accounts, so status history, first-response times, interviews, offers, agreement
events, audit rows and inbox notices are the ones real use produces:

* graduates: free registry records (the demo career office's university first) get an active
  graduate account (``g<院校代码>-<学号>``, the demo password), consents and a PDF résumé
  stored through the résumé service;
* the demo employer (the ``hr-…`` account's) receives one application per graduate, spread
  over its open jobs and moved along :data:`EMPLOYER_PLAN`: submitted, viewed, shortlisted,
  rejected, an interview proposed with slots, one confirmed in the next days, offers issued,
  one accepted offer whose agreement both parties signed (pending at the demo career office)
  and one approved (已签约, with its verification code);
* the demo graduate (``grad-…``) applies to a few jobs: an interview to confirm, an offer to
  accept, a viewed application and one only submitted.

Only the response-time stamps are written directly: the services stamp "now", and a demo
whose applications were all answered within a second would show meaningless figures, so
submission and first-response times are moved back by a few days afterwards.

Idempotent: nothing is made when the demo employer already has applications. Flushes only;
the caller commits.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from jobs_api.agreements.approval import approve
from jobs_api.agreements.offers import accept_offer, issue_offer
from jobs_api.agreements.schemas import OfferIn
from jobs_api.agreements.signing import sign_as_employer, sign_as_graduate
from jobs_api.applications.apply import apply
from jobs_api.applications.employer_pipeline import read_application, set_status
from jobs_api.applications.models import Application, ApplicationStatus, ApplicationStatusChange
from jobs_api.applications.schemas import ApplyIn, StatusChangeIn
from jobs_api.core.db import utcnow
from jobs_api.core.errors import DomainError
from jobs_api.core.settings import Settings
from jobs_api.employers.models import REACHES_GRADUATES, Employer
from jobs_api.employers.references import city_problem
from jobs_api.graduates.activation import graduate_username
from jobs_api.graduates.consent import grant_consents
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.graduates.profile import get_or_create_profile
from jobs_api.graduates.resumes import upload_resume
from jobs_api.identity.accounts import NewAccount, create_account
from jobs_api.identity.config import IdentitySettings
from jobs_api.identity.kit import USERNAME_PATTERN, build_identity_kit
from jobs_api.identity.limiter import MemoryAttemptStore
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.passwords import PasswordHasher
from jobs_api.identity.principal import EmployerRole, Principal, Role
from jobs_api.interviews.models import InterviewMode, InterviewSlot
from jobs_api.interviews.responses import confirm
from jobs_api.interviews.scheduling import propose
from jobs_api.interviews.schemas import InterviewProposalIn, SlotIn
from jobs_api.interviews.slots import CHINA_TIME
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.reference.models import Major
from jobs_api.registry.models import EnrollmentStatus, StudentRecord
from jobs_api.universities.models import University

logger = logging.getLogger(__name__)

SESSION_ID = "demo-hiring"
DEFAULT_CITY = "330100"  # 杭州市, when a job's city cannot be a workplace city
FONT = "STSong-Light"  # a CID font every PDF reader has: no font file needed


class Stage(StrEnum):
    SUBMITTED = "submitted"
    VIEWED = "viewed"
    SHORTLISTED = "shortlisted"
    REJECTED = "rejected"
    INTERVIEW_PROPOSED = "interview_proposed"
    INTERVIEW_CONFIRMED = "interview_confirmed"
    OFFER = "offer"
    PENDING_APPROVAL = "pending_approval"  # offer accepted, both signed, office decides
    SIGNED = "signed"  # approved by the career office: 已签约, application hired


S = Stage
EMPLOYER_PLAN: tuple[Stage, ...] = (
    # the agreements first: they take the demo career office's graduates
    S.PENDING_APPROVAL,
    S.SIGNED,
    S.INTERVIEW_PROPOSED,
    S.INTERVIEW_CONFIRMED,
    S.OFFER,
    S.OFFER,
    S.REJECTED,
    S.SHORTLISTED,
    S.VIEWED,
    S.SUBMITTED,
    S.REJECTED,
    S.SHORTLISTED,
    S.VIEWED,
    S.SUBMITTED,
    S.SUBMITTED,
    S.VIEWED,
    S.REJECTED,
    S.SHORTLISTED,
    S.SUBMITTED,
    S.VIEWED,
    S.SUBMITTED,
    S.VIEWED,
    S.SHORTLISTED,
    S.SUBMITTED,
    S.REJECTED,
    S.VIEWED,
    S.SUBMITTED,
    S.SHORTLISTED,
    S.SUBMITTED,
    S.VIEWED,
)
"""One stage per applicant of the demo employer (fewer when fewer graduates are free)."""

GRADUATE_PLAN: tuple[Stage, ...] = (S.INTERVIEW_PROPOSED, S.OFFER, S.VIEWED)
"""The demo graduate's applications to the demo employer (as many as it has open jobs)."""

REJECT_REASON = "感谢你的关注，该岗位已招满 (the position has been filled)"


@dataclass(slots=True)
class HiringReport:
    graduates: int = 0
    applications: int = 0
    interviews: int = 0
    offers: int = 0
    agreements: int = 0
    statuses: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        return (
            f"演示招聘数据: {self.applications} applications ({statuses}), "
            f"{self.interviews} interviews, {self.offers} offers, {self.agreements} agreements, "
            f"{self.graduates} new graduate accounts"
        )


@dataclass(frozen=True, slots=True)
class _Cast:
    employer: Employer
    hr: Principal
    office: Principal | None
    office_university_id: int | None
    admin: Principal | None
    graduate: Principal | None  # the demo graduate account


def resume_pdf(name: str, lines: list[str]) -> bytes:
    """A one-page résumé (valid PDF, Chinese text in a standard CID font)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(f"{name} 个人简历")
    pdf.setFont(FONT, 20)
    pdf.drawString(72, 770, f"{name} · 个人简历")
    pdf.setFont(FONT, 11)
    y = 735
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 20
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _principal(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        role=Role(user.role),
        session_id=SESSION_ID,
        university_id=user.university_id,
        province_code=user.province_code,
        employer_id=user.employer_id,
        employer_role=EmployerRole(user.employer_role) if user.employer_role else None,
        student_record_id=user.student_record_id,
    )


def _first_user(session: Session, role: Role, *conditions: ColumnElement[bool]) -> User | None:
    query = select(User).where(User.role == role.value, User.status == AccountStatus.ACTIVE.value)
    for condition in conditions:
        query = query.where(condition)
    return session.scalar(query.order_by(User.id).limit(1))


def _cast(session: Session) -> _Cast | None:
    employer = session.scalar(
        select(Employer)
        .where(Employer.verification_status.in_([s.value for s in REACHES_GRADUATES]))
        .order_by(Employer.id)
        .limit(1)
    )
    if employer is None:
        return None
    hr = _first_user(session, Role.EMPLOYER_MEMBER, User.username == f"hr-{employer.id}")
    if hr is None:
        return None
    office = _first_user(session, Role.CAREER_OFFICE, User.username.startswith("career-"))
    admin = _first_user(session, Role.NATIONAL_ADMIN)
    graduate = _first_user(
        session,
        Role.GRADUATE,
        User.username.startswith("grad-"),
        User.student_record_id.is_not(None),
    )
    return _Cast(
        employer=employer,
        hr=_principal(hr),
        office=_principal(office) if office else None,
        office_university_id=office.university_id if office else None,
        admin=_principal(admin) if admin else None,
        graduate=_principal(graduate) if graduate else None,
    )


def _open_jobs(session: Session, employer_id: int | None, today: date, limit: int) -> list[Job]:
    query = select(Job).where(
        Job.status == JobStatus.PUBLISHED.value,
        (Job.deadline.is_(None)) | (Job.deadline >= today),
    )
    if employer_id is not None:
        query = query.where(Job.employer_id == employer_id)
    return list(session.scalars(query.order_by(Job.id).limit(limit)))


def _free_records(session: Session, university_id: int | None, count: int) -> list[StudentRecord]:
    """Records without an account, the demo career office's university first."""
    taken = exists().where(User.student_record_id == StudentRecord.id)
    base = select(StudentRecord).where(
        ~taken, StudentRecord.status != EnrollmentStatus.WITHDRAWN.value
    )
    chosen: list[StudentRecord] = []
    if university_id is not None:
        chosen += session.scalars(
            base.where(StudentRecord.university_id == university_id)
            .order_by(StudentRecord.id)
            .limit(count)
        )
    if len(chosen) < count:
        query = base.order_by(StudentRecord.id).limit(count - len(chosen))
        if university_id is not None:
            query = query.where(StudentRecord.university_id != university_id)
        chosen += session.scalars(query)
    return chosen


def _store_resume(
    session: Session, data_dir: Path, graduate: Principal, record: StudentRecord
) -> None:
    university = session.get_one(University, record.university_id)
    major = session.get(Major, record.major_code)
    lines = [
        f"学校：{university.name}",
        f"专业：{major.name if major else record.major_code}（{record.graduation_year}届）",
        f"学院：{record.college or '—'}",
        "求职意向：研发、产品与运营相关岗位",
        "技能：数据分析、办公软件、英语（CET-6）",
        "本简历为演示数据 (demo data)。",
    ]
    data = resume_pdf(record.name, lines)
    upload_resume(session, graduate, data_dir, data, f"{record.name}-简历.pdf")


def _graduates(
    session: Session,
    settings: Settings,
    records: list[StudentRecord],
    password: str,
    hasher: PasswordHasher | None,
) -> list[Principal]:
    """An active, consenting graduate account with a résumé for each record."""
    kit = build_identity_kit(settings, hasher=hasher, attempts=MemoryAttemptStore())
    made: list[Principal] = []
    for record in records:
        university = session.get_one(University, record.university_id)
        username = graduate_username(university.code, record.student_number, record.id)
        if not USERNAME_PATTERN.match(username):
            continue
        created = create_account(
            session,
            kit,
            NewAccount(
                role=Role.GRADUATE,
                username=username,
                display_name=record.name,
                password=password,
                student_record_id=record.id,
            ),
            actor=None,
        )
        grant_consents(session, created.user.id, list(ConsentPurpose))
        get_or_create_profile(session, record.id)
        principal = _principal(created.user)
        _store_resume(session, settings.data_dir, principal, record)
        made.append(principal)
    return made


def _slots(now: datetime, days_ahead: int) -> list[SlotIn]:
    """Three 45-minute slots on working hours (Beijing time) a few days ahead."""
    day = now.astimezone(CHINA_TIME).date() + timedelta(days=days_ahead)
    starts = (
        datetime.combine(day, time(10, 0), CHINA_TIME),
        datetime.combine(day, time(14, 30), CHINA_TIME),
        datetime.combine(day + timedelta(days=1), time(10, 0), CHINA_TIME),
    )
    return [SlotIn(starts_at=s, ends_at=s + timedelta(minutes=45)) for s in starts]


def _offer_terms(session: Session, job: Job, today: date) -> OfferIn:
    city = job.city_code if city_problem(session, job.city_code) is None else DEFAULT_CITY
    start = date(today.year + (1 if today.month >= 6 else 0), 7, 1)
    return OfferIn(
        position_title=job.title[:100],
        monthly_salary=(job.salary_min + job.salary_max) // 2,
        salary_months=min(max(job.salary_months, 12), 16),
        workplace_city_code=city,
        start_date=start,
        probation_months=3,
        respond_by=today + timedelta(days=14),
        message="欢迎加入！请在答复截止日期前确认录用通知。",
    )


def _advance(
    session: Session,
    cast: _Cast,
    graduate: Principal,
    application: Application,
    job: Job,
    stage: Stage,
    *,
    now: datetime,
    today: date,
    report: HiringReport,
    index: int,
) -> None:
    """Move one fresh application to ``stage`` the way the employer and graduate would."""
    if stage is S.SUBMITTED:
        return
    read_application(session, cast.hr, application.id)  # submitted -> viewed
    if stage is S.VIEWED:
        return
    if stage is S.REJECTED:
        set_status(
            session,
            cast.hr,
            application.id,
            StatusChangeIn(status=ApplicationStatus.REJECTED, reason=REJECT_REASON),
        )
        return
    set_status(
        session, cast.hr, application.id, StatusChangeIn(status=ApplicationStatus.SHORTLISTED)
    )
    if stage is S.SHORTLISTED:
        return
    if stage in (S.INTERVIEW_PROPOSED, S.INTERVIEW_CONFIRMED):
        proposal = propose(
            session,
            cast.hr,
            application.id,
            InterviewProposalIn(
                slots=_slots(now, 2 + index % 3),
                mode=InterviewMode.ONSITE,
                location=f"{cast.employer.name}人力资源部面试室",
                note="请携带身份证和简历纸质版，提前 10 分钟到达。",
            ),
            now=now,
        )
        report.interviews += 1
        if stage is S.INTERVIEW_CONFIRMED:
            first_slot = session.scalar(
                select(InterviewSlot.id)
                .where(InterviewSlot.interview_id == proposal.interview.id)
                .order_by(InterviewSlot.starts_at)
                .limit(1)
            )
            assert first_slot is not None
            confirm(session, graduate, proposal.interview.id, first_slot, now=now)
        return
    offer = issue_offer(session, cast.hr, application.id, _offer_terms(session, job, today), today)
    report.offers += 1
    if stage is S.OFFER:
        return
    _, agreement = accept_offer(session, graduate, offer.id, today)
    report.agreements += 1
    sign_as_employer(session, cast.hr, agreement.id)
    sign_as_graduate(session, graduate, agreement.id)
    if stage is S.SIGNED:
        same_office = cast.office is not None and (
            agreement.university_id == cast.office_university_id
        )
        approver = cast.office if same_office else cast.admin
        if approver is not None:
            approve(session, approver, agreement.id)


def _back_date(session: Session, application: Application, index: int, now: datetime) -> None:
    """Spread submissions over the last weeks and first responses over 2–70 hours, so the
    response-time figures mean something (the services stamp "now")."""
    submitted = now - timedelta(days=3 + index % 18, hours=index * 5 % 11)
    application.submitted_at = submitted
    if application.first_response_at is None:
        return
    answered = min(submitted + timedelta(hours=2 + index * 13 % 68), now)
    application.first_response_at = answered
    first = session.scalar(
        select(ApplicationStatusChange)
        .where(ApplicationStatusChange.application_id == application.id)
        .order_by(ApplicationStatusChange.id)
        .limit(1)
    )
    if first is not None:
        first.changed_at = answered


def create_demo_hiring(
    session: Session,
    settings: Settings,
    *,
    password: str | None = None,
    hasher: PasswordHasher | None = None,
    now: datetime | None = None,
) -> HiringReport:
    """Create the demo hiring rows (once); the report counts what was made.

    All of it happens in a savepoint: should a service refuse a step (say, a demo data set
    without a suitable job), nothing of the hiring data is kept, a warning is logged, and the
    caller's demo accounts and fairs are still committed."""
    cast = _cast(session)
    if cast is None:
        return HiringReport()
    if session.scalar(
        select(Application.id).where(Application.employer_id == cast.employer.id).limit(1)
    ):
        return HiringReport()
    try:
        with session.begin_nested():
            return _create(session, settings, cast, password, hasher, now or utcnow())
    except DomainError as exc:
        logger.warning("demo hiring data not created: %s (%s)", exc.code, exc.message)
        return HiringReport()


def _create(
    session: Session,
    settings: Settings,
    cast: _Cast,
    password: str | None,
    hasher: PasswordHasher | None,
    now: datetime,
) -> HiringReport:
    report = HiringReport()
    today = china_today()
    jobs = _open_jobs(session, cast.employer.id, today, 20)
    if not jobs:
        return report
    password = password or IdentitySettings().demo_password.get_secret_value()
    records = _free_records(session, cast.office_university_id, len(EMPLOYER_PLAN))
    applicants = _graduates(session, settings, records, password, hasher)
    report.graduates = len(applicants)
    work: list[tuple[Principal, Job, Stage]] = [
        (graduate, jobs[index % len(jobs)], stage)
        for index, (graduate, stage) in enumerate(zip(applicants, EMPLOYER_PLAN, strict=False))
    ]
    if cast.graduate is not None:
        record = session.get_one(StudentRecord, cast.graduate.student_record_id)
        _store_resume(session, settings.data_dir, cast.graduate, record)
        work += [
            (cast.graduate, job, stage) for job, stage in zip(jobs, GRADUATE_PLAN, strict=False)
        ]
        other = next(
            (j for j in _open_jobs(session, None, today, 50) if j.employer_id != cast.employer.id),
            None,
        )
        if other is not None:
            work.append((cast.graduate, other, S.SUBMITTED))
    for index, (graduate, job, stage) in enumerate(work):
        application = apply(
            session,
            graduate,
            settings.data_dir,
            job.id,
            ApplyIn(cover_note="您好，我对该岗位很感兴趣，附上简历，期待您的回复。"),
        )
        if application.employer_id == cast.employer.id:
            _advance(
                session,
                cast,
                graduate,
                application,
                job,
                stage,
                now=now,
                today=today,
                report=report,
                index=index,
            )
        _back_date(session, application, index, now)
        report.applications += 1
        report.statuses[application.status] += 1
    session.flush()
    return report
