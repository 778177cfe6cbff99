"""Authorization matrix rows of the fairs area (API and pages)."""

from __future__ import annotations

from tests.identity.matrix import ANYONE, C, E, N, P, Row

ORGANIZERS = frozenset({C, P, N})
EMPLOYERS = frozenset({E})

ROWS: Row = {
    # API
    ("GET", "/api/v1/fairs"): ANYONE,
    ("GET", "/api/v1/fairs/{fair_id}"): ANYONE,
    ("POST", "/api/v1/fairs"): ORGANIZERS,
    ("GET", "/api/v1/organizer/fairs"): ORGANIZERS,
    ("PATCH", "/api/v1/fairs/{fair_id}"): ORGANIZERS,
    ("POST", "/api/v1/fairs/{fair_id}/publish"): ORGANIZERS,
    ("POST", "/api/v1/fairs/{fair_id}/cancel"): ORGANIZERS,
    ("GET", "/api/v1/fairs/{fair_id}/statistics"): ORGANIZERS,
    ("GET", "/api/v1/employers/me/fairs"): EMPLOYERS,
    ("POST", "/api/v1/fairs/{fair_id}/registration"): EMPLOYERS,
    ("DELETE", "/api/v1/fairs/{fair_id}/registration"): EMPLOYERS,
    ("PUT", "/api/v1/fairs/{fair_id}/jobs/{job_id}"): EMPLOYERS,
    ("DELETE", "/api/v1/fairs/{fair_id}/jobs/{job_id}"): EMPLOYERS,
    # pages
    ("GET", "/fairs"): ANYONE,
    ("GET", "/fairs/{fair_id}"): ANYONE,
    ("GET", "/office/fairs"): ORGANIZERS,
    ("GET", "/office/fairs/new"): ORGANIZERS,
    ("POST", "/office/fairs/new"): ORGANIZERS,
    ("GET", "/office/fairs/{fair_id}"): ORGANIZERS,
    ("POST", "/office/fairs/{fair_id}"): ORGANIZERS,
    ("POST", "/office/fairs/{fair_id}/publish"): ORGANIZERS,
    ("POST", "/office/fairs/{fair_id}/cancel"): ORGANIZERS,
    ("GET", "/employer/fairs"): EMPLOYERS,
    ("POST", "/employer/fairs/{fair_id}/register"): EMPLOYERS,
    ("POST", "/employer/fairs/{fair_id}/withdraw"): EMPLOYERS,
    ("POST", "/employer/fairs/{fair_id}/jobs"): EMPLOYERS,
    ("POST", "/employer/fairs/{fair_id}/jobs/{job_id}/detach"): EMPLOYERS,
}
