from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

import pytest

from jobs_api.core.search.base import IndexSpec, SearchDocumentError
from jobs_api.core.search.documents import (
    MAX_SUGGESTION_LENGTH,
    prepare_document,
    to_epoch_millis,
)

SPEC = IndexSpec(
    name="jobs",
    text_fields={"title": 2.0, "description": 1.0},
    keyword_fields=("skills",),
    numeric_fields={"openings": "long", "salary": "double"},
    date_fields=("published_at",),
    suggest_fields=("title",),
)


class Degree(StrEnum):
    BACHELOR = "bachelor"


def test_prepared_document_holds_every_derived_value() -> None:
    doc = prepare_document(
        SPEC,
        "j1",
        {
            "title": "Java开发",
            "skills": ["java", "spring", "java"],
            "openings": 3,
            "salary": Decimal("15000.5"),
            "published_at": date(2024, 5, 1),
            "degree": Degree.BACHELOR,
            "employer_id": UUID(int=1),
        },
    )

    assert doc.texts == {"title": "java 开发", "description": ""}
    assert doc.keywords == {"skills": ("java", "spring")}
    assert doc.numbers == {"openings": 3, "salary": 15000.5}
    assert doc.dates == {"published_at": to_epoch_millis("2024-05-01T00:00:00Z")}
    assert doc.suggestions == {"title": "Java开发"}
    assert doc.source["published_at"] == "2024-05-01"
    assert doc.source["degree"] == "bachelor"
    assert doc.source["employer_id"] == "00000000-0000-0000-0000-000000000001"


def test_epoch_millis_treats_naive_times_as_utc() -> None:
    assert to_epoch_millis("1970-01-01T00:00:01") == 1000
    assert to_epoch_millis("1970-01-01T08:00:00+08:00") == 0
    assert to_epoch_millis(datetime(1970, 1, 1, 0, 0, 0, 1500, tzinfo=UTC)) == 1


@pytest.mark.parametrize(
    ("doc_id", "doc"),
    [
        ("", {"title": "x"}),
        ("x" * 513, {"title": "x"}),
        ("j", {"title": 5}),
        ("j", {"skills": [1]}),
        ("j", {"skills": ["x" * 600]}),
        ("j", {"openings": 2.5}),
        ("j", {"openings": True}),
        ("j", {"salary": "high"}),
        ("j", {"salary": float("nan")}),
        ("j", {"published_at": "last week"}),
        ("j", {"title__seg": "x"}),
        ("j", {"meta": {1: "x"}}),
        ("j", {"blob": object()}),
    ],
)
def test_invalid_documents_are_rejected(doc_id: str, doc: dict[Any, Any]) -> None:
    with pytest.raises(SearchDocumentError):
        prepare_document(SPEC, doc_id, doc)


def test_over_long_values_are_not_suggested() -> None:
    doc = prepare_document(SPEC, "j", {"title": "长" * (MAX_SUGGESTION_LENGTH + 1)})

    assert doc.suggestions == {}
    assert doc.texts["title"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "Jobs", "text_fields": {"title": 1.0}},
        {"name": "jobs", "text_fields": {}},
        {"name": "jobs", "text_fields": {"title": 0.0}},
        {"name": "jobs", "text_fields": {"ti__tle": 1.0}},
        {"name": "jobs", "text_fields": {"title": 1.0}, "keyword_fields": ["title"]},
        {"name": "jobs", "text_fields": {"title": 1.0}, "suggest_fields": ["city"]},
        {"name": "jobs", "text_fields": {"title": 1.0}, "numeric_fields": {"n": "int"}},
    ],
)
def test_inconsistent_index_specs_are_programming_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        IndexSpec(**kwargs)


def test_index_spec_round_trips_through_its_dict_form() -> None:
    assert IndexSpec.from_dict(SPEC.to_dict()) == SPEC
