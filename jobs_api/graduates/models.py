from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class GraduateProfile(Base):
    """What a graduate says about themself; registry facts live on ``StudentRecord``."""

    __tablename__ = "graduate_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_record_id: Mapped[int] = mapped_column(ForeignKey("student_records.id"), unique=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificates: Mapped[list[str]] = mapped_column(JSON, default=list)
    intended_city_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    intended_industry_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    expected_salary: Mapped[int | None] = mapped_column(Integer, nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default="verified_employers")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
