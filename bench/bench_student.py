"""How closely the 6-layer student reproduces the full model on the platform's own texts.

    GRADMATCH_DATA_DIR=… .venv/bin/python -m bench.bench_student [--graduates 2000 --jobs 2500]

Reads the configured database's matchable graduates and recommendable jobs (use demo data
with another seed than the one the student was trained on: ``gradmatch demo --seed 2026``;
it was distilled on ``--seed 7``) and embeds, with the full model in bf16 (the reference), the
full model in fp32 (the yardstick: how much a change that nobody would call a different
model moves the figures) and the student in bf16:

* per text: the cosine to the reference (graduates as queries and as passages, jobs as
  passages and as queries);
* per search, both directions as the platform searches (a graduate's query against all job
  passages; a job's query against all graduate passages): how many of the reference's top 20
  the engine's top 20 and top 100 hold (overlap@20, recall@100), and the reference's own mean
  similarity of the engine's top 20 divided by that of its own top 20 (1.0 = as good by the
  reference's judgement; a different but equally near job does not count as a miss).

Writes bench/results/student_fidelity.json.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import write_results
from jobs_api.core.db import build_engine, build_session_factory
from jobs_api.core.settings import Settings
from matching.embeddings.distill import prompt_name_of, texts_by_kind
from matching.embeddings.embedder import Precision, SentenceTransformerEmbedder, model_dir_for
from matching.embeddings.model_folder import default_model_dir
from matching.sources import (
    load_job_docs,
    load_profile_docs,
    matchable_graduate_ids,
    recommendable_job_ids,
)

TOP = 20
WIDE = 100


def platform_texts(graduates: int, jobs: int) -> dict[str, list[str]]:
    settings = Settings()
    factory = build_session_factory(build_engine(settings.resolved_database_url()))
    with factory() as session:
        job_ids = list(session.scalars(recommendable_job_ids().limit(jobs)))
        graduate_ids = list(session.scalars(matchable_graduate_ids().limit(graduates)))
        job_docs = list(load_job_docs(session, job_ids).values())
        profiles = list(load_profile_docs(session, graduate_ids).values())
    return texts_by_kind(job_docs, profiles)


def embed_all(folder: Path, precision: Precision, texts: dict[str, list[str]]) -> dict[str, Any]:
    embedder = SentenceTransformerEmbedder(folder, precision=precision)
    began = time.perf_counter()
    vectors = {
        kind: embedder.embed_queries(items)
        if prompt_name_of(kind) == "query"
        else embedder.embed_passages(items)
        for kind, items in texts.items()
    }
    vectors["seconds"] = time.perf_counter() - began
    vectors["model_id"] = embedder.model_id
    return vectors


def search_agreement(
    reference: dict[str, Any], engine: dict[str, Any], query: str, passages: str
) -> dict[str, float]:
    truth = reference[query] @ reference[passages].T
    found = engine[query] @ engine[passages].T
    truth_top = np.argsort(-truth, axis=1)[:, :TOP]
    found_order = np.argsort(-found, axis=1)
    found_top, found_wide = found_order[:, :TOP], found_order[:, :WIDE]
    overlap = [len(set(a) & set(b)) / TOP for a, b in zip(truth_top, found_top, strict=True)]
    wide = [len(set(a) & set(b)) / TOP for a, b in zip(truth_top, found_wide, strict=True)]
    rows = np.arange(truth.shape[0])[:, None]
    judged = truth[rows, found_top].mean(axis=1) / truth[rows, truth_top].mean(axis=1)
    return {
        "overlap_at_20": round(float(np.mean(overlap)), 4),
        "recall_at_100": round(float(np.mean(wide)), 4),
        "reference_similarity_ratio": round(float(np.mean(judged)), 5),
    }


def compare(reference: dict[str, Any], engine: dict[str, Any]) -> dict[str, Any]:
    kinds = ("profile_query", "profile_passage", "job_query", "job_passage")
    cosines = {}
    for kind in kinds:
        values = (reference[kind] * engine[kind]).sum(axis=1)
        cosines[kind] = {
            "mean": round(float(values.mean()), 4),
            "p1": round(float(np.percentile(values, 1)), 4),
            "min": round(float(values.min()), 4),
        }
    return {
        "model_id": engine["model_id"],
        "embed_seconds": round(engine["seconds"], 1),
        "cosine_to_reference": cosines,
        "jobs_for_graduates": search_agreement(reference, engine, "profile_query", "job_passage"),
        "graduates_for_jobs": search_agreement(reference, engine, "job_query", "profile_passage"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graduates", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2500)
    args = parser.parse_args()
    texts = platform_texts(args.graduates, args.jobs)
    counts = {kind: len(items) for kind, items in texts.items()}
    if not counts["job_passage"] or not counts["profile_query"]:
        raise SystemExit("no texts: load demo data into the configured database first")
    print(f"texts: {counts}")
    full = default_model_dir("full")
    reference = embed_all(full, "bf16", texts)
    engines = {
        "full-fp32 (yardstick)": embed_all(full, "fp32", texts),
        "student-bf16": embed_all(model_dir_for(Settings()), "bf16", texts),
    }
    figures: dict[str, Any] = {"texts": counts, "reference": reference["model_id"], "engines": {}}
    for name, engine in engines.items():
        found = compare(reference, engine)
        figures["engines"][name] = found
        print(name, found)
    print(f"wrote {write_results('student_fidelity', figures)}")


if __name__ == "__main__":
    main()
