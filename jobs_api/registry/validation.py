"""Validation of one 学籍 row: every field parsed and checked, every problem reported.

Field rules (messages in zh-CN; ID numbers only ever appear masked):

* 姓名: Chinese characters (CJK unified ideographs incl. extensions), 2–64 characters, parts of
  minority names joined by the middle dot ``·`` (``•``, ``・``, ``.`` are read as ``·``).
* 身份证号: GB 11643-1999 through ``stdnum.cn.ric`` (length, digits, check digit, birth date,
  a region code in force in the birth year), plus our rules: the birth date is not in the
  future and the age at enrollment is 14–60. 15-digit numbers are refused. A number Excel
  stored as a float (``3.30106E+17``) is refused with a hint: its last digits are lost.
* 学号: 4–32 letters, digits, ``-`` or ``_``, starting with a letter or digit.
* 院校代码: must equal the uploading university's code.
* 专业代码: six digits with an optional ``T``/``K``/``TK`` suffix, matched by its digits against
  ``ref_majors`` (``080910`` finds ``080910T``); a five-digit number gets its leading zero back.
* 学历层次: 专科/本科/硕士/博士 (and common variants), our codes (``bachelor``) or GB/T 4658
  codes (30 专科, 20 本科, 14 硕士, 11 博士).
* Dates: ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY.MM.DD``, ``YYYY年M月D日``, ``YYYYMMDD``, Excel
  date cells and Excel serial numbers; years 1950 to ten years ahead; enrollment before the
  expected graduation, with a duration plausible for the degree (:data:`DURATION_MONTHS`).
* 学籍状态: 在籍/毕业/结业/肄业/退学. 性别: 男/女 (also M/F, 1/2 per GB/T 2261.1), and it must
  agree with the ID number's gender digit (odd: 男).
* Optional flags (低收入家庭, 零就业家庭, 残疾): 是/否, 1/0, Y/N, yes/no, true/false; empty is 否.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final, TypeVar

from jobs_api.core.pii import PiiVault
from jobs_api.registry.fields import (
    FieldProblem,
    IdNumber,
    RowErrorCode,
    age_on,
    months_between,
    parse_college,
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

# Months from enrollment to expected graduation that are plausible for each degree level:
# 专科 2–3 years (五年一贯制 counts its last years), 本科 4–5 years or 2 for 专升本, with
# delays up to the usual 6-year limit; 硕士 2–3 years plus delays; 博士 3–8 years.
DURATION_MONTHS: Final[dict[str, tuple[int, int]]] = {
    "junior_college": (18, 66),
    "bachelor": (18, 78),
    "master": (12, 60),
    "doctor": (24, 108),
}
ENROLLMENT_AGE: Final = (14, 60)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowIssue:
    field: str | None  # column key (None: the row as a whole)
    code: str
    message: str


@dataclass(slots=True)
class ValidRow:
    """A row that passed every field rule, normalised and ready to store."""

    line: int
    student_number: str
    name: str
    id_number: str = field(repr=False)
    id_hash: str
    id_masked: str
    gender: str
    college: str
    major_code: str
    degree_level: str
    enrollment_date: date
    expected_graduation_date: date
    status: str
    low_income_family: bool
    zero_employment_family: bool
    has_disability: bool

    @property
    def graduation_year(self) -> int:
        return self.expected_graduation_date.year

    def compared_values(self) -> tuple[object, ...]:
        """The registry fields in :data:`COMPARED_FIELDS` order."""
        return (
            self.name,
            self.id_hash,
            self.gender,
            self.college,
            self.major_code,
            self.degree_level,
            self.enrollment_date,
            self.expected_graduation_date,
            self.graduation_year,
            self.status,
            self.low_income_family,
            self.zero_employment_family,
            self.has_disability,
        )

    def registry_fields(self) -> dict[str, object]:
        """The stored registry fields that decide whether a record changed (ID by hash)."""
        return dict(zip(COMPARED_FIELDS, self.compared_values(), strict=True))


COMPARED_FIELDS: Final = (
    "name",
    "id_number_hash",
    "gender",
    "college",
    "major_code",
    "degree_level",
    "enrollment_date",
    "expected_graduation_date",
    "graduation_year",
    "status",
    "low_income_family",
    "zero_employment_family",
    "has_disability",
)


@dataclass(slots=True)
class RowResult:
    line: int
    valid: ValidRow | None
    issues: list[RowIssue]
    # The row's keys for in-file duplicate detection, when well-formed (even if the row is not).
    student_number: str | None = None
    id_hash: str | None = None
    id_masked: str = ""


# --- the row -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationContext:
    university_code: str
    majors_by_digits: Mapping[str, str]
    vault: PiiVault
    today: date


def _try(issues: list[RowIssue], key: str, parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except FieldProblem as problem:
        issues.append(RowIssue(key, problem.code, problem.message))
        return None


class RowValidator:
    def __init__(self, context: ValidationContext) -> None:
        self.context = context

    def validate(self, row: RawRow) -> RowResult:
        ctx = self.context
        cells = row.cells
        issues: list[RowIssue] = []
        result = RowResult(line=row.line, valid=None, issues=issues)

        if row.undecodable:
            issues.append(
                RowIssue(
                    None,
                    RowErrorCode.UNDECODABLE_TEXT,
                    "该行含有无法识别的字符（文件编码可能不一致），请另存为 UTF-8 编码后重试",
                )
            )
        name: str | None = _try(issues, "name", lambda: parse_name(cells.get("name")))
        id_number: IdNumber | None = _try(
            issues, "id_number", lambda: parse_id_number(cells.get("id_number"))
        )
        student_number: str | None = _try(
            issues, "student_number", lambda: parse_student_number(cells.get("student_number"))
        )
        _try(
            issues,
            "university_code",
            lambda: parse_university_code(cells.get("university_code"), ctx.university_code),
        )
        college: str | None = _try(issues, "college", lambda: parse_college(cells.get("college")))
        major_code: str | None = _try(
            issues,
            "major_code",
            lambda: parse_major_code(cells.get("major_code"), ctx.majors_by_digits),
        )
        degree: str | None = _try(
            issues, "degree_level", lambda: parse_degree_level(cells.get("degree_level"))
        )
        enrolled: date | None = _try(
            issues,
            "enrollment_date",
            lambda: parse_date(cells.get("enrollment_date"), "入学日期", ctx.today),
        )
        graduates: date | None = _try(
            issues,
            "expected_graduation_date",
            lambda: parse_date(cells.get("expected_graduation_date"), "预计毕业日期", ctx.today),
        )
        status: str | None = _try(issues, "status", lambda: parse_status(cells.get("status")))
        gender: str | None = _try(issues, "gender", lambda: parse_gender(cells.get("gender")))
        low_income: bool | None = _try(
            issues,
            "low_income_family",
            lambda: parse_flag(cells.get("low_income_family"), "低收入家庭"),
        )
        zero_employment: bool | None = _try(
            issues,
            "zero_employment_family",
            lambda: parse_flag(cells.get("zero_employment_family"), "零就业家庭"),
        )
        disability: bool | None = _try(
            issues, "has_disability", lambda: parse_flag(cells.get("has_disability"), "残疾")
        )

        result.student_number = student_number
        if id_number is not None:
            result.id_hash = ctx.vault.lookup_hash(id_number.number)
            result.id_masked = id_number.masked
            self._check_person(id_number, gender, enrolled, issues)
        if enrolled is not None and graduates is not None:
            self._check_dates(enrolled, graduates, degree, issues)

        if issues:
            return result
        assert name is not None and id_number is not None and student_number is not None
        assert college is not None and major_code is not None and degree is not None
        assert enrolled is not None and graduates is not None and status is not None
        assert gender is not None and result.id_hash is not None
        result.valid = ValidRow(
            line=row.line,
            student_number=student_number,
            name=name,
            id_number=id_number.number,
            id_hash=result.id_hash,
            id_masked=id_number.masked,
            gender=gender,
            college=college,
            major_code=major_code,
            degree_level=degree,
            enrollment_date=enrolled,
            expected_graduation_date=graduates,
            status=status,
            low_income_family=bool(low_income),
            zero_employment_family=bool(zero_employment),
            has_disability=bool(disability),
        )
        return result

    def _check_person(
        self,
        id_number: IdNumber,
        gender: str | None,
        enrolled: date | None,
        issues: list[RowIssue],
    ) -> None:
        birth = id_number.birth_date
        if birth > self.context.today:
            issues.append(
                RowIssue(
                    "id_number",
                    RowErrorCode.BIRTH_DATE_IN_FUTURE,
                    f"身份证号 {id_number.masked} 中的出生日期晚于今天",
                )
            )
        elif enrolled is not None:
            age = age_on(birth, enrolled)
            low, high = ENROLLMENT_AGE
            if not low <= age <= high:
                issues.append(
                    RowIssue(
                        "enrollment_date",
                        RowErrorCode.ENROLLMENT_AGE,
                        f"按身份证号推算入学时年龄为 {age} 岁，应在 {low}–{high} 岁之间",
                    )
                )
        if gender is not None and gender != ("男" if id_number.male else "女"):
            issues.append(
                RowIssue(
                    "gender",
                    RowErrorCode.GENDER_MISMATCH,
                    f"性别“{gender}”与身份证号 {id_number.masked} 的性别位不一致",
                )
            )

    def _check_dates(
        self, enrolled: date, graduates: date, degree: str | None, issues: list[RowIssue]
    ) -> None:
        if graduates <= enrolled:
            issues.append(
                RowIssue(
                    "expected_graduation_date",
                    RowErrorCode.GRADUATION_BEFORE_ENROLLMENT,
                    "预计毕业日期应晚于入学日期",
                )
            )
            return
        if degree is None:
            return
        months = months_between(enrolled, graduates)
        low, high = DURATION_MONTHS[degree]
        if not low <= months <= high:
            issues.append(
                RowIssue(
                    "expected_graduation_date",
                    RowErrorCode.DURATION_IMPLAUSIBLE,
                    f"学制约 {months / 12:.1f} 年，与学历层次不符"
                    f"（应在 {low / 12:g}–{high / 12:g} 年之间）",
                )
            )
