from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class JobStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_published_at", "status", "published_at"),
        Index("ix_jobs_employer_status", "employer_id", "status"),
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
    salary_months: Mapped[int] = mapped_column(Integer, default=12, comment="12, 13 or 14")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    benefits: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    application_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
