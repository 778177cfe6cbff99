"""The HTTP enterprise registry adapter against a real local server: lookups, pages, retries
with back-off, malformed bodies, timeouts; and that an unreachable or broken service makes a
case go to review, never to automatic verification."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from employer_verification.automatic import verify_registered
from employer_verification.errors import (
    EnterpriseRegistryResponseInvalid,
    EnterpriseRegistryUnavailable,
)
from employer_verification.http_registry import HttpEnterpriseRegistry
from employer_verification.models import CaseState
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from tests.employer_verification.credit_service import API_KEY, Scenario, serve
from tests.factories.verification import local_verifier, make_applicant, valid_uscc

CODES = [valid_uscc("330106") for _ in range(7)] + [valid_uscc("320102")]


def wire(code: str, name: str = "杭州云帆网络科技有限公司", status: str = "存续") -> dict[str, Any]:
    return {
        "uscc": code,
        "name": name,
        "status": status,
        "legal_representative": "李明",
        "registered_capital": "1000万人民币",
        "established_on": "2015-06-01",
    }


@pytest.fixture(scope="module")
def service() -> Iterator[tuple[str, Scenario]]:
    scenario = Scenario()
    with serve(scenario) as url:
        yield url, scenario


@pytest.fixture
def scenario(service: tuple[str, Scenario]) -> Scenario:
    _, current = service
    current.reset([wire(code, f"测试企业{i}有限公司") for i, code in enumerate(CODES)])
    return current


@pytest.fixture
def pauses() -> list[float]:
    return []


@pytest.fixture
def adapter(service: tuple[str, Scenario], pauses: list[float]) -> Iterator[HttpEnterpriseRegistry]:
    url, _ = service
    client = HttpEnterpriseRegistry(
        url, API_KEY, timeout=0.5, max_attempts=3, backoff_seconds=0.01, page_size=3,
        sleep=pauses.append,
    )  # fmt: skip
    yield client
    client.close()


def test_lookup_by_code(adapter: HttpEnterpriseRegistry, scenario: Scenario) -> None:
    found = adapter.lookup(CODES[1].lower())
    assert found is not None
    assert (found.name, found.status, found.legal_representative) == (
        "测试企业1有限公司",
        "存续",
        "李明",
    )
    assert found.established_on is not None and found.established_on.year == 2015
    assert adapter.lookup(valid_uscc()) is None
    assert adapter.lookup("not-a-code") is None  # never sent
    assert len(scenario.calls) == 2


def test_region_is_fetched_page_by_page(
    adapter: HttpEnterpriseRegistry, scenario: Scenario
) -> None:
    records = list(adapter.iter_region("330106"))
    assert [r.uscc for r in records] == CODES[:7]
    assert scenario.calls.count("GET /v1/enterprises") == 3  # 7 records, pages of 3


def test_a_repeating_page_token_is_refused(
    adapter: HttpEnterpriseRegistry, scenario: Scenario
) -> None:
    scenario.repeat_token = True
    with pytest.raises(EnterpriseRegistryResponseInvalid, match="repeated"):
        list(adapter.iter_region("330106"))


def test_5xx_then_success_is_retried_with_back_off(
    adapter: HttpEnterpriseRegistry, scenario: Scenario, pauses: list[float]
) -> None:
    scenario.failures_left = 2
    assert adapter.lookup(CODES[0]) is not None
    assert pauses == [0.01, 0.02]
    assert len(scenario.calls) == 3


def test_429_waits_as_asked(
    adapter: HttpEnterpriseRegistry, scenario: Scenario, pauses: list[float]
) -> None:
    scenario.failures_left, scenario.fail_with, scenario.retry_after = 1, 429, "3"
    assert adapter.lookup(CODES[0]) is not None
    assert pauses == [3.0]


def test_persistent_5xx_is_unavailable(adapter: HttpEnterpriseRegistry, scenario: Scenario) -> None:
    scenario.failures_left = 10
    with pytest.raises(EnterpriseRegistryUnavailable) as caught:
        adapter.lookup(CODES[0])
    assert caught.value.status_code == 503
    assert len(scenario.calls) == 3


def test_timeouts_are_retried_then_unavailable(
    adapter: HttpEnterpriseRegistry, scenario: Scenario
) -> None:
    scenario.slow_seconds, scenario.slow_left = 1.5, 1
    assert adapter.lookup(CODES[2]) is not None  # second attempt answers
    scenario.slow_left = 3
    with pytest.raises(EnterpriseRegistryUnavailable, match="timeout"):
        adapter.lookup(CODES[2])


def test_refused_credentials_are_unavailable(
    service: tuple[str, Scenario], scenario: Scenario
) -> None:
    url, _ = service
    with (
        HttpEnterpriseRegistry(url, "wrong-key", sleep=lambda _: None) as wrong,
        pytest.raises(EnterpriseRegistryUnavailable) as caught,
    ):
        wrong.lookup(CODES[0])
    assert caught.value.code == "enterprise_registry_credentials_refused"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"record": "nope"}',
        json.dumps({"record": {"uscc": "91330106MA2H3K4L00", "name": "x", "status": "存续"}}),
        json.dumps({"record": {"uscc": "%s", "name": "x", "status": "停业"}}),
        json.dumps({"record": {"uscc": "%s", "name": "x", "status": "存续", "established_on": 1}}),
    ],
)
def test_malformed_bodies_are_refused(
    adapter: HttpEnterpriseRegistry, scenario: Scenario, body: bytes | str
) -> None:
    raw = body.encode() if isinstance(body, str) else body
    scenario.broken_body = raw.replace(b"%s", CODES[0].encode())
    with pytest.raises(EnterpriseRegistryResponseInvalid) as caught:
        adapter.lookup(CODES[0])
    assert caught.value.status_code == 502


def test_a_record_for_another_code_is_refused(
    adapter: HttpEnterpriseRegistry, scenario: Scenario
) -> None:
    scenario.broken_body = json.dumps({"record": wire(CODES[1])}).encode()
    with pytest.raises(EnterpriseRegistryResponseInvalid, match="another credit code"):
        adapter.lookup(CODES[0])


@pytest.mark.parametrize("trouble", ["timeout", "5xx", "malformed", "unreachable"])
def test_registry_trouble_sends_the_case_to_review(
    platform_with_reference: Container,
    service: tuple[str, Scenario],
    scenario: Scenario,
    trouble: str,
) -> None:
    url, _ = service
    code = valid_uscc("330106")
    scenario.records.append(wire(code))  # the service knows a perfect match ...
    if trouble == "timeout":
        scenario.slow_seconds, scenario.slow_left = 1.5, 5
    elif trouble == "5xx":
        scenario.failures_left = 5
    elif trouble == "malformed":
        scenario.broken_body = b"<html>maintenance</html>"
    base = "http://127.0.0.1:9" if trouble == "unreachable" else url
    with (
        HttpEnterpriseRegistry(
            base, API_KEY, timeout=0.5, backoff_seconds=0, sleep=lambda _: None
        ) as remote,
        job_session(platform_with_reference.session_factory) as session,
    ):
        employer = make_applicant(session, uscc=code, registry_status=None)
        case = verify_registered(session, local_verifier(session, registry=remote), employer.id)
        assert case is not None
        assert case.state == CaseState.NEEDS_REVIEW  # ... but never auto-verified
        assert "registry_unavailable" in case.reason_codes
        outcomes = {r["check"]: r["outcome"] for r in case.check_results}
        assert outcomes["registry"] == outcomes["name_match"] == "unknown"
    healthy_code = valid_uscc("330106")
    scenario.reset([wire(healthy_code, "杭州星河软件有限公司")])
    with (
        HttpEnterpriseRegistry(url, API_KEY, timeout=0.5, sleep=lambda _: None) as remote,
        job_session(platform_with_reference.session_factory) as session,
    ):
        healthy = make_applicant(
            session, "杭州星河软件有限公司", uscc=healthy_code, registry_status=None
        )
        case = verify_registered(session, local_verifier(session, registry=remote), healthy.id)
        assert case is not None and case.state == CaseState.AUTO_VERIFIED
        assert case.registry_record is not None
        assert case.registry_record["legal_representative"] == "李明"
