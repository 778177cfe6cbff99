"""Pure rules: credit-code format and structure, region consistency, name normalisation,
brand keys, SLA deadlines and the decision table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from employer_verification import uscc as uscc_rules
from employer_verification.checks import (
    CheckResult,
    Outcome,
    check_uscc_format,
    check_uscc_region,
    check_uscc_structure,
    decide,
)
from employer_verification.duplicates import brand_key
from employer_verification.models import CaseState
from employer_verification.names import normalize_name, similarity
from employer_verification.regions import RegionBook, RegionInfo
from employer_verification.sla import Sla, review_due, sla_state

# A published code of a real, long-registered enterprise (also stdnum's own example).
KNOWN_GOOD = "91110000600037341L"


def _regions() -> RegionBook:
    rows = [
        ("110000", "北京市", "北京", "province", None, "municipality"),
        ("110100", "北京市", "北京", "prefecture", "110000", "municipal_city"),
        ("500000", "重庆市", "重庆", "province", None, "municipality"),
        ("500100", "重庆市", "重庆", "prefecture", "500000", "municipal_city"),
        ("330000", "浙江省", "浙江", "province", None, "province"),
        ("330100", "杭州市", "杭州", "prefecture", "330000", "city"),
        ("330200", "宁波市", "宁波", "prefecture", "330000", "city"),
        ("320000", "江苏省", "江苏", "province", None, "province"),
        ("320100", "南京市", "南京", "prefecture", "320000", "city"),
        ("420000", "湖北省", "湖北", "province", None, "province"),
        ("429004", "仙桃市", "仙桃", "prefecture", "420000", "direct_county"),
        ("420100", "武汉市", "武汉", "prefecture", "420000", "city"),
    ]
    return RegionBook({r[0]: RegionInfo(*r) for r in rows})


REGIONS = _regions()


def test_known_good_code_passes_format_and_structure() -> None:
    assert check_uscc_format(KNOWN_GOOD).outcome is Outcome.PASS
    structure = check_uscc_structure(KNOWN_GOOD)
    assert structure.outcome is Outcome.PASS, structure.message
    assert structure.detail["authority"] == "工商（市场监管）"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91110000600037341", "uscc_malformed"),  # 17 characters
        ("91110000600037341LX", "uscc_malformed"),  # 19
        ("9111000060003734IL", "uscc_malformed"),  # I is not used
        ("91110000600O37341L", "uscc_malformed"),  # O is not used
        ("91A10000600037341L", "uscc_malformed"),  # region part must be digits
        ("91110000600037341M", "uscc_check_digit"),
    ],
)
def test_bad_codes_fail_hard(code: str, reason: str) -> None:
    result = check_uscc_format(code)
    assert (result.outcome, result.reason, result.hard) == (Outcome.FAIL, reason, True)
    assert "统一社会信用代码" in result.message


def test_typed_code_is_compacted() -> None:
    assert check_uscc_format(" 9111 0000-6000 37341l ").outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("authority", "org_type", "region", "reason"),
    [
        ("9", "2", "330106", "uscc_structure_ok"),  # 个体工商户
        ("5", "3", "330106", "uscc_structure_ok"),  # 基金会
        ("Y", "1", "330106", "uscc_structure_ok"),  # 其他 (stdnum refuses a letter first)
        ("B", "1", "330106", "uscc_authority_invalid"),
        ("9", "9", "330106", "uscc_org_type_invalid"),  # 工商 has no type 9
        ("1", "5", "330106", "uscc_org_type_invalid"),
    ],
)
def test_authority_and_type(authority: str, org_type: str, region: str, reason: str) -> None:
    code = uscc_rules.make_uscc(authority, org_type, region, "MA2H3K4L")
    assert check_uscc_format(code).outcome is Outcome.PASS
    result = check_uscc_structure(code)
    assert result.reason == reason
    assert result.hard is False


def test_fabricated_organisation_code_is_caught() -> None:
    body = "91330106MA2H3K4L0"  # outer check digit computed, inner one wrong
    if uscc_rules.org_code_valid(body[8:17]):
        body = body[:16] + "1"
    code = body + uscc_rules.check_digit(body)
    assert check_uscc_format(code).outcome is Outcome.PASS
    result = check_uscc_structure(code)
    assert (result.outcome, result.reason) == (Outcome.FAIL, "uscc_org_code_invalid")


@pytest.mark.parametrize(
    ("region", "city", "outcome", "reason", "same_prefecture"),
    [
        ("330106", "330100", Outcome.PASS, "region_consistent", True),  # 西湖区 in 杭州
        ("330100", "330100", Outcome.PASS, "region_consistent", True),
        ("330000", "330100", Outcome.PASS, "region_consistent", True),  # provincial office
        ("330203", "330100", Outcome.PASS, "region_consistent", False),  # 宁波 code, 杭州 seat
        ("110108", "110100", Outcome.PASS, "region_consistent", True),  # 海淀区, 北京
        ("500228", "500100", Outcome.PASS, "region_consistent", True),  # former county code
        ("429004", "429004", Outcome.PASS, "region_consistent", True),  # 仙桃, 省直辖
        ("429004", "420100", Outcome.PASS, "region_consistent", False),
        ("100000", "320100", Outcome.PASS, "region_consistent", None),  # national office
        ("320102", "330100", Outcome.FAIL, "region_mismatch", None),  # 南京 code, 杭州 seat
        ("990101", "330100", Outcome.FAIL, "region_unknown", None),
    ],
)
def test_region_consistency(
    region: str, city: str, outcome: Outcome, reason: str, same_prefecture: bool | None
) -> None:
    code = uscc_rules.make_uscc("9", "1", region, "MA2H3K4L")
    result = check_uscc_region(code, city, REGIONS)
    assert (result.outcome, result.reason) == (outcome, reason), result.message
    assert result.hard is False
    if same_prefecture is not None:
        assert result.detail["same_prefecture"] is same_prefecture


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("西门子（中国）有限公司", "西门子(中国)有限公司"),
        ("西门子(中国)有限公司", "西門子（中國）有限公司"),
        ("杭州云帆网络科技有限公司", "杭州云帆网络科技有限责任公司"),
        ("杭州云帆网络科技有限公司", "杭州云帆网络科技股份有限公司"),
        ("杭州 云帆 网络科技 有限公司", "杭州云帆网络科技有限公司"),
        ("ＡＢＣ（杭州）科技有限公司", "abc(杭州)科技有限公司"),
        ("【杭州】云帆·网络科技有限公司", "杭州云帆网络科技有限公司"),
        ("中國銀行股份有限公司", "中国银行有限公司"),
        ("杭州云帆网络科技股份有限责任公司", "杭州云帆网络科技有限公司"),
    ],
)
def test_spellings_of_one_name_normalise_equal(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("杭州云帆网络科技有限公司", "杭州星河网络科技有限公司"),
        ("杭州云帆网络科技有限公司", "宁波云帆网络科技有限公司"),
        ("西门子(中国)有限公司", "西门子有限公司"),
        ("杭州云帆网络科技有限公司", "杭州云帆网络科技有限公司杭州分公司"),
    ],
)
def test_different_names_stay_different(a: str, b: str) -> None:
    assert normalize_name(a) != normalize_name(b)


def test_similarity_orders_near_and_far_names() -> None:
    base = normalize_name("杭州云帆网络科技有限公司")
    near = normalize_name("杭州云帆网络信息科技有限公司")
    far = normalize_name("宁波星河贸易有限公司")
    assert similarity(base, base) == 1.0
    assert similarity(base, near) >= 0.8 > similarity(base, far)
    assert similarity(base, "") == 0.0


@pytest.mark.parametrize(
    ("name", "code_authority", "key"),
    [
        ("杭州云帆网络科技有限公司", "9", "云帆网络科技"),
        ("浙江云帆网络科技股份有限公司", "9", "云帆网络科技"),
        ("浙江杭州云帆网络科技有限公司", "9", "云帆网络科技"),
        ("云帆网络科技（杭州）有限公司", "9", "云帆网络科技"),
        ("杭州云帆网络科技有限公司宁波分公司", "9", "云帆网络科技"),
        ("杭州东方网络科技有限公司", "9", "东方网络科技"),  # 东方 is also a city: kept here
        ("杭州市第一人民医院", "1", None),  # public bodies are named by region
        ("杭州有限公司", "9", None),  # nothing distinctive left
    ],
)
def test_brand_key(name: str, code_authority: str, key: str | None) -> None:
    code = uscc_rules.make_uscc(code_authority, "1" if code_authority == "9" else "2",
                                "330106", "MA2H3K4L")  # fmt: skip
    regions = _regions()
    regions.regions["469007"] = RegionInfo("469007", "东方市", "东方", "prefecture", "460000", "x")
    assert brand_key(name, code, RegionBook(regions.regions)) == key


def _r(outcome: Outcome, reason: str, hard: bool = False) -> CheckResult:
    return CheckResult("c", outcome, reason, "", hard)


def test_decision_table() -> None:
    passed = [_r(Outcome.PASS, "ok")] * 3
    assert decide(passed) == (CaseState.AUTO_VERIFIED, ["all_checks_passed"])
    assert decide([*passed, _r(Outcome.UNKNOWN, "registry_unavailable")]) == (
        CaseState.NEEDS_REVIEW,
        ["registry_unavailable"],
    )
    assert decide([*passed, _r(Outcome.FAIL, "name_mismatch")])[0] is CaseState.NEEDS_REVIEW
    assert decide(
        [_r(Outcome.FAIL, "name_mismatch"), _r(Outcome.FAIL, "status_cancelled", hard=True)]
    ) == (CaseState.REJECTED, ["status_cancelled"])


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("queued", "due"),
    [
        ("2026-03-02T10:00:00+08:00", "2026-03-04T10:00:00+08:00"),  # Monday -> Wednesday
        ("2026-03-06T10:00:00+08:00", "2026-03-10T10:00:00+08:00"),  # Friday -> Tuesday
        ("2026-03-07T10:00:00+08:00", "2026-03-10T10:00:00+08:00"),  # Saturday -> Tuesday
        ("2026-03-05T23:30:00+00:00", "2026-03-10T07:30:00+08:00"),  # Fri 07:30 in China
    ],
)
def test_review_deadline_counts_working_days_in_china(queued: str, due: str) -> None:
    assert review_due(_at(queued), 2) == _at(due)


def test_sla_indicator() -> None:
    due = _at("2026-03-04T10:00:00+08:00")
    assert sla_state(due, _at("2026-03-02T10:00:00+08:00")) is Sla.ON_TIME
    assert sla_state(due, _at("2026-03-03T11:00:00+08:00")) is Sla.DUE_SOON
    assert sla_state(due, _at("2026-03-04T10:00:01+08:00")) is Sla.OVERDUE
