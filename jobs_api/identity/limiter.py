"""Counting attempts per client address (and per unknown login name) across processes.

:class:`AttemptStore` is the small interface the login and reset services use:

* ``hit`` / ``count``: a sliding window of events under a key (e.g. failed logins from one IP
  address in the last 15 minutes);
* ``load`` / ``save``: a small JSON state with a time to live (the lockout state of a login
  name that belongs to no account, see :mod:`jobs_api.identity.lockout`).

:class:`RedisAttemptStore` keeps them in Redis (a sorted set per window key), so every API
process shares the counts; it is what the app uses, since the container always has a Redis
connection (the bundled Valkey server in development). :class:`MemoryAttemptStore` keeps them in
the process, for tools without Redis. Times come from the caller (``now``), so tests move the
clock instead of sleeping. If Redis fails, the Redis store logs and lets the request through
(fail open): an outage of the limiter must not lock every user out; per-account lockout lives
in the database and keeps working.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from redis import Redis, RedisError

log = logging.getLogger(__name__)

KEY_PREFIX = "gradmatch:identity:"


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``max_events`` events under one key within ``window``."""

    name: str
    max_events: int
    window: timedelta

    def key(self, subject: str) -> str:
        return f"{self.name}:{subject}"


# Failed sign-ins and failed code confirmations from one client address.
IP_FAILURES = Limit("ip-failures", 20, timedelta(minutes=15))
# Password-reset requests from one client address, and for one login name.
RESET_REQUESTS_PER_IP = Limit("reset-ip", 10, timedelta(minutes=15))
RESET_REQUESTS_PER_NAME = Limit("reset-name", 3, timedelta(minutes=15))


class AttemptStore(Protocol):
    def hit(self, key: str, *, window: timedelta, now: datetime) -> int:
        """Record one event now; return the events within ``window`` up to now."""
        ...

    def count(self, key: str, *, window: timedelta, now: datetime) -> int: ...

    def oldest(self, key: str, *, window: timedelta, now: datetime) -> datetime | None:
        """The oldest event still inside the window (when the window frees a slot)."""
        ...

    def clear(self, key: str) -> None: ...

    def load(self, key: str) -> dict[str, Any] | None: ...

    def save(self, key: str, value: dict[str, Any], *, ttl: timedelta) -> None: ...


def is_exceeded(store: AttemptStore, limit: Limit, subject: str, now: datetime) -> bool:
    return store.count(limit.key(subject), window=limit.window, now=now) >= limit.max_events


def retry_after_seconds(store: AttemptStore, limit: Limit, subject: str, now: datetime) -> int:
    oldest = store.oldest(limit.key(subject), window=limit.window, now=now)
    if oldest is None:
        return 1
    return max(1, int((oldest + limit.window - now).total_seconds()) + 1)


class MemoryAttemptStore:
    """In-process store (one process only); thread-safe."""

    def __init__(self) -> None:
        self._events: dict[str, list[float]] = defaultdict(list)
        self._states: dict[str, tuple[dict[str, Any], float]] = {}
        self._lock = threading.Lock()

    def _window(self, key: str, window: timedelta, now: datetime) -> list[float]:
        start, end = now.timestamp() - window.total_seconds(), now.timestamp()
        return [t for t in self._events.get(key, []) if start < t <= end]

    def hit(self, key: str, *, window: timedelta, now: datetime) -> int:
        with self._lock:
            self._events[key].append(now.timestamp())
            horizon = now.timestamp() - window.total_seconds()
            self._events[key] = [t for t in self._events[key] if t > horizon]
            return len(self._window(key, window, now))

    def count(self, key: str, *, window: timedelta, now: datetime) -> int:
        with self._lock:
            return len(self._window(key, window, now))

    def oldest(self, key: str, *, window: timedelta, now: datetime) -> datetime | None:
        with self._lock:
            inside = self._window(key, window, now)
        return datetime.fromtimestamp(min(inside), tz=now.tzinfo) if inside else None

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)
            self._states.pop(key, None)

    def load(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._states.get(key)
        return dict(found[0]) if found is not None else None

    def save(self, key: str, value: dict[str, Any], *, ttl: timedelta) -> None:
        with self._lock:
            self._states[key] = (dict(value), ttl.total_seconds())


class RedisAttemptStore:
    """Redis-backed store: one sorted set per window key (scores are event times), one string
    per state key. Keys expire on their own a little after their window or TTL."""

    def __init__(self, redis: Redis, *, prefix: str = KEY_PREFIX) -> None:
        self._redis = redis
        self._prefix = prefix

    def _k(self, key: str) -> str:
        return self._prefix + key

    def hit(self, key: str, *, window: timedelta, now: datetime) -> int:
        k, ts, span = self._k(key), now.timestamp(), window.total_seconds()
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.zremrangebyscore(k, "-inf", ts - span)
            pipe.zadd(k, {uuid.uuid4().hex: ts})
            pipe.zcount(k, f"({ts - span}", ts)
            pipe.expire(k, int(span) + 60)
            results = pipe.execute()
            return int(results[2])
        except RedisError as exc:
            log.warning("attempt store unavailable, not counting: %s", type(exc).__name__)
            return 0

    def count(self, key: str, *, window: timedelta, now: datetime) -> int:
        ts = now.timestamp()
        try:
            return int(self._redis.zcount(self._k(key), f"({ts - window.total_seconds()}", ts))
        except RedisError as exc:
            log.warning("attempt store unavailable, letting through: %s", type(exc).__name__)
            return 0

    def oldest(self, key: str, *, window: timedelta, now: datetime) -> datetime | None:
        ts = now.timestamp()
        try:
            found = self._redis.zrangebyscore(
                self._k(key), f"({ts - window.total_seconds()}", ts, start=0, num=1, withscores=True
            )
        except RedisError:
            return None
        if not found:
            return None
        score = found[0][1]
        return datetime.fromtimestamp(float(score), tz=now.tzinfo)

    def clear(self, key: str) -> None:
        try:
            self._redis.delete(self._k(key))
        except RedisError as exc:
            log.warning("attempt store unavailable, not cleared: %s", type(exc).__name__)

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            raw = self._redis.get(self._k(key))
        except RedisError as exc:
            log.warning("attempt store unavailable, no state: %s", type(exc).__name__)
            return None
        if raw is None:
            return None
        value = json.loads(raw)
        return value if isinstance(value, dict) else None

    def save(self, key: str, value: dict[str, Any], *, ttl: timedelta) -> None:
        try:
            self._redis.set(self._k(key), json.dumps(value), ex=max(1, int(ttl.total_seconds())))
        except RedisError as exc:
            log.warning("attempt store unavailable, state not saved: %s", type(exc).__name__)
