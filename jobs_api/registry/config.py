"""Tunables of the registry import, with the defaults the platform runs with.

The composition root (or a test) may put its own :class:`RegistryConfig` into the container's
``extras`` under :data:`CONFIG_KEY`; everything else reads it through :func:`registry_config`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from jobs_api.core.container import Container

CONFIG_KEY: Final = "registry.config"


@dataclass(frozen=True)
class RegistryConfig:
    max_upload_bytes: int = 200 * 2**20
    batch_size: int = 2_000
    max_stored_errors: int = 10_000
    # A running import whose runner has not committed a batch for this long may be taken over.
    stale_after: timedelta = timedelta(minutes=10)
    job_timeout_seconds: int = 4 * 3600


def registry_config(container: Container) -> RegistryConfig:
    config = container.extras.get(CONFIG_KEY)
    return config if isinstance(config, RegistryConfig) else RegistryConfig()
