"""Business licences (营业执照): checked by content, stored once per content hash on disk.

Files live under ``<data_dir>/files/licences/<sha256[:2]>/<sha256>.<ext>`` (``pdf``, ``jpg`` or
``png``); the ``employer_licences`` table holds the metadata and who uploaded it when. A file
is written before the transaction commits: an orphan left by a rollback is harmless (same
bytes, same path) and is reused by the next upload of those bytes. Licences are never deleted
here; older rows stay as the history reviewers compare against.

Members of the employer download its current licence; reviewers (career office, provincial
and national administrators) download it within their scope, and every such read is audited.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.employers.errors import (
    EmployerNotFound,
    LicenceMalformed,
    LicenceMissing,
    LicenceNotFound,
    LicenceTooLarge,
    LicenceTypeNotAllowed,
    OwnerRequired,
)
from jobs_api.employers.models import Employer, EmployerLicence
from jobs_api.employers.scope import member_employer_id, reviewer_covers
from jobs_api.identity.principal import EmployerRole, Principal

MAX_LICENCE_BYTES = 10 * 1024 * 1024
PDF_EOF_WINDOW = 1024
_FILENAME_MAX = 100
_UNSAFE = re.compile(r"[^\w.\- ()\[\]（）]+")


@dataclass(frozen=True, slots=True)
class LicenceKind:
    content_type: str
    extension: str


PDF = LicenceKind("application/pdf", "pdf")
JPEG = LicenceKind("image/jpeg", "jpg")
PNG = LicenceKind("image/png", "png")
_BY_CONTENT_TYPE = {kind.content_type: kind for kind in (PDF, JPEG, PNG)}


@dataclass(frozen=True, slots=True)
class LicenceUpload:
    data: bytes
    filename: str | None


def too_large() -> LicenceTooLarge:
    return LicenceTooLarge(
        "营业执照文件不能超过 10 MB (the licence must be at most 10 MB)",
        fields={"licence": f"最大 {MAX_LICENCE_BYTES} 字节 (at most {MAX_LICENCE_BYTES} bytes)"},
    )


def inspect_licence(data: bytes) -> LicenceKind:
    """The licence's type judged by its magic bytes (never by its name or declared type)."""
    if not data:
        raise LicenceMissing(
            "请上传营业执照（PDF、JPG 或 PNG） (upload the business licence)",
            fields={"licence": "文件为空 (empty file)"},
        )
    if len(data) > MAX_LICENCE_BYTES:
        raise too_large()
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
            raise LicenceMalformed(
                "PDF 文件不完整或已损坏 (the PDF is truncated or damaged)",
                fields={"licence": "缺少 %%EOF 结束标记 (no %%EOF trailer)"},
            )
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    raise LicenceTypeNotAllowed(
        "营业执照须为 PDF、JPG 或 PNG 文件 (only PDF, JPEG or PNG files are accepted)",
        fields={"licence": "文件内容不是 PDF、JPG 或 PNG (content is not PDF/JPEG/PNG)"},
    )


def licence_dir(data_dir: Path) -> Path:
    return data_dir / "files" / "licences"


def licence_path(data_dir: Path, sha256: str, content_type: str) -> Path:
    extension = _BY_CONTENT_TYPE[content_type].extension
    return licence_dir(data_dir) / sha256[:2] / f"{sha256}.{extension}"


def sanitise_filename(raw: str | None, kind: LicenceKind) -> str:
    """A display name safe in headers and file systems, with the extension of its real type."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" ._")
    stem, _, _ext = name.rpartition(".")
    stem = (stem or name).strip(" ._")[: _FILENAME_MAX - 5] or "licence"
    return f"{stem}.{kind.extension}"


def _write_once(path: Path, data: bytes) -> None:
    if path.exists() and path.stat().st_size == len(data):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_licence(
    session: Session,
    data_dir: Path,
    employer_id: int,
    upload: LicenceUpload,
    *,
    uploaded_by: int | None,
    now: datetime | None = None,
) -> EmployerLicence:
    """Check the upload, write its file (once per content) and record it as the employer's
    current licence."""
    kind = inspect_licence(upload.data)
    sha256 = hashlib.sha256(upload.data).hexdigest()
    _write_once(licence_path(data_dir, sha256, kind.content_type), upload.data)
    licence = EmployerLicence(
        employer_id=employer_id,
        sha256=sha256,
        content_type=kind.content_type,
        size_bytes=len(upload.data),
        filename=sanitise_filename(upload.filename, kind),
        uploaded_at=now or utcnow(),
        uploaded_by=uploaded_by,
    )
    session.add(licence)
    session.flush()
    return licence


def current_licence(session: Session, employer_id: int) -> EmployerLicence | None:
    return session.scalar(
        select(EmployerLicence)
        .where(EmployerLicence.employer_id == employer_id)
        .order_by(EmployerLicence.id.desc())
        .limit(1)
    )


@dataclass(frozen=True, slots=True)
class LicenceFile:
    path: Path
    content_type: str
    filename: str


def _file_of(data_dir: Path, licence: EmployerLicence | None) -> LicenceFile:
    if licence is None:
        raise LicenceNotFound("尚未上传营业执照 (no licence uploaded)")
    path = licence_path(data_dir, licence.sha256, licence.content_type)
    if not path.is_file():
        raise LicenceNotFound("营业执照文件缺失，请重新上传 (the licence file is missing)")
    return LicenceFile(path=path, content_type=licence.content_type, filename=licence.filename)


def member_licence_file(session: Session, principal: Principal, data_dir: Path) -> LicenceFile:
    """The current licence of the caller's own employer."""
    return _file_of(data_dir, current_licence(session, member_employer_id(principal)))


def reviewer_licence_file(
    session: Session, principal: Principal, data_dir: Path, employer_id: int
) -> LicenceFile:
    """An employer's current licence for a reviewer in scope (404 otherwise); audited."""
    employer = session.get(Employer, employer_id)
    if employer is None or not reviewer_covers(session, principal, employer.city_code):
        raise EmployerNotFound("用人单位不存在 (no such employer)")
    licence = current_licence(session, employer_id)
    found = _file_of(data_dir, licence)
    assert licence is not None
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="employer.licence_read",
        subject_type="employer",
        subject_id=employer_id,
        detail={"licence_id": licence.id, "sha256": licence.sha256},
    )
    return found


def replace_licence(
    session: Session, principal: Principal, data_dir: Path, upload: LicenceUpload
) -> EmployerLicence:
    """The owner uploads a new licence; the previous one stays in the history."""
    employer_id = member_employer_id(principal)
    if principal.employer_role is not EmployerRole.OWNER:
        raise OwnerRequired("仅单位管理员可更换营业执照 (only the owner may replace the licence)")
    licence = store_licence(session, data_dir, employer_id, upload, uploaded_by=principal.user_id)
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="employer.licence_replaced",
        subject_type="employer",
        subject_id=employer_id,
        detail={"licence_id": licence.id, "sha256": licence.sha256, "size": licence.size_bytes},
    )
    return licence
