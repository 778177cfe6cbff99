"""Every error leaves the service as {"error": {"code", "message", "fields"}} with a 4xx."""

from __future__ import annotations

from fastapi import FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from jobs_api.core.error_handlers import install_error_handlers
from jobs_api.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    ValidationFailed,
    error_responses,
)


class Payload(BaseModel):
    name: str = Field(min_length=1)
    salary_min: int = Field(ge=0)


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/things/{thing_id}", responses=error_responses(404))
    def get_thing(thing_id: int) -> dict[str, int]:
        raise NotFound("没有这个职位", code="job_not_found")

    @app.post("/things", responses=error_responses(409, 422))
    def create_thing(payload: Payload) -> dict[str, str]:
        if payload.name == "dup":
            raise Conflict("already exists", code="thing_exists")
        if payload.name == "bad":
            raise ValidationFailed("salary", fields={"salary_max": "must be ≥ salary_min"})
        return {"name": payload.name}

    @app.get("/search")
    def search(size: int = Query(ge=1, le=100)) -> dict[str, int]:
        return {"size": size}

    @app.get("/integrity")
    def integrity() -> None:
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals 110101199003071234")

    return app


client = TestClient(_app(), raise_server_exceptions=False)


def test_domain_error_renders_code_message_and_status() -> None:
    response = client.get("/things/7")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "job_not_found", "message": "没有这个职位", "fields": {}}
    }


def test_validation_error_lists_fields() -> None:
    response = client.post("/things", json={"name": "", "salary_min": -1})
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "validation_failed"
    assert set(body["fields"]) == {"name", "salary_min"}


def test_malformed_json_body_is_a_4xx() -> None:
    response = client.post(
        "/things", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"


def test_domain_validation_with_fields() -> None:
    response = client.post("/things", json={"name": "bad", "salary_min": 1})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"salary_max": "must be ≥ salary_min"}


def test_conflict_and_integrity_error_are_409() -> None:
    assert client.post("/things", json={"name": "dup", "salary_min": 1}).status_code == 409
    response = client.get("/integrity")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "duplicate key" not in response.text


def test_query_parameter_out_of_range() -> None:
    response = client.get("/search", params={"size": 1000})
    assert response.status_code == 422
    assert "size" in response.json()["error"]["fields"]
    assert client.get("/search", params={"size": "ten"}).status_code == 422


def test_unknown_route_and_wrong_method() -> None:
    missing = client.get("/nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong = client.delete("/things/1")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


def test_unexpected_error_hides_internals() -> None:
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "110101" not in response.text


def test_error_responses_are_listed_in_openapi() -> None:
    spec = client.get("/openapi.json").json()
    responses = spec["paths"]["/things"]["post"]["responses"]
    assert responses["409"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorResponse"
    )
    assert "ErrorResponse" in spec["components"]["schemas"]


def test_domain_error_status_override() -> None:
    err = DomainError("gone", code="job_closed", status=410)
    assert (err.status_code, err.code) == (410, "job_closed")
