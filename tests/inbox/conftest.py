"""Fixtures of the inbox tests (see ``tests/employers/fixtures.py``)."""

from tests.employers.fixtures import api, campus, db, kit, outbox

__all__ = ["api", "campus", "db", "kit", "outbox"]
