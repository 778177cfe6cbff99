"""Application-side highlighting, shared by every backend so results look the same everywhere.

Matches are found in the normalised text (see :func:`.segment.normalize`), mapped back to the
original characters, wrapped in ``<em>`` and everything else is HTML-escaped: fragments are
safe to put into a page as they are. A token that starts or ends with a Latin letter or digit
only matches at a word boundary (``go`` does not light up inside ``google``).
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

DEFAULT_FRAGMENT_SIZE = 80
DEFAULT_MAX_FRAGMENTS = 3

Span = tuple[int, int]


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char).lower()


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text, and for each of its characters the index of the original one."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    folded: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        folded.append(piece)
        offsets.extend([index] * len(piece))
    return "".join(folded), offsets


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _token_spans(folded: str, token: str) -> list[Span]:
    spans = []
    check_start = _is_ascii_alnum(token[0])
    check_end = _is_ascii_alnum(token[-1])
    start = folded.find(token)
    while start != -1:
        end = start + len(token)
        at_start = not (check_start and start > 0 and _is_ascii_alnum(folded[start - 1]))
        at_end = not (check_end and end < len(folded) and _is_ascii_alnum(folded[end]))
        if at_start and at_end:
            spans.append((start, end))
        start = folded.find(token, start + 1)
    return spans


def match_spans(text: str, tokens: Sequence[str]) -> list[Span]:
    """Sorted, merged ``(start, end)`` spans of ``text`` where any token matches."""
    folded, offsets = _fold_with_offsets(text)
    found: list[Span] = []
    for token in tokens:
        if token:
            found.extend(_token_spans(folded, token))
    merged: list[Span] = []
    for start, end in sorted(found):
        original = (offsets[start], offsets[end - 1] + 1)
        if merged and original[0] <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], original[1]))
        else:
            merged.append(original)
    return merged


def _windows(length: int, spans: list[Span], size: int, limit: int) -> list[Span]:
    """Up to ``limit`` non-overlapping windows of at most ``size`` chars, none cutting a span."""
    if length <= size:
        return [(0, length)]
    windows: list[Span] = []
    index = 0
    while index < len(spans) and len(windows) < limit:
        start, end = spans[index]
        previous_end = windows[-1][1] if windows else 0
        padding = max(0, size - (end - start)) // 2
        window_start = max(previous_end, start - padding)
        window_end = max(end, min(length, window_start + size))
        window_start = max(previous_end, min(window_start, window_end - size))
        index += 1
        while index < len(spans) and spans[index][0] < window_end:
            if spans[index][1] > window_end:
                window_end = spans[index][0]
                break
            index += 1
        windows.append((window_start, window_end))
    return windows


def _render(text: str, window: Span, spans: list[Span]) -> str:
    window_start, window_end = window
    parts = []
    cursor = window_start
    for start, end in spans:
        if start < window_start or end > window_end:
            continue
        parts.append(html.escape(text[cursor:start]))
        parts.append(f"<em>{html.escape(text[start:end])}</em>")
        cursor = end
    parts.append(html.escape(text[cursor:window_end]))
    return "".join(parts).strip()


def highlight(
    text: str,
    tokens: Sequence[str],
    *,
    fragment_size: int = DEFAULT_FRAGMENT_SIZE,
    max_fragments: int = DEFAULT_MAX_FRAGMENTS,
) -> list[str]:
    """HTML fragments of ``text`` around the query ``tokens``; empty when nothing matches.

    ``tokens`` are normalised query tokens (:func:`.segment.query_tokens`). A text no longer
    than ``fragment_size`` comes back whole; otherwise each fragment holds at most
    ``fragment_size`` characters of the original text (more only for a longer single match).
    """
    spans = match_spans(text, tokens)
    if not spans:
        return []
    windows = _windows(len(text), spans, fragment_size, max_fragments)
    return [_render(text, window, spans) for window in windows]


def highlight_source(
    fields: Iterable[str], source: Mapping[str, Any], tokens: Sequence[str]
) -> dict[str, list[str]]:
    """Fragments of every text field of a stored document that matches ``tokens``."""
    result: dict[str, list[str]] = {}
    for field in fields:
        value = source.get(field)
        if isinstance(value, str):
            fragments = highlight(value, tokens)
            if fragments:
                result[field] = fragments
    return result
