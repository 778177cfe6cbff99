from __future__ import annotations

import base64
import json

import pytest

from jobs_api.core.search.base import (
    RELEVANCE,
    SCORE_FIELD,
    IndexSpec,
    InvalidSearchCursor,
    Range,
    SearchQuery,
    SearchQueryError,
    SortField,
)
from jobs_api.core.search.plan import (
    MAX_CURSOR_LENGTH,
    SortKey,
    decode_cursor,
    encode_cursor,
    plan_query,
)

SPEC = IndexSpec(
    name="jobs",
    text_fields={"title": 2.0},
    keyword_fields=("city",),
    numeric_fields={"salary": "long", "rating": "double"},
    date_fields=("published_at",),
)
SORT = (
    SortKey("salary", "long", descending=True),
    SortKey("rating", "double", descending=False),
    SortKey("city", "keyword", descending=False),
    SortKey("_id", "id", descending=False),
)


def test_cursor_round_trip_keeps_values_including_missing_ones() -> None:
    values = (15000, None, "北京", "job-1")

    cursor = encode_cursor(SORT, values)

    assert cursor.isascii() and "=" not in cursor
    assert decode_cursor(SORT, cursor) == values


def test_cursor_of_another_sort_is_rejected() -> None:
    cursor = encode_cursor(SORT, (15000, 4.5, "北京", "job-1"))
    other = (SortKey("salary", "long", descending=False), *SORT[1:])

    with pytest.raises(InvalidSearchCursor):
        decode_cursor(other, cursor)


@pytest.mark.parametrize(
    "values",
    [
        (1.5, 4.5, "北京", "job-1"),  # a long must be an integer
        (15000, "4.5", "北京", "job-1"),
        (15000, 4.5, 7, "job-1"),
        (15000, 4.5, "北京", None),  # the id is never missing
        (True, 4.5, "北京", "job-1"),
    ],
)
def test_cursor_values_must_fit_their_sort_keys(values: tuple[object, ...]) -> None:
    payload = json.loads(base64.urlsafe_b64decode(encode_cursor(SORT, (1, 1.0, "a", "b")) + "=="))
    payload["v"] = list(values)
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()

    with pytest.raises(InvalidSearchCursor):
        decode_cursor(SORT, forged)


def test_oversized_cursor_is_rejected() -> None:
    with pytest.raises(InvalidSearchCursor):
        decode_cursor(SORT, "A" * (MAX_CURSOR_LENGTH + 1))


def test_relevance_sort_needs_text_and_always_ends_with_the_id() -> None:
    with_text = plan_query(SPEC, SearchQuery(text="工程师"))
    without_text = plan_query(SPEC, SearchQuery())

    assert [key.field for key in with_text.sort] == [SCORE_FIELD, "_id"]
    assert [key.field for key in without_text.sort] == ["_id"]
    assert (SortField(SCORE_FIELD, descending=True),) == RELEVANCE


def test_date_bounds_become_epoch_milliseconds() -> None:
    plan = plan_query(SPEC, SearchQuery(ranges={"published_at": Range(gte="1970-01-02")}))

    [bounds] = plan.ranges
    assert (bounds.kind, bounds.gte, bounds.lte) == ("date", 86_400_000, None)


def test_empty_filters_are_dropped() -> None:
    plan = plan_query(SPEC, SearchQuery(terms={"city": []}, ranges={"salary": Range()}))

    assert plan.terms == {}
    assert plan.ranges == ()


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(sort=[SortField("salary"), SortField("salary", descending=True)]),
        SearchQuery(terms={"city": "北京"}),  # a string is a sequence, but not of terms
        SearchQuery(terms={"city": ["北京"] * 101}),
        SearchQuery(ranges={"rating": Range(gte=float("nan"))}),
        SearchQuery(ranges={"rating": Range(gte=True)}),
    ],
)
def test_malformed_queries_are_rejected(query: SearchQuery) -> None:
    with pytest.raises(SearchQueryError):
        plan_query(SPEC, query)


def test_query_values_are_checked_on_construction() -> None:
    with pytest.raises(SearchQueryError):
        SearchQuery(sort=[])
    with pytest.raises(SearchQueryError):
        SearchQuery(facet_size=0)
