from __future__ import annotations

from pathlib import Path

import pytest

from jobs_api.core.settings import Settings
from matching.vector_index.elastic_index import ElasticsearchVectorIndex
from matching.vector_index.factory import build_vector_index, build_vector_index_from_settings
from matching.vector_index.faiss_index import FaissVectorIndex


def test_faiss_is_the_default_under_data_dir_with_the_search_prefix(tmp_path: Path) -> None:
    index = build_vector_index_from_settings(Settings(data_dir=tmp_path), "jobs")

    assert isinstance(index, FaissVectorIndex)
    assert index.directory == tmp_path / "vectors"
    assert index.physical_name == "gradmatch_jobs-vectors"
    assert index.dimension == 384
    assert index.count() == 0
    assert not (tmp_path / "vectors").exists()  # nothing is written before a save


def test_an_http_url_builds_elasticsearch_without_connecting(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, elasticsearch_url="http://127.0.0.1:1")

    index = build_vector_index_from_settings(
        settings, "graduates", url=settings.elasticsearch_url, dimension=16
    )

    assert isinstance(index, ElasticsearchVectorIndex)
    assert index.physical_name == "gradmatch_graduates-vectors"
    assert index.dimension == 16
    index.close()


def test_an_unknown_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported vector index URL"):
        build_vector_index("milvus://host", "jobs", data_dir=tmp_path)
