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

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Final, TypeVar

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from jobs_api.core.pii import PiiVault, mask_id_number
from jobs_api.registry.models import EnrollmentStatus
from jobs_api.registry.parsing import Cell, RawRow


class RowErrorCode(StrEnum):
    MISSING_VALUE = "missing_value"
    TEXT_TOO_LONG = "text_too_long"
    UNDECODABLE_TEXT = "undecodable_text"
    NAME_INVALID = "name_invalid"
    ID_NUMBER_LENGTH = "id_number_length"
    ID_NUMBER_FORMAT = "id_number_format"
    ID_NUMBER_CHECKSUM = "id_number_checksum"
    ID_NUMBER_BIRTH_DATE = "id_number_birth_date"
    ID_NUMBER_REGION = "id_number_region"
    ID_NUMBER_EXCEL_NUMBER = "id_number_excel_number"
    BIRTH_DATE_IN_FUTURE = "birth_date_in_future"
    ENROLLMENT_AGE = "enrollment_age"
    STUDENT_NUMBER_FORMAT = "student_number_format"
    UNIVERSITY_CODE_MISMATCH = "university_code_mismatch"
    MAJOR_CODE_FORMAT = "major_code_format"
    MAJOR_CODE_UNKNOWN = "major_code_unknown"
    DEGREE_LEVEL_UNKNOWN = "degree_level_unknown"
    DATE_INVALID = "date_invalid"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    GRADUATION_BEFORE_ENROLLMENT = "graduation_before_enrollment"
    DURATION_IMPLAUSIBLE = "duration_implausible"
    STATUS_UNKNOWN = "status_unknown"
    GENDER_INVALID = "gender_invalid"
    GENDER_MISMATCH = "gender_mismatch"
    FLAG_INVALID = "flag_invalid"
    DUPLICATE_STUDENT_NUMBER = "duplicate_student_number"
    DUPLICATE_ID_NUMBER = "duplicate_id_number"
    ID_NUMBER_IN_OTHER_UNIVERSITY = "id_number_in_other_university"
    ID_NUMBER_OTHER_STUDENT = "id_number_other_student"


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
MIN_YEAR: Final = 1950
YEARS_AHEAD: Final = 10
NAME_MAX: Final = 64
COLLEGE_MAX: Final = 100

_DEGREE_NAMES = {
    "junior_college": ("junior_college", "专科", "大专", "高职", "高职专科", "专科生", "30"),
    "bachelor": ("bachelor", "本科", "大学本科", "本科生", "专升本", "20"),
    "master": ("master", "硕士", "硕士研究生", "硕士生", "研究生", "14"),
    "doctor": ("doctor", "博士", "博士研究生", "博士生", "11"),
}
DEGREE_ALIASES: Final = {alias: code for code, names in _DEGREE_NAMES.items() for alias in names}
STATUS_ALIASES: Final = {
    **{s.value: s.value for s in EnrollmentStatus},
    "在校": EnrollmentStatus.ENROLLED.value,
    "已毕业": EnrollmentStatus.GRADUATED.value,
    "enrolled": EnrollmentStatus.ENROLLED.value,
    "graduated": EnrollmentStatus.GRADUATED.value,
    "completed": EnrollmentStatus.COMPLETED.value,
    "incomplete": EnrollmentStatus.INCOMPLETE.value,
    "withdrawn": EnrollmentStatus.WITHDRAWN.value,
}
GENDER_ALIASES: Final = {
    "男": "男",
    "男性": "男",
    "m": "男",
    "male": "男",
    "1": "男",
    "女": "女",
    "女性": "女",
    "f": "女",
    "female": "女",
    "2": "女",
}
FLAG_ALIASES: Final = {
    **dict.fromkeys(("是", "有", "y", "yes", "1", "true", "t", "√"), True),
    **dict.fromkeys(("否", "无", "n", "no", "0", "false", "f", "×", ""), False),
}

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_NAME = re.compile(rf"^[{_HAN}]+(?:·[{_HAN}]+)*$")
_NAME_DOTS = re.compile(r"[•・･.．‧∙⋅●]")
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_STUDENT_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{3,31}$")
_UNIVERSITY_CODE = re.compile(r"^\d{5}$")
_MAJOR_CODE = re.compile(r"^(\d{6})(T|K|TK)?$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_DATE_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)

T = TypeVar("T")


class FieldProblem(Exception):
    """One field's value is unusable; ``code`` is a :class:`RowErrorCode`."""

    def __init__(self, code: RowErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class RowIssue:
    field: str | None  # column key (None: the row as a whole)
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class IdNumber:
    number: str
    birth_date: date
    male: bool

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


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

    def registry_fields(self) -> dict[str, object]:
        """The stored registry fields that decide whether a record changed (ID by hash)."""
        return {
            "name": self.name,
            "id_number_hash": self.id_hash,
            "gender": self.gender,
            "college": self.college,
            "major_code": self.major_code,
            "degree_level": self.degree_level,
            "enrollment_date": self.enrollment_date,
            "expected_graduation_date": self.expected_graduation_date,
            "graduation_year": self.graduation_year,
            "status": self.status,
            "low_income_family": self.low_income_family,
            "zero_employment_family": self.zero_employment_family,
            "has_disability": self.has_disability,
        }


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


# --- cell helpers --------------------------------------------------------------------------


def cell_text(cell: Cell, *, fold: bool = True) -> str:
    """A cell as trimmed text; ``fold`` applies NFKC (full-width digits and letters become
    ASCII) — for codes, numbers and dates, not for names and free text."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    text = str(cell)
    return (unicodedata.normalize("NFKC", text) if fold else text).strip()


def _required(cell: Cell, label: str, *, fold: bool = True) -> str:
    text = cell_text(cell, fold=fold)
    if not text:
        raise FieldProblem(RowErrorCode.MISSING_VALUE, f"{label}不能为空")
    return text


# --- field parsers (each raises FieldProblem) ----------------------------------------------


def parse_name(cell: Cell) -> str:
    text = _SPACES.sub("", _required(cell, "姓名", fold=False))
    text = _NAME_DOTS.sub("·", text)
    if len(text) > NAME_MAX:
        raise FieldProblem(RowErrorCode.TEXT_TOO_LONG, f"姓名超过 {NAME_MAX} 个字符")
    if not _NAME.match(text) or len(text.replace("·", "")) < 2:
        raise FieldProblem(
            RowErrorCode.NAME_INVALID,
            "姓名应为至少两个汉字，少数民族姓名各部分以“·”分隔，不能含数字、字母或其他符号",
        )
    return text


@lru_cache(maxsize=65_536)
def _region_in_force(region: str, year: int) -> bool:
    """Whether ``region`` was a county code in ``year`` (stdnum's division table), memoised:
    the lookup costs ~30 µs and a file has only a few thousand (region, year) pairs."""
    try:
        ric.get_birth_place(f"{region}{year:04d}0101" + "0000")
    except ValidationError:
        return False
    return True


def parse_id_number(cell: Cell) -> IdNumber:
    if isinstance(cell, float) and cell >= 1e10:
        raise FieldProblem(
            RowErrorCode.ID_NUMBER_EXCEL_NUMBER,
            "身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写",
        )
    text = _SPACES.sub("", _required(cell, "身份证号")).upper()
    if _SCIENTIFIC.match(text):
        raise FieldProblem(
            RowErrorCode.ID_NUMBER_EXCEL_NUMBER,
            "身份证号显示为科学计数法（如 3.30106E+17），末几位已丢失；"
            "请把该列设为“文本”格式后重新填写",
        )
    masked = mask_id_number(text)
    if len(text) == 15 and text.isdigit():
        raise FieldProblem(
            RowErrorCode.ID_NUMBER_LENGTH, f"身份证号 {masked} 是15位旧号码，请填写18位号码"
        )
    if len(text) != 18:
        raise FieldProblem(
            RowErrorCode.ID_NUMBER_LENGTH, f"身份证号应为18位（当前 {len(text)} 位）"
        )
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise FieldProblem(
            RowErrorCode.ID_NUMBER_FORMAT, f"身份证号 {masked} 含有非法字符（仅末位可为 X）"
        )
    if text[17] != ric.calc_check_digit(text):
        raise FieldProblem(RowErrorCode.ID_NUMBER_CHECKSUM, f"身份证号 {masked} 校验位错误")
    try:
        birth = ric.get_birth_date(text)
    except ValidationError:
        raise FieldProblem(
            RowErrorCode.ID_NUMBER_BIRTH_DATE, f"身份证号 {masked} 中的出生日期无效"
        ) from None
    if not _region_in_force(text[:6], birth.year):
        raise FieldProblem(RowErrorCode.ID_NUMBER_REGION, f"身份证号 {masked} 中的地区代码无效")
    return IdNumber(number=text, birth_date=birth, male=int(text[16]) % 2 == 1)


def parse_student_number(cell: Cell) -> str:
    if isinstance(cell, float) and not cell.is_integer():
        raise FieldProblem(RowErrorCode.STUDENT_NUMBER_FORMAT, "学号不能是小数")
    text = _required(cell, "学号")
    if _SCIENTIFIC.match(text):
        raise FieldProblem(
            RowErrorCode.STUDENT_NUMBER_FORMAT,
            "学号显示为科学计数法，请把该列设为“文本”格式后重新填写",
        )
    if not _STUDENT_NUMBER.match(text):
        raise FieldProblem(
            RowErrorCode.STUDENT_NUMBER_FORMAT,
            "学号格式不正确：应为4–32位字母、数字、“-”或“_”",
        )
    return text


def parse_university_code(cell: Cell, expected: str) -> str:
    text = _required(cell, "院校代码")
    if text != expected:
        shown = text if _UNIVERSITY_CODE.match(text) else "（格式错误）"
        raise FieldProblem(
            RowErrorCode.UNIVERSITY_CODE_MISMATCH,
            f"院校代码 {shown} 与本校代码 {expected} 不一致：只能导入本校的学籍",
        )
    return text


def parse_major_code(cell: Cell, majors_by_digits: Mapping[str, str]) -> str:
    text = _required(cell, "专业代码").upper()
    if re.match(r"^\d{5}(T|K|TK)?$", text):  # a number that lost its leading zero
        text = "0" + text
    match = _MAJOR_CODE.match(text)
    if match is None:
        raise FieldProblem(
            RowErrorCode.MAJOR_CODE_FORMAT,
            "专业代码格式不正确：应为6位数字，可带 T 或 K 后缀（如 080902、080910T）",
        )
    code = majors_by_digits.get(match.group(1))
    if code is None:
        raise FieldProblem(RowErrorCode.MAJOR_CODE_UNKNOWN, f"专业代码 {text} 不在本科专业目录中")
    return code


def parse_degree_level(cell: Cell) -> str:
    text = _SPACES.sub("", _required(cell, "学历层次")).lower()
    code = DEGREE_ALIASES.get(text)
    if code is None:
        raise FieldProblem(
            RowErrorCode.DEGREE_LEVEL_UNKNOWN, "学历层次无法识别：应为专科、本科、硕士或博士"
        )
    return code


def parse_date(cell: Cell, label: str, today: date) -> date:
    if isinstance(cell, datetime):
        value = cell.date()
    elif isinstance(cell, date):
        value = cell
    elif isinstance(cell, int | float) and not isinstance(cell, bool) and cell < 100_000:
        value = _excel_serial(float(cell), label)
    else:
        value = _date_from_text(_required(cell, label), label)
    if not MIN_YEAR <= value.year <= today.year + YEARS_AHEAD:
        raise FieldProblem(
            RowErrorCode.DATE_OUT_OF_RANGE,
            f"{label} {value.isoformat()} 不在 {MIN_YEAR} 年至 {today.year + YEARS_AHEAD} 年之间",
        )
    return value


def _excel_serial(serial: float, label: str) -> date:
    if serial < 1:
        raise FieldProblem(RowErrorCode.DATE_INVALID, f"{label}不是有效日期")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _date_from_text(text: str, label: str) -> date:
    text = _DATE_TIME_TAIL.sub("", text.strip())
    match = _DATE_SEPARATED.match(text) or _DATE_COMPACT.match(text)
    if match is not None:
        year, month, day = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise FieldProblem(RowErrorCode.DATE_INVALID, f"{label} {text} 不是有效日期") from None
    if text.isdigit() and len(text) == 5:  # an Excel serial number written out as text
        return _excel_serial(float(text), label)
    raise FieldProblem(
        RowErrorCode.DATE_INVALID,
        f"{label}格式无法识别：请使用 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD",
    )


def parse_status(cell: Cell) -> str:
    text = _SPACES.sub("", _required(cell, "学籍状态")).lower()
    status = STATUS_ALIASES.get(text)
    if status is None:
        raise FieldProblem(
            RowErrorCode.STATUS_UNKNOWN, "学籍状态无法识别：应为在籍、毕业、结业、肄业或退学"
        )
    return status


def parse_gender(cell: Cell) -> str:
    text = _SPACES.sub("", _required(cell, "性别")).lower()
    gender = GENDER_ALIASES.get(text)
    if gender is None:
        raise FieldProblem(RowErrorCode.GENDER_INVALID, "性别无法识别：应为男或女")
    return gender


def parse_flag(cell: Cell, label: str) -> bool:
    text = _SPACES.sub("", cell_text(cell)).lower()
    flag = FLAG_ALIASES.get(text)
    if flag is None:
        raise FieldProblem(RowErrorCode.FLAG_INVALID, f"{label}应填“是”或“否”（也可为 1/0、Y/N）")
    return flag


def parse_college(cell: Cell) -> str:
    text = cell_text(cell, fold=False)
    if len(text) > COLLEGE_MAX:
        raise FieldProblem(RowErrorCode.TEXT_TOO_LONG, f"学院名称超过 {COLLEGE_MAX} 个字符")
    return text


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + (end.month - start.month)


# --- the row -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationContext:
    university_code: str
    majors_by_digits: Mapping[str, str]
    vault: PiiVault
    today: date


def majors_index(codes: Iterable[str]) -> dict[str, str]:
    """Catalogue codes by their six digits (``080910`` -> ``080910T``)."""
    index: dict[str, str] = {}
    for code in sorted(codes):
        index.setdefault(code[:6], code)
    return index


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
