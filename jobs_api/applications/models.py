from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    VIEWED = "viewed"
    SHORTLISTED = "shortlisted"
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


CLOSED_STATUSES = frozenset(
    {ApplicationStatus.HIRED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
)
"""Statuses after which nothing moves any more."""

_LIVE = text("status <> 'withdrawn'")


class Application(Base):
    """A graduate's application to one job. At most one live (not withdrawn) application per
    graduate and job; the résumé is referenced by content hash so a later deletion of the
    résumé from the profile does not change what the employer received."""

    __tablename__ = "applications"
    __table_args__ = (
        Index(
            "uq_applications_live_user_job",
            "user_id",
            "job_id",
            unique=True,
            postgresql_where=_LIVE,
            sqlite_where=_LIVE,
        ),
        Index("ix_applications_employer_status", "employer_id", "status", "id"),
        Index("ix_applications_job_status", "job_id", "status", "id"),
        Index("ix_applications_user", "user_id", "id"),
        # the employer's pipeline, newest first, whatever the statuses asked for
        Index("ix_applications_employer_id", "employer_id", "id"),
        # response figures: the window of one employer, covering the first response time
        Index(
            "ix_applications_employer_submitted",
            "employer_id",
            "submitted_at",
            "first_response_at",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id"), comment="the job's employer (scope of employer reads)"
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), comment="the graduate account")
    student_record_id: Mapped[int] = mapped_column(ForeignKey("student_records.id"), index=True)
    university_id: Mapped[int] = mapped_column(
        ForeignKey("universities.id"), index=True, comment="the graduate's university (scope)"
    )
    fair_id: Mapped[int | None] = mapped_column(
        ForeignKey("fairs.id"), nullable=True, index=True, comment="applied through this fair"
    )
    resume_id: Mapped[int | None] = mapped_column(
        ForeignKey("graduate_resumes.id", ondelete="SET NULL"), nullable=True
    )
    resume_sha256: Mapped[str] = mapped_column(String(64))
    resume_filename: Mapped[str] = mapped_column(String(120))
    cover_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=ApplicationStatus.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, comment="first employer action (response-time figures)"
    )
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ApplicationStatusChange(Base):
    """The history of an application's status, oldest first; what the graduate's timeline
    and the response-time figures are built from."""

    __tablename__ = "application_status_changes"
    __table_args__ = (Index("ix_application_status_changes_app", "application_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="", comment="shown to the graduate")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApplicationNote(Base):
    """A private note of the employer's team on an application; never shown to the graduate."""

    __tablename__ = "application_notes"
    __table_args__ = (Index("ix_application_notes_app", "application_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
