"""Authorization matrix rows of applications and the in-app inbox (API and pages)."""

from __future__ import annotations

from tests.identity.matrix import ANYONE, SIGNED_IN, E, G, Row

_MINE = "/api/v1/me/applications"
_PIPELINE = "/api/v1/employers/me/applications"

ROWS: Row = {
    # API: graduates
    ("POST", "/api/v1/jobs/{job_id}/applications"): frozenset({G}),
    ("GET", _MINE): frozenset({G}),
    ("GET", _MINE + "/{application_id}"): frozenset({G}),
    ("POST", _MINE + "/{application_id}/withdraw"): frozenset({G}),
    # API: employer pipeline
    ("GET", _PIPELINE): frozenset({E}),
    ("GET", _PIPELINE + "/{application_id}"): frozenset({E}),
    ("POST", _PIPELINE + "/{application_id}/status"): frozenset({E}),
    ("POST", _PIPELINE + "/bulk-status"): frozenset({E}),
    ("GET", _PIPELINE + "/{application_id}/notes"): frozenset({E}),
    ("POST", _PIPELINE + "/{application_id}/notes"): frozenset({E}),
    ("GET", _PIPELINE + "/{application_id}/resume"): frozenset({E}),
    ("GET", "/api/v1/employers/{employer_id}/response-figures"): ANYONE,
    # API: inbox
    ("GET", "/api/v1/me/inbox"): SIGNED_IN,
    ("POST", "/api/v1/me/inbox/read"): SIGNED_IN,
    # pages
    ("GET", "/jobs/{job_id}/apply"): frozenset({G}),
    ("POST", "/jobs/{job_id}/apply"): frozenset({G}),
    ("GET", "/me/applications"): frozenset({G}),
    ("GET", "/me/applications/{application_id}"): frozenset({G}),
    ("POST", "/me/applications/{application_id}/withdraw"): frozenset({G}),
    ("GET", "/employer/applications"): frozenset({E}),
    ("POST", "/employer/applications/bulk"): frozenset({E}),
    ("GET", "/employer/applications/{application_id}"): frozenset({E}),
    ("POST", "/employer/applications/{application_id}/status"): frozenset({E}),
    ("POST", "/employer/applications/{application_id}/notes"): frozenset({E}),
    ("GET", "/employer/applications/{application_id}/resume"): frozenset({E}),
    ("GET", "/me/inbox"): SIGNED_IN,
    ("POST", "/me/inbox/read"): SIGNED_IN,
}
