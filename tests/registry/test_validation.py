"""Each validation rule of a 学籍 row, with good and bad examples (no database needed)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from jobs_api.core.pii import PiiVault
from jobs_api.demo.codes import id_check_digit
from jobs_api.registry.fields import (
    FieldProblem,
    RowErrorCode,
    majors_index,
    parse_date,
    parse_degree_level,
    parse_flag,
    parse_gender,
    parse_id_number,
    parse_major_code,
    parse_name,
    parse_status,
    parse_student_number,
    parse_university_code,
)
from jobs_api.registry.parsing import RawRow
from jobs_api.registry.validation import RowValidator, ValidationContext
from tests.factories.registry import make_id_number, with_check_digit_broken

TODAY = date(2026, 3, 1)
VAULT = PiiVault("test-secret-for-validation-0123456789")
MAJORS = majors_index(["080902", "080910T", "100201K", "120203K"])
CONTEXT = ValidationContext("10335", MAJORS, VAULT, TODAY)


def with_check_digit(first17: str) -> str:
    return first17 + id_check_digit(first17)


def problem(parse: Any, *args: Any) -> RowErrorCode:
    with pytest.raises(FieldProblem) as caught:
        parse(*args)
    return caught.value.code


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("张伟", "张伟"),
        (" 欧阳 娜娜 ", "欧阳娜娜"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("买买提•艾力", "买买提·艾力"),  # bullet read as the middle dot
        ("迪丽热巴．迪力木拉提", "迪丽热巴·迪力木拉提"),  # full-width full stop
        ("王𠀀", "王𠀀"),  # CJK extension B
    ],
)
def test_plausible_names(cell: str, expected: str) -> None:
    assert parse_name(cell) == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("", RowErrorCode.MISSING_VALUE),
        (None, RowErrorCode.MISSING_VALUE),
        ("张", RowErrorCode.NAME_INVALID),
        ("张3", RowErrorCode.NAME_INVALID),
        ("John Smith", RowErrorCode.NAME_INVALID),
        ("张··伟", RowErrorCode.NAME_INVALID),
        ("·张伟", RowErrorCode.NAME_INVALID),
        ("张伟" * 40, RowErrorCode.TEXT_TOO_LONG),
    ],
)
def test_implausible_names(cell: str | None, code: RowErrorCode) -> None:
    assert problem(parse_name, cell) is code


# --- ID numbers ----------------------------------------------------------------------------


def test_valid_id_number_gives_birth_date_and_gender() -> None:
    number = make_id_number(7, male=False, birth=date(2004, 2, 29))
    parsed = parse_id_number(number)
    assert (parsed.number, parsed.birth_date, parsed.male) == (number, date(2004, 2, 29), False)
    assert parse_id_number(number[:17] + number[17].lower()).number == number
    assert parse_id_number(f" {number[:6]} {number[6:]} ").number == number


def test_id_number_with_x_check_digit() -> None:
    for n in range(2000):
        number = make_id_number(n)
        if number.endswith("X"):
            assert parse_id_number(number.lower()).number == number
            return
    pytest.fail("no X check digit among the samples")


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("", RowErrorCode.MISSING_VALUE),
        ("33010620030101123", RowErrorCode.ID_NUMBER_LENGTH),
        ("330106030101123", RowErrorCode.ID_NUMBER_LENGTH),  # 15-digit old number
        ("33010620030101A237", RowErrorCode.ID_NUMBER_FORMAT),
        (with_check_digit_broken(make_id_number(1)), RowErrorCode.ID_NUMBER_CHECKSUM),
        (with_check_digit("33010620031301123"), RowErrorCode.ID_NUMBER_BIRTH_DATE),
        (with_check_digit("99010120030101123"), RowErrorCode.ID_NUMBER_REGION),
        ("3.30106E+17", RowErrorCode.ID_NUMBER_EXCEL_NUMBER),
        (3.301062003010112e17, RowErrorCode.ID_NUMBER_EXCEL_NUMBER),
    ],
)
def test_invalid_id_numbers(cell: Any, code: RowErrorCode) -> None:
    assert problem(parse_id_number, cell) is code


def test_id_number_messages_show_it_masked_only() -> None:
    bad = with_check_digit_broken(make_id_number(3))
    with pytest.raises(FieldProblem) as caught:
        parse_id_number(bad)
    assert bad not in caught.value.message
    assert f"{bad[:6]}********{bad[-4:]}" in caught.value.message


# --- other fields --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("3220100001", "3220100001"), ("S2022-001_a", "S2022-001_a"), (3220100001, "3220100001"),
     (3220100001.0, "3220100001"), ("３２２０１", "32201")],
)  # fmt: skip
def test_student_numbers(cell: Any, expected: str) -> None:
    assert parse_student_number(cell) == expected


@pytest.mark.parametrize("cell", ["12", "学号0001", "3.2201E+09", "a b c d", "-1234", 12.5, ""])
def test_bad_student_numbers(cell: Any) -> None:
    assert problem(parse_student_number, cell) in {
        RowErrorCode.STUDENT_NUMBER_FORMAT,
        RowErrorCode.MISSING_VALUE,
    }


def test_university_code_must_be_the_uploaders() -> None:
    assert parse_university_code("10335", "10335") == "10335"
    assert parse_university_code(10335, "10335") == "10335"
    with pytest.raises(FieldProblem) as caught:
        parse_university_code("10284", "10335")
    assert caught.value.code is RowErrorCode.UNIVERSITY_CODE_MISMATCH
    assert "10284" in caught.value.message and "10335" in caught.value.message
    assert problem(parse_university_code, "", "10335") is RowErrorCode.MISSING_VALUE


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("080902", "080902"), ("080910", "080910T"), ("080910t", "080910T"), ("080910T", "080910T"),
     ("100201", "100201K"), ("80902", "080902"), (80902, "080902"), ("080902K", "080902")],
)  # fmt: skip
def test_major_codes_match_by_digits(cell: Any, expected: str) -> None:
    assert parse_major_code(cell, MAJORS) == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [("0809", RowErrorCode.MAJOR_CODE_FORMAT), ("08090X", RowErrorCode.MAJOR_CODE_FORMAT),
     ("999999", RowErrorCode.MAJOR_CODE_UNKNOWN), ("", RowErrorCode.MISSING_VALUE)],
)  # fmt: skip
def test_bad_major_codes(cell: str, code: RowErrorCode) -> None:
    assert problem(parse_major_code, cell, MAJORS) is code


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("专科", "junior_college"), ("大专", "junior_college"), ("本科", "bachelor"),
     ("硕士", "master"), ("硕士研究生", "master"), ("博士", "doctor"), ("bachelor", "bachelor"),
     ("Doctor", "doctor"), ("20", "bachelor"), (30, "junior_college")],
)  # fmt: skip
def test_degree_levels(cell: Any, expected: str) -> None:
    assert parse_degree_level(cell) == expected


def test_unknown_degree_level() -> None:
    assert problem(parse_degree_level, "高中") is RowErrorCode.DEGREE_LEVEL_UNKNOWN


@pytest.mark.parametrize(
    "cell",
    ["2022-09-01", "2022/9/1", "20220901", "2022.09.01", "2022年9月1日", "2022-09-01 00:00:00",
     datetime(2022, 9, 1, 0, 0), date(2022, 9, 1), 44805, 44805.0, "44805", 20220901],
)  # fmt: skip
def test_dates_in_every_accepted_form(cell: Any) -> None:
    assert parse_date(cell, "入学日期", TODAY) == date(2022, 9, 1)


@pytest.mark.parametrize(
    ("cell", "code"),
    [("2022-13-01", RowErrorCode.DATE_INVALID), ("01/09/2022", RowErrorCode.DATE_INVALID),
     ("明年九月", RowErrorCode.DATE_INVALID), ("1900-09-01", RowErrorCode.DATE_OUT_OF_RANGE),
     ("2099-09-01", RowErrorCode.DATE_OUT_OF_RANGE), ("", RowErrorCode.MISSING_VALUE)],
)  # fmt: skip
def test_bad_dates(cell: str, code: RowErrorCode) -> None:
    assert problem(parse_date, cell, "入学日期", TODAY) is code


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("在籍", "在籍"), ("毕业", "毕业"), ("结业", "结业"), ("肄业", "肄业"), ("退学", "退学"),
     ("在校", "在籍"), ("graduated", "毕业")],
)  # fmt: skip
def test_statuses(cell: str, expected: str) -> None:
    assert parse_status(cell) == expected


def test_unknown_status() -> None:
    assert problem(parse_status, "休学") is RowErrorCode.STATUS_UNKNOWN


@pytest.mark.parametrize(
    ("cell", "expected"), [("男", "男"), ("女", "女"), ("M", "男"), ("female", "女"), ("2", "女")]
)
def test_genders(cell: str, expected: str) -> None:
    assert parse_gender(cell) == expected


def test_unknown_gender() -> None:
    assert problem(parse_gender, "未知") is RowErrorCode.GENDER_INVALID


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("是", True), ("否", False), ("1", True), ("0", False), ("Y", True), ("n", False),
     ("", False), (None, False), (True, True), (1, True)],
)  # fmt: skip
def test_flags(cell: Any, expected: bool) -> None:
    assert parse_flag(cell, "低收入家庭") is expected


def test_bad_flag() -> None:
    assert problem(parse_flag, "可能", "低收入家庭") is RowErrorCode.FLAG_INVALID


# --- whole rows: cross-field rules ---------------------------------------------------------


def row(**overrides: Any) -> RawRow:
    cells: dict[str, Any] = {
        "name": "张伟",
        "id_number": make_id_number(2, male=True, birth=date(2004, 5, 6)),
        "student_number": "3220100002",
        "university_code": "10335",
        "college": "计算机学院",
        "major_code": "080902",
        "degree_level": "本科",
        "enrollment_date": "2022-09-01",
        "expected_graduation_date": "2026-06-30",
        "status": "在籍",
        "gender": "男",
    }
    cells.update(overrides)
    return RawRow(line=9, cells=cells)


def issues(raw: RawRow) -> list[tuple[str | None, str]]:
    result = RowValidator(CONTEXT).validate(raw)
    return [(i.field, str(i.code)) for i in result.issues]


def test_a_good_row_is_valid_and_normalised() -> None:
    result = RowValidator(CONTEXT).validate(row(low_income_family="是"))
    assert result.issues == []
    valid = result.valid
    assert valid is not None
    assert (valid.line, valid.degree_level, valid.graduation_year) == (9, "bachelor", 2026)
    assert valid.low_income_family is True and valid.has_disability is False
    assert valid.id_hash == VAULT.lookup_hash(valid.id_number)
    assert valid.id_number not in repr(valid)  # never printed in clear


def test_birth_date_in_the_future_is_rejected() -> None:
    future = make_id_number(2, birth=date(2026, 12, 1))
    assert ("id_number", "birth_date_in_future") in issues(row(id_number=future))


@pytest.mark.parametrize(
    ("birth", "ok"),
    [(date(2008, 9, 1), True), (date(2008, 9, 2), False), (date(1962, 9, 2), True),
     (date(1961, 9, 1), False)],
)  # fmt: skip
def test_age_at_enrollment_is_14_to_60(birth: date, ok: bool) -> None:
    number = make_id_number(2, birth=birth, county="110101")  # 东城区: in force since 1950s
    found = issues(row(id_number=number))
    assert (("enrollment_date", "enrollment_age") not in found) is ok
    assert found in ([], [("enrollment_date", "enrollment_age")])


def test_gender_must_match_the_id_numbers_gender_digit() -> None:
    assert issues(row(gender="女")) == [("gender", "gender_mismatch")]


def test_graduation_must_follow_enrollment() -> None:
    found = issues(row(expected_graduation_date="2022-09-01"))
    assert found == [("expected_graduation_date", "graduation_before_enrollment")]


@pytest.mark.parametrize(
    ("degree", "graduates", "ok"),
    [("本科", "2026-06-30", True), ("本科", "2024-06-30", True),  # 专升本: 2 years
     ("本科", "2023-06-30", False), ("本科", "2029-06-30", False), ("专科", "2025-06-30", True),
     ("专科", "2030-06-30", False), ("硕士", "2025-06-30", True), ("博士", "2022-12-31", False)],
)  # fmt: skip
def test_duration_must_be_plausible_for_the_degree(degree: str, graduates: str, ok: bool) -> None:
    found = issues(row(degree_level=degree, expected_graduation_date=graduates))
    assert (("expected_graduation_date", "duration_implausible") not in found) is ok


def test_every_problem_of_a_row_is_reported_and_keys_are_kept() -> None:
    result = RowValidator(CONTEXT).validate(
        row(name="", university_code="10284", status="休学", has_disability="也许")
    )
    assert [i.field for i in result.issues] == [
        "name",
        "university_code",
        "status",
        "has_disability",
    ]
    assert result.valid is None
    # The keys still count for in-file duplicate detection.
    assert result.student_number == "3220100002"
    assert result.id_hash is not None


def test_undecodable_text_rejects_the_row() -> None:
    raw = RawRow(line=3, cells=row().cells, undecodable=True)
    assert issues(raw) == [(None, "undecodable_text")]
