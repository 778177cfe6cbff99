"""The hybrid ranking: vector similarity + BM25 + hard signals, with explanations and gap hints.

For one searcher (a graduate looking at jobs, or a job looking at graduates) and a candidate
set of the other side:

1. **vector** — the cosine of the searcher's query vector (``embed_queries`` of
   :func:`matching.texts.profile_query` / :func:`~matching.texts.job_query`) with each
   candidate's passage vector. e5 cosines crowd into roughly 0.80–0.95, so they are rescaled
   within the candidate set: ``(c - min) / (max - min)`` (a fixed affine map
   ``(c - VECTOR_FLOOR) / (VECTOR_CEIL - VECTOR_FLOOR)`` for sets too small to have a spread).
2. **lexical** — BM25 of the searcher's tokens against the candidates' (:mod:`matching.lexical`),
   divided by the set's best score.
3. **signals** — :func:`matching.signals.hard_signals` (major, degree, city, skills, certificate,
   salary, occupation, deadline). The major's value depends on its fit level (an accepted
   major, the same 专业类, 专业不限, another field) and, within the level's range
   (:data:`MAJOR_RANGES`), on how *related* the job's work is to the graduate's field: shared
   skill tags, the rescaled vector, the major's words in the job's title and description
   (:data:`RELATED`).

The score is the weighted mean of the parts that apply (:data:`WEIGHTS`), then multiplied by
a penalty for each misfit (:data:`PENALTIES`: a major from another field, a degree below the
minimum, a city the graduate did not ask for, a passed deadline), so a misfit sinks below the
fitting candidates whatever its words share. Results come best first, ties by id.

The weights and penalties were tuned on the evaluation sample (``../shared/eval-sample``, a
set documented as being for tuning) with ``gradmatch eval-match``; nothing refers to the
sample's ids, names or judgements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from matching.documents import JobDoc, ProfileDoc
from matching.lexical import BM25, job_tokens, normalise, profile_tokens, tag_key, text_tokens
from matching.signals import GapHint, Reason, Signal, hard_signals, resolve_major

__all__ = [
    "PENALTIES",
    "WEIGHTS",
    "GapHint",
    "Reason",
    "ScoredMatch",
    "rank_jobs_for_profile",
    "rank_profiles_for_job",
]

WEIGHTS: dict[str, float] = {
    "vector": 2.0,
    "lexical": 1.0,
    "major": 3.0,
    "degree": 1.0,
    "city": 1.0,
    "skills": 3.0,
    "certificate": 0.3,
    "salary": 0.3,
    "occupation": 1.0,
    "deadline": 0.2,
}
"""Weights of the weighted mean; a part that does not apply (no vectors, no salary wish, no
skill tags on the job) is left out of both sums."""
PENALTIES: dict[str, float] = {"major": 0.1, "degree": 0.6, "city": 0.7, "deadline": 0.0}
"""Factor applied when the signal of that code is 0 (a hard misfit); a partial value ``v``
gets ``factor + (1 - factor) * v`` (an adjacent major, a city in the same province)."""
RELATED: dict[str, float] = {"vector": 0.2, "words": 0.2, "skills": 2.0}
"""How related the job's work is to the graduate's field (0–1): these weights times the
rescaled vector, the share of the major's words found in the job's title and description,
and the share of the job's skill tags the graduate has, capped at 1."""
MAJOR_RANGES: dict[str, tuple[float, float]] = {
    "exact": (0.85, 1.0),
    "adjacent": (0.2, 0.7),
    "open": (0.1, 0.7),
}
"""The major value of each fit level goes from the first to the second value as ``related``
goes from 0 to 1. A listed major is not always the occupation's usual one (a sales job that
lists 会计学 among others), a 专业类 such as 工商管理类 holds 会计学 and 人力资源管理, which
are not interchangeable, and a job without listed majors (专业不限) may be anyone's or nobody's:
shared skills and a close text tell them apart."""
VECTOR_FLOOR = 0.80
VECTOR_CEIL = 0.95
MIN_SPREAD = 0.02
REASON_ORDER = (
    "major",
    "degree",
    "city",
    "skills",
    "certificate",
    "salary",
    "occupation",
    "deadline",
)
GAP_ORDER = ("skill", "degree", "certificate", "city")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ScoredMatch:
    job_id: int | str
    profile_id: int | str
    score: float
    vector: float
    """The raw cosine (0.0 when no vectors were given)."""
    lexical: float
    """BM25 divided by the candidate set's best."""
    signals: dict[str, float]
    reasons: tuple[Reason, ...]
    gaps: tuple[GapHint, ...]


def rescale_vectors(cosines: FloatArray) -> FloatArray:
    """Cosines -> [0, 1] within the set (see the module doc); NaN (no vector) stays NaN and
    does not count for the set's spread."""
    known = cosines[~np.isnan(cosines)] if cosines.size else cosines
    if known.size == 0:
        return cosines.copy()
    low, high = float(known.min()), float(known.max())
    if high - low >= MIN_SPREAD:
        return (cosines - low) / (high - low)
    return np.clip((cosines - VECTOR_FLOOR) / (VECTOR_CEIL - VECTOR_FLOOR), 0.0, 1.0)


def _cosines(
    query: npt.NDArray[np.floating] | None, matrix: npt.NDArray[np.floating] | None, n: int
) -> FloatArray | None:
    if query is None or matrix is None or n == 0:
        return None
    vectors = np.asarray(matrix, dtype=np.float32).reshape(n, -1)
    q = np.asarray(query, dtype=np.float32).reshape(-1)
    cosines = (vectors @ q).astype(np.float64)
    # a zero row is a candidate not embedded yet: no vector part rather than a cosine of 0
    cosines[~np.any(vectors, axis=1)] = np.nan
    return cosines


def _at(values: FloatArray | None, index: int) -> float | None:
    if values is None or np.isnan(values[index]):
        return None
    return float(values[index])


def _major_words(profile: ProfileDoc) -> list[str]:
    """Tokens of the graduate's major (and its 本科 counterpart) for the open-major fit."""
    names = {profile.major.strip()}
    major = resolve_major(profile.major, profile.major_code)
    if major is not None:
        names.add(major.name)
    words: set[str] = set()
    for name in names:
        words.update(t for t in text_tokens(name) if len(t) >= 2)
    return sorted(words)


def _words_fit(words: Sequence[str], job: JobDoc) -> float:
    if not words:
        return 0.0
    found = set(text_tokens(f"{job.title} {job.occupation} {job.description}"))
    return sum(1 for w in words if w in found) / len(words)


def _skill_share(profile: ProfileDoc, job: JobDoc) -> float:
    wanted = {tag_key(t) for t in job.skills}
    if not wanted:
        return 0.0
    return len(wanted & {tag_key(t) for t in profile.skills}) / len(wanted)


def _combine(signals: dict[str, Signal], vector: float | None, lexical: float) -> float:
    parts: dict[str, float] = {code: s.value for code, s in signals.items()}
    if vector is not None:
        parts["vector"] = vector
    parts["lexical"] = lexical
    weight = sum(WEIGHTS.get(code, 0.0) for code in parts)
    total = sum(WEIGHTS.get(code, 0.0) * value for code, value in parts.items())
    score = total / weight if weight else 0.0
    for code, factor in PENALTIES.items():
        if code in signals:
            score *= factor + (1.0 - factor) * signals[code].value
    return score


def _explain(signals: dict[str, Signal]) -> tuple[tuple[Reason, ...], tuple[GapHint, ...]]:
    reasons = tuple(signals[c].reason for c in REASON_ORDER if c in signals)
    gaps = [g for s in signals.values() for g in s.gaps]
    gaps.sort(key=lambda g: GAP_ORDER.index(g.code) if g.code in GAP_ORDER else len(GAP_ORDER))
    return reasons, tuple(gaps)


def _match(
    profile: ProfileDoc,
    job: JobDoc,
    *,
    cosine: float | None,
    vector: float | None,
    lexical: float,
    words: Sequence[str],
    today: date | None,
) -> ScoredMatch:
    related = min(
        1.0,
        RELATED["words"] * _words_fit(words, job)
        + RELATED["vector"] * (vector if vector is not None else lexical)
        + RELATED["skills"] * _skill_share(profile, job),
    )
    values = {level: low + (high - low) * related for level, (low, high) in MAJOR_RANGES.items()}
    signals = hard_signals(profile, job, major_values=values, today=today)
    score = _combine(signals, vector, lexical)
    reasons, gaps = _explain(signals)
    values = {code: round(s.value, 4) for code, s in signals.items()}
    return ScoredMatch(
        job_id=job.id,
        profile_id=profile.id,
        score=round(score, 6),
        vector=round(cosine, 6) if cosine is not None else 0.0,
        lexical=round(lexical, 6),
        signals=values,
        reasons=reasons,
        gaps=gaps,
    )


def _sorted(matches: list[ScoredMatch], key_id: str) -> list[ScoredMatch]:
    return sorted(matches, key=lambda m: (-m.score, str(getattr(m, key_id))))


def rank_jobs_for_profile(
    profile: ProfileDoc,
    jobs: Sequence[JobDoc],
    *,
    query_vector: npt.NDArray[np.floating] | None,
    job_vectors: npt.NDArray[np.floating] | None,
    today: date | None = None,
) -> list[ScoredMatch]:
    """``jobs`` ranked for ``profile``, best first. ``job_vectors`` has one row per job (in
    order; a row of zeros = a job not embedded yet, scored without the vector part); without
    vectors the score is lexical + signals."""
    if not jobs:
        return []
    cosines = _cosines(query_vector, job_vectors, len(jobs))
    scaled = rescale_vectors(cosines) if cosines is not None else None
    lexical = normalise(BM25([job_tokens(j) for j in jobs]).scores(profile_tokens(profile)))
    words = _major_words(profile)
    day = today or date.today()
    matches = [
        _match(
            profile,
            job,
            cosine=_at(cosines, i),
            vector=_at(scaled, i),
            lexical=float(lexical[i]),
            words=words,
            today=day,
        )
        for i, job in enumerate(jobs)
    ]
    return _sorted(matches, "job_id")


def rank_profiles_for_job(
    job: JobDoc,
    profiles: Sequence[ProfileDoc],
    *,
    query_vector: npt.NDArray[np.floating] | None,
    profile_vectors: npt.NDArray[np.floating] | None,
    today: date | None = None,
) -> list[ScoredMatch]:
    """``profiles`` ranked for ``job``, best first (same parts as for jobs, seen from the
    job's side: BM25 of the job's tokens against the graduates')."""
    if not profiles:
        return []
    cosines = _cosines(query_vector, profile_vectors, len(profiles))
    scaled = rescale_vectors(cosines) if cosines is not None else None
    lexical = normalise(BM25([profile_tokens(p) for p in profiles]).scores(job_tokens(job)))
    day = today or date.today()
    matches = [
        _match(
            profile,
            job,
            cosine=_at(cosines, i),
            vector=_at(scaled, i),
            lexical=float(lexical[i]),
            words=_major_words(profile),
            today=day,
        )
        for i, profile in enumerate(profiles)
    ]
    return _sorted(matches, "profile_id")
