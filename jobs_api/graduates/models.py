"""Graduate profiles, résumés and consent records, linked to registry records and accounts.

Where things live:

* Registry facts (university, college, major, degree, graduation year, status) stay on
  ``StudentRecord`` and are never copied here, so a graduate cannot edit them.
* ``GraduateProfile`` (one per student record) holds what the graduate says about themself.
  List-valued parts are JSON columns: they are always read and written whole with the profile,
  never queried row by row (matching reads the profile document). ``internships`` and
  ``projects`` are lists of objects (see ``jobs_api.graduates.schemas``).
* ``expected_salary`` is the lower bound of the expected monthly salary in RMB (the figure
  matching compares with a job's range); ``expected_salary_max`` its optional upper bound.
* ``Resume`` rows hold metadata only; the PDF itself is stored once per content hash under
  ``settings.data_dir / "files/resumes/<sha256[:2]>/<sha256>.pdf"``.
* ``ConsentRecord`` is an append-only history (PIPL): one row per grant, closed by
  ``withdrawn_at``; the current state of a purpose is its open row, if any.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow
from jobs_api.registry.models import StudentRecord


class Visibility(StrEnum):
    VERIFIED_EMPLOYERS = "verified_employers"  # every verified employer may see the profile
    APPLIED_ONLY = "applied_only"  # only employers the graduate applied to
    HIDDEN = "hidden"  # nobody outside the graduate's own university


class GraduateProfile(Base):
    """What a graduate says about themself; registry facts live on ``StudentRecord``."""

    __tablename__ = "graduate_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_record_id: Mapped[int] = mapped_column(ForeignKey("student_records.id"), unique=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificates: Mapped[list[str]] = mapped_column(JSON, default=list)
    internships: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    projects: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    intended_city_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    intended_industry_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    intended_occupation_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    expected_salary: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="monthly RMB, lower bound"
    )
    expected_salary_max: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="monthly RMB, upper bound"
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default=Visibility.VERIFIED_EMPLOYERS)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Resume(Base):
    """One uploaded résumé (PDF) of a graduate account; the bytes live on disk by hash."""

    __tablename__ = "graduate_resumes"
    __table_args__ = (UniqueConstraint("user_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsentPurpose(StrEnum):
    PROFILE_MATCHING = "profile_matching"  # use the profile to recommend jobs
    SHARE_WITH_EMPLOYERS = "share_with_employers"  # show the profile to employers
    PUSH_NOTIFICATIONS = "push_notifications"  # send job alerts
    STATISTICS = "statistics"  # de-identified employment statistics


class ConsentRecord(Base):
    """A consent a person gave for one purpose, under one version of the consent text."""

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(String(32))
    text_version: Mapped[str] = mapped_column(String(16))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


# Indexes the graduate list (jobs_api.graduates.listing) needs on the registry's table:
# * one university's cohort sorted by student number (the registry's own unique key starts
#   with university and student number but cannot skip other graduation years);
# * a name prefix search (``q``) across a province or the country; ``varchar_pattern_ops``
#   lets PostgreSQL use the index for ``LIKE 'prefix%'`` whatever the database collation.
Index(
    "ix_student_records_graduate_list",
    StudentRecord.university_id,
    StudentRecord.graduation_year,
    StudentRecord.student_number,
)
Index(
    "ix_student_records_name_prefix",
    StudentRecord.name,
    postgresql_ops={"name": "varchar_pattern_ops"},
)
