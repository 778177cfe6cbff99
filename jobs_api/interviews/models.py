from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class InterviewMode(StrEnum):
    ONSITE = "onsite"
    ONLINE = "online"
    PHONE = "phone"


class InterviewStatus(StrEnum):
    PROPOSED = "proposed"  # the employer offered slots; the graduate has not chosen
    CONFIRMED = "confirmed"  # the graduate chose a slot
    RESCHEDULE_REQUESTED = "reschedule_requested"  # the graduate asked for other times
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class Interview(Base):
    """One interview round on an application. The employer proposes one or more slots
    (:class:`InterviewSlot`); once the graduate confirms one, ``starts_at``/``ends_at`` hold it."""

    __tablename__ = "interviews"
    __table_args__ = (
        Index("ix_interviews_user_starts", "user_id", "starts_at"),
        Index("ix_interviews_employer_starts", "employer_id", "starts_at"),
        Index("ix_interviews_reminder_due", "status", "starts_at", "reminder_sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), comment="the graduate")
    round: Mapped[int] = mapped_column(Integer, default=1)
    mode: Mapped[str] = mapped_column(String(10), default=InterviewMode.ONSITE)
    location: Mapped[str] = mapped_column(String(200), default="")
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(Text, default="", comment="to the graduate")
    status: Mapped[str] = mapped_column(String(24), default=InterviewStatus.PROPOSED)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reschedule_reason: Mapped[str] = mapped_column(Text, default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class InterviewSlot(Base):
    """A time the employer offers for an interview."""

    __tablename__ = "interview_slots"
    __table_args__ = (Index("ix_interview_slots_interview", "interview_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
