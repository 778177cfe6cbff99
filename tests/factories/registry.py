"""学籍 import files for tests: valid synthetic rows, and CSV / XLSX writers.

Every generated ID number is a valid GB 11643-1999 number (county 330106 西湖区, a birth date
in 2003–2004, a sequence whose parity matches the gender, the MOD 11-2 check digit), unique
per row number ``n``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from jobs_api.demo.codes import id_check_digit
from jobs_api.registry.columns import COLUMNS

HEADER = [column.label for column in COLUMNS]
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷")


def make_id_number(
    n: int, *, male: bool = True, birth: date | None = None, county: str = "330106"
) -> str:
    """A valid ID number, different for every ``n`` (and gender)."""
    born = birth or date(2003, 1, 1) + timedelta(days=(n // 500) % 700)
    parity = "13579" if male else "02468"
    sequence = f"{n % 100:02d}{parity[(n // 100) % 5]}"
    first17 = f"{county}{born:%Y%m%d}{sequence}"
    return first17 + id_check_digit(first17)


def with_check_digit_broken(id_number: str) -> str:
    wrong = "0" if id_number[-1] != "0" else "1"
    return id_number[:-1] + wrong


def registry_row(n: int, *, university_code: str = "10335", **overrides: Any) -> dict[str, Any]:
    """A valid row (keys: the template's Chinese headers); ``overrides`` by header or key."""
    male = n % 2 == 0
    row: dict[str, Any] = {
        "姓名": NAMES[n % len(NAMES)],
        "身份证号": make_id_number(n, male=male),
        "学号": f"32201{n:05d}",
        "院校代码": university_code,
        "学院": "计算机科学与技术学院",
        "专业代码": "080902",
        "学历层次": "本科",
        "入学日期": "2022-09-01",
        "预计毕业日期": "2026-06-30",
        "学籍状态": "在籍",
        "性别": "男" if male else "女",
        "低收入家庭": "否",
        "零就业家庭": "否",
        "残疾": "否",
    }
    by_key = {column.key: column.label for column in COLUMNS}
    for key, value in overrides.items():
        row[by_key.get(key, key)] = value
    return row


def registry_rows(count: int, *, start: int = 1, **overrides: Any) -> list[dict[str, Any]]:
    return [registry_row(n, **overrides) for n in range(start, start + count)]


def write_csv(
    path: Path,
    rows: Iterable[dict[str, Any]],
    *,
    encoding: str = "utf-8",
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    preamble: Sequence[str] = (),
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        for line in preamble:
            handle.write(line + "\r\n")
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if row.get(h) is None else row.get(h) for h in header])
    return path


def write_xlsx(
    path: Path, rows: Iterable[dict[str, Any]], *, header: Sequence[str] = HEADER
) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("学籍")
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(h) for h in header])
    workbook.save(path)
    return path
