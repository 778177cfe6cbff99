"""Authorization matrix rows of interviews (API and pages)."""

from __future__ import annotations

from tests.identity.matrix import E, G, Row

ROWS: Row = {
    ("POST", "/api/v1/employers/me/applications/{application_id}/interviews"): frozenset({E}),
    ("GET", "/api/v1/employers/me/interviews"): frozenset({E}),
    ("GET", "/api/v1/employers/me/interviews/{interview_id}"): frozenset({E}),
    ("POST", "/api/v1/employers/me/interviews/{interview_id}/reschedule"): frozenset({E}),
    ("POST", "/api/v1/employers/me/interviews/{interview_id}/cancel"): frozenset({E}),
    ("POST", "/api/v1/employers/me/interviews/{interview_id}/complete"): frozenset({E}),
    ("GET", "/api/v1/me/interviews"): frozenset({G}),
    ("POST", "/api/v1/me/interviews/{interview_id}/confirm"): frozenset({G}),
    ("POST", "/api/v1/me/interviews/{interview_id}/reschedule"): frozenset({G}),
    ("POST", "/api/v1/me/interviews/{interview_id}/decline"): frozenset({G}),
    # pages
    ("GET", "/employer/applications/{application_id}/interviews/new"): frozenset({E}),
    ("POST", "/employer/applications/{application_id}/interviews/new"): frozenset({E}),
    ("GET", "/employer/interviews"): frozenset({E}),
    ("GET", "/employer/interviews/{interview_id}/reschedule"): frozenset({E}),
    ("POST", "/employer/interviews/{interview_id}/reschedule"): frozenset({E}),
    ("POST", "/employer/interviews/{interview_id}/cancel"): frozenset({E}),
    ("POST", "/employer/interviews/{interview_id}/complete"): frozenset({E}),
    ("GET", "/me/interviews"): frozenset({G}),
    ("POST", "/me/interviews/{interview_id}/confirm"): frozenset({G}),
    ("POST", "/me/interviews/{interview_id}/reschedule"): frozenset({G}),
    ("POST", "/me/interviews/{interview_id}/decline"): frozenset({G}),
}
