"""Rows of the authorization matrix, one module per area (``applications.py``, ``fairs.py``,
...), each defining ``ROWS: dict[(method, path), ANYONE | frozenset[Role]]``. The matrix test
merges them with its own table; a route listed twice fails the suite."""

from __future__ import annotations

import importlib
import pkgutil

from jobs_api.identity.principal import ALL_ROLES, Role

ANYONE = "anyone"
SIGNED_IN = frozenset(ALL_ROLES)
G, E, C, P, N = (
    Role.GRADUATE,
    Role.EMPLOYER_MEMBER,
    Role.CAREER_OFFICE,
    Role.PROVINCIAL_ADMIN,
    Role.NATIONAL_ADMIN,
)

Row = dict[tuple[str, str], str | frozenset[Role]]


def area_rows() -> dict[str, Row]:
    """Area module name -> its rows."""
    found: dict[str, Row] = {}
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        found[module.name] = loaded.ROWS
    return found
