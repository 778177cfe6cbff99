"""Turning a caller's document into the values both backends index, identically.

:func:`prepare_document` validates a document against its :class:`IndexSpec` and derives the
segmented text, keyword sets, numbers, dates (epoch milliseconds, UTC) and suggestion values;
the backends only store what it returns. The stored source is a JSON-safe copy (datetimes as
ISO strings, ``Decimal`` as numbers, tuples as lists) so every backend returns the same source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from jobs_api.core.search.base import IndexSpec, SearchDocumentError
from jobs_api.core.search.segment import index_text

MAX_DOC_ID_BYTES = 512
MAX_KEYWORD_LENGTH = 512
MAX_SUGGESTION_LENGTH = 256
"""Longer values are not offered as suggestions (the ES subfield's ``ignore_above``)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


@dataclass(frozen=True)
class PreparedDocument:
    doc_id: str
    source: dict[str, Any]
    texts: dict[str, str]
    """Text field -> space-joined index tokens ("" when the field is absent)."""
    keywords: dict[str, tuple[str, ...]]
    """Keyword field -> distinct values (empty when absent)."""
    numbers: dict[str, int | float | None]
    dates: dict[str, int | None]
    """Date field -> epoch milliseconds (UTC)."""
    suggestions: dict[str, str]
    """Suggest field -> its value, for values short enough to suggest."""


def to_epoch_millis(value: object) -> int:
    """Epoch milliseconds of an ISO 8601 string, ``date`` or ``datetime`` (naive means UTC).

    Raises ``ValueError`` for anything else.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min, tzinfo=UTC)
    else:
        raise ValueError(f"not a date: {value!r}")
    return (moment - _EPOCH) // _MILLISECOND


def json_safe(value: object, path: str = "") -> Any:
    """A copy of ``value`` made of JSON types only."""
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SearchDocumentError(f"{path or 'value'} is not a finite number")
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return json_safe(value.value, path)
    if isinstance(value, Mapping):
        copy = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise SearchDocumentError(f"{path or 'document'} has a non-string key {key!r}")
            copy[key] = json_safe(item, f"{path}.{key}" if path else key)
        return copy
    if isinstance(value, list | tuple):
        return [json_safe(item, f"{path}[]") for item in value]
    raise SearchDocumentError(f"{path or 'value'} has an unsupported type {type(value).__name__}")


def _fail(field: str, problem: str) -> SearchDocumentError:
    return SearchDocumentError(f"field {field!r} {problem}", fields={field: problem})


def _text(source: Mapping[str, Any], field: str) -> str:
    value = source.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(field, "must be a string")
    return value


def _keywords(source: Mapping[str, Any], field: str) -> tuple[str, ...]:
    value = source.get(field)
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    for item in values:
        if not isinstance(item, str):
            raise _fail(field, "must be a string or a list of strings")
        if len(item) > MAX_KEYWORD_LENGTH:
            raise _fail(field, f"has a value longer than {MAX_KEYWORD_LENGTH} characters")
    return tuple(dict.fromkeys(values))


def _number(source: Mapping[str, Any], field: str, kind: str) -> int | float | None:
    value = source.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(field, "must be a number")
    if kind == "long":
        if not isinstance(value, int):
            raise _fail(field, "must be an integer")
        if not -(2**63) < value < 2**63 - 1:
            raise _fail(field, "is out of the 64-bit range")
        return value
    return float(value)


def _date(source: Mapping[str, Any], field: str) -> int | None:
    value = source.get(field)
    if value is None:
        return None
    try:
        return to_epoch_millis(value)
    except (ValueError, OverflowError):
        raise _fail(field, "must be an ISO 8601 date or date-time") from None


def validate_doc_id(doc_id: str) -> str:
    if not isinstance(doc_id, str) or not doc_id or len(doc_id.encode()) > MAX_DOC_ID_BYTES:
        raise SearchDocumentError(
            f"document id must be a non-empty string of at most {MAX_DOC_ID_BYTES} bytes",
            fields={"id": "invalid"},
        )
    return doc_id


def prepare_document(spec: IndexSpec, doc_id: str, doc: Mapping[str, Any]) -> PreparedDocument:
    validate_doc_id(doc_id)
    source = json_safe(doc)
    if not isinstance(source, dict):
        raise SearchDocumentError("a document must be a mapping")
    for key in source:
        if "__" in key:
            raise _fail(key, "uses '__', which is reserved for derived fields")
    texts = {field: _text(source, field) for field in spec.text_fields}
    suggestions = {
        field: texts[field]
        for field in spec.suggest_fields
        if texts[field] and len(texts[field]) <= MAX_SUGGESTION_LENGTH
    }
    return PreparedDocument(
        doc_id=doc_id,
        source=source,
        texts={field: index_text(text) for field, text in texts.items()},
        keywords={field: _keywords(source, field) for field in spec.keyword_fields},
        numbers={
            field: _number(source, field, kind) for field, kind in spec.numeric_fields.items()
        },
        dates={field: _date(source, field) for field in spec.date_fields},
        suggestions=suggestions,
    )
