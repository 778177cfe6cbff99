"""Importing the local enterprise registry from CSV, with a report of every rejected row.

Columns (header names in Chinese or English, any order; extra columns are ignored):
统一社会信用代码 ``uscc``, 企业名称 ``name``, 法定代表人 ``legal_representative``, 登记状态
``status`` (存续/在业/吊销/注销/经营异常), 注册资本 ``registered_capital``, 成立日期
``established_on`` (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD). The first three of code, name and status
are required.

Encodings: a byte-order mark decides (UTF-8, UTF-16); otherwise UTF-8, then GB18030 (a superset
of GBK, what Excel writes on Chinese Windows). Binary content is refused.

Rows are upserted by credit code in batches: a known code is updated, a new one inserted. A bad
row is skipped and reported (line, column, code, message); the rest of the file is imported.
A provincial administrator may import only codes registered in its province (the region part of
the code); a national administrator any.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from employer_verification import uscc as uscc_rules
from employer_verification.enterprise_registry import EnterpriseRecord
from employer_verification.errors import ImportFileInvalid, ImportNotFound, NoProvinceScope
from employer_verification.models import (
    EnterpriseRegistryEntry,
    EnterpriseRegistryImport,
    EnterpriseRegistryImportError,
    EnterpriseStatus,
)
from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.identity.principal import Principal, Role

BATCH_SIZE: Final = 1_000
MAX_STORED_ERRORS: Final = 10_000

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "uscc": ("统一社会信用代码", "信用代码", "uscc", "code"),
    "name": ("企业名称", "名称", "单位名称", "name"),
    "legal_representative": ("法定代表人", "法定代表人姓名", "负责人", "legal_representative"),
    "status": ("登记状态", "经营状态", "状态", "status"),
    "registered_capital": ("注册资本", "registered_capital"),
    "established_on": ("成立日期", "established_on", "established_date"),
}
REQUIRED: Final = ("uscc", "name", "status")
LABELS: Final = {key: names[0] for key, names in COLUMNS.items()}


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str | None
    code: str
    message: str


@dataclass
class ImportReport:
    rows_total: int = 0
    inserted: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0

    def reject(self, error: RowError) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)


def decode(data: bytes) -> tuple[str, str]:
    """The text of an uploaded file and the encoding it was read with."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFileInvalid("文件为空 (the file is empty)", code="empty_file")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if b"\x00" in data[:8192] or data.startswith((b"%PDF", b"PK\x03\x04")):
        raise ImportFileInvalid(
            "文件不是 CSV 文本表格 (binary content, not CSV)", code="unsupported_file_type"
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileInvalid(
        "无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV (unreadable encoding)",
        code="unreadable_encoding",
    )


def _header(cells: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    wanted = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    for index, cell in enumerate(cells):
        key = wanted.get(cell.strip().lstrip("\ufeff").lower())
        if key is not None and key not in positions:
            positions[key] = index
    missing = [LABELS[k] for k in REQUIRED if k not in positions]
    if missing:
        raise ImportFileInvalid(
            f"表头缺少必需的列：{'、'.join(missing)} (header misses required columns)",
            code="header_invalid",
        )
    return positions


def _date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _cell(cells: list[str], header: dict[str, int], key: str) -> str:
    index = header.get(key)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _error(line: int, key: str | None, code: str, message: str) -> RowError:
    return RowError(line, LABELS[key] if key else None, code, message)


def validate_row(
    cells: list[str],
    header: dict[str, int],
    line: int,
    province_code: str | None,
    seen: set[str],
    today: date,
) -> EnterpriseRecord | RowError:
    """One data row as a record, or the first problem found in it."""
    code = uscc_rules.compact(_cell(cells, header, "uscc"))
    name = _cell(cells, header, "name")
    status = _cell(cells, header, "status")
    if uscc_rules.parse(code) is None:
        return _error(line, "uscc", "uscc_invalid", "统一社会信用代码格式或校验位错误")
    if province_code is not None and code[2:4] != province_code[:2]:
        return _error(
            line, "uscc", "out_of_scope", "该代码不在本省登记，省级管理员只能导入本省单位"
        )
    if code in seen:
        return _error(line, "uscc", "duplicate_in_file", "同一代码在文件中重复出现，已忽略后一行")
    if not name or len(name) > 200:
        return _error(line, "name", "name_invalid", "企业名称为空或超过 200 字")
    if status not in {s.value for s in EnterpriseStatus}:
        return _error(
            line, "status", "status_invalid", "登记状态应为 存续、在业、吊销、注销 或 经营异常"
        )
    legal = _cell(cells, header, "legal_representative")
    capital = _cell(cells, header, "registered_capital")
    for key, value in (("legal_representative", legal), ("registered_capital", capital)):
        if len(value) > 64:
            return _error(line, key, "too_long", "内容超过 64 字")
    established: date | None = None
    raw_date = _cell(cells, header, "established_on")
    if raw_date:
        try:
            established = _date(raw_date)
        except ValueError:
            return _error(line, "established_on", "date_invalid", "成立日期格式应为 YYYY-MM-DD")
        if established is not None and established > today:
            return _error(line, "established_on", "date_in_future", "成立日期不能晚于今天")
    return EnterpriseRecord(code, name, status, legal, capital, established)


def parse_rows(
    text: str, province_code: str | None, report: ImportReport
) -> Iterator[tuple[int, EnterpriseRecord]]:
    """Valid records with their line numbers; problems go into ``report``."""
    reader = csv.reader(io.StringIO(text))
    header: dict[str, int] | None = None
    seen: set[str] = set()
    today = utcnow().date()
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = _header(cells)
            continue
        report.rows_total += 1
        found = validate_row(cells, header, line, province_code, seen, today)
        if isinstance(found, RowError):
            report.reject(found)
            continue
        seen.add(found.uscc)
        yield line, found
    if header is None:
        raise ImportFileInvalid("文件没有表头行 (no header row)", code="header_invalid")


def upsert_records(
    session: Session, records: list[EnterpriseRecord], import_id: int | None = None
) -> tuple[int, int]:
    """Insert or update registry entries by credit code; returns (inserted, updated)."""
    existing = {
        entry.uscc: entry
        for entry in session.scalars(
            select(EnterpriseRegistryEntry).where(
                EnterpriseRegistryEntry.uscc.in_([r.uscc for r in records])
            )
        )
    }
    inserted = updated = 0
    now = utcnow()
    for record in records:
        entry = existing.get(record.uscc)
        if entry is None:
            entry = EnterpriseRegistryEntry(uscc=record.uscc)
            session.add(entry)
            existing[record.uscc] = entry
            inserted += 1
        else:
            updated += 1
        entry.name = record.name
        entry.status = record.status
        entry.legal_representative = record.legal_representative
        entry.registered_capital = record.registered_capital
        entry.established_on = record.established_on
        entry.source_import_id = import_id
        entry.updated_at = now
    session.flush()
    return inserted, updated


def _scope(principal: Principal) -> str | None:
    if principal.role is Role.PROVINCIAL_ADMIN:
        if not principal.province_code:
            raise NoProvinceScope("当前管理员账号未关联省份 (administrator has no province)")
        return principal.province_code
    return None


def import_csv(
    session: Session, principal: Principal, filename: str, data: bytes
) -> tuple[EnterpriseRegistryImport, list[RowError]]:
    """Import one CSV file; returns the import row and the stored row errors."""
    province_code = _scope(principal)
    text, encoding = decode(data)
    report = ImportReport()
    batch_import = EnterpriseRegistryImport(
        uploaded_by_user_id=principal.user_id,
        uploader_role=principal.role.value,
        province_code=province_code,
        filename=filename[:255] or "upload.csv",
        content_sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
    )
    session.add(batch_import)
    session.flush()
    batch: list[EnterpriseRecord] = []
    for _, record in parse_rows(text, province_code, report):
        batch.append(record)
        if len(batch) >= BATCH_SIZE:
            inserted, updated = upsert_records(session, batch, batch_import.id)
            report.inserted, report.updated = report.inserted + inserted, report.updated + updated
            batch = []
    if batch:
        inserted, updated = upsert_records(session, batch, batch_import.id)
        report.inserted, report.updated = report.inserted + inserted, report.updated + updated
    batch_import.rows_total = report.rows_total
    batch_import.rows_inserted = report.inserted
    batch_import.rows_updated = report.updated
    batch_import.rows_rejected = report.errors_total
    batch_import.errors_total = report.errors_total
    session.add_all(
        EnterpriseRegistryImportError(
            import_id=batch_import.id, line=e.line, column=e.column, code=e.code, message=e.message
        )
        for e in report.errors
    )
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="verification.registry.import",
        subject_type="enterprise_registry_import",
        subject_id=batch_import.id,
        detail={
            "rows": report.rows_total,
            "inserted": report.inserted,
            "updated": report.updated,
            "rejected": report.errors_total,
            "province_code": province_code,
        },
    )
    session.flush()
    return batch_import, report.errors


def get_import(
    session: Session, principal: Principal, import_id: int, *, errors_limit: int = 1_000
) -> tuple[EnterpriseRegistryImport, list[EnterpriseRegistryImportError]]:
    found = session.get(EnterpriseRegistryImport, import_id)
    province_code = _scope(principal)
    if found is None or (province_code is not None and found.province_code != province_code):
        raise ImportNotFound("导入记录不存在 (no such import)")
    errors = session.scalars(
        select(EnterpriseRegistryImportError)
        .where(EnterpriseRegistryImportError.import_id == import_id)
        .order_by(EnterpriseRegistryImportError.line, EnterpriseRegistryImportError.id)
        .limit(errors_limit)
    ).all()
    return found, list(errors)
