"""The attempt store behind the per-address limiter and phantom lockouts: one contract for the
Redis store (embedded Valkey / real Redis) and the in-process store."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from redis import Redis

from jobs_api.core.container import Container
from jobs_api.core.db import utcnow
from jobs_api.identity.kit import IdentityKit, identity_kit
from jobs_api.identity.limiter import (
    AttemptStore,
    Limit,
    MemoryAttemptStore,
    RedisAttemptStore,
    is_exceeded,
    retry_after_seconds,
)

WINDOW = timedelta(minutes=15)


@pytest.fixture(params=["redis", "memory"])
def store(request: pytest.FixtureRequest, kit: IdentityKit) -> AttemptStore:
    if request.param == "memory":
        return MemoryAttemptStore()
    assert isinstance(kit.attempts, RedisAttemptStore)  # on the platform's Redis server
    return kit.attempts


def test_sliding_window(store: AttemptStore) -> None:
    t0 = utcnow()
    assert [store.hit("k", window=WINDOW, now=t0 + timedelta(minutes=i)) for i in range(3)] == [
        1,
        2,
        3,
    ]
    assert store.count("k", window=WINDOW, now=t0 + timedelta(minutes=3)) == 3
    # the first event leaves the window 15 minutes after it happened
    assert store.count("k", window=WINDOW, now=t0 + timedelta(minutes=15, seconds=1)) == 2
    assert store.oldest("k", window=WINDOW, now=t0 + timedelta(minutes=15, seconds=1)) == (
        t0 + timedelta(minutes=1)
    )
    assert store.count("other", window=WINDOW, now=t0) == 0
    store.clear("k")
    assert store.count("k", window=WINDOW, now=t0 + timedelta(minutes=3)) == 0


def test_limit_helpers(store: AttemptStore) -> None:
    limit, t0 = Limit("demo", 2, WINDOW), utcnow()
    assert not is_exceeded(store, limit, "1.2.3.4", t0)
    store.hit(limit.key("1.2.3.4"), window=WINDOW, now=t0)
    store.hit(limit.key("1.2.3.4"), window=WINDOW, now=t0 + timedelta(minutes=5))
    later = t0 + timedelta(minutes=6)
    assert is_exceeded(store, limit, "1.2.3.4", later)
    assert not is_exceeded(store, limit, "1.2.3.5", later)
    assert retry_after_seconds(store, limit, "1.2.3.4", later) == 9 * 60 + 1


def test_state_round_trip(store: AttemptStore) -> None:
    assert store.load("s") is None
    store.save("s", {"failures": 3, "locked_until": None}, ttl=timedelta(hours=1))
    assert store.load("s") == {"failures": 3, "locked_until": None}
    store.clear("s")
    assert store.load("s") is None


def test_redis_keys_expire_and_carry_the_prefix(container: Container) -> None:
    assert container.redis is not None
    prefix = f"test:limiter:{uuid.uuid4().hex}:"
    store = RedisAttemptStore(container.redis, prefix=prefix)
    store.hit("ttl", window=WINDOW, now=utcnow())
    store.save("state", {"a": 1}, ttl=timedelta(hours=2))
    assert 0 < container.redis.ttl(prefix + "ttl") <= 15 * 60 + 60
    assert 3600 < container.redis.ttl(prefix + "state") <= 7200


def test_redis_outage_fails_open() -> None:
    dead = RedisAttemptStore(Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2))
    now = utcnow()
    assert dead.hit("k", window=WINDOW, now=now) == 0
    assert dead.count("k", window=WINDOW, now=now) == 0
    assert dead.load("k") is None
    dead.save("k", {"a": 1}, ttl=WINDOW)
    dead.clear("k")


def test_the_app_uses_the_redis_store(container: Container) -> None:
    built = identity_kit(container)  # what the routes get: built once per container
    assert isinstance(built.attempts, RedisAttemptStore)
    assert identity_kit(container) is built
