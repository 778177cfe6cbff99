"""Writing to and reading from the in-app inbox. Never commits (the caller's unit of work does).

Other domains call :func:`deliver` inside their own transaction, so a message exists exactly
when the change it reports was committed. Delivery is idempotent on ``(user_id, dedupe_key)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.orm import Session

from jobs_api.core.db import utcnow
from jobs_api.inbox.models import InboxMessage


@dataclass(frozen=True, slots=True)
class Notice:
    """What a domain wants one person to read."""

    kind: str
    title_zh: str
    title_en: str
    dedupe_key: str
    body_zh: str = ""
    body_en: str = ""
    link: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


def _new_message(user_id: int, notice: Notice) -> InboxMessage:
    return InboxMessage(
        user_id=user_id,
        kind=notice.kind,
        title_zh=notice.title_zh,
        title_en=notice.title_en,
        body_zh=notice.body_zh,
        body_en=notice.body_en,
        link=notice.link,
        payload=dict(notice.payload),
        dedupe_key=notice.dedupe_key,
    )


def deliver(session: Session, user_id: int, notice: Notice) -> InboxMessage:
    """Add ``notice`` to ``user_id``'s inbox unless a message with its key is already there
    (then return that one). Runs inside the caller's transaction."""
    existing = session.scalar(
        select(InboxMessage).where(
            InboxMessage.user_id == user_id, InboxMessage.dedupe_key == notice.dedupe_key
        )
    )
    if existing is not None:
        return existing
    message = _new_message(user_id, notice)
    session.add(message)
    session.flush()
    return message


def deliver_many(session: Session, items: Sequence[tuple[int, Notice]]) -> list[InboxMessage]:
    """:func:`deliver` for a batch: one query finds the keys already there, the new messages
    are added with one flush. Returns one message per item (existing or new), in order;
    an item repeated in ``items`` is delivered once."""
    pairs = list(dict.fromkeys((user_id, notice.dedupe_key) for user_id, notice in items))
    if not pairs:
        return []
    found: dict[tuple[int, str], InboxMessage] = {}
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        for row in session.scalars(
            select(InboxMessage).where(
                tuple_(InboxMessage.user_id, InboxMessage.dedupe_key).in_(chunk)
            )
        ):
            found[(row.user_id, row.dedupe_key)] = row
    for user_id, notice in items:
        key = (user_id, notice.dedupe_key)
        if key in found:
            continue
        found[key] = _new_message(user_id, notice)
        session.add(found[key])
    session.flush()
    return [found[(user_id, notice.dedupe_key)] for user_id, notice in items]


def list_messages(
    session: Session,
    user_id: int,
    *,
    before_id: int | None = None,
    limit: int = 20,
    unread_only: bool = False,
) -> list[InboxMessage]:
    """The account's messages, newest first; ``before_id`` pages backwards."""
    query = select(InboxMessage).where(InboxMessage.user_id == user_id)
    if before_id is not None:
        query = query.where(InboxMessage.id < before_id)
    if unread_only:
        query = query.where(InboxMessage.read_at.is_(None))
    return list(session.scalars(query.order_by(InboxMessage.id.desc()).limit(limit)))


def unread_count(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(InboxMessage)
            .where(InboxMessage.user_id == user_id, InboxMessage.read_at.is_(None))
        )
        or 0
    )


def mark_read(session: Session, user_id: int, message_ids: list[int] | None = None) -> int:
    """Mark the given messages (all when ``None``) of ``user_id`` read; returns how many
    changed. Ids of other accounts are ignored, not errors."""
    statement = (
        update(InboxMessage)
        .where(InboxMessage.user_id == user_id, InboxMessage.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if message_ids is not None:
        statement = statement.where(InboxMessage.id.in_(message_ids))
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
