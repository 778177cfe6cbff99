"""Provinces of region codes, and when a job's province gets its own search."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from matching.models import MatchGraduateProvince
from matching.regions import province_of, provincial_allow_list


@pytest.fixture
def session(container: Container) -> Iterator[Session]:
    with container.session_factory() as opened:
        yield opened


@pytest.mark.parametrize(
    ("code", "province"),
    [
        ("330106", "330000"),
        ("330100", "330000"),
        ("330000", "330000"),
        ("110105", "110000"),  # a municipality is a province
        ("000000", None),
        ("3301", None),
        ("33010x", None),
        ("", None),
    ],
)
def test_province_of_a_region_code(code: str, province: str | None) -> None:
    assert province_of(code) == province


def test_a_province_gets_its_own_search_only_while_it_is_a_small_share(session: Session) -> None:
    session.add_all(
        [MatchGraduateProvince(student_record_id=i, province_code="330000") for i in (5, 3, 9)]
        + [MatchGraduateProvince(student_record_id=4, province_code="110000")]
    )
    session.flush()

    def allowed(city: str, indexed: int) -> list[int] | None:
        ids = provincial_allow_list(session, city, indexed)
        return None if ids is None else ids.tolist()

    assert allowed("330106", indexed=100) == [3, 5, 9]
    assert allowed("110101", indexed=100) == [4]
    # wanted by more than a quarter of the pool: the national search already finds them
    assert provincial_allow_list(session, "330106", indexed=11) is None
    assert provincial_allow_list(session, "440300", indexed=100) is None  # nobody wants 广东
    assert provincial_allow_list(session, "", indexed=100) is None
    assert provincial_allow_list(session, "330106", indexed=0) is None
