from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class JobStatus(StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"  # screening asked for a reviewer's decision
    REJECTED = "rejected"  # a reviewer refused the post; editing it screens it again
    PUBLISHED = "published"
    CLOSED = "closed"


class JobCloseReason(StrEnum):
    EMPLOYER = "employer"  # a member closed it
    DEADLINE = "deadline"  # the automatic close the day after its deadline (Asia/Shanghai)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_published_at", "status", "published_at"),
        Index("ix_jobs_employer_status", "employer_id", "status"),
        Index("ix_jobs_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    title: Mapped[str] = mapped_column(String(100))
    occupation_code: Mapped[str | None] = mapped_column(
        ForeignKey("ref_occupations.code"), nullable=True, index=True
    )
    industry_code: Mapped[str] = mapped_column(ForeignKey("ref_industries.code"))
    city_code: Mapped[str] = mapped_column(ForeignKey("ref_regions.code"), index=True)
    degree_level: Mapped[str] = mapped_column(ForeignKey("ref_degree_levels.code"))
    major_codes: Mapped[list[str]] = mapped_column(JSON, default=list, comment="[] = 专业不限")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    salary_min: Mapped[int] = mapped_column(Integer, comment="monthly RMB")
    salary_max: Mapped[int] = mapped_column(Integer, comment="monthly RMB")
    salary_months: Mapped[int] = mapped_column(Integer, default=12, comment="12 to 16")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    benefits: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.DRAFT)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_reason: Mapped[str | None] = mapped_column(
        String(20), nullable=True, comment="JobCloseReason: employer, deadline"
    )
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    application_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class JobReviewState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the post was edited or closed before a decision


class JobReview(Base):
    """A reviewer's look at a job post that screening flagged (``review`` matches). One row per
    flagged version of the post; ``matches`` keeps what the screener found (rule, field,
    excerpt, message) so the reviewer sees the highlighted passage."""

    __tablename__ = "job_reviews"
    __table_args__ = (
        Index("ix_job_reviews_queue", "state", "province_code", "id"),
        Index("ix_job_reviews_job", "job_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    province_code: Mapped[str] = mapped_column(
        ForeignKey("ref_regions.code"), comment="province of the job's city (reviewer scope)"
    )
    matches: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default=JobReviewState.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
