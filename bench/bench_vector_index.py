"""Vector index at scale: build the FAISS index of N synthetic 384-dim job vectors, then time
single top-20 searches and measure recall@20 against exact search.

    .venv/bin/python -m bench.bench_vector_index --sizes 100000,1000000

Vectors stand in for multilingual-e5-small embeddings of job postings (384 dimensions, unit
length, cosine = inner product) with a realistic cluster structure: a shared direction that
every vector leans towards (sentence embeddings are anisotropic: unrelated texts still score
0.3-0.6), 48 broad topics (industries), and ``n / 300`` clusters (about 3 300 at 1 M:
occupations × cities) whose sizes are log-normal (a few large, many small) and whose spread
varies from tight to loose. Queries (graduate profiles) are new points drawn from the same
clusters, never indexed vectors.

Per size:

* **build**: one ``FaissVectorIndex.add`` of every vector (IVF-SQ8 trained once on a sample,
  as a bulk load or reconcile does), seconds;
* **memory**: the saved files' size, and the resident memory the index adds to a fresh
  process that loads it (VmRSS before and after ``load``, measured in a child process so
  that the generator's and the ground truth's arrays do not count);
* **exact baseline**: ``IndexFlatIP`` over the same float32 vectors — top-20 of ``--queries``
  queries in batches (the ground truth) and single-query latency on ``--exact-queries``;
* **writes**: 200 single removals and single additions (closing and publishing one job);
* **approximate**: for each ``nprobe`` of ``--nprobes``, ``--queries`` single-query top-20
  searches through :meth:`FaissVectorIndex.search` (the serving path, input validation
  included; FAISS on one OpenMP thread), p50/p99 wall-clock latency, p50/p99 of the
  thread's CPU time (what the latency would be on an idle machine: time the thread spent
  descheduled does not count) and recall@20 (share of the exact top 20 found), after 200
  warm-up queries. The operating point is the smallest ``nprobe``
  reaching ``--target-recall``.

The load average (1 min) is recorded before and after each timed phase: other work on the
machine disturbs the latencies. ``--latency-only`` reuses the saved index and ground truth of
an earlier run (``--work-dir``) to repeat the timed part when the machine is quieter;
``--reuse-truth`` rebuilds the index but reuses the exact answers (same seed, same vectors).
Results: ``bench/results/vector_index.json`` (merged per size).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from rich.console import Console

from bench.common import RESULTS_DIR, machine, peak_rss_mib, write_results
from jobs_api.cli_progress import ProgressCallback, progress_bars
from matching.vector_index.faiss_index import FaissVectorIndex

NAME = "vector_index"
DIMENSION = 384
K = 20
TOPICS = 48
POINTS_PER_CLUSTER = 300
CHUNK = 50_000
SHARED_WEIGHT = 1.3
TOPIC_WEIGHT = 0.8
CLUSTER_WEIGHT = 1.0
SUBSPACE = 32
ISOTROPIC = 0.3
WRITES = 200
STAGE_GENERATE = "generate vectors"
STAGE_TRUTH = "exact top-20"
STAGE_BUILD = "build index"
STAGE_QUERIES = "queries"


# --------------------------------------------------------------------------- data


class Generator:
    """The synthetic embedding distribution for one collection size."""

    def __init__(self, size: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        clusters = max(TOPICS, size // POINTS_PER_CLUSTER)
        shared = _unit(rng.standard_normal(DIMENSION))
        topics = _unit(rng.standard_normal((TOPICS, DIMENSION)))
        topic_of = rng.integers(0, TOPICS, size=clusters)
        own = _unit(rng.standard_normal((clusters, DIMENSION)))
        centers = SHARED_WEIGHT * shared + TOPIC_WEIGHT * topics[topic_of] + CLUSTER_WEIGHT * own
        self.centers = _unit(centers).astype(np.float32)
        self.topic_of = topic_of
        # Variation inside a cluster lies mostly in its topic's low-dimensional subspace
        # (embeddings have an intrinsic dimension of tens, not 384), plus a little isotropic
        # noise.
        self.bases = np.linalg.qr(rng.standard_normal((TOPICS, DIMENSION, SUBSPACE)))[0]
        self.bases = np.ascontiguousarray(self.bases.transpose(0, 2, 1), dtype=np.float32)
        weights = rng.lognormal(mean=0.0, sigma=1.0, size=clusters)
        self.weights = weights / weights.sum()
        # Spread: norm of the noise relative to the unit centre (tight 0.45 .. loose 0.9).
        self.spread = rng.uniform(0.45, 0.9, size=clusters).astype(np.float32)
        self.size = size

    def sample(self, count: int, rng: np.random.Generator) -> np.ndarray[Any, Any]:
        cluster = rng.choice(self.centers.shape[0], size=count, p=self.weights)
        local = rng.standard_normal((count, SUBSPACE), dtype=np.float32) / np.sqrt(SUBSPACE)
        topic = self.topic_of[cluster]
        noise = np.empty((count, DIMENSION), dtype=np.float32)
        for number in np.unique(topic):
            rows = np.flatnonzero(topic == number)
            noise[rows] = local[rows] @ self.bases[number]
        noise += rng.standard_normal((count, DIMENSION), dtype=np.float32) * (
            ISOTROPIC / np.sqrt(DIMENSION)
        )
        noise *= self.spread[cluster][:, None]
        vectors = self.centers[cluster] + noise
        return _unit(vectors).astype(np.float32)


def _unit(matrix: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    result: np.ndarray[Any, Any] = matrix / norms
    return result


def generate(
    size: int, queries: int, seed: int, progress: ProgressCallback
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    generator = Generator(size, seed)
    rng = np.random.default_rng(seed + 1)
    data = np.empty((size, DIMENSION), dtype=np.float32)
    for start in range(0, size, CHUNK):
        stop = min(size, start + CHUNK)
        data[start:stop] = generator.sample(stop - start, rng)
        progress(STAGE_GENERATE, stop, size)
    query_vectors = generator.sample(queries, np.random.default_rng(seed + 2))
    return data, query_vectors


# --------------------------------------------------------------------------- measures


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def exact_truth(
    data: np.ndarray[Any, Any], queries: np.ndarray[Any, Any], progress: ProgressCallback
) -> tuple[np.ndarray[Any, Any], float]:
    flat = faiss.IndexFlatIP(DIMENSION)
    flat.add(data)
    truth = np.empty((queries.shape[0], K), dtype=np.int64)
    started = time.perf_counter()
    for start in range(0, queries.shape[0], 250):
        stop = min(queries.shape[0], start + 250)
        _, found = flat.search(queries[start:stop], K)
        truth[start:stop] = found
        progress(STAGE_TRUTH, stop, queries.shape[0])
    return truth, time.perf_counter() - started


def exact_latency(data: np.ndarray[Any, Any], queries: np.ndarray[Any, Any]) -> dict[str, Any]:
    flat = faiss.IndexFlatIP(DIMENSION)
    flat.add(data)
    faiss.omp_set_num_threads(1)
    timings = []
    for query in queries:
        started = time.perf_counter()
        flat.search(query.reshape(1, -1), K)
        timings.append(time.perf_counter() - started)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    return {"queries": len(timings), **_percentiles(timings)}


def _percentiles(timings: list[float]) -> dict[str, float]:
    values = np.array(timings) * 1000.0
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 3),
        "p90_ms": round(float(np.percentile(values, 90)), 3),
        "p99_ms": round(float(np.percentile(values, 99)), 3),
        "mean_ms": round(float(values.mean()), 3),
    }


def resident_memory(directory: Path, name: str) -> dict[str, float]:
    """RSS a fresh process gains by loading the saved index (MiB)."""
    script = (
        "import json, sys\n"
        "from matching.vector_index.faiss_index import FaissVectorIndex\n"
        "def rss():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmRSS'):\n"
        "            return int(line.split()[1]) / 1024\n"
        f"index = FaissVectorIndex(sys.argv[1], {name!r}, {DIMENSION})\n"
        "index.search([1.0] + [0.0] * 383, 1)\n"
        "before = rss()\n"
        "index.load()\n"
        "after = rss()\n"
        "print(json.dumps({'rss_before_mib': round(before, 1), 'rss_after_mib': round(after, 1),"
        " 'rss_delta_mib': round(after - before, 1)}))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script, str(directory)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def timed_searches(
    index: FaissVectorIndex,
    queries: np.ndarray[Any, Any],
    truth: np.ndarray[Any, Any],
    nprobe: int,
    progress: ProgressCallback,
) -> dict[str, Any]:
    index.nprobe = nprobe
    faiss.omp_set_num_threads(1)
    for query in queries[:200]:
        index.search(query, K)
    timings: list[float] = []
    cpu_timings: list[float] = []
    found = 0
    load_before = load_average()
    stage = f"{STAGE_QUERIES} nprobe={nprobe}"
    for position, query in enumerate(queries):
        started = time.perf_counter()
        cpu_started = time.thread_time()
        hits = index.search(query, K)
        cpu_timings.append(time.thread_time() - cpu_started)
        timings.append(time.perf_counter() - started)
        found += len({hit.id for hit in hits} & set(truth[position].tolist()))
        if position % 250 == 249:
            progress(stage, position + 1, queries.shape[0])
    progress(stage, queries.shape[0], queries.shape[0])
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    return {
        "nprobe": nprobe,
        "queries": len(timings),
        **_percentiles(timings),
        "cpu": _percentiles(cpu_timings),
        "recall_at_20": round(found / (K * queries.shape[0]), 4),
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }


def timed_writes(index: FaissVectorIndex, queries: np.ndarray[Any, Any]) -> dict[str, Any]:
    """Closing a job (remove one id) and publishing one (add one vector), one at a time."""
    faiss.omp_set_num_threads(1)
    size = index.count()
    ids = np.random.default_rng(7).choice(size, size=WRITES, replace=False)
    removals: list[float] = []
    additions: list[float] = []
    for position, vector_id in enumerate(ids.tolist()):
        started = time.perf_counter()
        index.remove([vector_id])
        removals.append(time.perf_counter() - started)
        started = time.perf_counter()
        index.add([vector_id], queries[position % queries.shape[0]], [1])
        additions.append(time.perf_counter() - started)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    return {
        "count": WRITES,
        "remove_one": _percentiles(removals),
        "add_one": _percentiles(additions),
    }


# --------------------------------------------------------------------------- one size


def run_size(size: int, args: argparse.Namespace, work: Path, console: Console) -> dict[str, Any]:
    name = f"jobs{size}"
    directory = work / name
    truth_path = work / f"{name}.truth.npz"
    figures: dict[str, Any] = {"vectors": size, "dimension": DIMENSION, "k": K}
    with progress_bars(console) as progress:
        if not args.latency_only:
            started = time.perf_counter()
            data, queries = generate(size, args.queries, args.seed, progress)
            figures["generate_seconds"] = round(time.perf_counter() - started, 1)
            if args.reuse_truth and truth_path.exists():
                # same seed, same vectors: the exact answers of an earlier run still hold
                truth = np.load(truth_path)["truth"]
            else:
                figures["load_average_before_truth"] = load_average()
                truth, truth_seconds = exact_truth(data, queries, progress)
                figures["exact_batch_seconds_per_query_ms"] = round(
                    truth_seconds / queries.shape[0] * 1000, 3
                )
                figures["exact_single_query"] = exact_latency(data, queries[: args.exact_queries])
                np.savez(truth_path, queries=queries, truth=truth)

            figures["load_average_before_build"] = load_average()
            index = FaissVectorIndex(directory, name, DIMENSION)
            progress(STAGE_BUILD, 0, 1)
            started = time.perf_counter()
            index.add(np.arange(size, dtype=np.int64), data, np.zeros(size, dtype=np.int64))
            figures["build_seconds"] = round(time.perf_counter() - started, 1)
            progress(STAGE_BUILD, 1, 1)
            del data
            started = time.perf_counter()
            index.save()
            figures["save_seconds"] = round(time.perf_counter() - started, 1)
        else:
            stored = np.load(truth_path)
            queries, truth = stored["queries"], stored["truth"]
            index = FaissVectorIndex(directory, name, DIMENSION)
            started = time.perf_counter()
            index.load()
            figures["load_seconds"] = round(time.perf_counter() - started, 1)
        info = index.info()
        figures["structure"] = info.structure
        figures["default_nprobe"] = index.effective_nprobe()
        figures["file_mib"] = round(index.file_size() / 2**20, 1)
        figures["memory"] = resident_memory(directory, name)
        sweeps = [
            timed_searches(index, queries, truth, nprobe, progress) for nprobe in args.nprobes
        ]
    figures["sweep"] = sweeps
    figures["writes"] = timed_writes(index, queries)
    reaching = [row for row in sweeps if row["recall_at_20"] >= args.target_recall]
    figures["operating_point"] = min(reaching, key=lambda row: row["nprobe"]) if reaching else None
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--queries", type=int, default=2_000, help="timed single queries")
    parser.add_argument("--exact-queries", type=int, default=100, help="exact latency queries")
    parser.add_argument("--nprobes", default="8,16,24,32", help="comma-separated nprobe")
    parser.add_argument("--target-recall", type=float, default=0.97)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--work-dir", default="", help="keep index and ground truth here")
    parser.add_argument("--latency-only", action="store_true", help="reuse --work-dir")
    parser.add_argument(
        "--reuse-truth", action="store_true", help="rebuild, but reuse --work-dir's exact answers"
    )
    args = parser.parse_args()
    args.nprobes = [int(value) for value in args.nprobes.split(",")]
    sizes = [int(value) for value in args.sizes.split(",")]
    if args.latency_only and not args.work_dir:
        parser.error("--latency-only needs --work-dir")
    console = Console(stderr=True)

    previous_path = RESULTS_DIR / f"{NAME}.json"
    results: dict[str, Any] = {}
    if previous_path.exists():
        results = json.loads(previous_path.read_text()).get("figures", {})
    with tempfile.TemporaryDirectory(prefix="gradmatch-bench-vectors-") as tmp:
        work = Path(args.work_dir) if args.work_dir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            figures = run_size(size, args, work, console)
            figures["peak_rss_mib"] = peak_rss_mib()
            figures["faiss"] = faiss.__version__
            if args.latency_only or args.reuse_truth:
                # keep the build, memory and exact figures of the run that built the index
                figures = {**results.get(str(size), {}), **figures}
                figures["latency_rerun_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            results[str(size)] = figures
            console.print_json(json.dumps(figures))
    path = write_results(NAME, results)
    console.print(f"results: {path}  (machine: {machine()['cpu']})")


if __name__ == "__main__":
    main()
