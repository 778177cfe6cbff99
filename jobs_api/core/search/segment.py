"""Chinese-aware tokenisation, done in the application the same way for every backend.

Text is normalised (NFKC, so full-width ``Ｊａｖａ`` becomes ``java``; then lower-cased) and
segmented with jieba:

* documents with :func:`index_tokens`: jieba's search mode (``cut_for_search``: 软件工程师 ->
  软件, 工程, 工程师) plus every dictionary word of full mode (adds 软件工程), so that the
  words a query is cut into are found inside longer words. jieba cuts each run of Han
  characters, letters and digits on its own; short runs recur constantly in job postings
  (titles, employer names, 五险一金, 本科及以上学历), so their tokens are memoised;
* queries with :func:`query_tokens`: jieba's precise mode (``cut``), de-duplicated.

Tokens keep Latin words and numbers whole (``java``, ``c++``, ``c#``, ``3d``, ``1.5``); tokens
without a letter or digit (punctuation, spaces) are dropped, and other symbols are stripped.
A token therefore only holds letters, digits and ``+#&._-``, never whitespace or quotes, which
both backends rely on (FTS5 ``ascii`` tokenizer with those token chars; ES ``whitespace``).

jieba loads its dictionary lazily, once, on first use (about half a second) and quietly; call
:func:`warm_up` at start-up to pay that cost before the first request.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jieba

MAX_QUERY_TOKENS = 32
TOKEN_SYMBOLS = "+#&._-"
"""Non-alphanumeric characters a token may contain (``c++``, ``c#``, ``1.5``, ``r&d``)."""

BLOCK_CACHE_SIZE = 32_768
MAX_CACHED_BLOCK_LENGTH = 24

_EDGE_SYMBOLS = "&._-"
_BLOCK = re.compile(jieba.re_han_default.pattern)
"""What jieba segments independently: runs of Han characters, letters, digits and +#&._%-."""
_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()


def _jieba() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def is_loaded() -> bool:
    """Whether the jieba dictionary has been loaded in this process."""
    return _tokenizer is not None


def warm_up() -> None:
    """Load the jieba dictionary now rather than on the first search."""
    _jieba()


def normalize(text: str) -> str:
    """NFKC + lower case: the form tokens and highlights are matched in."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).lower()


def _clean(token: str) -> str | None:
    if token.isalnum():
        return token
    if not any(char.isalnum() for char in token):
        return None
    kept = "".join(char for char in token if char.isalnum() or char in TOKEN_SYMBOLS)
    return kept.strip(_EDGE_SYMBOLS) or None


def _is_han_word(token: str) -> bool:
    return len(token) >= 2 and all("\u4e00" <= char <= "\u9fff" for char in token)


def _cleaned(raw_tokens: Iterable[str]) -> list[str]:
    tokens = []
    for raw in raw_tokens:
        token = _clean(raw)
        if token is not None:
            tokens.append(token)
    return tokens


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _block_index_tokens(block: str) -> tuple[str, ...]:
    tokenizer = _jieba()
    tokens = _cleaned(tokenizer.cut_for_search(block))
    seen = set(tokens)
    for word in tokenizer.cut(block, cut_all=True):
        if word not in seen and _is_han_word(word):
            seen.add(word)
            tokens.append(word)
    return tuple(tokens)


def index_tokens(text: str) -> list[str]:
    """Tokens to index ``text`` under (repeats kept: they count as term frequency)."""
    tokens: list[str] = []
    for position, part in enumerate(_BLOCK.split(normalize(text))):
        if position % 2 == 0:
            # Between blocks jieba yields single characters (e.g. 㐀, é): keep letters/digits.
            tokens.extend(char for char in part if char.isalnum())
        elif len(part) <= MAX_CACHED_BLOCK_LENGTH:
            tokens.extend(_block_index_tokens(part))
        else:
            tokens.extend(_block_index_tokens.__wrapped__(part))
    return tokens


def query_tokens(text: str) -> list[str]:
    """Distinct tokens of a query, in order, at most :data:`MAX_QUERY_TOKENS`."""
    if not text:
        return []
    tokens = _cleaned(_jieba().cut(normalize(text)))
    return list(dict.fromkeys(tokens))[:MAX_QUERY_TOKENS]


def index_text(text: str) -> str:
    """Space-joined :func:`index_tokens`, the form both backends store."""
    return " ".join(index_tokens(text))
