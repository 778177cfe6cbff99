"""Each automatic check against the database: the local registry, name match, status,
blacklist and duplicate detection, and what the whole set decides."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from employer_verification import blacklist
from employer_verification.checks import (
    Outcome,
    RegistryAnswer,
    ask_registry,
    check_blacklist,
    check_duplicates,
    check_name,
    check_registry,
    check_status,
    run_checks,
)
from employer_verification.duplicates import index_employer
from employer_verification.enterprise_registry import EnterpriseRecord, LocalEnterpriseRegistry
from employer_verification.errors import EnterpriseRegistryUnavailable
from employer_verification.models import BlacklistKind, CaseState
from employer_verification.regions import RegionBook
from jobs_api.core.container import Container
from jobs_api.core.settings import Settings
from jobs_api.identity.principal import Principal, Role
from tests.factories.identity import make_user
from tests.factories.verification import make_applicant, make_registry_entry, valid_uscc


@pytest.fixture
def session(platform_with_reference: Container) -> Iterator[Session]:
    open_session = platform_with_reference.session_factory()
    yield open_session
    open_session.rollback()
    open_session.close()


def _admin(session: Session, role: Role, province_code: str | None = None) -> Principal:
    scope = {"province_code": province_code} if province_code else {}
    user = make_user(session, role, Settings(), **scope)
    return Principal(user.id, role, "s", province_code=province_code)


def _answer(name: str, status: str = "存续") -> RegistryAnswer:
    return RegistryAnswer(EnterpriseRecord(valid_uscc(), name, status))


def test_local_registry_finds_imported_entries(session: Session) -> None:
    code = valid_uscc()
    make_registry_entry(session, code, "杭州云帆网络科技有限公司")
    registry = LocalEnterpriseRegistry(session)
    found = registry.lookup(code.lower())
    assert found is not None and found.name == "杭州云帆网络科技有限公司"
    assert registry.lookup(valid_uscc()) is None
    assert check_registry(ask_registry(registry, code)).reason == "registry_found"
    missing = check_registry(ask_registry(registry, valid_uscc()))
    assert (missing.outcome, missing.reason) == (Outcome.FAIL, "registry_not_found")


class _DownRegistry:
    def lookup(self, uscc: str) -> EnterpriseRecord | None:
        raise EnterpriseRegistryUnavailable("down")


def test_an_unavailable_registry_makes_registry_checks_unknown() -> None:
    answer = ask_registry(_DownRegistry(), valid_uscc())
    assert not answer.answered
    for result in (check_registry(answer), check_name("某公司", answer), check_status(answer)):
        assert (result.outcome, result.reason) == (Outcome.UNKNOWN, "registry_unavailable")


@pytest.mark.parametrize(
    ("stated", "registered", "outcome", "reason"),
    [
        ("杭州云帆网络科技有限公司", "杭州云帆网络科技有限公司", Outcome.PASS, "name_exact"),
        ("西门子（中国）有限公司", "西门子(中国)有限公司", Outcome.PASS, "name_exact"),
        ("杭州云帆网络科技有限公司", "杭州云帆网络科技股份有限公司", Outcome.PASS, "name_exact"),
        ("杭州云帆科技有限公司", "杭州云帆网络科技有限公司", Outcome.UNKNOWN, "name_similar"),
        ("杭州云帆网络科技有限公司", "宁波星河贸易有限公司", Outcome.FAIL, "name_mismatch"),
    ],
)
def test_name_match(stated: str, registered: str, outcome: Outcome, reason: str) -> None:
    result = check_name(stated, _answer(registered))
    assert (result.outcome, result.reason, result.hard) == (outcome, reason, False)
    assert result.detail["registered_name"] == registered


@pytest.mark.parametrize(
    ("status", "outcome", "reason", "hard"),
    [
        ("存续", Outcome.PASS, "status_active", False),
        ("在业", Outcome.PASS, "status_active", False),
        ("经营异常", Outcome.FAIL, "status_abnormal", False),
        ("吊销", Outcome.FAIL, "status_revoked", True),
        ("注销", Outcome.FAIL, "status_cancelled", True),
        ("迁出", Outcome.UNKNOWN, "status_not_checked", False),
    ],
)
def test_active_status(status: str, outcome: Outcome, reason: str, hard: bool) -> None:
    result = check_status(_answer("某公司", status))
    assert (result.outcome, result.reason, result.hard) == (outcome, reason, hard)


def test_blacklist_by_code_and_by_name_pattern(session: Session) -> None:
    regions = RegionBook.load(session)
    listed = make_applicant(session, "杭州云帆网络科技有限公司")
    by_name = make_applicant(session, "杭州金盾投资咨询有限公司")
    clean = make_applicant(session, "杭州星河软件有限公司")
    national = _admin(session, Role.NATIONAL_ADMIN)
    blacklist.add_entry(
        session, national, kind=BlacklistKind.USCC, value=listed.uscc, reason="冒用资质",
        province_code=None,
    )  # fmt: skip
    blacklist.add_entry(
        session, national, kind=BlacklistKind.NAME_PATTERN, value="金盾*咨询",
        reason="多次收取求职者押金", province_code=None,
    )  # fmt: skip
    code_hit = check_blacklist(session, listed, regions)
    assert (code_hit.outcome, code_hit.reason, code_hit.hard) == (
        Outcome.FAIL,
        "blacklisted_code",
        True,
    )
    name_hit = check_blacklist(session, by_name, regions)
    assert name_hit.reason == "blacklisted_name" and "押金" in name_hit.message
    assert check_blacklist(session, clean, regions).outcome is Outcome.PASS


def test_a_provincial_blacklist_entry_applies_only_in_its_province(session: Session) -> None:
    regions = RegionBook.load(session)
    jiangsu_admin = _admin(session, Role.PROVINCIAL_ADMIN, "320000")
    blacklist.add_entry(
        session, jiangsu_admin, kind=BlacklistKind.NAME_PATTERN, value="速聘人力",
        reason="虚假招聘", province_code=None,
    )  # fmt: skip
    in_nanjing = make_applicant(session, "南京速聘人力资源有限公司", city_code="320100")
    in_hangzhou = make_applicant(session, "杭州速聘人力资源有限公司", city_code="330100")
    assert check_blacklist(session, in_nanjing, regions).reason == "blacklisted_name"
    assert check_blacklist(session, in_hangzhou, regions).outcome is Outcome.PASS


def test_duplicates_by_normalised_name_and_by_brand(session: Session) -> None:
    regions = RegionBook.load(session)
    first = make_applicant(session, "杭州云帆网络科技有限公司")
    index_employer(session, first, regions)
    same = make_applicant(session, "杭州云帆网络科技有限责任公司")
    brand = make_applicant(session, "浙江云帆网络科技股份有限公司")
    elsewhere = make_applicant(session, "南京云帆网络科技有限公司", city_code="320100")
    other = make_applicant(session, "杭州星河网络科技有限公司")
    hit = check_duplicates(session, same, regions)
    assert (hit.outcome, hit.reason, hit.hard) == (Outcome.FAIL, "duplicate_name", False)
    assert hit.detail["employers"][0]["employer_id"] == first.id
    assert check_duplicates(session, brand, regions).reason == "duplicate_name_similar"
    assert check_duplicates(session, elsewhere, regions).outcome is Outcome.PASS
    assert check_duplicates(session, other, regions).outcome is Outcome.PASS
    assert check_duplicates(session, first, regions).outcome is Outcome.PASS  # not itself


@pytest.mark.parametrize(
    ("kwargs", "state", "reason"),
    [
        ({}, CaseState.AUTO_VERIFIED, "all_checks_passed"),
        ({"registry_status": "注销"}, CaseState.REJECTED, "status_cancelled"),
        ({"registry_status": "吊销"}, CaseState.REJECTED, "status_revoked"),
        ({"registry_status": "经营异常"}, CaseState.NEEDS_REVIEW, "status_abnormal"),
        ({"registry_status": None}, CaseState.NEEDS_REVIEW, "registry_not_found"),
        ({"registered_name": "宁波星河贸易有限公司"}, CaseState.NEEDS_REVIEW, "name_mismatch"),
        ({"uscc": "91330106MA2H3K4L0X"}, CaseState.REJECTED, "uscc_check_digit"),
        ({"uscc": valid_uscc("320102")}, CaseState.NEEDS_REVIEW, "region_mismatch"),
    ],
)
def test_run_checks_decides(
    session: Session, kwargs: dict[str, object], state: CaseState, reason: str
) -> None:
    employer = make_applicant(session, **kwargs)  # type: ignore[arg-type]
    report = run_checks(
        session, employer, LocalEnterpriseRegistry(session), RegionBook.load(session)
    )
    decided, reasons = report.decision()
    assert decided is state
    assert reason in reasons
    assert [r.check for r in report.results] == [
        "uscc_format", "uscc_structure", "uscc_region", "registry", "name_match",
        "active_status", "blacklist", "duplicates",
    ]  # fmt: skip
    assert all(r.message for r in report.results)
