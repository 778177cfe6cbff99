from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class AccountStatus(StrEnum):
    PENDING_ACTIVATION = "pending_activation"  # pre-activated by a career office, no password yet
    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"  # anonymised; kept only for statistics


class User(Base):
    """A login. The role's scope lives in the matching column (see ``Principal``)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('graduate','employer_member','career_office','provincial_admin',"
            "'national_admin')",
            name="role_known",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    phone_cipher: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone_masked: Mapped[str | None] = mapped_column(String(20), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(32), default=AccountStatus.ACTIVE)
    university_id: Mapped[int | None] = mapped_column(
        ForeignKey("universities.id"), nullable=True, index=True
    )
    province_code: Mapped[str | None] = mapped_column(ForeignKey("ref_regions.code"), nullable=True)
    employer_id: Mapped[int | None] = mapped_column(
        ForeignKey("employers.id"), nullable=True, index=True
    )
    employer_role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    student_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("student_records.id"), nullable=True, unique=True
    )
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class AuthSession(Base):
    """One login: the family of rotating refresh tokens. Logout or token reuse revokes it,
    and access tokens carry its id, so revocation takes effect at once."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
