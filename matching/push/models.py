"""Push notifications: what a graduate wants, what was matched, what was sent on which channel.

* ``NotificationPreference`` — one row per account (absent = defaults: in-app inbox only,
  instant, quiet 22:00–08:00 Beijing time, at most 5 job alerts a day). Being opted in at all
  is the graduate's ``push_notifications`` consent (``jobs_api.graduates.consent``).
* ``PushMatch`` — one row per (graduate account, job) that a fan-out found worth telling;
  unique, so a re-run fan-out finds nothing new. ``notified_at`` is set when an instant alert
  went out, ``digested_at`` when a digest carried it.
* ``PushDelivery`` — one message on one channel (the unit of at-least-once delivery):
  ``dedupe_key`` is unique per (user, channel), so a retried job never sends twice; failed
  sends are retried with back-off until ``max attempts`` and then kept as ``dead`` (the
  dead-letter list).
* ``PushFanout`` — one row per job that was fanned out, with its figures.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class Frequency(StrEnum):
    INSTANT = "instant"  # an alert per matching job (within caps and outside quiet hours)
    DAILY = "daily"  # one digest a day
    WEEKLY = "weekly"  # one digest a week
    OFF = "off"  # nothing pushed (the inbox page still lists recommendations)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # will be retried at next_attempt_at
    DEAD = "dead"  # gave up after the last attempt: the dead-letter list


class NotificationPreference(Base):
    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    channels: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["inbox"])
    frequency: Mapped[str] = mapped_column(String(16), default=Frequency.INSTANT)
    quiet_start_minute: Mapped[int | None] = mapped_column(
        Integer, nullable=True, default=22 * 60, comment="minutes after midnight, Asia/Shanghai"
    )
    quiet_end_minute: Mapped[int | None] = mapped_column(
        Integer, nullable=True, default=8 * 60, comment="minutes after midnight, Asia/Shanghai"
    )
    daily_cap: Mapped[int] = mapped_column(Integer, default=5, comment="job alerts per day")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class PushMatch(Base):
    __tablename__ = "push_matches"
    __table_args__ = (
        UniqueConstraint("user_id", "job_id", name="uq_push_matches_user_job"),
        Index("ix_push_matches_digest", "user_id", "digested_at", "notified_at"),
        Index("ix_push_matches_job", "job_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    score: Mapped[float] = mapped_column(Float)
    priority_group: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PushDelivery(Base):
    __tablename__ = "push_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "channel", "dedupe_key", name="uq_push_deliveries_dedupe"),
        Index("ix_push_deliveries_due", "status", "next_attempt_at"),
        Index("ix_push_deliveries_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(16), comment="inbox|webhook|email|sms|wechat")
    kind: Mapped[str] = mapped_column(String(24), comment="job_match | digest")
    dedupe_key: Mapped[str] = mapped_column(String(160))
    job_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    priority_group: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PushFanout(Base):
    __tablename__ = "push_fanouts"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="running", comment="running | done")
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    notified: Mapped[int] = mapped_column(Integer, default=0)
    deferred: Mapped[int] = mapped_column(Integer, default=0, comment="left for the digest")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
