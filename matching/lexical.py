"""Lexical similarity: Okapi BM25 of one side's text against a candidate set of the other's.

Tokens are those of the occupation suggester (:func:`jobs_api.jobs.occupation_suggest.tokens`:
jieba search mode + full-mode words, NFKC and lower case, Latin words whole, plus every Han
character bigram, so unsegmented words still meet), and each skill tag once more as one exact
token ``tag:<lower-cased tag>`` (tags are spelt the same on both sides, so a shared tag is
stronger evidence than shared words: ``tag:spring boot`` never matches a job that merely
mentions spring).

BM25 parameters: ``k1 = 1.2`` (term-frequency saturation: the third mention of 护理 adds
little), ``b = 0.75`` (length normalisation: a long description does not win by volume); the
usual defaults, which the evaluation sample did not move. IDF is
``ln(1 + (N - n + 0.5) / (n + 0.5))`` over the candidate set, so it is always positive and a
word every candidate shares (本科, 负责) weighs almost nothing. Query tokens count once each.
Scores are relative to the set; :func:`normalise` maps them to [0, 1] by the set's best.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from jobs_api.core.search.segment import normalize
from jobs_api.jobs.occupation_suggest import tokens as _text_tokens
from matching.documents import JobDoc, ProfileDoc
from matching.texts import job_passage, profile_query

K1 = 1.2
B = 0.75
TAG_PREFIX = "tag:"

FloatArray = npt.NDArray[np.float64]


@lru_cache(maxsize=8192)
def _cached_tokens(text: str) -> tuple[str, ...]:
    return tuple(_text_tokens(text))


def text_tokens(text: str) -> list[str]:
    """Tokens of free text (memoised by text: candidate sets repeat)."""
    return list(_cached_tokens(text))


@lru_cache(maxsize=65536)
def tag_key(tag: str) -> str:
    """The comparable form of a skill or certificate tag (NFKC, lower case, single spaces)."""
    return " ".join(normalize(tag).split())


def tag_tokens(tags: Iterable[str]) -> list[str]:
    return [TAG_PREFIX + key for key in dict.fromkeys(tag_key(t) for t in tags) if key]


def job_tokens(job: JobDoc) -> list[str]:
    return text_tokens(job_passage(job)) + tag_tokens(job.skills)


def profile_tokens(profile: ProfileDoc) -> list[str]:
    return text_tokens(profile_query(profile)) + tag_tokens(profile.skills)


class BM25:
    """BM25 over a fixed list of tokenised documents (a candidate set)."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = K1, b: float = B):
        self.k1 = k1
        self.b = b
        self._counts = [Counter(doc) for doc in documents]
        self._lengths = np.array([len(doc) for doc in documents], dtype=np.float64)
        self._average = float(self._lengths.mean()) if len(documents) else 1.0
        self._average = self._average or 1.0
        frequency: Counter[str] = Counter()
        for counts in self._counts:
            frequency.update(counts.keys())
        total = len(documents)
        self._idf = {
            word: math.log(1 + (total - n + 0.5) / (n + 0.5)) for word, n in frequency.items()
        }

    def __len__(self) -> int:
        return len(self._counts)

    def idf(self, word: str) -> float:
        return self._idf.get(word, 0.0)

    def scores(self, query: Iterable[str]) -> FloatArray:
        """One score per document, in document order."""
        result = np.zeros(len(self._counts), dtype=np.float64)
        words = [w for w in dict.fromkeys(query) if w in self._idf]
        if not words:
            return result
        norms = self.k1 * (1 - self.b + self.b * self._lengths / self._average)
        for index, counts in enumerate(self._counts):
            total = 0.0
            for word in words:
                tf = counts.get(word)
                if tf:
                    total += self._idf[word] * tf * (self.k1 + 1) / (tf + norms[index])
            result[index] = total
        return result


def bm25_scores(query: Sequence[str], documents: Sequence[Sequence[str]]) -> FloatArray:
    """BM25 of one tokenised query against tokenised ``documents`` (the candidate set)."""
    return BM25(documents).scores(query)


def normalise(scores: FloatArray) -> FloatArray:
    """Scores divided by the set's best (all zeros stay zeros): [0, 1] within the set."""
    best = float(scores.max()) if scores.size else 0.0
    return scores / best if best > 0 else np.zeros_like(scores)
