"""Authorization matrix rows of recommendations (API and pages)."""

from __future__ import annotations

from tests.identity.matrix import E, G, Row

ROWS: Row = {
    ("GET", "/api/v1/me/recommendations"): frozenset({G}),
    ("GET", "/api/v1/employer/jobs/{job_id}/ranked-applicants"): frozenset({E}),
    ("GET", "/api/v1/employer/jobs/{job_id}/suggested-candidates"): frozenset({E}),
    # pages
    ("GET", "/recommendations"): frozenset({G}),
    ("GET", "/employer/candidates"): frozenset({E}),
    ("GET", "/employer/jobs/{job_id}/candidates"): frozenset({E}),
}
