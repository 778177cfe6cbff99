"""Job lifecycle (API and pages): occupation suggestion, edit, the employer's job list."""

from __future__ import annotations

from tests.identity.matrix import E, Row

ROWS: Row = {
    ("POST", "/api/v1/jobs/occupation-suggestions"): frozenset({E}),
}
