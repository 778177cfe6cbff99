from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class InboxMessage(Base):
    """One message in an account's in-app inbox, in Chinese and English.

    ``dedupe_key`` makes delivery idempotent: a retried handler or job that delivers the same
    message again (same account, same key) does not create a second one.
    """

    __tablename__ = "inbox_messages"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_inbox_messages_user_dedupe"),
        Index("ix_inbox_messages_user_id_desc", "user_id", "id"),
        Index("ix_inbox_messages_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40), comment="e.g. application.status, offer.issued")
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="", comment="site-relative URL")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
