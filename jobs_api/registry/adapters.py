"""Adapters for the national student-status (学籍学历) service, behind one interface.

:class:`RegistryAdapter` answers two questions: is this person (ID number + name) in the
registry, and who is in a university's graduating cohort. Implementations:

* :class:`LocalRegistryAdapter` — our own ``student_records`` (filled by the imports).
* :class:`HttpRegistryAdapter` — a national service over HTTPS. Contract (JSON, UTF-8,
  ``Authorization: Bearer <api key>``)::

      POST {base}/v1/students/verify        {"id_number": "...", "name": "..."}
           -> 200 {"record": Record | null}
      GET  {base}/v1/cohorts/{university_code}/{graduation_year}/students
                ?page_size=N[&page_token=T]
           -> 200 {"items": [Record, ...], "next_page_token": "T2" | null}

  Record: ``id_number, name, gender (男|女), university_code, student_number, major_code,
  degree_level (junior_college|bachelor|master|doctor), enrollment_date,
  expected_graduation_date (YYYY-MM-DD), status (在籍|毕业|结业|肄业|退学)``.

  Timeouts, connection errors, 429 and 5xx are retried with exponential back-off (honouring
  ``Retry-After``); when the attempts are spent the call raises
  :class:`RegistryServiceUnavailable` (503). A body that breaks the contract — not JSON, wrong
  shape or types (pydantic, strict), an invalid ID number, a record of another cohort, a page
  token that repeats — raises :class:`RegistryResponseInvalid` (502). ID numbers travel only in
  request bodies, never in URLs, and are never logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal, Protocol, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import case, select
from sqlalchemy.orm import Session, sessionmaker
from stdnum.cn import ric

from jobs_api.core.pii import PiiVault, mask_id_number
from jobs_api.registry.errors import RegistryResponseInvalid, RegistryServiceUnavailable
from jobs_api.registry.fields import normalise_name
from jobs_api.registry.models import EnrollmentStatus, StudentRecord
from jobs_api.universities.models import University

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class RegistryRecord:
    """One person's registry facts, as any adapter returns them."""

    id_number: str = field(repr=False)
    name: str
    gender: str
    university_code: str
    student_number: str
    major_code: str
    degree_level: str
    enrollment_date: date
    expected_graduation_date: date
    status: str

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def graduation_year(self) -> int:
        return self.expected_graduation_date.year


class RegistryAdapter(Protocol):
    def lookup(self, id_number: str, name: str) -> RegistryRecord | None:
        """The person's record (an 在籍 one first), or ``None`` when not registered."""
        ...

    def fetch_cohort(self, university_code: str, graduation_year: int) -> Iterator[RegistryRecord]:
        """Every record of a university expected to graduate in ``graduation_year``."""
        ...


# --- our own table -------------------------------------------------------------------------


class LocalRegistryAdapter:
    """The registry as imported into ``student_records``."""

    def __init__(self, session_factory: sessionmaker[Session], vault: PiiVault) -> None:
        self._factory = session_factory
        self._vault = vault

    def _record(self, row: StudentRecord, university_code: str) -> RegistryRecord:
        return RegistryRecord(
            id_number=self._vault.decrypt(row.id_number_cipher),
            name=row.name,
            gender=row.gender,
            university_code=university_code,
            student_number=row.student_number,
            major_code=row.major_code,
            degree_level=row.degree_level,
            enrollment_date=row.enrollment_date,
            expected_graduation_date=row.expected_graduation_date,
            status=row.status,
        )

    def lookup(self, id_number: str, name: str) -> RegistryRecord | None:
        enrolled_first = case((StudentRecord.status == EnrollmentStatus.ENROLLED, 0), else_=1)
        with self._factory() as session:
            found = session.execute(
                select(StudentRecord, University.code)
                .join(University, University.id == StudentRecord.university_id)
                .where(
                    StudentRecord.id_number_hash == self._vault.lookup_hash(id_number),
                    StudentRecord.name == normalise_name(name),
                )
                .order_by(enrolled_first, StudentRecord.expected_graduation_date.desc())
                .limit(1)
            ).first()
            return self._record(found[0], found[1]) if found else None

    def fetch_cohort(self, university_code: str, graduation_year: int) -> Iterator[RegistryRecord]:
        with self._factory() as session:
            rows = session.scalars(
                select(StudentRecord)
                .join(University, University.id == StudentRecord.university_id)
                .where(
                    University.code == university_code,
                    StudentRecord.graduation_year == graduation_year,
                )
                .order_by(StudentRecord.student_number)
                .execution_options(yield_per=1_000)
            )
            for row in rows:
                yield self._record(row, university_code)


# --- the national service over HTTP --------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class RecordWire(_Wire):
    id_number: str = Field(min_length=18, max_length=18)
    name: str = Field(min_length=1, max_length=64)
    gender: Literal["男", "女"]
    university_code: str = Field(pattern=r"^\d{5}$")
    student_number: str = Field(min_length=1, max_length=32)
    major_code: str = Field(pattern=r"^\d{6}(T|K|TK)?$")
    degree_level: Literal["junior_college", "bachelor", "master", "doctor"]
    enrollment_date: date
    expected_graduation_date: date
    status: Literal["在籍", "毕业", "结业", "肄业", "退学"]

    @field_validator("id_number")
    @classmethod
    def _valid_id_number(cls, value: str) -> str:
        if not ric.is_valid(value):
            raise ValueError("not a valid GB 11643 ID number")  # the value is never echoed
        return value

    def record(self) -> RegistryRecord:
        return RegistryRecord(**self.model_dump())


class VerifyWire(_Wire):
    record: RecordWire | None


class CohortPageWire(_Wire):
    items: list[RecordWire]
    next_page_token: str | None = None


RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF_SECONDS: Final = 8.0
MAX_PAGES: Final = 100_000


class HttpRegistryAdapter:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: float = 10.0,
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

    def __enter__(self) -> HttpRegistryAdapter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, id_number: str, name: str) -> RegistryRecord | None:
        body = {"id_number": id_number.strip().upper(), "name": name.strip()}
        payload = self._call("POST", "/v1/students/verify", json=body)
        verified = _parse(VerifyWire, payload)
        return verified.record.record() if verified.record is not None else None

    def fetch_cohort(self, university_code: str, graduation_year: int) -> Iterator[RegistryRecord]:
        path = f"/v1/cohorts/{university_code}/{graduation_year}/students"
        token: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"page_size": self._page_size}
            if token is not None:
                params["page_token"] = token
            page = _parse(CohortPageWire, self._call("GET", path, params=params))
            for item in page.items:
                if item.university_code != university_code:
                    raise _invalid("学籍服务返回了其他高校的记录 (record of another university)")
                if item.expected_graduation_date.year != graduation_year:
                    raise _invalid("学籍服务返回了其他届别的记录 (record of another cohort)")
                yield item.record()
            token = page.next_page_token
            if token is None:
                return
            if token in seen:
                raise _invalid("学籍服务分页标记重复 (page token repeated)")
            seen.add(token)
        raise _invalid("学籍服务分页过多 (too many pages)")

    def _call(self, method: str, path: str, **kwargs: Any) -> bytes:
        """The response body of a 200; retries what can be retried, maps the rest."""
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
                        raise _invalid("学籍服务返回的不是 JSON (response is not JSON)")
                    return response.content
                if response.status_code in (401, 403):
                    raise RegistryServiceUnavailable(
                        "学籍服务拒绝了本平台的凭据，请联系管理员 (credentials refused)",
                        code="registry_service_credentials_refused",
                    )
                if response.status_code not in RETRY_STATUSES:
                    raise _invalid(
                        f"学籍服务返回了意外的状态码 {response.status_code} (unexpected status)"
                    )
                problem = f"HTTP {response.status_code}"
                delay = max(delay, _retry_after(response))
            log.warning(
                "registry service %s %s: %s (attempt %s of %s)",
                method,
                path,
                problem,
                attempt,
                self._max_attempts,
            )
            if attempt < self._max_attempts:
                self._sleep(min(delay, MAX_BACKOFF_SECONDS))
        raise RegistryServiceUnavailable(
            f"学籍查询服务暂时不可用，请稍后重试 (registry service unavailable: {problem})"
        )


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else 0.0


def _invalid(message: str) -> RegistryResponseInvalid:
    return RegistryResponseInvalid(message)


def _parse(model: type[M], body: bytes) -> M:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['type']}"
            for error in exc.errors(include_input=False)[:5]
        )
        raise _invalid(
            f"学籍服务的响应不符合约定 (response breaks the contract: {where})"
        ) from None
