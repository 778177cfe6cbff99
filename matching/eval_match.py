"""``gradmatch eval-match``: rank the evaluation sample's jobs for each of its graduates.

Three methods, so the hybrid is always measured against its parts:

* ``bm25`` — the baseline: plain BM25 (:mod:`matching.lexical`, same tokens) of each graduate's
  query text against the jobs' passage texts (:mod:`matching.texts`), nothing else;
* ``vector`` — embeddings only: cosine of ``embed_queries(profile_query)`` with
  ``embed_passages(job_passage)``;
* ``hybrid`` — :func:`matching.scoring.rank_jobs_for_profile` (vectors + BM25 + hard signals).

The rankings file is JSON Lines as the sample's README says: one line per graduate, in the
profiles file's order, ``{"profile_id": "G0001", "job_ids": [best first, at most k]}``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from matching.documents import JobDoc, ProfileDoc
from matching.embeddings.base import Embedder, FloatMatrix
from matching.eval_sample import read_jobs, read_profiles
from matching.lexical import BM25, text_tokens
from matching.scoring import rank_jobs_for_profile
from matching.texts import job_passage, profile_query

Method = Literal["hybrid", "bm25", "vector"]
METHODS: tuple[Method, ...] = ("hybrid", "bm25", "vector")


@dataclass(frozen=True, slots=True)
class Ranking:
    profile_id: str
    job_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SampleVectors:
    jobs: FloatMatrix
    """One passage vector per job, in the jobs' order."""
    profiles: FloatMatrix
    """One query vector per profile, in the profiles' order."""


def embed_sample(
    embedder: Embedder, jobs: Sequence[JobDoc], profiles: Sequence[ProfileDoc]
) -> SampleVectors:
    return SampleVectors(
        jobs=embedder.embed_passages([job_passage(j) for j in jobs]),
        profiles=embedder.embed_queries([profile_query(p) for p in profiles]),
    )


def needs_vectors(method: Method) -> bool:
    return method != "bm25"


def rank_sample(
    jobs: Sequence[JobDoc],
    profiles: Sequence[ProfileDoc],
    *,
    method: Method,
    k: int,
    vectors: SampleVectors | None = None,
) -> list[Ranking]:
    """The top ``k`` jobs of every profile by ``method`` (vectors are needed unless bm25)."""
    if needs_vectors(method) and vectors is None:
        raise ValueError(f"method {method!r} needs the sample's vectors")
    ids = [str(j.id) for j in jobs]
    rankings: list[Ranking] = []
    if method == "bm25":
        index = BM25([text_tokens(job_passage(j)) for j in jobs])
        for profile in profiles:
            scores = index.scores(text_tokens(profile_query(profile)))
            rankings.append(Ranking(str(profile.id), _top(ids, scores, k)))
    elif method == "vector":
        assert vectors is not None
        cosines = vectors.profiles @ vectors.jobs.T
        for row, profile in enumerate(profiles):
            rankings.append(Ranking(str(profile.id), _top(ids, cosines[row], k)))
    else:
        assert vectors is not None
        for row, profile in enumerate(profiles):
            matches = rank_jobs_for_profile(
                profile, jobs, query_vector=vectors.profiles[row], job_vectors=vectors.jobs
            )
            rankings.append(Ranking(str(profile.id), tuple(str(m.job_id) for m in matches[:k])))
    return rankings


def _top(ids: Sequence[str], scores: np.ndarray, k: int) -> tuple[str, ...]:
    # stable: equal scores keep the file order
    order = sorted(range(len(ids)), key=lambda i: (-float(scores[i]), i))
    return tuple(ids[i] for i in order[:k])


def write_rankings(path: Path, rankings: Sequence[Ranking]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for ranking in rankings:
            line = {"profile_id": ranking.profile_id, "job_ids": list(ranking.job_ids)}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


@dataclass(frozen=True, slots=True)
class EvalRun:
    method: Method
    jobs: int
    profiles: int
    embed_seconds: float
    rank_seconds: float
    out: Path


def run_eval_match(
    jobs_path: Path,
    profiles_path: Path,
    *,
    k: int,
    out: Path,
    method: Method,
    embedder: Callable[[], Embedder],
) -> EvalRun:
    """Read both files, rank, write ``out``; ``embedder`` is called only when needed."""
    if k < 1:
        raise ValueError("k must be at least 1")
    jobs = read_jobs(jobs_path)
    profiles = read_profiles(profiles_path)
    started = time.perf_counter()
    vectors = embed_sample(embedder(), jobs, profiles) if needs_vectors(method) else None
    embedded = time.perf_counter()
    rankings = rank_sample(jobs, profiles, method=method, k=k, vectors=vectors)
    ranked = time.perf_counter()
    write_rankings(out, rankings)
    return EvalRun(
        method=method,
        jobs=len(jobs),
        profiles=len(profiles),
        embed_seconds=embedded - started,
        rank_seconds=ranked - embedded,
        out=out,
    )


SCORE_LINE = re.compile(r"^(nDCG@10|Recall@10|MRR):\s+([0-9.]+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Scores:
    ndcg_at_10: float
    recall_at_10: float
    mrr: float


def score_rankings(scorer: Path, qrels: Path, rankings: Path) -> Scores:
    """Run the sample's own ``score.py`` on a rankings file and read its three figures."""
    done = subprocess.run(
        [sys.executable, str(scorer), str(qrels), str(rankings)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = dict(SCORE_LINE.findall(done.stdout))
    missing = {"nDCG@10", "Recall@10", "MRR"} - set(found)
    if missing:
        raise ValueError(f"score.py printed no {sorted(missing)}: {done.stdout!r}")
    return Scores(float(found["nDCG@10"]), float(found["Recall@10"]), float(found["MRR"]))
