"""A graduate's push settings: channels, frequency, quiet hours, daily cap, and the opt-in.

The row in ``notification_preferences`` is optional (absent = the defaults of
:class:`Preferences`). Being opted in at all is the ``push_notifications`` consent
(``jobs_api.graduates.consent``): it is shown here and toggled through the consent service, so
the consent history stays the one record of it. Channels whose gateway is not configured are
not offered (:func:`available_channels`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.settings import Settings
from jobs_api.graduates.consent import has_consent
from jobs_api.graduates.models import ConsentPurpose
from matching.push.errors import ChannelNotAvailable
from matching.push.models import Frequency, NotificationPreference

INBOX = "inbox"
OPTIONAL_CHANNELS = ("email", "sms", "wechat", "webhook")
ALL_CHANNELS = (INBOX, *OPTIONAL_CHANNELS)
DEFAULT_QUIET = (22 * 60, 8 * 60)
DEFAULT_CAP = 5

ChannelName = Literal["inbox", "email", "sms", "wechat", "webhook"]
Minute = Annotated[int, Field(ge=0, le=24 * 60 - 1)]


def _inbox_only() -> list[ChannelName]:
    return ["inbox"]


@dataclass(frozen=True, slots=True)
class Preferences:
    """What one account wants pushed (plain value, used by :mod:`matching.push.selection`)."""

    user_id: int
    channels: tuple[str, ...] = (INBOX,)
    frequency: Frequency = Frequency.INSTANT
    quiet_start_minute: int | None = DEFAULT_QUIET[0]
    quiet_end_minute: int | None = DEFAULT_QUIET[1]
    daily_cap: int = DEFAULT_CAP
    opted_in: bool = False


class PreferencesIn(BaseModel):
    """``PUT /api/v1/me/notification-settings``: the whole setting (inbox is always on)."""

    channels: list[ChannelName] = Field(default_factory=_inbox_only, max_length=5)
    frequency: Frequency = Frequency.INSTANT
    quiet_start_minute: Minute | None = DEFAULT_QUIET[0]
    quiet_end_minute: Minute | None = DEFAULT_QUIET[1]
    daily_cap: int = Field(default=DEFAULT_CAP, ge=1, le=20)
    opted_in: bool | None = None  # None: leave the push_notifications consent as it is

    @model_validator(mode="after")
    def _quiet_hours(self) -> PreferencesIn:
        start, end = self.quiet_start_minute, self.quiet_end_minute
        if (start is None) != (end is None):
            raise ValueError(
                "免打扰时段须同时设置开始和结束时间 (set both quiet-hour ends or none)"
            )
        if start is not None and start == end:
            raise ValueError("免打扰开始和结束时间不能相同 (quiet hours start and end differ)")
        return self


class PreferencesOut(BaseModel):
    channels: list[str]
    available_channels: list[str]
    frequency: Frequency
    quiet_start_minute: int | None
    quiet_end_minute: int | None
    daily_cap: int
    opted_in: bool
    timezone: str = "Asia/Shanghai"


def available_channels(settings: Settings) -> tuple[str, ...]:
    """Inbox plus every channel whose gateway URL is configured."""
    configured = {
        "email": settings.push_email_gateway_url,
        "sms": settings.push_sms_gateway_url,
        "wechat": settings.push_wechat_gateway_url,
        "webhook": settings.push_webhook_url,
    }
    return (INBOX, *(name for name in OPTIONAL_CHANNELS if configured[name]))


def _from_row(row: NotificationPreference | None, user_id: int, opted_in: bool) -> Preferences:
    if row is None:
        return Preferences(user_id=user_id, opted_in=opted_in)
    channels = tuple(dict.fromkeys([INBOX, *(c for c in row.channels if c in ALL_CHANNELS)]))
    return Preferences(
        user_id=user_id,
        channels=channels,
        frequency=Frequency(row.frequency),
        quiet_start_minute=row.quiet_start_minute,
        quiet_end_minute=row.quiet_end_minute,
        daily_cap=row.daily_cap,
        opted_in=opted_in,
    )


def get_preferences(session: Session, user_id: int) -> Preferences:
    """``user_id``'s settings (defaults when none were saved) with the consent state."""
    row = session.get(NotificationPreference, user_id)
    return _from_row(row, user_id, has_consent(session, user_id, ConsentPurpose.PUSH_NOTIFICATIONS))


def preferences_for(session: Session, user_ids: list[int]) -> dict[int, Preferences]:
    """Settings of many accounts in one query (fan-out; consent is checked by the caller)."""
    rows = {
        row.user_id: row
        for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids))
        )
    }
    return {uid: _from_row(rows.get(uid), uid, True) for uid in user_ids}


def update_preferences(
    session: Session, user_id: int, data: PreferencesIn, *, settings: Settings | None = None
) -> Preferences:
    """Save ``user_id``'s settings (the caller's own row only; flushes, never commits).
    With ``settings``, channels that are not configured are refused. The consent is not
    changed here (the API and page call the consent service for ``opted_in``)."""
    if settings is not None:
        offered = available_channels(settings)
        refused = [c for c in data.channels if c not in offered]
        if refused:
            raise ChannelNotAvailable(
                f"推送渠道未开通：{'、'.join(refused)} (channel not available)",
                fields={"channels": ", ".join(refused)},
            )
    row = session.get(NotificationPreference, user_id)
    if row is None:
        row = NotificationPreference(user_id=user_id)
        session.add(row)
        session.flush()  # column defaults fire on INSERT for None; the UPDATE below keeps None
    row.channels = list(dict.fromkeys([INBOX, *data.channels]))
    row.frequency = data.frequency.value
    row.quiet_start_minute = data.quiet_start_minute
    row.quiet_end_minute = data.quiet_end_minute
    row.daily_cap = data.daily_cap
    session.flush()
    return get_preferences(session, user_id)


def preferences_out(preferences: Preferences, settings: Settings) -> PreferencesOut:
    return PreferencesOut(
        channels=list(preferences.channels),
        available_channels=list(available_channels(settings)),
        frequency=preferences.frequency,
        quiet_start_minute=preferences.quiet_start_minute,
        quiet_end_minute=preferences.quiet_end_minute,
        daily_cap=preferences.daily_cap,
        opted_in=preferences.opted_in,
    )
