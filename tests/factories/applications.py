"""Applications for tests: a verified graduate (own registry record) applying to a job.

Graduates get a fresh synthetic registry record each (valid GB 11643 check digit), so any
number of them can exist in one test.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.core.settings import Settings
from jobs_api.employers.models import Employer
from jobs_api.graduates.models import Resume
from jobs_api.graduates.resumes import upload_resume
from jobs_api.identity.principal import EmployerRole, Role
from jobs_api.jobs.models import Job
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University
from tests.factories.graduates import make_record, pdf_bytes
from tests.factories.identity import Actor, make_university, make_user, sign_in
from tests.factories.jobs import make_employer, make_job


def make_graduate_actor(
    session: Session,
    settings: Settings,
    *,
    university: University | None = None,
    name: str = "李娜",
) -> Actor:
    """A signed-in, verified graduate with their own registry record."""
    university = university or make_university(session)
    made = make_record(session, university, settings, name=name)
    user = make_user(session, Role.GRADUATE, settings, student_record_id=made.id)
    return sign_in(session, user, settings)


def make_employer_actor(
    session: Session,
    settings: Settings,
    employer: Employer | None = None,
    *,
    employer_role: EmployerRole = EmployerRole.OWNER,
) -> Actor:
    """A signed-in member of ``employer`` (a new verified employer when not given)."""
    employer = employer or make_employer(session)
    user = make_user(
        session,
        Role.EMPLOYER_MEMBER,
        settings,
        employer_id=employer.id,
        employer_role=employer_role.value,
    )
    return sign_in(session, user, settings)


def make_application(
    session: Session,
    graduate: Actor,
    job: Job,
    *,
    status: ApplicationStatus = ApplicationStatus.SUBMITTED,
) -> Application:
    """``graduate`` applied to ``job`` (a résumé reference made up from the ids)."""
    record_id = graduate.principal.student_record_id
    assert record_id is not None, "the applicant must be a graduate with a registry record"
    record = session.get(StudentRecord, record_id)
    assert record is not None
    application = Application(
        job_id=job.id,
        employer_id=job.employer_id,
        user_id=graduate.user.id,
        student_record_id=record_id,
        university_id=record.university_id,
        resume_sha256=hashlib.sha256(f"resume-{graduate.user.id}".encode()).hexdigest(),
        resume_filename="简历.pdf",
        status=status,
    )
    session.add(application)
    session.flush()
    return application


@dataclass
class Hiring:
    """One employer (with a signed-in member), one job, one graduate and their application."""

    employer: Employer
    member: Actor
    job: Job
    graduate: Actor
    application: Application


def make_hiring(
    session: Session,
    settings: Settings,
    *,
    employer: Employer | None = None,
    employer_name: str = "杭州云帆网络科技有限公司",
    job_title: str = "Java开发工程师",
    graduate: Actor | None = None,
    status: ApplicationStatus = ApplicationStatus.SUBMITTED,
) -> Hiring:
    employer = employer or make_employer(session, name=employer_name)
    member = make_employer_actor(session, settings, employer)
    job = make_job(session, employer, title=job_title)
    graduate = graduate or make_graduate_actor(session, settings)
    application = make_application(session, graduate, job, status=status)
    return Hiring(employer, member, job, graduate, application)


def give_resume(
    session: Session,
    settings: Settings,
    graduate: Actor,
    *,
    text: str = "resume",
    filename: str = "简历.pdf",
    make_default: bool = False,
) -> Resume:
    """A real résumé upload (file on disk under ``settings.data_dir``) of ``graduate``."""
    out, _ = upload_resume(
        session,
        graduate.principal,
        settings.data_dir,
        pdf_bytes(text),
        filename,
        make_default=make_default,
    )
    return session.get_one(Resume, out.id)
