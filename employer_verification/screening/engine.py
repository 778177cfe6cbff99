"""Job-post screening: run the rule set over a post and report what it flags.

Pure functions: no database, no HTTP, no clock. The caller (job creation and editing) builds a
``JobPost`` from its own record, passes the occupation's salary band when it knows one, and
decides what to do with the result: any ``block`` match means the post cannot be published
until it is edited; otherwise any ``review`` match sends it to the review queue, where
``highlight`` marks the matched spans.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from employer_verification.screening.normalize import normalise
from employer_verification.screening.rules import (
    TEXT_FIELDS,
    RuleSet,
    SalaryRule,
    Severity,
    default_rules,
)

BENEFIT_SEPARATOR = "；"
SALARY_FIELD = "salary"


@dataclass(frozen=True, slots=True)
class JobPost:
    """The screened parts of a job post. Salaries are monthly RMB; ``None`` = not stated."""

    title: str
    description: str = ""
    requirements: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    salary_months: int = 12
    city_code: str | None = None
    occupation_code: str | None = None
    benefits: Sequence[str] = ()

    def field_text(self, name: str) -> str:
        """The text of a screened field; match offsets refer to this text.

        ``benefits`` is the items joined with a full-width semicolon, so a rule never matches
        across two items and offsets stay meaningful for the joined string.
        """
        if name == "benefits":
            return BENEFIT_SEPARATOR.join(self.benefits)
        if name in ("title", "description", "requirements"):
            value: str = getattr(self, name)
            return value
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class SalaryBand:
    """Monthly salary percentiles (RMB) for an occupation in a city tier."""

    p10: int
    p90: int

    def __post_init__(self) -> None:
        if not 0 < self.p10 <= self.p90:
            raise ValueError(f"salary band needs 0 < p10 <= p90, got {self.p10}..{self.p90}")


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One flagged span. ``start``/``end`` index ``JobPost.field_text(field)``; for salary
    rules ``field`` is ``"salary"`` and the span is empty."""

    rule_id: str
    category: str
    severity: Severity
    field: str
    start: int
    end: int
    excerpt: str
    message_zh: str
    message_en: str

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


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    flagged: bool
    matches: list[RuleMatch] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """True when the post cannot be published until it is edited."""
        return any(m.severity == "block" for m in self.matches)

    @property
    def severity(self) -> Severity | None:
        """``block`` if any match blocks, ``review`` if any match at all, else ``None``."""
        if not self.matches:
            return None
        return "block" if self.blocked else "review"

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(m.category for m in self.matches)

    def for_field(self, name: str) -> list[RuleMatch]:
        return [m for m in self.matches if m.field == name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "flagged": self.flagged,
            "severity": self.severity,
            "matches": [m.to_dict() for m in self.matches],
        }


def screen_job(
    post: JobPost,
    *,
    occupation_salary: SalaryBand | None = None,
    rules: RuleSet | None = None,
) -> ScreeningResult:
    """Screen ``post`` with ``rules`` (the bundled rule set by default)."""
    ruleset = rules if rules is not None else default_rules()
    matches: list[RuleMatch] = []
    for name in TEXT_FIELDS:
        original = post.field_text(name)
        if not original.strip():
            continue
        text = normalise(original)
        for rule in ruleset.text_rules:
            if name not in rule.fields:
                continue
            for start, end in rule.find(text):
                orig_start, orig_end = text.original_span(start, end)
                matches.append(
                    RuleMatch(
                        rule_id=rule.id,
                        category=rule.category,
                        severity=rule.severity,
                        field=name,
                        start=orig_start,
                        end=orig_end,
                        excerpt=original[orig_start:orig_end],
                        message_zh=rule.message_zh,
                        message_en=rule.message_en,
                    )
                )
    matches.extend(_salary_matches(post, occupation_salary, ruleset.salary_rules))
    order = {name: i for i, name in enumerate((*TEXT_FIELDS, SALARY_FIELD))}
    matches.sort(key=lambda m: (order[m.field], m.start, m.end, m.rule_id))
    return ScreeningResult(flagged=bool(matches), matches=matches)


def _salary_matches(
    post: JobPost, band: SalaryBand | None, rules: Iterable[SalaryRule]
) -> list[RuleMatch]:
    low, high = post.salary_min, post.salary_max
    found: list[RuleMatch] = []
    for rule in rules:
        limit: float | None = None
        hit = False
        if rule.check == "min_above_max":
            hit = low is not None and high is not None and low > high
        elif rule.check == "min_below_floor":
            assert rule.floor is not None
            limit = rule.floor
            hit = low is not None and low < rule.floor
        elif band is not None and rule.check == "max_below_p10":
            assert rule.factor is not None
            limit = rule.factor * band.p10
            hit = high is not None and high < limit
        elif band is not None and rule.check == "min_above_p90":
            assert rule.factor is not None
            limit = rule.factor * band.p90
            hit = low is not None and low > limit
        if not hit:
            continue
        values = {
            "salary_min": low if low is not None else "",
            "salary_max": high if high is not None else "",
            "floor": rule.floor if rule.floor is not None else "",
            "limit": round(limit) if limit is not None else "",
            "p10": band.p10 if band is not None else "",
            "p90": band.p90 if band is not None else "",
        }
        found.append(
            RuleMatch(
                rule_id=rule.id,
                category=rule.category,
                severity=rule.severity,
                field=SALARY_FIELD,
                start=0,
                end=0,
                excerpt=_salary_text(post),
                message_zh=rule.message_zh.format(**values),
                message_en=rule.message_en.format(**values),
            )
        )
    return found


def _salary_text(post: JobPost) -> str:
    low = "?" if post.salary_min is None else str(post.salary_min)
    high = "?" if post.salary_max is None else str(post.salary_max)
    return f"{low}–{high} 元/月 × {post.salary_months}"


def highlight(text: str, matches: Iterable[RuleMatch], *, field: str | None = None) -> str:
    """HTML-escape ``text`` and wrap each matched span in ``<mark data-rule="...">``.

    Pass the matches of one field (or all matches and ``field=``). Overlapping or touching
    spans merge into one mark whose ``data-rule`` lists the rule ids separated by spaces;
    ``data-severity`` is the strongest severity among them. Empty or out-of-range spans are
    ignored.
    """
    spans = sorted(
        (m.start, m.end, m.rule_id, m.severity)
        for m in matches
        if (field is None or m.field == field) and 0 <= m.start < m.end <= len(text)
    )
    merged: list[tuple[int, int, list[str], bool]] = []
    for start, end, rule_id, severity in spans:
        if merged and start <= merged[-1][1]:
            last_start, last_end, ids, blocks = merged[-1]
            if rule_id not in ids:
                ids.append(rule_id)
            merged[-1] = (last_start, max(last_end, end), ids, blocks or severity == "block")
        else:
            merged.append((start, end, [rule_id], severity == "block"))
    out: list[str] = []
    position = 0
    for start, end, ids, blocks in merged:
        out.append(html.escape(text[position:start]))
        out.append(
            f'<mark data-rule="{html.escape(" ".join(ids))}" '
            f'data-severity="{"block" if blocks else "review"}">'
            f"{html.escape(text[start:end])}</mark>"
        )
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)
