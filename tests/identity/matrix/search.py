"""Job search (API and pages): public, graduates browse before signing in."""

from __future__ import annotations

from tests.identity.matrix import ANYONE, Row

ROWS: Row = {
    ("GET", "/api/v1/jobs/search"): ANYONE,
    ("GET", "/api/v1/jobs/suggest"): ANYONE,
    ("GET", "/jobs"): ANYONE,
    ("GET", "/jobs/{job_id}"): ANYONE,
}
