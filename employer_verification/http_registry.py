"""The national enterprise credit service over HTTP.

Contract (JSON, UTF-8, ``Authorization: Bearer <api key>``)::

    GET {base}/v1/enterprises/{uscc}
        -> 200 {"record": Record | null}
    GET {base}/v1/enterprises?region={6-digit region}&page_size=N[&page_token=T]
        -> 200 {"items": [Record, ...], "next_page_token": "T2" | null}

Record: ``uscc`` (a valid credit code), ``name``, ``status`` (存续|在业|吊销|注销|经营异常),
``legal_representative``, ``registered_capital`` (text as registered),
``established_on`` (YYYY-MM-DD or null).

Timeouts, connection errors, 429 and 5xx are retried with exponential back-off (honouring
``Retry-After``); when the attempts are spent the call raises
:class:`EnterpriseRegistryUnavailable`. A body that breaks the contract — not JSON, wrong shape
or types (pydantic, strict), an invalid credit code, a record for another code, a repeating
page token — raises :class:`EnterpriseRegistryResponseInvalid`. Refused credentials (401/403)
count as unavailable: nothing the employer did is wrong.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, Final, Literal, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from employer_verification import uscc as uscc_rules
from employer_verification.enterprise_registry import EnterpriseRecord
from employer_verification.errors import (
    EnterpriseRegistryResponseInvalid,
    EnterpriseRegistryUnavailable,
)

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF_SECONDS: Final = 8.0
MAX_PAGES: Final = 100_000


class _Wire(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class RecordWire(_Wire):
    uscc: str = Field(min_length=18, max_length=18)
    name: str = Field(min_length=1, max_length=200)
    status: Literal["存续", "在业", "吊销", "注销", "经营异常"]
    legal_representative: str = Field(default="", max_length=64)
    registered_capital: str = Field(default="", max_length=64)
    established_on: date | None = None

    @field_validator("uscc")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        if uscc_rules.parse(value) is None:
            raise ValueError("not a valid credit code")
        return value

    def record(self) -> EnterpriseRecord:
        return EnterpriseRecord(**self.model_dump())


class LookupWire(_Wire):
    record: RecordWire | None


class PageWire(_Wire):
    items: list[RecordWire]
    next_page_token: str | None = None


class HttpEnterpriseRegistry:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: float = 5.0,
        *,
        max_attempts: int = 3,
        backoff_seconds: float = 0.5,
        page_size: int = 500,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        )
        self._max_attempts = max(1, max_attempts)
        self._backoff = backoff_seconds
        self._page_size = page_size
        self._sleep = sleep

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpEnterpriseRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, uscc: str) -> EnterpriseRecord | None:
        code = uscc_rules.compact(uscc)
        if uscc_rules.format_problem(code) is not None:
            return None  # not a code the service could know; never put junk into the URL
        found = _parse(LookupWire, self._call("GET", f"/v1/enterprises/{code}"))
        if found.record is None:
            return None
        if found.record.uscc != code:
            raise EnterpriseRegistryResponseInvalid(
                "企业信用服务返回了其他代码的记录 (record of another credit code)"
            )
        return found.record.record()

    def iter_region(self, region_code: str) -> Iterator[EnterpriseRecord]:
        """Every enterprise registered in a region, page by page (to mirror it locally)."""
        token: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"region": region_code, "page_size": self._page_size}
            if token is not None:
                params["page_token"] = token
            page = _parse(PageWire, self._call("GET", "/v1/enterprises", params=params))
            for item in page.items:
                if item.uscc[2:8] != region_code:
                    raise EnterpriseRegistryResponseInvalid(
                        "企业信用服务返回了其他地区的记录 (record of another region)"
                    )
                yield item.record()
            token = page.next_page_token
            if token is None:
                return
            if token in seen:
                raise EnterpriseRegistryResponseInvalid(
                    "企业信用服务分页标记重复 (page token repeated)"
                )
            seen.add(token)
        raise EnterpriseRegistryResponseInvalid("企业信用服务分页过多 (too many pages)")

    def _call(self, method: str, path: str, **kwargs: Any) -> bytes:
        """The body of a 200 response; retries what can be retried and maps the rest."""
        problem = "unknown"
        for attempt in range(1, self._max_attempts + 1):
            delay = self._backoff * 2 ** (attempt - 1)
            try:
                response = self._client.request(method, path, **kwargs)
            except httpx.TimeoutException:
                problem = "timeout"
            except httpx.TransportError as exc:
                problem = type(exc).__name__
            else:
                if response.status_code == 200:
                    if "json" not in response.headers.get("content-type", ""):
                        raise EnterpriseRegistryResponseInvalid(
                            "企业信用服务返回的不是 JSON (response is not JSON)"
                        )
                    return response.content
                if response.status_code in (401, 403):
                    raise EnterpriseRegistryUnavailable(
                        "企业信用服务拒绝了本平台的凭据，请联系管理员 (credentials refused)",
                        code="enterprise_registry_credentials_refused",
                    )
                if response.status_code not in RETRY_STATUSES:
                    raise EnterpriseRegistryResponseInvalid(
                        f"企业信用服务返回了意外的状态码 {response.status_code} (unexpected status)"
                    )
                problem = f"HTTP {response.status_code}"
                delay = max(delay, _retry_after(response))
            log.warning(
                "enterprise registry %s %s: %s (attempt %s of %s)",
                method,
                path,
                problem,
                attempt,
                self._max_attempts,
            )
            if attempt < self._max_attempts:
                self._sleep(min(delay, MAX_BACKOFF_SECONDS))
        raise EnterpriseRegistryUnavailable(
            f"企业信用服务暂时不可用，请稍后重试 (enterprise registry unavailable: {problem})"
        )


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else 0.0


def _parse(model: type[M], body: bytes) -> M:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['type']}"
            for error in exc.errors(include_input=False)[:5]
        )
        raise EnterpriseRegistryResponseInvalid(
            f"企业信用服务的响应不符合约定 (response breaks the contract: {where})"
        ) from None
