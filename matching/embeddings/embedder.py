"""The sentence-transformers embedder over the folder built by :mod:`.model_folder`.

Loading is offline by construction: ``HF_HUB_OFFLINE`` / ``TRANSFORMERS_OFFLINE`` are set before
sentence-transformers is imported and the folder is opened with ``local_files_only``.
sentence-transformers (and torch behind it) is imported when the first model is loaded, not when
this module is: only the processes that embed pay for it.

Precision: ``fp32`` runs the model as stored; ``bf16`` casts the transformer's weights to
bfloat16 (oneDNN runs the matmuls on AMX / AVX-512 BF16); vectors keep cosine ≥ 0.9999
with fp32. Casting the weights is faster than autocast (no per-call casts of the weights:
≈ 145 against 105 texts/s on 2 cores, BENCHMARKS.md). ``auto`` picks bf16 on such CPUs,
else fp32.

Batches are padded to a multiple of :data:`PAD_TO_MULTIPLE_OF` tokens: oneDNN caches a
kernel per shape, and a few shapes reused beat a new shape per batch (+13 %).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from jobs_api.core.settings import Settings
from matching.embeddings.base import Embedder, FloatMatrix, ProgressCallback
from matching.embeddings.errors import EmbeddingModelMissing
from matching.embeddings.model_folder import default_model_dir, read_folder_info

log = logging.getLogger(__name__)

Precision = Literal["auto", "fp32", "bf16"]
BF16_CPU_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})
PAD_TO_MULTIPLE_OF = 16
ENCODE_BATCH_SIZE = 32
"""Texts per forward pass, passages and queries: the best of 16/32/64 on 2 cores
(bench/bench_embeddings.py)."""


def cpu_supports_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True when the CPU has native bfloat16 matmuls (AMX or AVX-512 BF16)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            return bool(BF16_CPU_FLAGS & set(line.split(":", 1)[1].split()))
    return False


def resolve_precision(precision: Precision) -> Literal["fp32", "bf16"]:
    if precision == "auto":
        return "bf16" if cpu_supports_bf16() else "fp32"
    return precision


def model_dir_for(settings: Settings) -> Path:
    return settings.embedding_model_dir or default_model_dir()


def _sentence_transformers() -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    return importlib.import_module("sentence_transformers")


class SentenceTransformerEmbedder:
    """:class:`~matching.embeddings.base.Embedder` over a local sentence-transformers folder."""

    def __init__(
        self,
        model_dir: Path,
        *,
        precision: Precision = "auto",
        threads: int | None = None,
    ) -> None:
        model_dir = Path(model_dir)
        info = read_folder_info(model_dir)
        if info is None or not isinstance(info.get("model_id"), str):
            raise EmbeddingModelMissing(model_dir, "no gradmatch-model.json")
        if not (model_dir / "model.safetensors").is_file():
            raise EmbeddingModelMissing(model_dir, "no model.safetensors")
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.model_dir = model_dir
        self.model_id: str = info["model_id"]
        self.dimension: int = int(config["hidden_size"])
        self.precision: Literal["fp32", "bf16"] = resolve_precision(precision)
        st = _sentence_transformers()
        self._torch = importlib.import_module("torch")
        if threads:
            self._torch.set_num_threads(threads)
        self._model = st.SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self._model.eval()
        transformer = self._model[0]
        transformer.processing_kwargs = {"text": {"pad_to_multiple_of": PAD_TO_MULTIPLE_OF}}
        if self.precision == "bf16":
            transformer.auto_model.to(self._torch.bfloat16)
        self._lock = threading.Lock()

    def _encode_batch(self, texts: list[str], prompt_name: str) -> FloatMatrix:
        with self._torch.inference_mode():
            vectors = self._model.encode(
                texts,
                prompt_name=prompt_name,
                batch_size=len(texts),
                show_progress_bar=False,
                convert_to_tensor=True,
            )
        out: FloatMatrix = np.asarray(vectors.float().cpu().numpy(), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normalised: FloatMatrix = (out / np.maximum(norms, 1e-12)).astype(np.float32)
        return normalised

    def _token_counts(self, texts: Sequence[str], prompt_name: str) -> list[int]:
        prompt = self._model.prompts.get(prompt_name, "")
        counted = self._model.tokenizer(
            [prompt + text for text in texts], return_length=True, truncation=True
        )
        return [int(n) for n in counted["length"]]

    def _encode(
        self,
        texts: Sequence[str],
        prompt_name: str,
        batch_size: int,
        progress: ProgressCallback | None,
    ) -> FloatMatrix:
        result = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return result
        # Longest first by token count, so each batch pads to similar lengths (and memory
        # peaks early); sorting by characters padded 6 % more tokens (Chinese vs Latin text).
        lengths = self._token_counts(texts, prompt_name)
        order = sorted(range(len(texts)), key=lambda i: -lengths[i])
        size = max(1, batch_size)
        with self._lock:
            for start in range(0, len(order), size):
                chunk = order[start : start + size]
                result[chunk] = self._encode_batch([texts[i] for i in chunk], prompt_name)
                if progress is not None:
                    progress(len(chunk))
        return result

    def embed_passages(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = ENCODE_BATCH_SIZE,
        progress: ProgressCallback | None = None,
    ) -> FloatMatrix:
        return self._encode(texts, "passage", batch_size, progress)

    def embed_queries(self, texts: Sequence[str]) -> FloatMatrix:
        return self._encode(texts, "query", ENCODE_BATCH_SIZE, None)


_cache_lock = threading.Lock()
_cached: tuple[tuple[Path, str], SentenceTransformerEmbedder] | None = None


def load_embedder(settings: Settings) -> Embedder:
    """The process's embedder (loaded once; a later call with other settings replaces it)."""
    global _cached
    key = (model_dir_for(settings).resolve(), resolve_precision(settings.embedding_precision))
    with _cache_lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
        embedder = SentenceTransformerEmbedder(key[0], precision=key[1])
        _cached = (key, embedder)
        return embedder


def preload_embedder(settings: Settings) -> threading.Thread:
    """Load the process's embedder in a background thread (``gradmatch serve``), so the first
    recommendation does not wait for it; a request arriving meanwhile waits for this load
    instead of starting its own. Without a model folder nothing is loaded (and logged)."""

    def load() -> None:
        started = time.perf_counter()
        try:
            load_embedder(settings)
        except EmbeddingModelMissing as exc:
            log.info("embedding model not preloaded: %s", exc.message)
            return
        log.info("embedding model loaded in %.1f s", time.perf_counter() - started)

    thread = threading.Thread(target=load, name="gradmatch-embedder-preload", daemon=True)
    thread.start()
    return thread
