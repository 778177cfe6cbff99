"""Distil the 12-layer embedding model into the 6-layer student (:mod:`.student`).

    GRADMATCH_DATA_DIR=/tmp/distill gradmatch demo --graduates 8000 --employers 1500 \
        --jobs 16000 --seed 7
    GRADMATCH_DATA_DIR=/tmp/distill gradmatch distill-embedding-model

1. **Texts**: what the platform embeds, from the configured database: job passages and job
   queries of recommendable jobs, profile passages and profile queries of matchable
   graduates (:func:`training_texts`), each with its E5 prompt. Demo data with a seed of its
   own serves; the evaluation sample (../shared/eval-sample) is never trained on.
2. **Targets**: the teacher's vectors for those texts (the full folder, bf16).
3. **Training**: the student starts as the teacher's layers :data:`.student.STUDENT_LAYERS`
   with everything frozen except a rank-``r`` correction ``B·A`` of every linear layer, its
   bias and the LayerNorms. The loss is ``1 - cosine`` to the teacher's vector plus the mean
   squared difference of the in-batch similarity matrices, which keeps the neighbourhoods the
   search relies on, not only each vector's direction. Batches hold texts of similar length
   (less padding); dropout is off. bf16 autocast on CPU.
4. The trained values go to the delta file that :func:`.student.apply_student_delta` applies.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from matching.documents import JobDoc, ProfileDoc
from matching.embeddings.embedder import SentenceTransformerEmbedder
from matching.embeddings.student import LINEARS, NORMS, FloatArray, delta_key, write_delta
from matching.sources import (
    load_job_docs,
    load_profile_docs,
    matchable_graduate_ids,
    recommendable_job_ids,
)
from matching.texts import job_passage, job_query, profile_passage, profile_query

LOW_RANK_SCALE = 2.0
"""``B·A`` is scaled by 2 during training (LoRA's alpha = 2r); the delta stores ``2·B``."""

TRAINING_MIX = {
    "job_passage": 8000,
    "job_query": 3000,
    "profile_passage": 5000,
    "profile_query": 5000,
}
"""Texts per kind: jobs are stored as passages and searched with; graduates are both."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainingText:
    prompt_name: str  # "query" or "passage"
    text: str


@dataclass(frozen=True)
class TrainingSettings:
    teacher_layers: tuple[int, ...]
    rank: int = 32
    epochs: int = 2
    batch_size: int = 32
    learning_rate: float = 5e-4
    seed: int = 0


def texts_by_kind(jobs: Sequence[JobDoc], profiles: Sequence[ProfileDoc]) -> dict[str, list[str]]:
    """The four kinds of text the platform embeds (the keys of :data:`TRAINING_MIX`)."""
    return {
        "job_passage": [job_passage(job) for job in jobs],
        "job_query": [job_query(job) for job in jobs],
        "profile_passage": [profile_passage(p) for p in profiles],
        "profile_query": [profile_query(p) for p in profiles],
    }


def prompt_name_of(kind: str) -> str:
    return "query" if kind.endswith("_query") else "passage"


def training_texts(
    session: Session, mix: dict[str, int] | None = None, *, seed: int = 11
) -> list[TrainingText]:
    """A random sample of the platform's texts of each kind in ``mix``."""
    mix = TRAINING_MIX if mix is None else mix
    rng = random.Random(seed)
    job_ids = list(session.scalars(recommendable_job_ids()))
    graduate_ids = list(session.scalars(matchable_graduate_ids()))
    wanted_jobs = max(mix.get("job_passage", 0), mix.get("job_query", 0))
    wanted_profiles = max(mix.get("profile_passage", 0), mix.get("profile_query", 0))
    jobs = list(
        load_job_docs(session, rng.sample(job_ids, min(wanted_jobs, len(job_ids)))).values()
    )
    profiles = list(
        load_profile_docs(
            session, rng.sample(graduate_ids, min(wanted_profiles, len(graduate_ids)))
        ).values()
    )
    pools = texts_by_kind(jobs, profiles)
    texts: list[TrainingText] = []
    for kind, count in mix.items():
        prompt_name, pool = prompt_name_of(kind), pools[kind]
        texts += [
            TrainingText(prompt_name, text) for text in rng.sample(pool, min(count, len(pool)))
        ]
    return texts


def teacher_targets(
    teacher: SentenceTransformerEmbedder,
    texts: Sequence[TrainingText],
    *,
    progress: Progress | None = None,
    chunk: int = 2000,
) -> FloatArray:
    """The teacher's unit vectors for ``texts``, in order."""
    targets = np.zeros((len(texts), teacher.dimension), dtype=np.float32)
    for prompt_name in ("passage", "query"):
        rows = [i for i, item in enumerate(texts) if item.prompt_name == prompt_name]
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            chosen = [texts[i].text for i in part]
            if prompt_name == "query":
                targets[part] = teacher.embed_queries(chosen)
            else:
                targets[part] = teacher.embed_passages(chosen)
            if progress:
                progress(f"teacher: {start + len(part)}/{len(rows)} {prompt_name} texts")
    return targets


def train_student(
    teacher_dir: Path,
    texts: Sequence[TrainingText],
    targets: FloatArray,
    settings: TrainingSettings,
    *,
    progress: Progress | None = None,
) -> tuple[dict[str, FloatArray], list[float]]:
    """Train the student; returns its delta tensors and the mean loss of each epoch."""
    import torch
    from torch import nn
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    tokenizer = AutoTokenizer.from_pretrained(str(teacher_dir))
    model = AutoModel.from_pretrained(str(teacher_dir), add_pooling_layer=False)
    model.encoder.layer = nn.ModuleList([model.encoder.layer[i] for i in settings.teacher_layers])
    model.config.num_hidden_layers = len(settings.teacher_layers)
    for parameter in model.parameters():
        parameter.requires_grad = False
    adapters = _attach_low_rank(model, settings.rank, torch, nn)
    trainable = [p for p in model.parameters() if p.requires_grad]
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.p = 0.0
    model.train()

    max_length = min(512, int(model.config.max_position_embeddings))
    prompts = {"query": "query: ", "passage": "passage: "}
    inputs = [prompts[item.prompt_name] + item.text for item in texts]
    lengths = [
        len(ids) for ids in tokenizer(inputs, truncation=True, max_length=max_length)["input_ids"]
    ]
    order = sorted(range(len(inputs)), key=lengths.__getitem__)
    batches = [
        order[i : i + settings.batch_size] for i in range(0, len(order), settings.batch_size)
    ]
    target = torch.from_numpy(np.asarray(targets, dtype=np.float32))
    optimizer = torch.optim.AdamW(trainable, lr=settings.learning_rate, weight_decay=0.0)
    total_steps = settings.epochs * len(batches)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: max(0.05, 1.0 - step / max(1, total_steps))
    )

    def embed(batch: list[int]) -> Any:
        encoded = tokenizer(
            [inputs[i] for i in batch],
            padding=True,
            truncation=True,
            max_length=max_length,
            return_tensors="pt",
        )
        with torch.autocast("cpu", dtype=torch.bfloat16):
            hidden = model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden.float() * mask).sum(1) / mask.sum(1)
        return nn.functional.normalize(pooled, dim=-1)

    epoch_losses: list[float] = []
    started = time.monotonic()
    for epoch in range(settings.epochs):
        rng.shuffle(batches)
        losses = []
        for step, batch in enumerate(batches, start=1):
            student, teacher = embed(batch), target[batch]
            direction = (1.0 - (student * teacher).sum(-1)).mean()
            relations = ((student @ student.T - teacher @ teacher.T) ** 2).mean()
            loss = direction + relations
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(float(loss.detach()))
            if progress and (step % 50 == 0 or step == len(batches)):
                progress(
                    f"epoch {epoch + 1}/{settings.epochs} step {step}/{len(batches)} "
                    f"loss {np.mean(losses[-50:]):.4f} ({time.monotonic() - started:.0f} s)"
                )
        epoch_losses.append(float(np.mean(losses)))
    return _delta_tensors(model, adapters, torch), epoch_losses


def _attach_low_rank(model: Any, rank: int, torch: Any, nn: Any) -> dict[tuple[int, str], Any]:
    """Wrap every linear layer of the student in ``W x + B A x``; unfreeze biases and norms."""

    class LowRank(nn.Module):  # type: ignore[misc]
        def __init__(self, base: Any) -> None:
            super().__init__()
            self.base = base
            self.lora_a = nn.Parameter(
                torch.randn(rank, base.in_features) / math.sqrt(base.in_features)
            )
            self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
            base.bias.requires_grad = True

        def forward(self, x: Any) -> Any:
            return self.base(x) + (x @ self.lora_a.T) @ self.lora_b.T * LOW_RANK_SCALE

    adapters: dict[tuple[int, str], Any] = {}
    for index, layer in enumerate(model.encoder.layer):
        for module in LINEARS:
            parent_path, _, name = module.rpartition(".")
            parent = layer.get_submodule(parent_path)
            adapter = LowRank(getattr(parent, name))
            setattr(parent, name, adapter)
            adapters[(index, module)] = adapter
        for module in NORMS:
            for parameter in layer.get_submodule(module).parameters():
                parameter.requires_grad = True
    return adapters


def _delta_tensors(
    model: Any, adapters: dict[tuple[int, str], Any], torch: Any
) -> dict[str, FloatArray]:
    def array(tensor: Any) -> FloatArray:
        return np.asarray(tensor.detach().to(torch.float32).numpy(), dtype=np.float32)

    tensors: dict[str, FloatArray] = {}
    for (index, module), adapter in adapters.items():
        tensors[delta_key(index, module, "lora_a")] = array(adapter.lora_a)
        tensors[delta_key(index, module, "lora_b")] = array(adapter.lora_b) * LOW_RANK_SCALE
        tensors[delta_key(index, module, "bias")] = array(adapter.base.bias)
    for index, layer in enumerate(model.encoder.layer):
        for module in NORMS:
            norm = layer.get_submodule(module)
            tensors[delta_key(index, module, "weight")] = array(norm.weight)
            tensors[delta_key(index, module, "bias")] = array(norm.bias)
    return tensors


@dataclass(frozen=True)
class DistillationReport:
    texts: int
    epoch_losses: list[float]
    seconds: float


def distill_to_file(
    session: Session,
    teacher_dir: Path,
    out: Path,
    settings: TrainingSettings,
    *,
    source_sha256: str,
    progress: Progress | None = None,
) -> DistillationReport:
    """Sample texts, embed them with the teacher, train the student, write its delta."""
    started = time.monotonic()
    texts = training_texts(session)
    if not texts:
        raise ValueError("no jobs or graduates to learn from: load demo data first")
    if progress:
        progress(f"{len(texts)} texts; embedding them with the teacher ({teacher_dir.name}) ...")
    teacher = SentenceTransformerEmbedder(teacher_dir, precision="bf16")
    targets = teacher_targets(teacher, texts, progress=progress)
    del teacher
    tensors, losses = train_student(teacher_dir, texts, targets, settings, progress=progress)
    write_delta(
        out,
        tensors,
        teacher_layers=settings.teacher_layers,
        rank=settings.rank,
        source_sha256=source_sha256,
        training={
            "texts": len(texts),
            "mix": TRAINING_MIX,
            "epochs": settings.epochs,
            "batch_size": settings.batch_size,
            "learning_rate": settings.learning_rate,
            "seed": settings.seed,
            "epoch_losses": [round(loss, 5) for loss in losses],
        },
    )
    return DistillationReport(len(texts), losses, time.monotonic() - started)
