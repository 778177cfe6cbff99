"""Typed errors of push notifications."""

from __future__ import annotations

from typing import ClassVar

from jobs_api.core.errors import ValidationFailed


class ChannelNotAvailable(ValidationFailed):
    default_code: ClassVar[str] = "push_channel_not_available"
