from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class EnrollmentStatus(StrEnum):
    ENROLLED = "在籍"
    GRADUATED = "毕业"
    COMPLETED = "结业"
    INCOMPLETE = "肄业"
    WITHDRAWN = "退学"


class StudentRecord(Base):
    """One row of a university's 学籍 export. Graduates never edit these fields."""

    __tablename__ = "student_records"
    __table_args__ = (UniqueConstraint("university_id", "student_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    student_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_cipher: Mapped[str] = mapped_column(String(200))
    id_number_masked: Mapped[str] = mapped_column(String(32))
    gender: Mapped[str] = mapped_column(String(8), comment="男 | 女")
    college: Mapped[str] = mapped_column(String(100), default="")
    major_code: Mapped[str] = mapped_column(ForeignKey("ref_majors.code"), index=True)
    degree_level: Mapped[str] = mapped_column(ForeignKey("ref_degree_levels.code"))
    enrollment_date: Mapped[date] = mapped_column(Date)
    expected_graduation_date: Mapped[date] = mapped_column(Date)
    graduation_year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(8), default=EnrollmentStatus.ENROLLED)
    low_income_family: Mapped[bool] = mapped_column(Boolean, default=False)
    zero_employment_family: Mapped[bool] = mapped_column(Boolean, default=False)
    has_disability: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
