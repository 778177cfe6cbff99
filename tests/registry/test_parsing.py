"""Reading import files: type by content, encodings, headers and the line numbers people see."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from jobs_api.registry.errors import EmptyFile, HeaderInvalid, UnsupportedFileType
from jobs_api.registry.models import ImportFormat
from jobs_api.registry.parsing import inspect_file, open_rows, sniff_format
from tests.factories.registry import HEADER, registry_rows, write_csv, write_xlsx


def read_all(path: Path) -> list[tuple[int, dict[str, object]]]:
    info = inspect_file(path)
    with open_rows(path, info.format, info.encoding) as source:
        return [(row.line, row.cells) for row in source]


# --- type by content -----------------------------------------------------------------------


def test_a_pdf_named_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xj.csv"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    with pytest.raises(UnsupportedFileType) as caught:
        sniff_format(path)
    assert "PDF" in caught.value.message
    assert caught.value.status_code == 415


def test_legacy_xls_and_other_zips_and_binaries_are_refused(tmp_path: Path) -> None:
    xls = tmp_path / "a.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    docx = tmp_path / "a.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    png = tmp_path / "a.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    for path, hint in ((xls, ".xls"), (docx, "XLSX"), (png, "CSV")):
        with pytest.raises(UnsupportedFileType) as caught:
            sniff_format(path)
        assert hint in caught.value.message


def test_empty_files_are_refused(tmp_path: Path) -> None:
    for content in (b"", b"\xef\xbb\xbf", b"\r\n  \r\n"):
        path = tmp_path / "empty.csv"
        path.write_bytes(content)
        with pytest.raises(EmptyFile):
            sniff_format(path)


def test_xlsx_is_recognised_whatever_its_name(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "学籍.csv", registry_rows(1))
    assert sniff_format(path) is ImportFormat.XLSX
    assert [line for line, _ in read_all(path)] == [2]


# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"),
     ("utf-16", "utf-16")],
)  # fmt: skip
def test_encodings_are_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    rows = registry_rows(3)
    rows[0]["姓名"] = "欧阳娜娜"
    rows[1]["学院"] = "马克思主义学院"
    if encoding in {"gb18030", "utf-8"}:
        rows[2]["姓名"] = "王𠀀"  # outside GBK: only GB18030 and Unicode encodings have it
    delimiter = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode text"
    path = write_csv(tmp_path / "x.csv", rows, encoding=encoding, delimiter=delimiter)
    info = inspect_file(path)
    assert (info.format, info.encoding) == (ImportFormat.CSV, detected)
    read = read_all(path)
    assert read[0][1]["name"] == "欧阳娜娜"
    assert read[1][1]["college"] == "马克思主义学院"
    if encoding in {"gb18030", "utf-8"}:
        assert read[2][1]["name"] == "王𠀀"


def test_a_few_undecodable_bytes_mark_only_their_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", registry_rows(3))
    data = path.read_bytes().replace("李娜".encode(), b"\xff\xfe")
    path.write_bytes(data)
    info = inspect_file(path)
    with open_rows(path, info.format, info.encoding) as source:
        flags = [(row.line, row.undecodable) for row in source]
    assert flags == [(2, False), (3, True), (4, False)]


# --- headers -------------------------------------------------------------------------------


def test_english_aliases_and_decorated_headers(tmp_path: Path) -> None:
    english = [
        "name", "ID_Number", "student_no", "university_code", "major_code", "degree_level",
        "enrollment_date", "expected_graduation_date", "status", "gender",
    ]  # fmt: skip
    path = tmp_path / "en.csv"
    path.write_text(",".join(english) + "\n张伟,1,2,3,4,5,6,7,8,9\n", encoding="utf-8")
    ((_, cells),) = read_all(path)
    assert (cells["name"], cells["id_number"], cells["gender"]) == ("张伟", "1", "9")

    renamed = {"姓名": "*姓名", "身份证号": "身份证号码（18位）", "学号": " 学号 "}
    header = [renamed.get(h, h) for h in HEADER]
    (row,) = registry_rows(1)
    path = write_csv(
        tmp_path / "zh.csv", [{renamed.get(k, k): v for k, v in row.items()}], header=header
    )
    ((_, cells),) = read_all(path)
    assert (cells["name"], cells["id_number"]) == (row["姓名"], row["身份证号"])
    assert cells["student_number"] == row["学号"]


def test_a_title_row_above_the_header_keeps_line_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "x.csv", registry_rows(2), preamble=["浙江大学2026届学籍信息,,", ""]
    )
    assert [line for line, _ in read_all(path)] == [4, 5]


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in {"身份证号", "学籍状态"}]
    path = write_csv(tmp_path / "x.csv", registry_rows(1), header=header)
    with pytest.raises(HeaderInvalid) as caught:
        read_all(path)
    assert "身份证号" in caught.value.message and "学籍状态" in caught.value.message
    assert set(caught.value.fields) == {"身份证号", "学籍状态"}


def test_a_column_given_twice_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", registry_rows(1), header=[*HEADER, "学号"])
    with pytest.raises(HeaderInvalid, match="学号"):
        read_all(path)


def test_no_header_at_all(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(HeaderInvalid, match="未找到表头"):
        read_all(path)


# --- line numbers --------------------------------------------------------------------------


def test_csv_line_numbers_count_blank_lines_and_multiline_cells(tmp_path: Path) -> None:
    rows = registry_rows(3)
    rows[0]["学院"] = "计算机学院\n（软件学院）"  # a quoted cell spanning two lines
    path = write_csv(tmp_path / "x.csv", rows)
    lines = path.read_bytes().split(b"\r\n")
    lines.insert(3, b"")  # a blank line before the third row
    path.write_bytes(b"\r\n".join(lines))
    found = read_all(path)
    assert [line for line, _ in found] == [2, 4, 6]
    assert found[0][1]["college"] == "计算机学院\n（软件学院）"


def test_xlsx_line_numbers_count_empty_rows(tmp_path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("学籍")
    sheet.append(["浙江大学学籍"])
    sheet.append(HEADER)
    rows = registry_rows(2)
    sheet.append([rows[0][h] for h in HEADER])
    sheet.append([])
    sheet.append([None] * len(HEADER))
    sheet.append([rows[1][h] for h in HEADER])
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    assert [line for line, _ in read_all(path)] == [3, 6]
