"""Reading 学籍 files row by row: format by content, text encoding, header, then one row at a
time (never the whole file in memory).

* Format is decided by the bytes, never by the file name: a ZIP holding ``xl/workbook.xml``
  is XLSX (read with openpyxl's read-only mode); text is CSV; anything else (PDF, legacy .xls,
  images, other binaries) is refused.
* CSV encodings: a byte-order mark decides (UTF-8 / UTF-16); otherwise charset-normalizer
  chooses between UTF-8 and GB18030 (a superset of GBK and GB2312, what Excel writes on
  Chinese Windows) on a sample of the file. The delimiter is the most frequent of ``,``, tab
  and ``;`` in the header line.
* The header is the first non-empty row among the first :data:`HEADER_SEARCH_ROWS` that names
  at least three known columns (so a title row above it is tolerated). Line numbers are the
  ones the person sees: the first line of the file is 1, blank lines count.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Final

from charset_normalizer import from_bytes
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from jobs_api.registry.columns import COLUMNS, COLUMNS_BY_KEY, REQUIRED_KEYS, column_key
from jobs_api.registry.errors import (
    EmptyFile,
    HeaderInvalid,
    UnreadableEncoding,
    UnsupportedFileType,
)
from jobs_api.registry.models import ImportFormat

Cell = str | int | float | bool | date | datetime | None

HEADER_SEARCH_ROWS: Final = 10
SNIFF_BYTES: Final = 8 * 1024
ENCODING_SAMPLE_BYTES: Final = 512 * 1024
MIN_HEADER_MATCHES: Final = 3
REPLACEMENT_CHAR: Final = "\ufffd"

csv.field_size_limit(1024 * 1024)


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row: the line it starts on and its cells by column key (known columns only)."""

    line: int
    cells: dict[str, Cell]
    undecodable: bool = False  # some bytes of the line were not valid in the file's encoding


@dataclass(frozen=True, slots=True)
class Header:
    line: int
    positions: dict[str, int]  # column key -> index in the row
    labels: dict[str, str]  # column key -> the header text as written in the file
    ignored: tuple[str, ...] = ()

    def label(self, key: str) -> str:
        return self.labels.get(key) or COLUMNS_BY_KEY[key].label


@dataclass(frozen=True, slots=True)
class FileInfo:
    format: ImportFormat
    encoding: str | None  # CSV only
    delimiter: str | None = None
    notes: tuple[str, ...] = field(default=())


# --- format and encoding -------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def sniff_format(path: Path) -> ImportFormat:
    """CSV or XLSX by content; raises :class:`UnsupportedFileType` for anything else."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise EmptyFile("文件为空 (the file is empty)")
    if head.startswith(_ZIP_MAGIC):
        if not _is_xlsx(path):
            raise UnsupportedFileType(
                "压缩文件不是 Excel 工作簿（.xlsx），请上传 CSV 或 XLSX 文件"
                " (a ZIP archive that is not an XLSX workbook)"
            )
        return ImportFormat.XLSX
    if head.startswith(_OLE_MAGIC):
        raise UnsupportedFileType(
            "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后上传"
            " (legacy .xls is not supported; save as .xlsx or CSV)"
        )
    if head.startswith(b"%PDF"):
        raise UnsupportedFileType(
            "文件内容是 PDF，不是 CSV 或 XLSX 表格 (the content is a PDF, not CSV or XLSX)"
        )
    if head.startswith(_UTF16_BOMS) or head.startswith(codecs.BOM_UTF8):
        return ImportFormat.CSV
    if b"\x00" in head or _control_share(head) > 0.05:
        raise UnsupportedFileType(
            "文件不是文本表格（CSV）或 Excel 工作簿（XLSX） (binary content, not CSV or XLSX)"
        )
    return ImportFormat.CSV


def _control_share(data: bytes) -> float:
    controls = sum(1 for b in data if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    return controls / max(len(data), 1)


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def detect_encoding(path: Path) -> str:
    """The text encoding of a CSV file (a Python codec name)."""
    with path.open("rb") as handle:
        sample = handle.read(ENCODING_SAMPLE_BYTES)
        truncated = bool(handle.read(1))
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(_UTF16_BOMS):
        return "utf-16"
    if truncated:  # do not cut a multi-byte character in two
        cut = sample.rfind(b"\n")
        sample = sample[: cut + 1] if cut > 0 else sample
    best = from_bytes(sample, cp_isolation=["utf_8", "gb18030"]).best()
    if best is not None:
        name = best.encoding.lower().replace("-", "_")
        return "utf-8" if name in {"ascii", "utf_8"} else "gb18030"
    # Neither decodes cleanly (a few stray bytes): take the one that loses less; the rows
    # holding undecodable bytes are rejected one by one.
    losses = {
        codec: sample.decode(codec, errors="replace").count(REPLACEMENT_CHAR)
        for codec in ("utf-8", "gb18030")
    }
    codec = min(losses, key=lambda c: losses[c])
    if losses[codec] > max(len(sample) // 100, 8):
        raise UnreadableEncoding(
            "无法识别文件编码，请将文件另存为 UTF-8 编码的 CSV"
            " (unrecognised text encoding; save the file as UTF-8 CSV)"
        )
    return codec


def inspect_file(path: Path) -> FileInfo:
    fmt = sniff_format(path)
    if fmt is ImportFormat.XLSX:
        return FileInfo(format=fmt, encoding=None)
    return FileInfo(format=fmt, encoding=detect_encoding(path))


# --- header --------------------------------------------------------------------------------


def _is_blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def find_header(line: int, cells: Sequence[Cell]) -> Header | None:
    """The header if this row names at least three known columns; raises on a broken one."""
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    duplicated: list[str] = []
    for index, cell in enumerate(cells):
        if cell is None:
            continue
        text = str(cell).strip().lstrip("\ufeff")
        if not text:
            continue
        key = column_key(text)
        if key is None:
            ignored.append(text)
            continue
        if key in positions:
            duplicated.append(COLUMNS_BY_KEY[key].label)
            continue
        positions[key] = index
        labels[key] = text
    if len(positions) < MIN_HEADER_MATCHES:
        return None
    if duplicated:
        raise HeaderInvalid(
            f"表头中以下列出现了多次：{'、'.join(duplicated)} (columns given twice)",
            fields={label: "重复的列" for label in duplicated},
        )
    missing = [COLUMNS_BY_KEY[k].label for k in REQUIRED_KEYS if k not in positions]
    if missing:
        raise HeaderInvalid(
            f"表头缺少必填列：{'、'.join(missing)} (required columns missing)",
            fields={label: "缺少此列" for label in missing},
        )
    return Header(line=line, positions=positions, labels=labels, ignored=tuple(ignored))


def _no_header() -> HeaderInvalid:
    expected = "、".join(c.label for c in COLUMNS if c.required)
    return HeaderInvalid(
        f"未找到表头：第一行应为列名（{expected}） (no header row found)",
        fields={"header": "未找到表头"},
    )


# --- rows ----------------------------------------------------------------------------------


class RowSource:
    """An open import file: its header and an iterator over its data rows."""

    def __init__(self, header: Header, rows: Iterator[RawRow]) -> None:
        self.header = header
        self._rows = rows

    def __iter__(self) -> Iterator[RawRow]:
        return self._rows


def _pick(header: Header, cells: Sequence[Cell]) -> dict[str, Cell]:
    size = len(cells)
    return {key: (cells[i] if i < size else None) for key, i in header.positions.items()}


def _csv_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_records(handle: IO[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells) for every record, blank lines skipped."""
    reader = csv.reader(handle, delimiter=delimiter)
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if record and not _is_blank(record):
            yield start, record


@contextmanager
def _open_csv(path: Path, encoding: str) -> Iterator[RowSource]:
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        first_line = ""
        for raw in handle:
            if raw.strip():
                first_line = raw
                break
        handle.seek(0)
        records = _csv_records(handle, _csv_delimiter(first_line))
        header = None
        for line, cells in records:
            header = find_header(line, cells)
            if header is not None or line >= HEADER_SEARCH_ROWS:
                break
        if header is None:
            raise _no_header()
        found = header

        def rows() -> Iterator[RawRow]:
            for line, cells in records:
                undecodable = any(REPLACEMENT_CHAR in c for c in cells)
                yield RawRow(line=line, cells=_pick(found, cells), undecodable=undecodable)

        yield RowSource(found, rows())


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool | date | datetime):
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


@contextmanager
def _open_xlsx(path: Path) -> Iterator[RowSource]:
    # A file object, not the path: openpyxl would refuse a path by its extension, and uploads
    # are stored under their content hash.
    handle = path.open("rb")
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        handle.close()
        raise UnsupportedFileType(
            "无法读取 Excel 工作簿，请确认文件为 .xlsx 格式 (not a readable XLSX workbook)"
        ) from exc
    try:
        if not workbook.worksheets:
            raise EmptyFile("工作簿中没有工作表 (the workbook has no sheet)")
        sheet = workbook.worksheets[0]
        numbered = enumerate(sheet.iter_rows(values_only=True), start=1)
        header = None
        for line, values in numbered:
            cells = tuple(_xlsx_cell(v) for v in values)
            if _is_blank(cells):
                if line >= HEADER_SEARCH_ROWS:
                    break
                continue
            header = find_header(line, cells)
            if header is not None or line >= HEADER_SEARCH_ROWS:
                break
        if header is None:
            raise _no_header()
        found = header

        def rows() -> Iterator[RawRow]:
            for line, values in numbered:
                cells = tuple(_xlsx_cell(v) for v in values)
                if not _is_blank(cells):
                    yield RawRow(line=line, cells=_pick(found, cells))

        yield RowSource(found, rows())
    finally:
        workbook.close()
        handle.close()


@contextmanager
def open_rows(path: Path, fmt: ImportFormat | str, encoding: str | None) -> Iterator[RowSource]:
    """Open an import file for streaming; raises file-level errors (header, encoding)."""
    if ImportFormat(fmt) is ImportFormat.XLSX:
        with _open_xlsx(path) as source:
            yield source
    else:
        try:
            with _open_csv(path, encoding or "utf-8") as source:
                yield source
        except LookupError as exc:  # an unknown codec name stored with the import
            raise UnreadableEncoding(f"不支持的文件编码 {encoding} (unsupported encoding)") from exc


def read_header(path: Path, info: FileInfo) -> Header:
    """Check the header of a file at upload time (reads only the first rows)."""
    with open_rows(path, info.format, info.encoding) as source:
        return source.header
