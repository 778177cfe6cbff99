"""The import template: a header-only CSV shipped with the package, and an XLSX generated on
request (header with text-formatted code columns, and a sheet explaining every column).

The example row lives on the explanation sheet only, so an untouched template imports nothing.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from jobs_api.registry.columns import COLUMNS

CSV_TEMPLATE: Final = Path(__file__).resolve().parent / "templates" / "registry_template.csv"
XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_COLUMNS: Final = frozenset({"id_number", "student_number", "university_code", "major_code"})

# A synthetic person: the ID number has a valid check digit but belongs to no one we know of.
EXAMPLE: Final = {
    "name": "张伟",
    "id_number": "330106200301011237",
    "student_number": "3220100001",
    "university_code": "10335",
    "college": "计算机科学与技术学院",
    "major_code": "080902",
    "degree_level": "本科",
    "enrollment_date": "2022-09-01",
    "expected_graduation_date": "2026-06-30",
    "status": "在籍",
    "gender": "男",
    "low_income_family": "否",
    "zero_employment_family": "否",
    "has_disability": "否",
}


def csv_template_bytes() -> bytes:
    return CSV_TEMPLATE.read_bytes()


def xlsx_template_bytes() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("学籍")
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS):
        letter = chr(ord("A") + index)
        sheet.column_dimensions[letter].width = 22 if column.key == "id_number" else 14
        if column.key in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        header.append(cell)
    sheet.append(header)

    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 48
    notes.column_dimensions["D"].width = 24
    notes.append([_bold(notes, t) for t in ("列名", "是否必填", "填写要求", "示例")])
    for column in COLUMNS:
        example = WriteOnlyCell(notes, value=EXAMPLE[column.key])
        example.number_format = "@"
        notes.append([column.label, "必填" if column.required else "可空", column.hint, example])
    notes.append([])
    notes.append(["说明", "", "第一行为表头（可用中文列名或英文别名）；每个学生一行；"])
    notes.append(["", "", "身份证号、学号、院校代码、专业代码请设为文本格式，避免 Excel 改写。"])
    notes.append(["", "", "同一文件重复导入不会产生重复记录：已有学号按新内容更新。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold(sheet: object, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell
