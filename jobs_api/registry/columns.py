"""The columns of a 学籍 import file: Chinese headers first, English aliases accepted.

A header cell matches a column when, after normalisation (trimmed, lower-cased, spaces,
``*`` markers and bracketed notes such as ``（18位）`` removed), it equals one of the column's
aliases. Columns not listed here are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str  # the header of the template (zh-CN)
    aliases: tuple[str, ...]
    required: bool = True
    hint: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("姓名", "学生姓名", "name", "xm"), hint="如：张伟、阿依古丽·买买提"),
    Column(
        "id_number",
        "身份证号",
        ("身份证号", "身份证号码", "公民身份号码", "证件号码", "id_number", "idnumber", "sfzh"),
        hint="18位居民身份证号码，请将该列设为文本格式",
    ),
    Column(
        "student_number",
        "学号",
        ("学号", "学生学号", "student_number", "studentnumber", "student_no", "xh"),
        hint="4–32位字母、数字、- 或 _",
    ),
    Column(
        "university_code",
        "院校代码",
        ("院校代码", "学校代码", "university_code", "universitycode", "yxdm"),
        hint="本校5位院校代码",
    ),
    Column(
        "college",
        "学院",
        ("学院", "院系", "所在院系", "院系名称", "college", "department"),
        required=False,
    ),
    Column(
        "major_code",
        "专业代码",
        ("专业代码", "major_code", "majorcode", "zydm"),
        hint="本科专业目录代码，如 080902 或 080910T",
    ),
    Column(
        "degree_level",
        "学历层次",
        ("学历层次", "层次", "培养层次", "degree_level", "degreelevel", "cc"),
        hint="专科 / 本科 / 硕士 / 博士",
    ),
    Column(
        "enrollment_date",
        "入学日期",
        ("入学日期", "入学时间", "enrollment_date", "enrollmentdate", "rxrq"),
        hint="YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD",
    ),
    Column(
        "expected_graduation_date",
        "预计毕业日期",
        (
            "预计毕业日期",
            "预计毕业时间",
            "毕业日期",
            "expected_graduation_date",
            "expectedgraduationdate",
            "yjbyrq",
        ),
        hint="YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD",
    ),
    Column(
        "status",
        "学籍状态",
        ("学籍状态", "状态", "status", "xjzt"),
        hint="在籍 / 毕业 / 结业 / 肄业 / 退学",
    ),
    Column("gender", "性别", ("性别", "gender", "sex", "xb"), hint="男 / 女"),
    Column(
        "low_income_family",
        "低收入家庭",
        ("低收入家庭", "是否低收入家庭", "low_income_family", "lowincomefamily"),
        required=False,
        hint="是 / 否（可空）",
    ),
    Column(
        "zero_employment_family",
        "零就业家庭",
        ("零就业家庭", "是否零就业家庭", "zero_employment_family", "zeroemploymentfamily"),
        required=False,
        hint="是 / 否（可空）",
    ),
    Column(
        "has_disability",
        "残疾",
        ("残疾", "是否残疾", "残疾人", "has_disability", "hasdisability", "disability"),
        required=False,
        hint="是 / 否（可空）",
    ),
)

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)

_BRACKETED = re.compile(r"[（(\[【].*?[)）\]】]")
_NOISE = re.compile(r"[\s*＊:：\ufeff]+")
_ALIASES = {alias.lower(): column.key for column in COLUMNS for alias in column.aliases}


def normalise_header(text: str) -> str:
    return _NOISE.sub("", _BRACKETED.sub("", text)).lower()


def column_key(header: str) -> str | None:
    """The column a header cell names, or ``None`` for a column we do not read."""
    return _ALIASES.get(normalise_header(header))
