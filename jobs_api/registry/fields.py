"""Field parsers of a 学籍 row: each turns one cell into a normalised value or raises
:class:`FieldProblem` with a :class:`RowErrorCode` and a zh-CN message (ID numbers masked).

The rules are listed in :mod:`jobs_api.registry.validation`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Final

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from jobs_api.core.pii import mask_id_number
from jobs_api.registry.models import EnrollmentStatus
from jobs_api.registry.parsing import Cell


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


class FieldProblem(Exception):
    """One field's value is unusable; ``code`` is a :class:`RowErrorCode`."""

    def __init__(self, code: RowErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class IdNumber:
    number: str
    birth_date: date
    male: bool

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


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
    if fold and not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def _required(cell: Cell, label: str, *, fold: bool = True) -> str:
    text = cell_text(cell, fold=fold)
    if not text:
        raise FieldProblem(RowErrorCode.MISSING_VALUE, f"{label}不能为空")
    return text


# --- field parsers (each raises FieldProblem) ----------------------------------------------


def normalise_name(text: str) -> str:
    """A name as stored: no spaces, minority-name separators as the middle dot ``·``."""
    return _NAME_DOTS.sub("·", _SPACES.sub("", text))


def parse_name(cell: Cell) -> str:
    text = normalise_name(_required(cell, "姓名", fold=False))
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
    try:  # what ric.get_birth_date does, without its per-call clean-up of the text
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
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


@lru_cache(maxsize=4_096)  # a cohort shares a handful of dates; failures are not cached
def _date_from_text(text: str, label: str) -> date:
    if ":" in text:
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


def majors_index(codes: Iterable[str]) -> dict[str, str]:
    """Catalogue codes by their six digits (``080910`` -> ``080910T``)."""
    index: dict[str, str] = {}
    for code in sorted(codes):
        index.setdefault(code[:6], code)
    return index
