"""Matching quality on the evaluation sample: the hybrid against plain BM25 and vectors alone.

    .venv/bin/python -m bench.bench_eval_match [--sample ../shared/eval-sample]

Reads the sample's ``jobs.jsonl`` and ``profiles.jsonl``, embeds the texts once
(:func:`matching.eval_match.embed_sample`, the installed 6-layer student of
multilingual-e5-small; then all again with the full 12-layer model unless ``--no-full``),
ranks every job for every graduate with each method of ``gradmatch eval-match`` (``bm25``
the baseline, ``vector``, ``hybrid``) plus the hybrid without vectors (lexical + signals,
what the ranking does when no vectors are at hand), writes each rankings file and scores it
with the sample's own ``score.py`` (nDCG@10, Recall@10, MRR). Records the weights in force,
the timings and the machine.

The other direction too (graduates ranked for each job, as the employer's applicant list and
the suggested candidates do): the same judgements transposed, scored per job with the
scorer's own functions (``score_profile`` of ``score.py``, imported from the sample), for BM25
of the job's query text against the graduates' passages, vectors alone
(``embed_queries(job_query)`` against ``embed_passages(profile_passage)``) and
:func:`matching.scoring.rank_profiles_for_job`. Jobs without a grade ≥ 2 graduate are left out
of Recall, without a grade-3 one out of MRR (the scorer's rule).

Writes bench/results/eval_match.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from bench.common import peak_rss_mib, write_results
from jobs_api.core.settings import get_settings
from matching import scoring
from matching.documents import JobDoc, ProfileDoc
from matching.embeddings.base import Embedder
from matching.embeddings.embedder import load_embedder
from matching.embeddings.model_folder import default_model_dir
from matching.eval_match import (
    METHODS,
    Ranking,
    embed_sample,
    rank_sample,
    score_rankings,
    write_rankings,
)
from matching.eval_sample import read_jobs, read_profiles
from matching.lexical import BM25, text_tokens
from matching.texts import job_query, profile_passage

DEFAULT_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "eval-sample"
K = 10


def _scorer(sample: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_sample_score", sample / "score.py")
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {sample / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _mean(values: list[float | None]) -> float:
    known = [v for v in values if v is not None]
    return round(statistics.fmean(known), 4) if known else 0.0


def graduates_for_jobs(
    sample: Path, embedder: Embedder, jobs: Sequence[JobDoc], profiles: Sequence[ProfileDoc]
) -> dict[str, Any]:
    """nDCG@10 / Recall@10 / MRR of ranking the graduates for each job (see the module doc)."""
    scorer = _scorer(sample)
    by_profile = scorer.read_qrels(str(sample / "qrels.tsv"))
    by_job: dict[str, dict[str, int]] = {}
    for profile_id, grades in by_profile.items():
        for job_id, grade in grades.items():
            by_job.setdefault(job_id, {})[profile_id] = grade
    started = time.perf_counter()
    queries = embedder.embed_queries([job_query(j) for j in jobs])
    passages = embedder.embed_passages([profile_passage(p) for p in profiles])
    embedded = time.perf_counter() - started
    ids = [str(p.id) for p in profiles]
    lexical = BM25([text_tokens(profile_passage(p)) for p in profiles])

    def by_order(scores: np.ndarray) -> list[str]:
        return [ids[i] for i in np.argsort(-scores, kind="stable")]

    methods: dict[str, Callable[[int, JobDoc], list[str]]] = {
        "bm25": lambda row, job: by_order(lexical.scores(text_tokens(job_query(job)))),
        "vector": lambda row, job: by_order(passages @ queries[row]),
        "hybrid": lambda row, job: [
            str(m.profile_id)
            for m in scoring.rank_profiles_for_job(
                job, profiles, query_vector=queries[row], profile_vectors=passages
            )
        ],
    }
    found: dict[str, Any] = {"embed_seconds": round(embedded, 2), "jobs": len(jobs)}
    for name, rank in methods.items():
        rows = [
            scorer.score_profile(by_job.get(str(job.id), {}), rank(row, job))
            for row, job in enumerate(jobs)
        ]
        found[name] = {
            "ndcg_at_10": _mean([r[0] for r in rows]),
            "recall_at_10": _mean([r[1] for r in rows]),
            "mrr": _mean([r[2] for r in rows]),
        }
    return found


def run(sample: Path, model_dir: Path | None = None) -> dict[str, Any]:
    jobs = read_jobs(sample / "jobs.jsonl")
    profiles = read_profiles(sample / "profiles.jsonl")
    started = time.perf_counter()
    settings = get_settings()
    if model_dir is not None:
        settings = settings.model_copy(update={"embedding_model_dir": model_dir})
    embedder = load_embedder(settings)
    loaded = time.perf_counter()
    vectors = embed_sample(embedder, jobs, profiles)
    embedded = time.perf_counter()
    # warm: jieba's dictionary and the major catalogue load on first use
    scoring.rank_jobs_for_profile(profiles[0], jobs[:2], query_vector=None, job_vectors=None)
    methods: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        runs: dict[str, list[Ranking]] = {}
        seconds: dict[str, float] = {}
        for method in METHODS:
            begun = time.perf_counter()
            runs[method] = rank_sample(jobs, profiles, method=method, k=K, vectors=vectors)
            seconds[method] = time.perf_counter() - begun
        begun = time.perf_counter()
        runs["hybrid_without_vectors"] = [
            Ranking(str(p.id), tuple(str(m.job_id) for m in matches[:K]))
            for p in profiles
            for matches in [
                scoring.rank_jobs_for_profile(p, jobs, query_vector=None, job_vectors=None)
            ]
        ]
        seconds["hybrid_without_vectors"] = time.perf_counter() - begun
        for name, rankings in runs.items():
            path = Path(folder) / f"{name}.jsonl"
            write_rankings(path, rankings)
            scores = score_rankings(sample / "score.py", sample / "qrels.tsv", path)
            methods[name] = {
                "ndcg_at_10": scores.ndcg_at_10,
                "recall_at_10": scores.recall_at_10,
                "mrr": scores.mrr,
                "rank_seconds": round(seconds[name], 3),
            }
    hybrid, bm25 = methods["hybrid"], methods["bm25"]
    return {
        "sample": {"jobs": len(jobs), "profiles": len(profiles), "k": K},
        "model": embedder.model_id,
        "methods": methods,
        "graduates_for_jobs": graduates_for_jobs(sample, embedder, jobs, profiles),
        "hybrid_minus_bm25": {
            key: round(hybrid[key] - bm25[key], 4) for key in ("ndcg_at_10", "recall_at_10", "mrr")
        },
        "parameters": {
            "weights": scoring.WEIGHTS,
            "penalties": scoring.PENALTIES,
            "related": scoring.RELATED,
            "major_ranges": {k: list(v) for k, v in scoring.MAJOR_RANGES.items()},
        },
        "seconds": {
            "model_load": round(loaded - started, 2),
            "embed_texts": round(embedded - loaded, 2),
            "texts": len(jobs) + len(profiles),
        },
        "peak_rss_mib": peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    parser.add_argument(
        "--no-full", action="store_true", help="skip the run with the full 12-layer model"
    )
    args = parser.parse_args()
    figures = run(args.sample)
    _print(figures)
    if not args.no_full:
        full = run(args.sample, default_model_dir("full"))
        print("full 12-layer model:")
        _print(full)
        figures["full_model"] = {
            key: full[key] for key in ("model", "methods", "graduates_for_jobs", "seconds")
        }
    path = write_results("eval_match", figures)
    print(f"written to {path}")


def _print(figures: dict[str, Any]) -> None:
    print(figures["model"])
    for name, found in figures["methods"].items():
        print(
            f"{name:24s} nDCG@10 {found['ndcg_at_10']:.4f}  Recall@10 {found['recall_at_10']:.4f}"
            f"  MRR {found['mrr']:.4f}"
        )
    reverse = figures["graduates_for_jobs"]
    for name in ("bm25", "vector", "hybrid"):
        found = reverse[name]
        print(
            f"graduates for jobs {name:6s} nDCG@10 {found['ndcg_at_10']:.4f}  "
            f"Recall@10 {found['recall_at_10']:.4f}  MRR {found['mrr']:.4f}"
        )


if __name__ == "__main__":
    main()
