"""Job lifecycle (API and pages): occupation suggestion, the employer's job list, editing."""

from __future__ import annotations

from tests.identity.matrix import E, Row

ROWS: Row = {
    ("POST", "/api/v1/jobs/occupation-suggestions"): frozenset({E}),
    ("GET", "/employer/jobs"): frozenset({E}),
    ("GET", "/employer/jobs/{job_id}/edit"): frozenset({E}),
    ("POST", "/employer/jobs/{job_id}/edit"): frozenset({E}),
}
