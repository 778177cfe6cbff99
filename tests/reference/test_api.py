"""The read-only reference API, through FastAPI's TestClient on a loaded SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.core.db import Base, build_engine, build_session_factory, job_session
from jobs_api.core.deps import get_session
from jobs_api.core.error_handlers import install_error_handlers
from jobs_api.reference.api import router
from jobs_api.reference.service import load_reference

PREFIX = "/api/v1/reference"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path: Path = tmp_path_factory.mktemp("reference-api") / "reference.db"
    engine = build_engine(f"sqlite:///{path}")
    Base.metadata.create_all(
        engine, tables=[t for t in Base.metadata.sorted_tables if t.name.startswith("ref_")]
    )
    factory = build_session_factory(engine)
    with job_session(factory) as session:
        load_reference(session)

    def session_override() -> Iterator[Session]:
        with factory() as session:
            yield session

    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.dependency_overrides[get_session] = session_override
    with TestClient(app) as test_client:
        yield test_client
    engine.dispose()


def test_majors_search_by_code_prefix(client: TestClient) -> None:
    response = client.get(f"{PREFIX}/majors", params={"q": "0809"})
    assert response.status_code == 200
    majors = response.json()
    codes = [m["code"] for m in majors]
    assert codes[:2] == ["080901", "080902"]
    assert all(code.startswith("0809") for code in codes)
    assert majors[0]["name"] == "计算机科学与技术"
    assert majors[0]["category_code"] == "0809"
    assert majors[0]["discipline_code"] == "08"


def test_majors_search_by_name_substring(client: TestClient) -> None:
    response = client.get(f"{PREFIX}/majors", params={"q": "软件"})
    names = {m["name"] for m in response.json()}
    assert {"软件工程", "工程软件"} <= names


def test_majors_filter_by_category_and_limit(client: TestClient) -> None:
    response = client.get(f"{PREFIX}/majors", params={"category": "1002"})
    assert response.json()[0]["code"] == "100201K"
    assert all(m["category_code"] == "1002" for m in response.json())
    limited = client.get(f"{PREFIX}/majors", params={"limit": 5}).json()
    assert [m["code"] for m in limited] == ["010101", "010102", "010103K", "010104T", "020101"]
    everything = client.get(f"{PREFIX}/majors", params={"limit": 1000}).json()
    assert len(everything) == 816


def test_major_wildcards_are_literal(client: TestClient) -> None:
    assert client.get(f"{PREFIX}/majors", params={"q": "%"}).json() == []
    assert client.get(f"{PREFIX}/majors", params={"q": "_"}).json() == []


def test_major_detail(client: TestClient) -> None:
    response = client.get(f"{PREFIX}/majors/080717T")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "人工智能"
    assert body["is_special"] is True and body["is_controlled"] is False
    assert body["category"] == {"code": "0807", "name": "电子信息类", "discipline_code": "08"}
    assert body["discipline"] == {"code": "08", "name": "工学"}
    assert body["year_added"] == 2018
    # lower-case suffix and bare digits find the official code
    assert client.get(f"{PREFIX}/majors/080717t").json()["code"] == "080717T"
    assert client.get(f"{PREFIX}/majors/101101").json()["code"] == "101101K"


def test_unknown_major_is_404_in_the_error_format(client: TestClient) -> None:
    response = client.get(f"{PREFIX}/majors/999999")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "major_not_found"
    assert "999999" in error["message"]


def test_bad_query_parameters_are_422(client: TestClient) -> None:
    assert client.get(f"{PREFIX}/majors", params={"limit": 0}).status_code == 422
    assert client.get(f"{PREFIX}/majors", params={"category": "08"}).status_code == 422
    response = client.get(f"{PREFIX}/regions", params={"level": "county"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"


def test_disciplines_and_categories(client: TestClient) -> None:
    disciplines = client.get(f"{PREFIX}/disciplines").json()
    assert len(disciplines) == 12 and disciplines[7] == {"code": "08", "name": "工学"}
    categories = client.get(f"{PREFIX}/major-categories", params={"discipline": "08"}).json()
    assert len(categories) == 32
    assert {"code": "0809", "name": "计算机类", "discipline_code": "08"} in categories


def test_regions(client: TestClient) -> None:
    provinces = client.get(f"{PREFIX}/regions", params={"level": "province"}).json()
    assert len([p for p in provinces if p["is_mainland"]]) == 31
    jiangsu = client.get(f"{PREFIX}/regions", params={"parent": "320000"}).json()
    assert len(jiangsu) == 13
    suzhou = next(r for r in jiangsu if r["code"] == "320500")
    assert suzhou == {
        "code": "320500",
        "name": "苏州市",
        "short_name": "苏州",
        "level": "prefecture",
        "parent_code": "320000",
        "kind": "city",
        "is_mainland": True,
    }
    beijing = client.get(f"{PREFIX}/regions", params={"parent": "110000"}).json()
    assert [(r["code"], r["name"]) for r in beijing] == [("110100", "北京市")]
    cities = client.get(f"{PREFIX}/regions", params={"level": "prefecture"}).json()
    assert len(cities) >= 330
    assert {"110100", "310100", "500100", "440300"} <= {c["code"] for c in cities}


def test_industries(client: TestClient) -> None:
    sections = client.get(f"{PREFIX}/industries", params={"level": "section"}).json()
    assert len(sections) == 20 and sections[8]["code"] == "I"
    everything = client.get(f"{PREFIX}/industries").json()
    assert [i["code"] for i in everything[:3]] == ["A", "01", "02"]
    assert len(everything) == 117


def test_occupations(client: TestClient) -> None:
    found = client.get(f"{PREFIX}/occupations", params={"q": "软件工程"}).json()
    assert any(o["code"] == "2-02-10-03" and o["is_digital"] for o in found)
    by_code = client.get(f"{PREFIX}/occupations", params={"q": "2-02-10"}).json()
    assert by_code[0]["code"] == "2-02-10-00" and by_code[0]["level"] == 3
    top = client.get(f"{PREFIX}/occupations", params={"level": 1}).json()
    assert [o["code"][0] for o in top] == list("12345678")
    assert len(client.get(f"{PREFIX}/occupations", params={"limit": 500}).json()) == 500
    assert client.get(f"{PREFIX}/occupations", params={"level": 5}).status_code == 422


def test_degree_levels_and_employer_types(client: TestClient) -> None:
    levels = client.get(f"{PREFIX}/degree-levels").json()
    assert [level["code"] for level in levels] == ["junior_college", "bachelor", "master", "doctor"]
    types = client.get(f"{PREFIX}/employer-types").json()
    assert types[0]["code"] == "government_agency" and types[0]["national_code"] == "10"
    assert {"民营企业", "国有企业", "外资企业", "部队", "城镇社区"} <= {t["name_zh"] for t in types}


def test_openapi_declares_error_responses(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    detail = paths[f"{PREFIX}/majors/{{code}}"]["get"]["responses"]
    assert "404" in detail and "200" in detail
    assert f"{PREFIX}/employer-types" in paths
