from __future__ import annotations

from datetime import timedelta

BASE_SECONDS = 2.0
MAX_SECONDS = 3600.0


def backoff_seconds(attempts: int) -> float:
    """Exponential back-off after ``attempts`` failures: 2 s, 4 s, 8 s ... capped at 1 h."""
    if attempts <= 0:
        return 0.0
    return float(min(BASE_SECONDS * 2 ** (attempts - 1), MAX_SECONDS))


def backoff_delay(attempts: int) -> timedelta:
    return timedelta(seconds=backoff_seconds(attempts))
