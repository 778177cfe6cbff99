"""Authorization matrix rows of push notifications (API and pages)."""

from __future__ import annotations

from tests.identity.matrix import G, Row

ROWS: Row = {
    ("GET", "/api/v1/me/notification-settings"): frozenset({G}),
    ("PUT", "/api/v1/me/notification-settings"): frozenset({G}),
    # pages
    ("GET", "/me/notifications"): frozenset({G}),
    ("POST", "/me/notifications"): frozenset({G}),
    ("POST", "/me/notifications/consent"): frozenset({G}),
}
