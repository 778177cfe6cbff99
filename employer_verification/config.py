"""Settings of employer verification and the runtime built from them.

Environment (prefix ``GRADMATCH_VERIFICATION_``): ``REGISTRY_URL`` selects the enterprise
registry — empty (the default) means the local registry that administrators import; an
``https://`` URL means the national enterprise credit service (``REGISTRY_API_KEY``,
``REGISTRY_TIMEOUT_SECONDS``, ``REGISTRY_MAX_ATTEMPTS``). ``VALIDITY_DAYS`` is how long a
verification holds (365), ``REVIEW_SLA_WORKING_DAYS`` the review deadline (2).

The composition root builds one :class:`VerificationRuntime` per container
(:func:`verification_runtime`, cached in ``container.extras``); a test may put its own there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Final

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session

from employer_verification.enterprise_registry import (
    EnterpriseRegistry,
    RegistryProvider,
    local_registry_provider,
)
from employer_verification.http_registry import HttpEnterpriseRegistry
from employer_verification.regions import RegionBook
from jobs_api.core.container import Container

RUNTIME_KEY: Final = "verification.runtime"
REGIONS_TTL_SECONDS: Final = 600.0


class VerificationSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GRADMATCH_VERIFICATION_", env_file=".env", extra="ignore"
    )

    registry_url: str = ""
    registry_api_key: SecretStr = SecretStr("")
    registry_timeout_seconds: float = Field(default=5.0, gt=0)
    registry_max_attempts: int = Field(default=3, ge=1, le=10)
    validity_days: int = Field(default=365, ge=1)
    review_sla_working_days: int = Field(default=2, ge=1)
    max_import_bytes: int = Field(default=100 * 2**20, ge=1024)


@dataclass
class VerificationRuntime:
    settings: VerificationSettings
    registry_provider: RegistryProvider
    _regions: tuple[float, RegionBook] | None = field(default=None, repr=False)

    def registry(self, session: Session) -> EnterpriseRegistry:
        return self.registry_provider(session)

    def regions(self, session: Session) -> RegionBook:
        """The region table, read at most every :data:`REGIONS_TTL_SECONDS` (reference data
        changes a few times a year; reading it per delivery would cost more than a check)."""
        now = time.monotonic()
        if self._regions is None or now - self._regions[0] > REGIONS_TTL_SECONDS:
            self._regions = (now, RegionBook.load(session))
        return self._regions[1]


def build_runtime(settings: VerificationSettings) -> VerificationRuntime:
    if not settings.registry_url:
        return VerificationRuntime(settings, local_registry_provider)
    remote = HttpEnterpriseRegistry(
        settings.registry_url,
        settings.registry_api_key.get_secret_value(),
        timeout=settings.registry_timeout_seconds,
        max_attempts=settings.registry_max_attempts,
    )

    def provider(_: Session) -> EnterpriseRegistry:
        return remote

    return VerificationRuntime(settings, provider)


def verification_runtime(container: Container) -> VerificationRuntime:
    runtime = container.extras.get(RUNTIME_KEY)
    if not isinstance(runtime, VerificationRuntime):
        runtime = build_runtime(VerificationSettings())
        container.extras[RUNTIME_KEY] = runtime
    return runtime
