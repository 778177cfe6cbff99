from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
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
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # consecutive, since last lock
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)  # locks since the last sign-in
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
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # absolute: refresh cannot extend
    last_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)


class RefreshToken(Base):
    """One refresh token of a session. Only its SHA-256 is stored; each is single-use
    (rotation): ``used_at`` is set when it is exchanged, ``replaced_by`` names its successor.
    Presenting a used token again is reuse and revokes the whole session."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    session_id: Mapped[str] = mapped_column(ForeignKey("auth_sessions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    replaced_by: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("refresh_tokens.id"),
        nullable=True,
    )


class CodePurpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    ACTIVATION = "activation"


class OneTimeCode(Base):
    """A 6-digit code sent to a user (password reset, account activation). Stored as a keyed
    hash; single use; at most ``MAX_CODE_ATTEMPTS`` wrong tries; a new code of the same purpose
    expires the older ones."""

    __tablename__ = "one_time_codes"
    __table_args__ = (
        CheckConstraint("purpose IN ('password_reset','activation')", name="purpose_known"),
        Index("ix_one_time_codes_user_purpose", "user_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DevMailboxMessage(Base):
    """A message the development ``DevMailbox`` sender "delivered" instead of an SMS or e-mail.
    Never used in production (the app refuses to start with it there)."""

    __tablename__ = "dev_mailbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    recipient: Mapped[str] = mapped_column(String(64))  # masked phone, or the username
    channel: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
