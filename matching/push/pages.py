"""The graduate's notification settings page (``/me/notifications``).

Channels, frequency, quiet hours (Beijing time), the daily cap of job alerts, and the
push opt-in, which is the ``push_notifications`` consent: the page shows its state and
toggles it through the consent service (so the privacy page and its history agree).
Everything here is the caller's own row (:mod:`matching.push.preferences`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep, SettingsDep
from jobs_api.core.errors import DomainError
from jobs_api.core.settings import Settings
from jobs_api.graduates.consent import set_consent
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.identity.principal import Principal
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import GraduatePage, page, see_other, translate
from matching.push.models import Frequency
from matching.push.preferences import (
    PreferencesIn,
    available_channels,
    get_preferences,
    update_preferences,
)

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

CHANNEL_LABELS: Final = {
    "inbox": N_("站内消息"),
    "email": N_("电子邮件"),
    "sms": N_("短信"),
    "wechat": N_("微信"),
    "webhook": N_("消息推送接口"),
}
FREQUENCY_LABELS: Final = {
    Frequency.INSTANT: N_("实时提醒（新职位发布后立即通知）"),
    Frequency.DAILY: N_("每日汇总（每天 08:30）"),
    Frequency.WEEKLY: N_("每周汇总（每周一 08:30）"),
    Frequency.OFF: N_("暂不接收推送"),
}
NOTICES: Final = {
    "saved": N_("通知设置已保存。"),
    "opted_in": N_("已开启职位推送。"),
    "opted_out": N_("已关闭职位推送。"),
}


def _clock(minute: int | None) -> str:
    return "" if minute is None else f"{minute // 60:02d}:{minute % 60:02d}"


def _settings_page(
    request: Request,
    session: Session,
    principal: Principal,
    settings: Settings,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    current = get_preferences(session, principal.user_id)
    values = form or {
        "channels": list(current.channels),
        "frequency": current.frequency.value,
        "quiet": current.quiet_start_minute is not None,
        "quiet_start": _clock(current.quiet_start_minute) or "22:00",
        "quiet_end": _clock(current.quiet_end_minute) or "08:00",
        "daily_cap": current.daily_cap,
    }
    context = {
        "values": values,
        "opted_in": current.opted_in,
        "channels": [(name, CHANNEL_LABELS[name]) for name in available_channels(settings)],
        "frequencies": [(f.value, label) for f, label in FREQUENCY_LABELS.items()],
        "notice": notice,
        "errors": errors or FormErrors(),
        "area": "graduate",
    }
    return page(
        request,
        session,
        principal,
        "notifications/settings.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/me/notifications", response_class=HTMLResponse)
def notification_settings(
    request: Request,
    principal: GraduatePage,
    session: SessionDep,
    settings: SettingsDep,
    notice: str = "",
) -> Response:
    return _settings_page(request, session, principal, settings, notice=NOTICES.get(notice))


def _minute(request: Request, errors: FormErrors, name: str, value: str) -> int | None:
    found = _CLOCK.match(value.strip())
    if found is None:
        errors.add(name, translate(request, N_("请输入 00:00 到 23:59 之间的时间。")))
        return None
    return int(found.group(1)) * 60 + int(found.group(2))


@router.post("/me/notifications", response_class=HTMLResponse)
def save_notification_settings(
    request: Request,
    principal: GraduatePage,
    _: CsrfChecked,
    session: SessionDep,
    settings: SettingsDep,
    channels: Annotated[list[str] | None, Form()] = None,
    frequency: FormText = "",
    quiet: FormText = "",
    quiet_start: FormText = "",
    quiet_end: FormText = "",
    daily_cap: FormText = "",
) -> Response:
    chosen = [c for c in (channels or []) if c in CHANNEL_LABELS][:5]
    form = {
        "channels": ["inbox", *chosen],
        "frequency": frequency,
        "quiet": quiet == "1",
        "quiet_start": quiet_start[:5],
        "quiet_end": quiet_end[:5],
        "daily_cap": daily_cap[:3],
    }
    errors = FormErrors()
    if frequency not in {f.value for f in Frequency}:
        errors.add("frequency", translate(request, N_("请选择推送频率。")))
    cap = int(daily_cap) if daily_cap.strip().isdigit() else 0
    if not 1 <= cap <= 20:
        errors.add("daily_cap", translate(request, N_("每日提醒上限须在 1 到 20 条之间。")))
    start = end = None
    if quiet == "1":
        start = _minute(request, errors, "quiet_start", quiet_start)
        end = _minute(request, errors, "quiet_end", quiet_end)
        if start is not None and start == end:
            errors.add("quiet_end", translate(request, N_("免打扰的开始和结束时间不能相同。")))
    if not errors:
        try:
            data = PreferencesIn.model_validate(
                {
                    "channels": chosen or ["inbox"],
                    "frequency": frequency,
                    "quiet_start_minute": start,
                    "quiet_end_minute": end,
                    "daily_cap": cap,
                }
            )
            update_preferences(session, principal.user_id, data, settings=settings)
        except (ValidationError, DomainError):
            errors.add("channels", translate(request, N_("所选推送渠道暂未开通。")))
    if errors:
        return _settings_page(
            request, session, principal, settings, errors=errors, form=form, status_code=422
        )
    return see_other("/me/notifications?notice=saved")


@router.post("/me/notifications/consent")
def toggle_push_consent(
    principal: GraduatePage,
    _: CsrfChecked,
    session: SessionDep,
    granted: FormText = "",
) -> Response:
    """Grant or withdraw the push_notifications consent (the same record as the privacy
    page)."""
    set_consent(session, principal, ConsentPurpose.PUSH_NOTIFICATIONS, granted == "1")
    return see_other("/me/notifications?notice=" + ("opted_in" if granted == "1" else "opted_out"))
