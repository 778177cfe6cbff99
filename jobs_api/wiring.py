"""Composition root shared by ``jobs_api.app`` and ``jobs_api.cli``: which handler reacts to
which outbox event. Nothing else imports this module."""

from __future__ import annotations

from jobs_api.core.container import Container
from jobs_api.core.outbox import HandlerRegistry


def register_event_handlers(registry: HandlerRegistry, container: Container) -> None:
    """Register every package's outbox handlers (idempotent)."""
    del registry, container  # filled in as domains gain handlers
