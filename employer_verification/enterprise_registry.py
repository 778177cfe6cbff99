"""The enterprise registry (企业登记信息) behind one interface.

:class:`EnterpriseRegistry` answers one question for the checks: what does the registry say
about this credit code (``lookup(uscc) -> EnterpriseRecord | None``). Implementations:

* :class:`LocalEnterpriseRegistry` — ``enterprise_registry_entries``, filled by administrators'
  CSV imports (see :mod:`employer_verification.registry_import`).
* :class:`employer_verification.http_registry.HttpEnterpriseRegistry` — a national enterprise
  credit service over HTTPS.

A lookup that cannot be answered raises :class:`EnterpriseRegistryUnavailable` (or
:class:`EnterpriseRegistryResponseInvalid`); the checks turn either into an *unknown* outcome,
which routes the case to a reviewer and never verifies it automatically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import Session

from employer_verification.models import EnterpriseRegistryEntry


@dataclass(frozen=True, slots=True)
class EnterpriseRecord:
    """What the registry says about one organisation (public registration facts)."""

    uscc: str
    name: str
    status: str
    legal_representative: str = ""
    registered_capital: str = ""
    established_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["established_on"] = self.established_on.isoformat() if self.established_on else None
        return data


class EnterpriseRegistry(Protocol):
    def lookup(self, uscc: str) -> EnterpriseRecord | None:
        """The record registered under ``uscc``, or ``None`` when the registry has none."""
        ...


RegistryProvider = Callable[[Session], EnterpriseRegistry]
"""Gives the registry to use within a session (the local one reads through that session)."""


def record_of(entry: EnterpriseRegistryEntry) -> EnterpriseRecord:
    return EnterpriseRecord(
        uscc=entry.uscc,
        name=entry.name,
        status=entry.status,
        legal_representative=entry.legal_representative,
        registered_capital=entry.registered_capital,
        established_on=entry.established_on,
    )


class LocalEnterpriseRegistry:
    """The registry as imported into ``enterprise_registry_entries``."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lookup(self, uscc: str) -> EnterpriseRecord | None:
        entry = self._session.get(EnterpriseRegistryEntry, uscc.strip().upper())
        return record_of(entry) if entry is not None else None


def local_registry_provider(session: Session) -> EnterpriseRegistry:
    return LocalEnterpriseRegistry(session)
