"""One-time 6-digit codes (password reset, account activation) and how they reach people.

Codes are stored as an HMAC keyed with the platform secret (a plain hash of a 6-digit code
would be reversed in a millisecond from a leaked table), bound to the user and the purpose.
A code lives ``CODE_TTL`` (10 minutes), allows ``MAX_CODE_ATTEMPTS`` wrong tries, is used at
most once, and issuing a new code expires the older unused ones of the same purpose.

:class:`CodeSender` delivers a code. The only implementation so far is :class:`DevMailbox`,
which writes the message to the ``dev_mailbox`` table for demos and browser tests (real SMS and
e-mail adapters come with notifications); the app refuses to start with it in production
unless ``GRADMATCH_ALLOW_DEV_MAILBOX_IN_PRODUCTION`` says otherwise (see
:func:`jobs_api.identity.config.check_code_sender`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobs_api.core.db import utcnow
from jobs_api.identity.errors import InvalidCode
from jobs_api.identity.models import CodePurpose, DevMailboxMessage, OneTimeCode, User

CODE_TTL = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
CODE_DIGITS = 6
_CODE_FORMAT = re.compile(r"^\d{6}$")

INVALID_CODE_MESSAGE = "验证码错误或已失效，请重新获取 (the code is wrong, used or expired)"


def _code_key(secret: str) -> bytes:
    return hashlib.sha256(f"gradmatch:one-time-code:{secret}".encode()).digest()


def hash_code(secret: str, user_id: int, purpose: CodePurpose, code: str) -> str:
    message = f"{user_id}:{purpose.value}:{code}".encode()
    return hmac.new(_code_key(secret), message, hashlib.sha256).hexdigest()


def issue_code(
    session: Session,
    user: User,
    purpose: CodePurpose,
    *,
    secret: str,
    now: datetime | None = None,
) -> str:
    """A fresh code for ``user``; older unused codes of the same purpose stop working."""
    now = now or utcnow()
    session.execute(
        update(OneTimeCode)
        .where(
            OneTimeCode.user_id == user.id,
            OneTimeCode.purpose == purpose.value,
            OneTimeCode.used_at.is_(None),
            OneTimeCode.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    session.add(
        OneTimeCode(
            user_id=user.id,
            purpose=purpose.value,
            code_hash=hash_code(secret, user.id, purpose, code),
            expires_at=now + CODE_TTL,
            attempts=0,
            created_at=now,
        )
    )
    session.flush()
    return code


def consume_code(
    session: Session,
    user: User | None,
    purpose: CodePurpose,
    code: str,
    *,
    secret: str,
    now: datetime | None = None,
) -> None:
    """Accept ``code`` once, or raise :class:`InvalidCode` (a wrong try is counted and must be
    committed: the error is a recorded refusal). ``user=None`` (no such account) is refused
    the same way."""
    now = now or utcnow()
    candidate = code.strip()
    current = None
    if user is not None:
        current = session.scalar(
            select(OneTimeCode)
            .where(
                OneTimeCode.user_id == user.id,
                OneTimeCode.purpose == purpose.value,
                OneTimeCode.used_at.is_(None),
                OneTimeCode.expires_at > now,
                OneTimeCode.attempts < MAX_CODE_ATTEMPTS,
            )
            .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
            .limit(1)
            .with_for_update()
        )
    expected = current.code_hash if current is not None else "0" * 64
    given = hash_code(secret, user.id if user else 0, purpose, candidate)
    matches = hmac.compare_digest(expected, given) and bool(_CODE_FORMAT.match(candidate))
    if current is None:
        raise InvalidCode(INVALID_CODE_MESSAGE)
    if not matches:
        current.attempts += 1
        session.flush()
        raise InvalidCode(INVALID_CODE_MESSAGE)
    current.used_at = now
    session.flush()


class CodeSender(Protocol):
    """Delivers a one-time code to the person behind ``user``. ``channel_hint`` is "sms" when
    the account has a phone, "email" when it only has an e-mail address, else "any"."""

    def send(self, user: User, purpose: CodePurpose, code: str, channel_hint: str) -> None: ...


CodeSenderFactory = Callable[[Session], CodeSender]

_BODIES = {
    CodePurpose.PASSWORD_RESET: "【高校毕业生就业服务平台】您的密码重置验证码为 {code}，"
    "{minutes} 分钟内有效。如非本人操作，请忽略本消息。",
    CodePurpose.ACTIVATION: "【高校毕业生就业服务平台】您的账号激活验证码为 {code}，"
    "{minutes} 分钟内有效。请使用用户名 {username} 激活账号并设置密码。",
}


def channel_hint(user: User) -> str:
    if user.phone_hash:
        return "sms"
    if user.email:
        return "email"
    return "any"


def message_body(user: User, purpose: CodePurpose, code: str) -> str:
    minutes = int(CODE_TTL.total_seconds() // 60)
    return _BODIES[purpose].format(code=code, minutes=minutes, username=user.username or "")


class DevMailbox:
    """Development sender: stores the message in ``dev_mailbox`` in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def send(self, user: User, purpose: CodePurpose, code: str, channel_hint: str) -> None:
        self._session.add(
            DevMailboxMessage(
                user_id=user.id,
                recipient=(user.phone_masked or user.username or f"user {user.id}")[:64],
                channel=channel_hint,
                purpose=purpose.value,
                body=message_body(user, purpose, code),
                created_at=utcnow(),
            )
        )
        self._session.flush()


def send_code(
    session: Session,
    sender: CodeSender,
    user: User,
    purpose: CodePurpose,
    *,
    secret: str,
    now: datetime | None = None,
) -> None:
    code = issue_code(session, user, purpose, secret=secret, now=now)
    sender.send(user, purpose, code, channel_hint(user))


def list_mailbox(
    session: Session, *, user_id: int | None = None, limit: int = 50
) -> list[DevMailboxMessage]:
    query = select(DevMailboxMessage).order_by(DevMailboxMessage.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(DevMailboxMessage.user_id == user_id)
    return list(session.scalars(query))


_CODE_IN_BODY = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def latest_mailbox_code(session: Session, user_id: int, purpose: CodePurpose) -> str | None:
    """The code in the newest DevMailbox message of ``purpose`` to ``user_id`` (for demos and
    tests: they read codes here, never from logs)."""
    message = session.scalar(
        select(DevMailboxMessage)
        .where(DevMailboxMessage.user_id == user_id, DevMailboxMessage.purpose == purpose.value)
        .order_by(DevMailboxMessage.id.desc())
        .limit(1)
    )
    if message is None:
        return None
    found = _CODE_IN_BODY.search(message.body)
    return found.group(1) if found else None
