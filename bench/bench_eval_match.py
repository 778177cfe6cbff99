"""Matching quality on the evaluation sample: the hybrid against plain BM25 and vectors alone.

    .venv/bin/python -m bench.bench_eval_match [--sample ../shared/eval-sample]

Reads the sample's ``jobs.jsonl`` and ``profiles.jsonl``, embeds the texts once
(:func:`matching.eval_match.embed_sample`, the installed multilingual-e5-small), ranks every
job for every graduate with each method of ``gradmatch eval-match`` (``bm25`` the baseline,
``vector``, ``hybrid``) plus the hybrid without vectors (lexical + signals, what the ranking
does when no vectors are at hand), writes each rankings file and scores it with the sample's
own ``score.py`` (nDCG@10, Recall@10, MRR). Records the weights in force, the timings and the
machine. Writes bench/results/eval_match.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mib, write_results
from jobs_api.core.settings import get_settings
from matching import scoring
from matching.embeddings.embedder import load_embedder
from matching.eval_match import (
    METHODS,
    Ranking,
    embed_sample,
    rank_sample,
    score_rankings,
    write_rankings,
)
from matching.eval_sample import read_jobs, read_profiles

DEFAULT_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "eval-sample"
K = 10


def run(sample: Path) -> dict[str, Any]:
    jobs = read_jobs(sample / "jobs.jsonl")
    profiles = read_profiles(sample / "profiles.jsonl")
    started = time.perf_counter()
    embedder = load_embedder(get_settings())
    loaded = time.perf_counter()
    vectors = embed_sample(embedder, jobs, profiles)
    embedded = time.perf_counter()
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
    args = parser.parse_args()
    figures = run(args.sample)
    path = write_results("eval_match", figures)
    for name, found in figures["methods"].items():
        print(
            f"{name:24s} nDCG@10 {found['ndcg_at_10']:.4f}  Recall@10 {found['recall_at_10']:.4f}"
            f"  MRR {found['mrr']:.4f}"
        )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
