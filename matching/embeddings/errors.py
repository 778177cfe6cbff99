"""Typed errors of the embedding model."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from jobs_api.core.errors import ServiceUnavailable

BUILD_COMMAND = "gradmatch build-embedding-model"


class EmbeddingModelMissing(ServiceUnavailable):
    """The sentence-transformers folder is absent or incomplete (503)."""

    default_code: ClassVar[str] = "embedding_model_missing"

    def __init__(self, path: Path, reason: str = "") -> None:
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"向量模型文件夹 {path} 不存在或不完整，请运行 `{BUILD_COMMAND}` 生成。"
            f" Embedding model folder {path} is missing or incomplete{detail};"
            f" run `{BUILD_COMMAND}` to build it."
        )
        self.path = path
