"""One contract for every SearchBackend: the same tests run on the embedded engine and on a
real Elasticsearch (integration tier, ``GRADMATCH_TEST_ELASTICSEARCH_URL``)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from jobs_api.core.errors import ValidationFailed
from jobs_api.core.search import (
    SCORE_FIELD,
    IndexSpec,
    InvalidSearchCursor,
    Range,
    SearchBackend,
    SearchIndexConflict,
    SearchIndexNotFound,
    SearchQuery,
    SearchQueryError,
    SortField,
)
from jobs_api.core.search.elastic import ElasticsearchBackend
from jobs_api.core.search.embedded import EmbeddedSearchBackend
from tests.servers import ELASTICSEARCH_ENV, require_server_url

SPEC = IndexSpec(
    name="jobs",
    text_fields={"title": 3.0, "employer_name": 2.0, "description": 1.0},
    keyword_fields=("city", "skills", "degree"),
    numeric_fields={"salary_min": "long", "rating": "double"},
    date_fields=("published_at",),
    suggest_fields=("title", "employer_name"),
)

JOBS: dict[str, dict[str, Any]] = {
    "j1": {
        "title": "软件工程师",
        "employer_name": "北京星河科技有限公司",
        "description": "负责后端服务开发，熟悉 Java 与 MySQL。",
        "city": "北京",
        "skills": ["java", "mysql"],
        "degree": "本科",
        "salary_min": 15000,
        "rating": 4.5,
        "published_at": "2024-03-01T09:00:00+08:00",
    },
    "j2": {
        "title": "Java开发工程师",
        "employer_name": "上海云帆网络",
        "description": "参与电商平台 <核心> 系统 & 支付模块开发",
        "city": "上海",
        "skills": ["java", "spring"],
        "degree": "本科",
        "salary_min": 18000,
        "rating": 4.0,
        "published_at": "2024-04-15",
    },
    "j3": {
        "title": "数据分析师",
        "employer_name": "深圳数海科技",
        "description": "使用 Python 与 SQL 做业务分析",
        "city": "深圳",
        "skills": ["python", "sql"],
        "degree": "硕士",
        "salary_min": 12000,
        "rating": 3.8,
        "published_at": "2024-05-20",
    },
    "j4": {
        "title": "市场营销专员",
        "employer_name": "广州花城文化",
        "description": "策划线上活动，撰写推广文案",
        "city": "广州",
        "skills": ["营销"],
        "degree": "大专",
        "salary_min": 8000,
        "published_at": "2024-02-10",
    },
    "j5": {
        "title": "前端开发工程师",
        "employer_name": "北京星河科技有限公司",
        "description": "使用 TypeScript 和 React 开发管理后台",
        "city": "北京",
        "skills": ["typescript", "react"],
        "degree": "本科",
        "salary_min": 16000,
        "rating": 4.2,
        "published_at": "2024-05-01",
    },
    "j6": {
        "title": "C++游戏客户端工程师",
        "employer_name": "成都熊猫互娱",
        "description": "负责 3D 游戏引擎与渲染优化",
        "city": "成都",
        "skills": ["c++"],
        "degree": "本科",
        "rating": 4.8,
    },
    "j7": {
        "title": "硬件测试工程师",
        "employer_name": "杭州西湖电子",
        "description": "测试嵌入式设备, 编写测试用例 (Python)",
        "city": "杭州",
        "skills": ["python", "测试"],
        "degree": "本科",
        "salary_min": 11000,
        "rating": 3.5,
        "published_at": "2024-01-05",
    },
}


BackendFactory = Callable[[], SearchBackend]


@pytest.fixture(
    params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.integration)],
)
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BackendFactory]:
    """Makes backends sharing one store and index prefix, like two processes of one app."""
    if request.param == "embedded":

        def make() -> SearchBackend:
            return EmbeddedSearchBackend(tmp_path / "search", index_prefix="test")

    else:
        url = require_server_url(ELASTICSEARCH_ENV)
        prefix = f"gmtest-{uuid.uuid4().hex[:12]}"

        def make() -> SearchBackend:
            return ElasticsearchBackend(url, index_prefix=prefix)

    made: list[SearchBackend] = []

    def tracked() -> SearchBackend:
        made.append(make())
        return made[-1]

    yield tracked
    try:
        if made:
            made[0].drop_index(SPEC.name)
    finally:
        for search in made:
            search.close()


@pytest.fixture
def backend(make_backend: BackendFactory) -> SearchBackend:
    return make_backend()


@pytest.fixture
def jobs(backend: SearchBackend) -> SearchBackend:
    """The backend with the seven jobs above indexed and visible."""
    backend.ensure_index(SPEC)
    assert backend.bulk_index(SPEC.name, JOBS.items()) == len(JOBS)
    backend.refresh(SPEC.name)
    return backend


def ids(backend: SearchBackend, **query: Any) -> list[str]:
    page = backend.search(SPEC.name, SearchQuery(size=100, **query))
    return [hit.id for hit in page.hits]


def id_set(backend: SearchBackend, **query: Any) -> set[str]:
    return set(ids(backend, **query))


# --------------------------------------------------------------------------- writing


def test_indexed_document_comes_back_unchanged(backend: SearchBackend) -> None:
    backend.ensure_index(SPEC)
    backend.index(SPEC.name, "j1", JOBS["j1"])
    backend.refresh(SPEC.name)

    page = backend.search(SPEC.name, SearchQuery(text="软件"))

    assert page.total == 1
    assert [hit.id for hit in page.hits] == ["j1"]
    assert page.hits[0].source == JOBS["j1"]
    assert page.hits[0].highlights == {}
    assert page.next_cursor is None


def test_python_values_are_stored_as_json(backend: SearchBackend) -> None:
    backend.ensure_index(SPEC)
    published = datetime(2024, 6, 1, 8, 30, tzinfo=UTC)
    backend.index(SPEC.name, "d1", {"title": "运维工程师", "published_at": published, "x": (1, 2)})
    backend.refresh(SPEC.name)

    [hit] = backend.search(SPEC.name, SearchQuery(text="运维")).hits

    assert hit.source == {
        "title": "运维工程师",
        "published_at": "2024-06-01T08:30:00+00:00",
        "x": [1, 2],
    }
    assert ids(backend, ranges={"published_at": Range(gte="2024-06-01T08:30:00Z")}) == ["d1"]


def test_bulk_index_writes_every_document(jobs: SearchBackend) -> None:
    assert jobs.count(SPEC.name) == 7
    assert jobs.search(SPEC.name, SearchQuery()).total == 7


def test_indexing_an_existing_id_replaces_the_document(jobs: SearchBackend) -> None:
    changed = {**JOBS["j1"], "title": "产品经理", "city": "上海", "skills": ["axure"]}
    jobs.index(SPEC.name, "j1", changed)
    jobs.refresh(SPEC.name)

    assert jobs.count(SPEC.name) == 7
    assert ids(jobs, text="软件") == []
    assert ids(jobs, text="产品经理") == ["j1"]
    assert id_set(jobs, terms={"city": ["北京"]}) == {"j5"}
    assert ids(jobs, terms={"skills": ["axure"]}) == ["j1"]
    assert ids(jobs, terms={"skills": ["mysql"]}) == []
    assert jobs.suggest(SPEC.name, "title", "软件") == []


def test_bulk_index_with_a_repeated_id_keeps_the_last(backend: SearchBackend) -> None:
    backend.ensure_index(SPEC)
    backend.bulk_index(SPEC.name, [("a", {"title": "旧标题"}), ("a", {"title": "新标题"})])
    backend.refresh(SPEC.name)

    assert backend.count(SPEC.name) == 1
    assert [hit.source["title"] for hit in backend.search(SPEC.name, SearchQuery()).hits] == [
        "新标题"
    ]


def test_delete_removes_a_document_and_ignores_missing_ones(jobs: SearchBackend) -> None:
    jobs.delete(SPEC.name, "j2")
    jobs.delete(SPEC.name, "j2")
    jobs.delete(SPEC.name, "never-indexed")
    jobs.refresh(SPEC.name)

    assert jobs.count(SPEC.name) == 6
    assert ids(jobs, text="Java开发") == ["j1"]
    assert ids(jobs, terms={"skills": ["spring"]}) == []
    assert jobs.suggest(SPEC.name, "title", "java") == []


# --------------------------------------------------------------------------- full text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("软件", {"j1"}),
        ("工程师", {"j1", "j2", "j5", "j6", "j7"}),
        ("软件工程", {"j1"}),
        ("软件工程师", {"j1"}),
        ("Java", {"j1", "j2"}),
        ("java", {"j1", "j2"}),
        ("ＪＡＶＡ", {"j1", "j2"}),
        ("C++", {"j6"}),
        ("3D", {"j6"}),
        ("python", {"j3", "j7"}),
        ("星河科技", {"j1", "j5"}),
        ("会计", set()),
        ("软件 会计", set()),
        ("工程师 北京", {"j1", "j5"}),
        ("前端 react", {"j5"}),
    ],
)
def test_chinese_and_latin_full_text(jobs: SearchBackend, text: str, expected: set[str]) -> None:
    page = jobs.search(SPEC.name, SearchQuery(text=text, size=100))

    assert {hit.id for hit in page.hits} == expected
    assert page.total == len(expected)


def test_every_query_word_must_match_in_some_field(jobs: SearchBackend) -> None:
    # 工程师 in the title, Java and 开发 in the description: j1 matches across fields.
    assert ids(jobs, text="Java开发工程师") == ["j2", "j1"]


def test_relevance_prefers_boosted_fields(jobs: SearchBackend) -> None:
    page = jobs.search(SPEC.name, SearchQuery(text="java"))

    assert [hit.id for hit in page.hits] == ["j2", "j1"]  # title (boost 3) above description
    assert page.hits[0].score > page.hits[1].score > 0


def test_punctuation_only_text_puts_no_constraint(jobs: SearchBackend) -> None:
    page = jobs.search(SPEC.name, SearchQuery(text=" ，。！"))

    assert page.total == 7
    assert all(hit.score == 0.0 for hit in page.hits)


# --------------------------------------------------------------------------- filters


def test_terms_filter_or_within_a_field_and_across_fields(jobs: SearchBackend) -> None:
    assert id_set(jobs, terms={"city": ["北京", "上海"]}) == {"j1", "j2", "j5"}
    assert id_set(jobs, terms={"skills": ["python"]}) == {"j3", "j7"}
    assert id_set(jobs, terms={"skills": ["react", "c++"]}) == {"j5", "j6"}
    assert id_set(jobs, terms={"skills": ["java"], "city": ["北京"]}) == {"j1"}
    assert id_set(jobs, terms={"skills": ["java"], "city": ["深圳"]}) == set()
    assert id_set(jobs, terms={"city": []}) == set(JOBS)


def test_numeric_ranges_are_inclusive_and_skip_missing_values(jobs: SearchBackend) -> None:
    assert id_set(jobs, ranges={"salary_min": Range(gte=12000, lte=16000)}) == {"j1", "j3", "j5"}
    assert id_set(jobs, ranges={"salary_min": Range(gte=16000)}) == {"j2", "j5"}
    assert id_set(jobs, ranges={"salary_min": Range(lte=0)}) == set()
    assert id_set(jobs, ranges={"rating": Range(gte=4.0)}) == {"j1", "j2", "j5", "j6"}
    assert id_set(jobs, ranges={"rating": Range(gte=3.6, lte=4.1)}) == {"j2", "j3"}


def test_date_ranges_accept_strings_dates_and_datetimes(jobs: SearchBackend) -> None:
    in_april = {"published_at": Range(gte="2024-04-01", lte=date(2024, 5, 1))}
    assert id_set(jobs, ranges=in_april) == {"j2", "j5"}
    # j1 was published at 09:00 in Beijing, 01:00 UTC.
    from_j1 = {"published_at": Range(gte=datetime(2024, 3, 1, 1, 0, tzinfo=UTC))}
    assert id_set(jobs, ranges=from_j1) == {"j1", "j2", "j3", "j5"}
    just_after_j1 = {"published_at": Range(gte="2024-03-01T01:00:00.001Z")}
    assert id_set(jobs, ranges=just_after_j1) == {"j2", "j3", "j5"}


def test_text_and_filters_combine(jobs: SearchBackend) -> None:
    query = {"text": "工程师", "terms": {"city": ["北京"]}, "ranges": {"rating": Range(gte=4.3)}}
    assert ids(jobs, **query) == ["j1"]


# --------------------------------------------------------------------------- facets


def test_facet_counts_over_the_whole_result(jobs: SearchBackend) -> None:
    page = jobs.search(SPEC.name, SearchQuery(size=1, facets=["city", "skills", "degree"]))

    counts = {field: [(f.value, f.count) for f in values] for field, values in page.facets.items()}
    assert counts == {
        "city": [("北京", 2), ("上海", 1), ("广州", 1), ("成都", 1), ("杭州", 1), ("深圳", 1)],
        "skills": [
            ("java", 2),
            ("python", 2),
            ("c++", 1),
            ("mysql", 1),
            ("react", 1),
            ("spring", 1),
            ("sql", 1),
            ("typescript", 1),
            ("测试", 1),
            ("营销", 1),
        ],
        "degree": [("本科", 5), ("大专", 1), ("硕士", 1)],
    }


def test_facets_follow_text_and_filters_and_size(jobs: SearchBackend) -> None:
    page = jobs.search(
        SPEC.name,
        SearchQuery(text="工程师", terms={"degree": ["本科"]}, facets=["city"], facet_size=2),
    )

    assert page.total == 5
    assert [(f.value, f.count) for f in page.facets["city"]] == [("北京", 2), ("上海", 1)]


# --------------------------------------------------------------------------- sorting


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ([SortField("salary_min")], ["j4", "j7", "j3", "j1", "j5", "j2", "j6"]),
        ([SortField("salary_min", descending=True)], ["j2", "j5", "j1", "j3", "j7", "j4", "j6"]),
        ([SortField("rating", descending=True)], ["j6", "j1", "j5", "j2", "j3", "j7", "j4"]),
        ([SortField("published_at", descending=True)], ["j3", "j5", "j2", "j1", "j4", "j7", "j6"]),
        ([SortField("published_at")], ["j7", "j4", "j1", "j2", "j5", "j3", "j6"]),
        ([SortField("city")], ["j2", "j1", "j5", "j4", "j6", "j7", "j3"]),
        ([SortField("skills")], ["j6", "j1", "j2", "j3", "j7", "j5", "j4"]),
        ([SortField("skills", descending=True)], ["j4", "j7", "j5", "j3", "j2", "j1", "j6"]),
        (
            [SortField("degree"), SortField("salary_min", descending=True)],
            ["j4", "j2", "j5", "j1", "j7", "j6", "j3"],
        ),
    ],
)
def test_sort_by_fields(jobs: SearchBackend, sort: list[SortField], expected: list[str]) -> None:
    assert ids(jobs, sort=sort) == expected


def test_relevance_without_text_orders_by_id(jobs: SearchBackend) -> None:
    assert ids(jobs) == sorted(JOBS)


def test_relevance_then_field(jobs: SearchBackend) -> None:
    sort = [SortField(SCORE_FIELD, descending=True), SortField("salary_min")]
    assert ids(jobs, text="java", sort=sort) == ["j2", "j1"]


# --------------------------------------------------------------------------- pagination


def _many_jobs(count: int) -> Iterator[tuple[str, dict[str, Any]]]:
    cities = ["北京", "上海", "广州", "深圳", "杭州"]
    titles = ["软件工程师", "Java开发工程师", "测试工程师", "数据工程师"]
    for number in range(count):
        doc: dict[str, Any] = {
            "title": titles[number % len(titles)],
            "description": "工程师 " * (1 + number % 3),
            "city": cities[number % len(cities)],
            "skills": ["java", "python"][: 1 + number % 2],
        }
        if number % 7:
            doc["salary_min"] = 10000 + 1000 * (number % 6)
        if number % 5:
            doc["rating"] = 3.0 + (number % 4) / 2
        doc["published_at"] = f"2024-0{1 + number % 9}-1{number % 10}"
        yield f"m{number:03d}", doc


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(size=10),
        SearchQuery(text="工程师", size=10),
        SearchQuery(text="工程师", size=10, sort=[SortField("salary_min")]),
        SearchQuery(size=10, sort=[SortField("salary_min", descending=True)]),
        SearchQuery(size=10, sort=[SortField("rating"), SortField("city", descending=True)]),
        SearchQuery(size=10, sort=[SortField("skills", descending=True)]),
        SearchQuery(size=10, sort=[SortField("published_at")]),
        SearchQuery(size=7, text="工程师", terms={"city": ["北京", "上海"]}),
    ],
    ids=lambda query: f"{query.text or 'all'}-{'+'.join(s.field for s in query.sort)}",
)
def test_search_after_walks_every_hit_exactly_once(
    backend: SearchBackend, query: SearchQuery
) -> None:
    backend.ensure_index(SPEC)
    assert backend.bulk_index(SPEC.name, _many_jobs(95)) == 95
    backend.refresh(SPEC.name)
    everything = backend.search(SPEC.name, replace(query, size=100))

    walked: list[str] = []
    pages = 0
    cursor: str | None = None
    while True:
        page = backend.search(SPEC.name, replace(query, search_after=cursor))
        pages += 1
        assert page.total == everything.total
        walked.extend(hit.id for hit in page.hits)
        if page.next_cursor is None:
            break
        assert len(page.hits) == query.size
        cursor = page.next_cursor

    assert walked == [hit.id for hit in everything.hits]
    assert len(walked) == len(set(walked)) == everything.total
    assert pages == -(-everything.total // query.size)
    if not query.terms:
        assert everything.total == 95


def test_total_counts_every_match_not_just_the_page(jobs: SearchBackend) -> None:
    page = jobs.search(SPEC.name, SearchQuery(text="工程师", size=2))

    assert page.total == 5
    assert len(page.hits) == 2
    assert page.next_cursor is not None


# --------------------------------------------------------------------------- highlighting


def test_highlights_wrap_matches_and_escape_html(jobs: SearchBackend) -> None:
    page = jobs.search(
        SPEC.name, SearchQuery(text="开发", terms={"city": ["上海"]}, highlight=True)
    )

    [hit] = page.hits
    assert hit.highlights == {
        "title": ["Java<em>开发</em>工程师"],
        "description": ["参与电商平台 &lt;核心&gt; 系统 &amp; 支付模块<em>开发</em>"],
    }


def test_long_text_highlights_are_short_fragments(backend: SearchBackend) -> None:
    backend.ensure_index(SPEC)
    description = "公司简介。" * 40 + "我们招聘嵌入式工程师，负责驱动开发。" + "福利待遇。" * 40
    backend.index(SPEC.name, "long", {"title": "工程师", "description": description})
    backend.refresh(SPEC.name)

    [hit] = backend.search(SPEC.name, SearchQuery(text="嵌入式", highlight=True)).hits

    [fragment] = hit.highlights["description"]
    assert "<em>嵌入式</em>" in fragment
    assert len(fragment.replace("<em>", "").replace("</em>", "")) <= 80
    assert "title" not in hit.highlights


# --------------------------------------------------------------------------- suggestions


def test_suggestions_complete_prefixes_most_frequent_first(jobs: SearchBackend) -> None:
    extra = {
        "s1": {"title": "软件测试工程师"},
        "s2": {"title": "软件测试工程师"},
        "s3": {"title": "软件实施顾问"},
    }
    jobs.bulk_index(SPEC.name, extra.items())
    jobs.refresh(SPEC.name)

    assert jobs.suggest(SPEC.name, "title", "软件") == [
        "软件测试工程师",
        "软件实施顾问",
        "软件工程师",
    ]
    assert jobs.suggest(SPEC.name, "title", "软件", size=1) == ["软件测试工程师"]
    assert jobs.suggest(SPEC.name, "title", "JAVA") == ["Java开发工程师"]
    assert jobs.suggest(SPEC.name, "employer_name", "北京") == ["北京星河科技有限公司"]
    assert jobs.suggest(SPEC.name, "title", "会计") == []
    assert jobs.suggest(SPEC.name, "title", "  ") == []


def test_suggest_rejects_fields_that_are_not_suggest_fields(jobs: SearchBackend) -> None:
    with pytest.raises(SearchQueryError):
        jobs.suggest(SPEC.name, "description", "负责")
    with pytest.raises(SearchQueryError):
        jobs.suggest(SPEC.name, "title", "软件", size=0)


# --------------------------------------------------------------------------- bad input


def _forged_cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    ["", "not a cursor", "!!!!", _forged_cursor([1, 2]), _forged_cursor({"k": "x", "v": []})],
)
def test_invalid_cursor_is_a_client_error(jobs: SearchBackend, cursor: str) -> None:
    with pytest.raises(InvalidSearchCursor) as caught:
        jobs.search(SPEC.name, SearchQuery(search_after=cursor))

    assert isinstance(caught.value, ValidationFailed)
    assert caught.value.status_code == 422
    assert caught.value.code == "invalid_search_cursor"


def test_cursor_from_another_sort_is_rejected(jobs: SearchBackend) -> None:
    first = jobs.search(SPEC.name, SearchQuery(size=2, sort=[SortField("salary_min")]))
    assert first.next_cursor is not None

    with pytest.raises(InvalidSearchCursor):
        jobs.search(SPEC.name, SearchQuery(size=2, search_after=first.next_cursor))


def test_cursor_with_values_of_the_wrong_type_is_rejected(jobs: SearchBackend) -> None:
    first = jobs.search(SPEC.name, SearchQuery(size=2, sort=[SortField("salary_min")]))
    assert first.next_cursor is not None
    padded = first.next_cursor + "=" * (-len(first.next_cursor) % 4)
    payload = json.loads(base64.urlsafe_b64decode(padded))
    payload["v"][0] = "eight thousand"

    with pytest.raises(InvalidSearchCursor):
        jobs.search(
            SPEC.name,
            SearchQuery(
                size=2, sort=[SortField("salary_min")], search_after=_forged_cursor(payload)
            ),
        )


@pytest.mark.parametrize(
    "query",
    [
        {"terms": {"title": ["软件"]}},
        {"terms": {"unknown": ["x"]}},
        {"ranges": {"city": Range(gte=1)}},
        {"ranges": {"salary_min": Range(gte="a lot")}},
        {"ranges": {"published_at": Range(gte="yesterday")}},
        {"facets": ["salary_min"]},
        {"sort": [SortField("description")]},
        {"size": 0},
        {"size": 101},
        {"text": "长" * 300},
    ],
)
def test_bad_queries_are_client_errors(jobs: SearchBackend, query: dict[str, Any]) -> None:
    with pytest.raises(SearchQueryError):
        jobs.search(SPEC.name, SearchQuery(**query))


def test_unknown_index_is_not_found(backend: SearchBackend) -> None:
    with pytest.raises(SearchIndexNotFound):
        backend.search("nowhere", SearchQuery())
    with pytest.raises(SearchIndexNotFound):
        backend.index("nowhere", "1", {"title": "x"})
    with pytest.raises(SearchIndexNotFound):
        backend.count("nowhere")


# --------------------------------------------------------------------------- index lifecycle


def test_ensure_index_is_idempotent_and_refuses_a_changed_spec(jobs: SearchBackend) -> None:
    jobs.ensure_index(SPEC)
    assert jobs.count(SPEC.name) == 7

    changed = IndexSpec(name=SPEC.name, text_fields={"title": 1.0})
    with pytest.raises(SearchIndexConflict):
        jobs.ensure_index(changed)


def test_drop_index_removes_everything(jobs: SearchBackend) -> None:
    jobs.drop_index(SPEC.name)
    jobs.drop_index(SPEC.name)

    with pytest.raises(SearchIndexNotFound):
        jobs.count(SPEC.name)
    jobs.ensure_index(SPEC)
    assert jobs.count(SPEC.name) == 0


def test_a_write_racing_a_drop_does_not_recreate_the_index(
    jobs: SearchBackend, make_backend: BackendFactory
) -> None:
    rebuilder = make_backend()  # say, another process rebuilding the index
    rebuilder.drop_index(SPEC.name)

    with pytest.raises(SearchIndexNotFound):
        jobs.index(SPEC.name, "late", {"title": "迟到的工程师"})
    with pytest.raises(SearchIndexNotFound):
        jobs.bulk_index(SPEC.name, [("late", {"title": "迟到的工程师"})])
    rebuilder.ensure_index(SPEC)
    assert rebuilder.count(SPEC.name) == 0
    assert jobs.count(SPEC.name) == 0


def test_server_info_and_ping(backend: SearchBackend) -> None:
    info = backend.server_info()

    assert info.kind in {"embedded-sqlite-fts5", "elasticsearch"}
    assert info.version[0].isdigit()
    assert backend.ping() is True
