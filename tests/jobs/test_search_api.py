"""Public job search API: filters, facets, sort, cursor paging, highlight escaping, bad input,
suggestions, the view counter, and the index following the database through the outbox."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.outbox import OutboxEvent, OutboxStatus, handler_registry
from jobs_api.core.search import IndexSpec
from jobs_api.core.search.elastic import ElasticsearchBackend
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.identity.principal import Role
from jobs_api.jobs.listing import record_view
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.jobs.search_index import (
    JOB_INDEX,
    JOB_INDEX_SPEC,
    ensure_current_job_index,
    index_jobs,
)
from jobs_api.jobs.search_service import safe_fragment, salary_text
from jobs_api.wiring import register_event_handlers
from tests.employers.fixtures import Drain, member_of
from tests.factories.identity import make_user, sign_in
from tests.factories.jobs import job_payload, make_employer, make_job

SEARCH = "/api/v1/jobs/search"
SUGGEST = "/api/v1/jobs/suggest"
JOBS = "/api/v1/jobs"


def _job(db: Session, employer: Employer, title: str, **fields: Any) -> Job:
    job = make_job(db, employer, title=title, status=fields.pop("status", JobStatus.PUBLISHED))
    fields.setdefault("skills", [])
    for name, value in fields.items():
        setattr(job, name, value)
    db.flush()
    return job


def _index(db: Session, container: Container, *jobs: Job) -> None:
    db.commit()
    index_jobs(db, container.search, [j.id for j in jobs])


def _ids(api: TestClient, **params: Any) -> list[int]:
    response = api.get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def catalog(db: Session, container: Container) -> dict[str, Job]:
    """Six searchable jobs in three cities and two provinces, plus four that must never show."""
    hz = make_employer(db, name="杭州云帆网络科技有限公司")
    nb = make_employer(
        db, name="宁波海港物流集团", city_code="330200", employer_type_code="state_owned_enterprise"
    )
    nj = make_employer(db, name="南京金陵数据有限公司", city_code="320100")
    pending = make_employer(db, name="待审核科技公司", status=VerificationStatus.SUBMITTED)
    old = utcnow() - timedelta(days=40)
    jobs = {
        "java": _job(
            db,
            hz,
            "Java开发工程师",
            industry_code="65",
            benefits=["五险一金", "双休"],
            occupation_code="2-02-10-03",
        ),
        "python": _job(
            db,
            hz,
            "Python数据工程师",
            salary_min=20000,
            salary_max=30000,
            degree_level="master",
            major_codes=[],
            skills=["Python", "Spark"],
            benefits=["五险一金"],
        ),
        "logistics": _job(
            db,
            nb,
            "物流规划专员",
            industry_code="G",
            salary_min=6000,
            salary_max=8000,
            major_codes=["020101"],
            city_code="330200",
            degree_level="junior_college",
            skills=["Excel"],
            benefits=[],
        ),
        "nanjing": _job(
            db,
            nj,
            "Java后端开发",
            city_code="320100",
            published_at=old,
            salary_min=15000,
            salary_max=22000,
            benefits=["双休"],
        ),
        "today": _job(db, hz, "测试工程师", deadline=china_today()),
        "nodeadline": _job(
            db, nb, "仓储主管", city_code="330200", deadline=None, salary_min=9000, salary_max=12000
        ),
        # never searchable
        "closed": _job(db, hz, "Java架构师", status=JobStatus.CLOSED),
        "draft": _job(db, hz, "Java实习生", status=JobStatus.DRAFT),
        "expired": _job(db, hz, "Java讲师", deadline=china_today() - timedelta(days=1)),
        "unverified": _job(db, pending, "Java运维工程师"),
    }
    _index(db, container, *jobs.values())
    return jobs


def test_keyword_search_finds_only_open_searchable_jobs(
    api: TestClient, catalog: dict[str, Job]
) -> None:
    found = _ids(api, q="java")
    assert set(found) == {catalog["java"].id, catalog["nanjing"].id}
    everything = _ids(api, limit=50)
    assert set(everything) == {
        catalog[k].id for k in ("java", "python", "logistics", "nanjing", "today", "nodeadline")
    }


def test_filters(api: TestClient, catalog: dict[str, Job]) -> None:
    ids = {key: job.id for key, job in catalog.items()}
    zhejiang = {ids[k] for k in ("java", "python", "logistics", "today", "nodeadline")}
    assert set(_ids(api, city="330000")) == zhejiang  # a province: all its cities
    assert set(_ids(api, city="330200")) == {ids["logistics"], ids["nodeadline"]}
    assert set(_ids(api, industry="65")) == {ids["java"]}  # a division
    assert ids["java"] in _ids(api, industry="I") and ids["logistics"] not in _ids(
        api, industry="I"
    )
    assert _ids(api, occupation="2-02-10-03") == [ids["java"]]
    assert _ids(api, degree="master") == [ids["python"]]
    assert set(_ids(api, degree=["master", "junior_college"])) == {ids["python"], ids["logistics"]}
    # 080902 jobs, plus the one open to every major (专业不限); not the economics one
    by_major = set(_ids(api, major="080902"))
    assert ids["python"] in by_major and ids["java"] in by_major
    assert ids["logistics"] not in by_major
    assert set(_ids(api, employer_type="state_owned_enterprise")) == {
        ids["logistics"],
        ids["nodeadline"],
    }
    # salary overlap: a 7k-10k wish meets 6-8k and 9-12k, not 12-18k
    assert set(_ids(api, salary_min=7000, salary_max=10000)) == {
        ids["logistics"],
        ids["nodeadline"],
    }
    assert _ids(api, salary_min=25000) == [ids["python"]]
    assert set(_ids(api, benefits="双休")) == {ids["java"], ids["nanjing"]}
    assert _ids(api, skills="Spark") == [ids["python"]]
    assert ids["nanjing"] not in _ids(api, posted_within=30)
    assert ids["nanjing"] in _ids(api, posted_within=60)
    employer_id = catalog["logistics"].employer_id
    assert set(_ids(api, employer_id=employer_id)) == {ids["logistics"], ids["nodeadline"]}
    assert _ids(api, q="java", city="320100") == [ids["nanjing"]]


def test_facets_count_what_matched_with_names(api: TestClient, catalog: dict[str, Job]) -> None:
    facets = api.get(SEARCH).json()["facets"]
    provinces = {f["value"]: (f["name"], f["count"]) for f in facets["province"]}
    assert provinces == {"330000": ("浙江省", 5), "320000": ("江苏省", 1)}
    cities = {f["value"]: f["count"] for f in facets["city"]}
    assert cities == {"330100": 3, "330200": 2, "320100": 1}
    degrees = {f["value"]: (f["name"], f["count"]) for f in facets["degree"]}
    assert degrees["master"][1] == 1 and degrees["bachelor"][1] == 4
    assert degrees["master"][0]  # a name from the reference table
    types = {f["value"]: f["count"] for f in facets["employer_type"]}
    assert types == {"private_enterprise": 4, "state_owned_enterprise": 2}
    benefits = {f["value"]: f["count"] for f in facets["benefits"]}
    assert benefits == {"五险一金": 2, "双休": 2}
    sections = {f["value"]: f["count"] for f in facets["industry_section"]}
    assert sections == {"I": 5, "G": 1}
    # facets follow the filters
    filtered = api.get(SEARCH, params={"q": "java"}).json()["facets"]
    assert {f["value"]: f["count"] for f in filtered["province"]} == {"330000": 1, "320000": 1}
    assert api.get(SEARCH, params={"facets": "false"}).json()["facets"] is None


def test_sort_orders(api: TestClient, catalog: dict[str, Job]) -> None:
    ids = {key: job.id for key, job in catalog.items()}
    by_salary = _ids(api, sort="salary")
    assert by_salary[0] == ids["python"] and by_salary[1] == ids["nanjing"]
    assert by_salary[-1] == ids["logistics"]
    newest = _ids(api, sort="newest")
    assert newest[-1] == ids["nanjing"]  # published 40 days ago
    page = api.get(SEARCH, params={"q": "java"}).json()
    assert page["sort"] == "relevance"
    assert api.get(SEARCH).json()["sort"] == "newest"  # no words: newest first


def test_cursor_paging_walks_every_result_once(api: TestClient, catalog: dict[str, Job]) -> None:
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 2, "sort": "salary"}
    pages = 0
    while True:
        body = api.get(SEARCH, params=params).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        assert body["total"] == 6
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 6
    assert seen == _ids(api, sort="salary", limit=50)
    # a cursor only fits the sort it came from
    cursor = api.get(SEARCH, params={"limit": 2, "sort": "salary"}).json()["next_cursor"]
    refused = api.get(SEARCH, params={"sort": "newest", "cursor": cursor})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {"cursor": refused.json()["error"]["message"]}
    assert "游标" in refused.json()["error"]["message"]


def test_highlights_are_escaped(api: TestClient, db: Session, container: Container) -> None:
    employer = make_employer(db)
    job = _job(
        db,
        employer,
        "<script>alert(1)</script>Java工程师",
        description="熟悉 Java，<img src=x onerror=alert(1)> 负责 <b>核心</b> 系统。",
    )
    _index(db, container, job)
    item = api.get(SEARCH, params={"q": "java"}).json()["items"][0]
    assert item["title"] == "<script>alert(1)</script>Java工程师"
    assert "<script>" not in item["title_html"] and "&lt;script&gt;" in item["title_html"]
    assert "<em>Java</em>" in item["title_html"]
    assert "<img" not in item["snippet_html"] and "&lt;img" in item["snippet_html"]
    assert "<b>" not in item["snippet_html"]
    assert "<em>Java</em>" in item["snippet_html"]


def test_safe_fragment_and_salary_text() -> None:
    assert safe_fragment("熟悉 <em>Java</em> &amp; Go") == "熟悉 <em>Java</em> &amp; Go"
    assert safe_fragment('<em>x</em><img src="y">') == "x&lt;img src=&quot;y&quot;&gt;"
    assert safe_fragment("<em>x") == "x"
    assert salary_text(12000, 18000, 13) == "12-18K·13薪"
    assert salary_text(6500, 8000, 12) == "6.5-8K"


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"city": "999999"}, "city", "城市代码"),
        ({"city": "杭州"}, "city", "城市代码"),
        ({"industry": "ZZ"}, "industry", "行业代码"),
        ({"occupation": "9-99"}, "occupation", "职业代码"),
        ({"degree": "phd"}, "degree", "学历层次"),
        ({"major": "123"}, "major", "专业代码"),
        ({"employer_type": "startup"}, "employer_type", "单位性质"),
        ({"limit": "51"}, "limit", "每页条数"),
        ({"limit": "abc"}, "limit", "每页条数"),
        ({"salary_min": "9000", "salary_max": "8000"}, "salary_min", "最低月薪"),
        ({"posted_within": "0"}, "posted_within", "发布时间"),
        ({"sort": "popular"}, "sort", "排序方式"),
        ({"cursor": "not-a-cursor"}, "cursor", "游标"),
        ({"q": "软" * 101}, "q", "搜索词过长"),
    ],
)
def test_bad_input_is_a_422_in_chinese(
    api: TestClient, catalog: dict[str, Job], params: dict[str, str], field: str, words: str
) -> None:
    response = api.get(SEARCH, params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_job_search"
    assert field in error["fields"]
    assert words in error["message"]


def test_search_before_anything_is_indexed_is_empty(api: TestClient) -> None:
    body = api.get(SEARCH, params={"q": "java"}).json()
    assert body["total"] == 0 and body["items"] == [] and body["next_cursor"] is None


def test_suggestions(api: TestClient, catalog: dict[str, Job]) -> None:
    response = api.get(SUGGEST, params={"prefix": "java"})
    assert response.status_code == 200
    assert "public" in response.headers["cache-control"]
    body = response.json()
    assert "Java开发工程师" in body["titles"] and "Java后端开发" in body["titles"]
    assert "Java架构师" not in body["titles"]  # closed jobs are not in the index
    assert api.get(SUGGEST, params={"prefix": "宁波"}).json()["employers"] == ["宁波海港物流集团"]
    assert api.get(SUGGEST, params={"prefix": " "}).json() == {"titles": [], "employers": []}
    too_long = api.get(SUGGEST, params={"prefix": "长" * 31})
    assert too_long.status_code == 422 and "prefix" in too_long.json()["error"]["fields"]


def test_views_are_counted_for_readers_but_not_the_employer(
    api: TestClient, db: Session, container: Container
) -> None:
    employer = make_employer(db)
    job = _job(db, employer, "嵌入式工程师", application_count=7)
    draft = _job(db, employer, "嵌入式实习生", status=JobStatus.DRAFT)
    owner = member_of(db, employer.id, container.settings)
    graduate = sign_in(db, make_user(db, Role.GRADUATE, container.settings), container.settings)
    db.commit()
    first = api.get(f"{JOBS}/{job.id}")
    assert first.status_code == 200
    assert first.json()["view_count"] == 1
    assert first.json()["application_count"] == 7
    assert api.get(f"{JOBS}/{job.id}", headers=graduate.headers).json()["view_count"] == 2
    assert api.get(f"{JOBS}/{job.id}", headers=owner.headers).json()["view_count"] == 2
    assert api.get(f"{JOBS}/{draft.id}").status_code == 404
    assert api.get(f"{JOBS}/{draft.id}", headers=owner.headers).json()["view_count"] == 0
    db.expire_all()
    assert db.get_one(Job, job.id).view_count == 2


def test_concurrent_views_lose_no_increment(db: Session, container: Container) -> None:
    employer = make_employer(db)
    job = _job(db, employer, "运维工程师")
    closed = _job(db, employer, "运维主管", status=JobStatus.CLOSED)
    db.commit()
    job_id, closed_id = job.id, closed.id

    def read(times: int) -> None:
        for _ in range(times):
            with job_session(container.session_factory) as session:
                record_view(session, session.get_one(Job, job_id))
                record_view(session, session.get_one(Job, closed_id))

    threads = [threading.Thread(target=read, args=(10,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.expire_all()
    assert db.get_one(Job, job_id).view_count == 40
    assert db.get_one(Job, closed_id).view_count == 0


def test_search_follows_the_employer_through_the_outbox(
    api: TestClient, db: Session, container: Container, outbox: Drain
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    db.commit()
    job_id = api.post(JOBS, json=job_payload(title="量化研究员"), headers=owner.headers).json()[
        "id"
    ]
    assert api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers).status_code == 200
    assert _ids(api, q="量化") == []  # not before the relay delivers
    outbox()
    assert _ids(api, q="量化") == [job_id]

    edited = api.patch(f"{JOBS}/{job_id}", json={"title": "算法研究员"}, headers=owner.headers)
    assert edited.status_code == 200
    outbox()
    assert _ids(api, q="量化") == []
    assert _ids(api, q="算法") == [job_id]

    api.post(f"{JOBS}/{job_id}/close", headers=owner.headers)
    outbox()
    assert _ids(api, q="算法") == []


def test_a_search_outage_delays_the_update(
    api: TestClient, db: Session, container: Container, outbox: Drain
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    db.commit()
    live = container.search
    container.search = ElasticsearchBackend(
        "http://127.0.0.1:1", index_prefix="down", max_retries=0, request_timeout=1
    )
    handler_registry.clear()
    register_event_handlers(handler_registry, container)
    job_id = api.post(JOBS, json=job_payload(title="机械设计师"), headers=owner.headers).json()[
        "id"
    ]
    api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers)
    outbox()
    with container.session_factory() as session:
        pending = [e for e in session.query(OutboxEvent) if e.status != OutboxStatus.DELIVERED]
        assert pending and all(e.attempts >= 1 for e in pending)
        for event in pending:
            event.available_at = utcnow()  # the back-off has passed
        session.commit()
    container.search.close()
    container.search = live
    handler_registry.clear()
    register_event_handlers(handler_registry, container)
    assert _ids(api, q="机械") == []
    outbox()
    assert _ids(api, q="机械") == [job_id]


def test_a_stale_index_is_rebuilt_at_start(
    db: Session, container: Container, client: TestClient
) -> None:
    employer = make_employer(db)
    job = _job(db, employer, "数据库管理员")
    db.commit()
    older = IndexSpec.from_dict(
        {**JOB_INDEX_SPEC.to_dict(), "date_fields": ["published_at", "deadline"]}
    )
    container.search.drop_index(JOB_INDEX)
    container.search.ensure_index(older)
    assert ensure_current_job_index(container.session_factory, container.search) == "rebuilt"
    assert ensure_current_job_index(container.session_factory, container.search) == "current"
    assert _ids(client, q="数据库") == [job.id]
    container.search.drop_index(JOB_INDEX)
    assert ensure_current_job_index(container.session_factory, container.search) == "missing"


def test_search_engine_down_is_a_503(api: TestClient, container: Container) -> None:
    live = container.search
    container.search = ElasticsearchBackend(
        "http://127.0.0.1:1", index_prefix="down", max_retries=0, request_timeout=1
    )
    try:
        response = api.get(SEARCH, params={"q": "java"})
        suggestions = api.get(SUGGEST, params={"prefix": "java"})
    finally:
        container.search.close()
        container.search = live
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "job_search_unavailable"
    assert "搜索服务暂不可用" in response.json()["error"]["message"]
    assert suggestions.status_code == 503
