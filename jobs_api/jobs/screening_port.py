"""The screening hook seen from the jobs domain: what a screener is given and what it answers.

Every new or edited job post is screened before it is stored. The jobs domain does not know
the rules (they live with employer verification, which this package must not import); the
composition root plugs a concrete screener in at start-up under :data:`SCREENER_KEY` in
``container.extras``, adapting its types to these. Routes get it through
``jobs_api.jobs.api.get_screener``; without one they refuse to accept posts (503) rather
than let them through unscreened.

* ``block`` matches (e.g. a gender restriction, a deposit) refuse the post: 422
  ``job_post_blocked`` listing the matches so the form can highlight them;
* ``review`` matches send it to a reviewer (status ``pending_review``, a ``job_reviews`` row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

SCREENER_KEY = "jobs.screener"

Severity = Literal["block", "review"]

SKILLS_SEPARATOR = "、"
BENEFITS_SEPARATOR = "；"


@dataclass(frozen=True, slots=True)
class JobPostText:
    """The parts of a post a screener looks at. Salaries are monthly RMB."""

    title: str
    description: str
    skills: Sequence[str] = ()
    benefits: Sequence[str] = ()
    salary_min: int | None = None
    salary_max: int | None = None
    salary_months: int = 12
    city_code: str | None = None
    occupation_code: str | None = None


@dataclass(frozen=True, slots=True)
class ScreeningMatch:
    """One flagged passage. ``field`` is a job field (``title``, ``description``, ``skills``,
    ``benefits``) or ``salary``; ``start``/``end`` index that field's text (list fields joined
    with :data:`SKILLS_SEPARATOR` / :data:`BENEFITS_SEPARATOR`)."""

    rule_id: str
    category: str
    severity: Severity
    field: str
    start: int
    end: int
    excerpt: str
    message_zh: str
    message_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "severity": self.severity,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }

    @property
    def fingerprint(self) -> tuple[str, str, str]:
        """What a reviewer's approval covers: the rule and the passage it matched."""
        return (self.rule_id, self.field, self.excerpt)


@dataclass(frozen=True, slots=True)
class ScreeningOutcome:
    matches: tuple[ScreeningMatch, ...] = ()

    @property
    def blocking(self) -> tuple[ScreeningMatch, ...]:
        return tuple(m for m in self.matches if m.severity == "block")

    @property
    def for_review(self) -> tuple[ScreeningMatch, ...]:
        return tuple(m for m in self.matches if m.severity == "review")


class JobScreener(Protocol):
    def __call__(self, post: JobPostText) -> ScreeningOutcome: ...


def fingerprint_of(match: dict[str, Any]) -> tuple[str, str, str]:
    """The fingerprint of a stored match (``ScreeningMatch.to_dict()``)."""
    return (str(match.get("rule_id")), str(match.get("field")), str(match.get("excerpt")))
