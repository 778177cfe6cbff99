"""Typed errors of the jobs domain, each with a stable code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from jobs_api.core.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from jobs_api.jobs.screening_port import ScreeningMatch


class InvalidJob(ValidationFailed):
    """A job field does not fit the reference data or the rules (see ``fields``)."""

    default_code: ClassVar[str] = "invalid_job"


class JobPostBlocked(ValidationFailed):
    """Screening found content that may not be posted; ``matches`` says what and where."""

    default_code: ClassVar[str] = "job_post_blocked"

    def __init__(self, message: str, matches: Sequence[ScreeningMatch]) -> None:
        fields: dict[str, str] = {}
        for match in matches:
            note = f"{match.message_zh}「{match.excerpt}」"
            fields[match.field] = (
                f"{fields[match.field]}；{note}" if match.field in fields else note
            )
        super().__init__(message, fields=fields)
        self.matches = tuple(matches)


class JobNotFound(NotFound):
    default_code: ClassVar[str] = "job_not_found"


class JobReviewPending(Conflict):
    default_code: ClassVar[str] = "job_review_pending"


class JobReviewRejected(Conflict):
    default_code: ClassVar[str] = "job_review_rejected"


class JobDeadlinePassed(ValidationFailed):
    default_code: ClassVar[str] = "job_deadline_passed"


class JobReviewNotFound(NotFound):
    default_code: ClassVar[str] = "job_review_not_found"


class JobReviewDecided(Conflict):
    default_code: ClassVar[str] = "job_review_decided"


class ScreeningUnavailable(ServiceUnavailable):
    """No screener is wired in: posts are refused rather than accepted unscreened."""

    default_code: ClassVar[str] = "screening_unavailable"


class InvalidJobSearch(ValidationFailed):
    """A search parameter is malformed or names an unknown code (``fields`` says which)."""

    default_code: ClassVar[str] = "invalid_job_search"


class JobSearchUnavailable(ServiceUnavailable):
    """The search engine cannot be reached; the search may be retried later."""

    default_code: ClassVar[str] = "job_search_unavailable"
