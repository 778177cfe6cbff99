"""Per-account back-off: after ``MAX_FAILURES`` consecutive failed sign-ins the account is locked
for ``FIRST_LOCK`` (15 minutes); each further lock before a successful sign-in doubles the
time, up to ``MAX_LOCK`` (24 hours). While locked, sign-in is refused without checking the
password. A successful sign-in or a password reset clears everything.

The state of a real account lives on its ``users`` row (``failed_logins``, ``locked_until``,
``lockouts``). A login name that belongs to no account gets the very same treatment, with
its state kept in the :class:`~jobs_api.identity.limiter.AttemptStore` under a keyed hash of
the name, so the lockout itself does not reveal which names exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from jobs_api.identity.errors import AccountLocked
from jobs_api.identity.models import User

MAX_FAILURES = 5
FIRST_LOCK = timedelta(minutes=15)
MAX_LOCK = timedelta(hours=24)
# How long a name without an account keeps its state (covers the longest lock).
PHANTOM_STATE_TTL = MAX_LOCK + timedelta(hours=1)

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


@dataclass(frozen=True, slots=True)
class LockoutState:
    failures: int = 0
    lockouts: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime) -> LockoutState:
        """The state after one more failed attempt; the fifth in a row starts a lock."""
        failures = self.failures + 1
        if failures < MAX_FAILURES:
            return LockoutState(failures, self.lockouts, self.locked_until)
        duration = min(FIRST_LOCK * (2**self.lockouts), MAX_LOCK)
        return LockoutState(0, self.lockouts + 1, now + duration)

    def to_json(self) -> dict[str, Any]:
        return {
            "failures": self.failures,
            "lockouts": self.lockouts,
            "locked_until": self.locked_until.timestamp() if self.locked_until else None,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> LockoutState:
        if not value:
            return cls()
        until = value.get("locked_until")
        return cls(
            failures=int(value.get("failures", 0)),
            lockouts=int(value.get("lockouts", 0)),
            locked_until=datetime.fromtimestamp(float(until), tz=UTC) if until else None,
        )


CLEAR = LockoutState()


def state_of(user: User) -> LockoutState:
    return LockoutState(user.failed_logins or 0, user.lockouts or 0, user.locked_until)


def apply_to(user: User, state: LockoutState) -> None:
    user.failed_logins = state.failures
    user.lockouts = state.lockouts
    user.locked_until = state.locked_until


def locked_error(locked_until: datetime, now: datetime) -> AccountLocked:
    """The zh-CN refusal naming when to retry (Beijing time, and minutes from now)."""
    seconds = max(1, int((locked_until - now).total_seconds()))
    minutes = max(1, -(-seconds // 60))
    at = locked_until.astimezone(CHINA_STANDARD_TIME).strftime("%Y-%m-%d %H:%M")
    return AccountLocked(
        f"登录失败次数过多，账号已临时锁定，请于 {at}（北京时间，约 {minutes} 分钟后）再试，"
        "或通过找回密码重置 (too many failed sign-ins; try again later)",
        retry_after=seconds,
    )
