"""Text normalisation for screening, with a map back to the original offsets.

Rules match on a normalised form of each field so that one pattern covers the usual
variants of the same text:

* every character goes through Unicode NFKC, which turns full-width Latin letters, digits and
  punctuation into their half-width forms (``ＶＸ：１３８`` → ``VX:138``, ``，`` → ``,``);
* Latin letters are lower-cased (``QQ`` → ``qq``);
* invisible format characters (zero-width spaces and joiners, BOM) are dropped;
* a run of whitespace becomes a single space, or a single ``\\n`` when it contains a line
  break (line breaks end a sentence for exception scopes), and disappears entirely when it
  touches a CJK character, so ``限 男 性`` reads as ``限男性``.

Traditional characters are not converted. ``offsets[i]`` is the index in the original text of
the character that produced normalised character ``i``, so a match ``[s, e)`` in the
normalised text covers ``[offsets[s], offsets[e - 1] + 1)`` of the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Clause and sentence delimiters of the normalised text (NFKC already mapped the full-width
# comma, semicolon, colon, exclamation and question marks to ASCII).
CLAUSE_DELIMITERS = frozenset(",;。!?\n、")
SENTENCE_DELIMITERS = frozenset(";。!?\n")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    original: str
    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that normalised ``[start, end)`` came from."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"empty or out-of-range span {start}..{end}")
        return self.offsets[start], self.offsets[end - 1] + 1

    def bounds(self, position: int, delimiters: frozenset[str]) -> tuple[int, int]:
        """The clause or sentence (between ``delimiters``) around ``position``."""
        text = self.text
        start = position
        while start > 0 and text[start - 1] not in delimiters:
            start -= 1
        end = position
        while end < len(text) and text[end] not in delimiters:
            end += 1
        return start, end


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF  # unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x3000 <= code <= 0x303F  # CJK symbols and punctuation (。、【】…)
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= code <= 0x2FA1F  # extensions B+ and supplement
    )


def normalise(text: str) -> NormalisedText:
    """Normalise ``text`` for matching; see the module docstring."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space: str | None = None  # " " or "\n" for a whitespace run not yet emitted
    pending_at = 0
    for index, raw in enumerate(text):
        if raw.isspace():
            if pending_space is None:
                pending_space, pending_at = " ", index
            if raw in "\n\r\u2028\u2029":
                pending_space = "\n"
            continue
        if unicodedata.category(raw) == "Cf":
            continue
        piece = unicodedata.normalize("NFKC", raw).lower()
        if pending_space is not None:
            touches_cjk = bool(chars) and (is_cjk(chars[-1]) or is_cjk(piece[0]))
            if chars and (pending_space == "\n" or not touches_cjk):
                chars.append(pending_space)
                offsets.append(pending_at)
            pending_space = None
        for char in piece:
            chars.append(char)
            offsets.append(index)
    return NormalisedText(original=text, text="".join(chars), offsets=tuple(offsets))
