"""Applications as the API shows them: a graduate's own (with job, employer and timeline) and
an employer's view of applicants (registry facts only). Lists are built with one query per
kind of row, never one per application."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.applications.models import (
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
)
from jobs_api.applications.schemas import (
    ApplicantOut,
    ApplicantProfileOut,
    ApplicationOut,
    EmployerApplicationDetailOut,
    EmployerApplicationOut,
    TimelineEntryOut,
)
from jobs_api.employers.models import Employer
from jobs_api.graduates.models import GraduateProfile, Visibility
from jobs_api.jobs.models import Job
from jobs_api.reference.models import DegreeLevel, Major
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University


def timelines(
    session: Session, application_ids: Sequence[int]
) -> dict[int, list[TimelineEntryOut]]:
    """Each application's status history, oldest first."""
    found: dict[int, list[TimelineEntryOut]] = defaultdict(list)
    if not application_ids:
        return found
    rows = session.scalars(
        select(ApplicationStatusChange)
        .where(ApplicationStatusChange.application_id.in_(application_ids))
        .order_by(ApplicationStatusChange.application_id, ApplicationStatusChange.id)
    )
    for change in rows:
        found[change.application_id].append(
            TimelineEntryOut(
                from_status=ApplicationStatus(change.from_status) if change.from_status else None,
                to_status=ApplicationStatus(change.to_status),
                reason=change.reason,
                changed_at=change.changed_at,
            )
        )
    return found


def _jobs_and_employers(
    session: Session, applications: Sequence[Application]
) -> tuple[dict[int, str], dict[int, str]]:
    job_ids = {a.job_id for a in applications}
    employer_ids = {a.employer_id for a in applications}
    titles: dict[int, str] = {}
    names: dict[int, str] = {}
    if job_ids:
        titles = {
            row.id: row.title
            for row in session.execute(select(Job.id, Job.title).where(Job.id.in_(job_ids)))
        }
    if employer_ids:
        names = {
            row.id: row.name
            for row in session.execute(
                select(Employer.id, Employer.name).where(Employer.id.in_(employer_ids))
            )
        }
    return titles, names


def graduate_views(session: Session, applications: Sequence[Application]) -> list[ApplicationOut]:
    titles, names = _jobs_and_employers(session, applications)
    history = timelines(session, [a.id for a in applications])
    return [
        ApplicationOut(
            id=a.id,
            job_id=a.job_id,
            job_title=titles.get(a.job_id, ""),
            employer_id=a.employer_id,
            employer_name=names.get(a.employer_id, ""),
            status=ApplicationStatus(a.status),
            submitted_at=a.submitted_at,
            status_changed_at=a.status_changed_at,
            first_response_at=a.first_response_at,
            withdrawn_at=a.withdrawn_at,
            resume_filename=a.resume_filename,
            cover_note=a.cover_note,
            fair_id=a.fair_id,
            timeline=history.get(a.id, []),
        )
        for a in applications
    ]


def applicants(session: Session, record_ids: set[int]) -> dict[int, ApplicantOut]:
    """Registry facts of the given student records, names resolved (no ID number, no phone)."""
    if not record_ids:
        return {}
    rows = session.execute(
        select(StudentRecord, University.name, Major.name, DegreeLevel.name_zh)
        .join(University, University.id == StudentRecord.university_id)
        .outerjoin(Major, Major.code == StudentRecord.major_code)
        .outerjoin(DegreeLevel, DegreeLevel.code == StudentRecord.degree_level)
        .where(StudentRecord.id.in_(record_ids))
    )
    found: dict[int, ApplicantOut] = {}
    for record, university_name, major_name, degree_name in rows:
        found[record.id] = ApplicantOut(
            name=record.name,
            gender=record.gender,
            university_name=university_name,
            college=record.college,
            major_code=record.major_code,
            major_name=major_name or "",
            degree_level=record.degree_level,
            degree_name=degree_name or "",
            graduation_year=record.graduation_year,
        )
    return found


def employer_views(
    session: Session, applications: Sequence[Application]
) -> list[EmployerApplicationOut]:
    titles, _ = _jobs_and_employers(session, applications)
    people = applicants(session, {a.student_record_id for a in applications})
    return [
        EmployerApplicationOut(
            id=a.id,
            job_id=a.job_id,
            job_title=titles.get(a.job_id, ""),
            status=ApplicationStatus(a.status),
            submitted_at=a.submitted_at,
            status_changed_at=a.status_changed_at,
            fair_id=a.fair_id,
            resume_filename=a.resume_filename,
            cover_note=a.cover_note,
            applicant=people[a.student_record_id],
        )
        for a in applications
    ]


def applicant_profile(session: Session, student_record_id: int) -> ApplicantProfileOut | None:
    """The profile text an employer the graduate applied to may read; ``None`` when the
    graduate has none or hid it (``hidden``: nobody outside their university)."""
    profile = session.scalar(
        select(GraduateProfile).where(GraduateProfile.student_record_id == student_record_id)
    )
    if profile is None or profile.visibility == Visibility.HIDDEN:
        return None
    return ApplicantProfileOut(
        skills=list(profile.skills or []),
        certificates=list(profile.certificates or []),
        summary=profile.summary,
    )


def employer_detail(session: Session, application: Application) -> EmployerApplicationDetailOut:
    base = employer_views(session, [application])[0]
    return EmployerApplicationDetailOut(
        **base.model_dump(),
        profile=applicant_profile(session, application.student_record_id),
        timeline=timelines(session, [application.id]).get(application.id, []),
    )
