"""Registry adapters: the HTTP adapter against a real local server (pages, 503 then success,
timeouts, broken bodies), and the local adapter against imported records."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jobs_api.core.container import Container
from jobs_api.core.pii import PiiVault
from jobs_api.registry.adapters import (
    HttpRegistryAdapter,
    LocalRegistryAdapter,
    RegistryAdapter,
    RegistryRecord,
)
from jobs_api.registry.errors import RegistryResponseInvalid, RegistryServiceUnavailable
from jobs_api.registry.runner import RunReport
from tests.factories.registry import make_id_number, registry_row, write_csv
from tests.registry.conftest import Campus
from tests.registry.registry_service import API_KEY, Scenario, serve


def wire_record(n: int, *, university_code: str = "10335", year: int = 2026) -> dict[str, Any]:
    male = n % 2 == 0
    return {
        "id_number": make_id_number(n, male=male),
        "name": "张伟" if male else "王芳",
        "gender": "男" if male else "女",
        "university_code": university_code,
        "student_number": f"S{n:06d}",
        "major_code": "080902",
        "degree_level": "bachelor",
        "enrollment_date": f"{year - 4}-09-01",
        "expected_graduation_date": f"{year}-06-30",
        "status": "在籍",
    }


@pytest.fixture(scope="module")
def service() -> Iterator[tuple[str, Scenario]]:
    scenario = Scenario()
    with serve(scenario) as url:
        yield url, scenario


@pytest.fixture
def scenario(service: tuple[str, Scenario]) -> Scenario:
    _, current = service
    current.reset(
        [wire_record(n) for n in range(1, 8)]
        + [wire_record(50, university_code="10284"), wire_record(60, year=2025)]
    )
    return current


@pytest.fixture
def pauses() -> list[float]:
    """The back-off pauses the adapter asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def adapter(service: tuple[str, Scenario], pauses: list[float]) -> Iterator[HttpRegistryAdapter]:
    url, _ = service
    client = HttpRegistryAdapter(
        url, API_KEY, timeout=0.5, max_attempts=3, backoff_seconds=0.01, page_size=3,
        sleep=pauses.append,
    )  # fmt: skip
    yield client
    client.close()


def test_lookup_finds_a_person_by_id_number_and_name(
    adapter: HttpRegistryAdapter, scenario: Scenario
) -> None:
    known = scenario.records[1]
    found = adapter.lookup(known["id_number"].lower(), f" {known['name']} ")
    assert isinstance(found, RegistryRecord)
    assert (found.student_number, found.degree_level, found.graduation_year) == (
        "S000002",
        "bachelor",
        2026,
    )
    assert found.enrollment_date == date(2022, 9, 1)
    assert known["id_number"] not in repr(found)
    assert adapter.lookup(known["id_number"], "李四") is None
    # The ID number travels in the body only: no URL the server saw holds it.
    assert all(known["id_number"] not in call for call in scenario.calls)


def test_cohort_is_fetched_page_by_page(adapter: HttpRegistryAdapter, scenario: Scenario) -> None:
    members = list(adapter.fetch_cohort("10335", 2026))
    assert [m.student_number for m in members] == [f"S{n:06d}" for n in range(1, 8)]
    assert len(scenario.calls) == 3  # 7 records, pages of 3
    assert list(adapter.fetch_cohort("10335", 2019)) == []


def test_a_503_then_success_is_retried_with_back_off(
    adapter: HttpRegistryAdapter, scenario: Scenario, pauses: list[float]
) -> None:
    scenario.failures_left = 2
    members = list(adapter.fetch_cohort("10335", 2026))
    assert len(members) == 7
    assert pauses == [0.01, 0.02]  # exponential
    assert scenario.calls.count("GET /v1/cohorts/10335/2026/students") == 5  # 2 failed + 3 pages


def test_a_429_is_retried_after_the_time_it_asks_for(
    adapter: HttpRegistryAdapter, scenario: Scenario, pauses: list[float]
) -> None:
    scenario.failures_left, scenario.fail_with, scenario.retry_after = 1, 429, "2"
    assert adapter.lookup(scenario.records[0]["id_number"], scenario.records[0]["name"])
    assert pauses == [2.0]


def test_persistent_5xx_becomes_service_unavailable(
    adapter: HttpRegistryAdapter, scenario: Scenario, caplog: pytest.LogCaptureFixture
) -> None:
    scenario.failures_left = 10
    person = scenario.records[0]
    with caplog.at_level(logging.WARNING), pytest.raises(RegistryServiceUnavailable) as caught:
        adapter.lookup(person["id_number"], person["name"])
    assert caught.value.status_code == 503
    assert caught.value.code == "registry_service_unavailable"
    assert len(scenario.calls) == 3
    assert person["id_number"] not in caplog.text


def test_a_timeout_is_retried_then_succeeds(
    adapter: HttpRegistryAdapter, scenario: Scenario
) -> None:
    scenario.slow_seconds, scenario.slow_left = 1.5, 1  # the client gives up after 0.5 s
    person = scenario.records[3]
    found = adapter.lookup(person["id_number"], person["name"])
    assert found is not None and found.student_number == person["student_number"]


def test_timeouts_throughout_become_service_unavailable(
    adapter: HttpRegistryAdapter, scenario: Scenario
) -> None:
    scenario.slow_seconds, scenario.slow_left = 1.5, 3
    with pytest.raises(RegistryServiceUnavailable, match="timeout"):
        list(adapter.fetch_cohort("10335", 2026))


def test_connection_refused_becomes_service_unavailable() -> None:
    with (
        HttpRegistryAdapter(
            "http://127.0.0.1:9", API_KEY, timeout=0.5, backoff_seconds=0.0, sleep=lambda _: None
        ) as unreachable,
        pytest.raises(RegistryServiceUnavailable),
    ):
        unreachable.lookup(make_id_number(1), "张伟")


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"items": "nope", "next_page_token": null}',
        b'{"items": [{"id_number": "330106200301011230"}], "next_page_token": null}',
    ],
)
def test_malformed_bodies_are_refused(
    adapter: HttpRegistryAdapter, scenario: Scenario, body: bytes
) -> None:
    scenario.broken_body = body
    with pytest.raises(RegistryResponseInvalid) as caught:
        list(adapter.fetch_cohort("10335", 2026))
    assert caught.value.status_code == 502
    assert "330106200301011230" not in caught.value.message


def test_contract_breaches_in_well_formed_bodies_are_refused(
    adapter: HttpRegistryAdapter, scenario: Scenario
) -> None:
    bad_check = dict(scenario.records[0], id_number=scenario.records[0]["id_number"][:17] + "0")
    if bad_check["id_number"] == scenario.records[0]["id_number"]:
        bad_check["id_number"] = bad_check["id_number"][:17] + "1"
    wrong_type = dict(scenario.records[1], enrollment_date=20220901)
    for record in (bad_check, wrong_type, dict(scenario.records[2], status="休学")):
        scenario.records = [record]
        with pytest.raises(RegistryResponseInvalid):
            list(adapter.fetch_cohort("10335", 2026))


def test_a_repeating_page_token_is_refused(
    adapter: HttpRegistryAdapter, scenario: Scenario
) -> None:
    scenario.repeat_token = True
    with pytest.raises(RegistryResponseInvalid, match="repeated"):
        list(adapter.fetch_cohort("10335", 2026))


def test_refused_credentials(service: tuple[str, Scenario], scenario: Scenario) -> None:
    url, _ = service
    with HttpRegistryAdapter(url, "wrong-key", sleep=lambda _: None) as client:
        with pytest.raises(RegistryServiceUnavailable) as caught:
            client.lookup(make_id_number(1), "张伟")
        assert caught.value.code == "registry_service_credentials_refused"
        assert len(scenario.calls) == 1  # not retried


# --- our own table -------------------------------------------------------------------------


def test_local_adapter_reads_imported_records(
    tmp_path: Path,
    stage: Callable[..., int],
    run: Callable[..., RunReport],
    campus: Campus,
    container: Container,
    vault: PiiVault,
) -> None:
    rows = [registry_row(n) for n in range(1, 5)]
    rows[1]["姓名"] = "阿依古丽·买买提"
    rows[3]["预计毕业日期"] = "2027-06-30"
    rows[3]["入学日期"] = "2023-09-01"
    run(stage(write_csv(tmp_path / "x.csv", rows)))
    adapter: RegistryAdapter = LocalRegistryAdapter(container.session_factory, vault)

    found = adapter.lookup(rows[1]["身份证号"], rows[1]["姓名"])
    assert found is not None
    assert (found.student_number, found.university_code, found.status) == (
        rows[1]["学号"],
        "10335",
        "在籍",
    )
    assert found.id_number == rows[1]["身份证号"]
    assert adapter.lookup(rows[1]["身份证号"], " 阿依古丽•买买提 ") == found  # same name, typed
    assert adapter.lookup(rows[1]["身份证号"], "李四") is None
    assert adapter.lookup(make_id_number(999), rows[1]["姓名"]) is None

    cohort = list(adapter.fetch_cohort("10335", 2026))
    assert [r.student_number for r in cohort] == [rows[i]["学号"] for i in range(3)]
    assert list(adapter.fetch_cohort("10284", 2026)) == []
