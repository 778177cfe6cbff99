"""Push settings API: a graduate reads and replaces their own notification settings.

* ``GET /api/v1/me/notification-settings``
* ``PUT /api/v1/me/notification-settings`` (``opted_in`` grants or withdraws the
  ``push_notifications`` consent through the consent service; omitted = unchanged)

There is no id in the URL: the row is always the caller's (``principal.user_id``).
"""

from __future__ import annotations

from fastapi import APIRouter

from jobs_api.core.deps import SessionDep, SettingsDep
from jobs_api.core.errors import error_responses
from jobs_api.graduates.consent import set_consent
from jobs_api.graduates.guards import GraduatePrincipal
from jobs_api.graduates.models import ConsentPurpose
from matching.push.preferences import (
    PreferencesIn,
    PreferencesOut,
    get_preferences,
    preferences_out,
    update_preferences,
)

router = APIRouter(prefix="/api/v1", tags=["push"])


@router.get(
    "/me/notification-settings",
    response_model=PreferencesOut,
    responses=error_responses(401, 403),
)
def read_settings(
    principal: GraduatePrincipal, session: SessionDep, settings: SettingsDep
) -> PreferencesOut:
    """The caller's channels, frequency, quiet hours (Beijing time), daily cap and opt-in."""
    return preferences_out(get_preferences(session, principal.user_id), settings)


@router.put(
    "/me/notification-settings",
    response_model=PreferencesOut,
    responses=error_responses(401, 403, 422),
)
def replace_settings(
    principal: GraduatePrincipal, session: SessionDep, settings: SettingsDep, body: PreferencesIn
) -> PreferencesOut:
    """Replace the caller's settings; ``opted_in`` toggles the push consent."""
    update_preferences(session, principal.user_id, body, settings=settings)
    if body.opted_in is not None:
        set_consent(session, principal, ConsentPurpose.PUSH_NOTIFICATIONS, body.opted_in)
    return preferences_out(get_preferences(session, principal.user_id), settings)
