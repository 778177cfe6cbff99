from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

EventHandler = Callable[[Session, dict[str, Any]], None]
"""A handler gets the delivery's session (committed by the delivery job) and the payload."""


@dataclass(frozen=True)
class RegisteredHandler:
    topic: str
    name: str
    func: EventHandler


class HandlerRegistry:
    """Topic -> handlers. Filled by the composition root at start-up, read by deliveries."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[RegisteredHandler]] = {}

    def register(self, topic: str, func: EventHandler, name: str | None = None) -> None:
        qualname = getattr(func, "__qualname__", type(func).__qualname__)
        handler_name = name or f"{func.__module__}.{qualname}"
        existing = self._handlers.setdefault(topic, [])
        if any(h.name == handler_name for h in existing):
            return
        existing.append(RegisteredHandler(topic=topic, name=handler_name, func=func))

    def for_topic(self, topic: str) -> list[RegisteredHandler]:
        return list(self._handlers.get(topic, ()))

    def topics(self) -> list[str]:
        return sorted(self._handlers)

    def clear(self) -> None:
        self._handlers.clear()


handler_registry = HandlerRegistry()
