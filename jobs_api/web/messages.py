"""Messages on the pages: the services' bilingual texts in the page's language, and form
errors collected from pydantic validation and from the services' typed errors.

The services write user-facing messages as ``"中文说明 (English explanation)"``.
:func:`localize` keeps the Chinese part on zh-CN pages and the English part on English pages
(texts without an English part are shown as they are).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from pydantic import ValidationError

from jobs_api.core.errors import DomainError

_BILINGUAL: Final = re.compile(r"^(?P<zh>.*?\S)\s*\((?P<en>[^()]*[A-Za-z][^()]*)\)\s*$", re.S)
_PYDANTIC_PREFIX: Final = re.compile(r"^(Value error|Assertion failed),\s*")


def localize(message: str, locale: str) -> str:
    found = _BILINGUAL.match(message)
    if found is None:
        return message
    return found["en"] if locale == "en" else found["zh"]


@dataclass
class FormErrors:
    """What went wrong with a submitted form: one alert and per-field messages (raw service
    texts or already translated page texts; templates pass them through ``service_text``)."""

    message: str | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.message is not None or bool(self.fields)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)


def field_errors_from_validation(
    error: ValidationError, messages: Mapping[str, str], default: str
) -> dict[str, str]:
    """Per-field messages of a pydantic error: ``messages[field]`` when given, else the
    validator's own (bilingual) text for value errors, else ``default``."""
    found: dict[str, str] = {}
    for item in error.errors():
        location = item.get("loc", ())
        name = str(location[0]) if location else "form"
        if name in found:
            continue
        if name in messages:
            found[name] = messages[name]
        elif item.get("type") == "value_error":
            found[name] = _PYDANTIC_PREFIX.sub("", str(item.get("msg", default)))
        else:
            found[name] = default
    return found


def field_errors_from_domain(
    error: DomainError, renames: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The service's ``fields`` keyed by form field (``a.b.0`` -> ``a``, renamed if asked)."""
    renames = renames or {}
    found: dict[str, str] = {}
    for key, message in error.fields.items():
        name = key.split(".", 1)[0]
        found.setdefault(renames.get(name, name), message)
    return found


def split_values(raw: str | Iterable[str] | None) -> list[str]:
    """Tags typed into one box: split on commas (ASCII or Chinese), 、, semicolons, newlines."""
    if raw is None:
        return []
    chunks = [raw] if isinstance(raw, str) else list(raw)
    values: list[str] = []
    for chunk in chunks:
        values += [v.strip() for v in re.split(r"[,，、;；\n\r]+", chunk) if v.strip()]
    return values
