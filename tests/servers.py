"""Locating the real servers the integration tier runs against.

Each server is named by an environment variable (set by ``scripts/test`` after it starts the
servers). Without it a test skips, except under ``CI=true``, where a missing server fails the
run: CI must never go green by skipping the integration tier.
"""

from __future__ import annotations

import os

import pytest

DATABASE_ENV = "GRADMATCH_TEST_DATABASE_URL"
REDIS_ENV = "GRADMATCH_TEST_REDIS_URL"
ELASTICSEARCH_ENV = "GRADMATCH_TEST_ELASTICSEARCH_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_server_url(env_var: str) -> str:
    """Return the URL in ``env_var``; skip (locally) or fail (in CI) when it is not set."""
    url = os.environ.get(env_var, "").strip()
    if url:
        return url
    message = f"server unavailable: {env_var} is not set"
    if in_ci():
        pytest.fail(f"{message} (CI=true forbids skipping the integration tier)")
    pytest.skip(message)
