"""Fixtures of the interviews tests: reference data and universities (``campus``), a session
the test commits explicitly (``db``), the identity kit (see ``tests/employers/fixtures.py``)."""

from tests.employers.fixtures import campus, db, kit

__all__ = ["campus", "db", "kit"]
