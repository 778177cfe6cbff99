"""The labelled set: realistic job-post snippets, each with the categories it must be flagged
for (empty = must not be flagged) and the overall severity. Reports precision and recall per
category and requires the whole set to be classified correctly."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from employer_verification.screening import JobPost, SalaryBand, default_rules, screen_job

LABELLED = Path(__file__).with_name("labelled_examples.jsonl")
POST_FIELDS = set(JobPost.__dataclass_fields__)


@dataclass(frozen=True)
class Example:
    id: str
    post: JobPost
    band: SalaryBand | None
    expected: frozenset[str]
    severity: str | None


def _example(raw: dict[str, Any]) -> Example:
    unknown = set(raw["post"]) - POST_FIELDS
    assert not unknown, f"{raw['id']}: unknown post fields {unknown}"
    post_data = dict(raw["post"])
    post_data["benefits"] = tuple(post_data.get("benefits", ()))
    band = raw.get("band")
    return Example(
        id=raw["id"],
        post=JobPost(**post_data),
        band=SalaryBand(**band) if band else None,
        expected=frozenset(raw["expected"]),
        severity=raw["severity"],
    )


def _load() -> list[Example]:
    with LABELLED.open(encoding="utf-8") as lines:
        return [_example(json.loads(line)) for line in lines if line.strip()]


EXAMPLES = _load()


def test_the_set_is_large_and_balanced_enough() -> None:
    ids = [e.id for e in EXAMPLES]
    assert len(ids) == len(set(ids)), "example ids must be unique"
    positives = [e for e in EXAMPLES if e.expected]
    negatives = [e for e in EXAMPLES if not e.expected]
    assert len(EXAMPLES) >= 60
    assert len(positives) >= 30
    assert len(negatives) >= 30
    categories = set(default_rules().categories)
    for example in EXAMPLES:
        assert example.expected <= categories, f"{example.id}: unknown category"
        assert (example.severity is None) == (not example.expected), example.id
    covered = {c for e in positives for c in e.expected}
    assert covered == categories, f"categories without a labelled example: {categories - covered}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_example_is_classified_as_labelled(example: Example) -> None:
    result = screen_job(example.post, occupation_salary=example.band)
    found = [(m.rule_id, m.field, m.excerpt) for m in result.matches]
    assert result.categories == example.expected, found
    assert result.severity == example.severity, found
    assert result.flagged is bool(example.expected)


def _metrics() -> tuple[dict[str, tuple[int, int, int]], list[str]]:
    counts: dict[str, Counter[str]] = {}
    errors: list[str] = []
    for example in EXAMPLES:
        got = screen_job(example.post, occupation_salary=example.band).categories
        for category in got | example.expected:
            tally = counts.setdefault(category, Counter())
            if category in got and category in example.expected:
                tally["tp"] += 1
            elif category in got:
                tally["fp"] += 1
                errors.append(f"{example.id}: unexpected {category}")
            else:
                tally["fn"] += 1
                errors.append(f"{example.id}: missed {category}")
    return {c: (t["tp"], t["fp"], t["fn"]) for c, t in sorted(counts.items())}, errors


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def test_precision_and_recall_per_category(capsys: pytest.CaptureFixture[str]) -> None:
    table, errors = _metrics()
    lines = [f"{'category':28} {'tp':>3} {'fp':>3} {'fn':>3} {'precision':>9} {'recall':>7}"]
    for category, (tp, fp, fn) in table.items():
        lines.append(
            f"{category:28} {tp:3} {fp:3} {fn:3} "
            f"{_ratio(tp, tp + fp):9.2f} {_ratio(tp, tp + fn):7.2f}"
        )
    tp, fp, fn = (sum(row[i] for row in table.values()) for i in range(3))
    lines.append(
        f"{'all (micro)':28} {tp:3} {fp:3} {fn:3} "
        f"{_ratio(tp, tp + fp):9.2f} {_ratio(tp, tp + fn):7.2f}"
    )
    flagged = sum(1 for e in EXAMPLES if e.expected)
    lines.append(f"{len(EXAMPLES)} examples: {flagged} to flag, {len(EXAMPLES) - flagged} clean")
    report = "\n".join(lines)
    with capsys.disabled():
        print("\n" + report)
    assert not errors, report + "\n" + "\n".join(errors)
