"""Identity settings (``GRADMATCH_`` variables, read next to the platform settings) and the
start-up check on how one-time codes are delivered."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from jobs_api.core.settings import Settings

DEFAULT_DEMO_PASSWORD = "gradmatch-demo-2026"


class IdentitySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRADMATCH_", env_file=".env", extra="ignore")

    # How one-time codes reach people. Only the development mailbox exists so far.
    code_sender: Literal["dev_mailbox"] = "dev_mailbox"
    # The development mailbox shows codes to national administrators; production refuses it
    # unless this is set explicitly (e.g. a closed pilot without an SMS gateway).
    allow_dev_mailbox_in_production: bool = False
    # The password of the accounts ``gradmatch demo`` creates.
    demo_password: SecretStr = SecretStr(DEFAULT_DEMO_PASSWORD)


class DevMailboxInProduction(RuntimeError):
    """Production must not deliver codes to the development mailbox."""


def check_code_sender(settings: Settings, identity: IdentitySettings) -> None:
    """Raise at start-up when production would deliver codes to the development mailbox."""
    if (
        settings.environment == "production"
        and identity.code_sender == "dev_mailbox"
        and not identity.allow_dev_mailbox_in_production
    ):
        raise DevMailboxInProduction(
            "one-time codes would go to the development mailbox in production; configure a real "
            "sender or set GRADMATCH_ALLOW_DEV_MAILBOX_IN_PRODUCTION=true"
        )


def dev_mailbox_exposed(settings: Settings) -> bool:
    """``GET /api/v1/dev/mailbox`` exists only outside production."""
    return settings.environment != "production"
