"""Résumé PDFs: checked, stored once per content hash on disk, listed and served to the owner.

Files live under ``<data_dir>/files/resumes/<sha256[:2]>/<sha256>.pdf``: the same bytes
uploaded twice (by anyone) are stored once. The database holds metadata only. A file is
written before the transaction commits (an orphan left by a rollback is harmless and is
reused by the next upload of the same bytes) and removed only after the commit that deleted
its last row, so a rolled-back delete never loses a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from jobs_api.core.db import utcnow
from jobs_api.graduates.errors import (
    ResumeLimitReached,
    ResumeMalformed,
    ResumeNotFound,
    ResumeNotPdf,
    ResumeTooLarge,
)
from jobs_api.graduates.models import Resume
from jobs_api.graduates.schemas import ResumeOut
from jobs_api.identity.principal import Principal

MAX_RESUME_BYTES = 5 * 1024 * 1024
MAX_RESUMES = 5
PDF_MAGIC = b"%PDF-"
EOF_MARKER = b"%%EOF"
EOF_WINDOW = 1024  # PDF readers look for %%EOF within the last kilobyte
PDF_MEDIA_TYPE = "application/pdf"
_FILENAME_MAX = 100
_UNSAFE = re.compile(r"[^\w.\- ()\[\]（）]+")


def resume_dir(data_dir: Path) -> Path:
    return data_dir / "files" / "resumes"


def resume_path(data_dir: Path, sha256: str) -> Path:
    return resume_dir(data_dir) / sha256[:2] / f"{sha256}.pdf"


def sanitise_filename(raw: str | None) -> str:
    """A display name safe in headers and file systems: no path, no control characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" ._")
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = stem.strip(" ._")[: _FILENAME_MAX - 4] or "resume"
    return f"{stem}.pdf"


def check_pdf(data: bytes) -> None:
    """Magic bytes and a light structure check; no parsing of untrusted content."""
    if len(data) > MAX_RESUME_BYTES:
        raise ResumeTooLarge("简历文件不能超过 5 MB (the résumé must be at most 5 MB)")
    if not data.startswith(PDF_MAGIC):
        raise ResumeNotPdf("简历须为 PDF 文件 (only PDF files are accepted)")
    if EOF_MARKER not in data[-EOF_WINDOW:]:
        raise ResumeMalformed(
            "PDF 文件不完整或已损坏 (the PDF is truncated or damaged)",
            fields={"file": "缺少 %%EOF 结束标记 (no %%EOF trailer)"},
        )


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


_PENDING = "graduates_after_commit"


def _run_pending(session: Session) -> None:
    for action in session.info.pop(_PENDING, []):
        action()


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the session's transaction commits; drop it on rollback."""
    if not event.contains(session, "after_commit", _run_pending):
        event.listen(session, "after_commit", _run_pending)
        event.listen(session, "after_rollback", _drop_pending)
    session.info.setdefault(_PENDING, []).append(action)


def remove_unreferenced_file(session: Session, data_dir: Path, sha256: str) -> None:
    """Delete ``sha256``'s file after commit unless another résumé row still uses it."""

    def _remove() -> None:
        path = resume_path(data_dir, sha256)
        path.unlink(missing_ok=True)

    still_used = session.scalar(select(Resume.id).where(Resume.sha256 == sha256).limit(1))
    if still_used is None:
        after_commit(session, _remove)


def _owned(session: Session, principal: Principal, resume_id: int) -> Resume:
    resume = session.get(Resume, resume_id)
    if resume is None or resume.user_id != principal.user_id:
        raise ResumeNotFound("简历不存在 (résumé not found)")
    return resume


def list_resumes(session: Session, user_id: int) -> list[Resume]:
    return list(
        session.scalars(
            select(Resume).where(Resume.user_id == user_id).order_by(Resume.created_at, Resume.id)
        )
    )


def upload_resume(
    session: Session,
    principal: Principal,
    data_dir: Path,
    data: bytes,
    filename: str | None,
    *,
    make_default: bool = False,
) -> tuple[ResumeOut, bool]:
    """Store a résumé; returns it and whether it is new (the same bytes again are not)."""
    check_pdf(data)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = session.scalar(
        select(Resume).where(Resume.user_id == principal.user_id, Resume.sha256 == sha256)
    )
    if existing is not None:
        _write_once(resume_path(data_dir, sha256), data)  # heal a file lost on disk
        if make_default:
            _set_default(session, principal.user_id, existing)
        return ResumeOut.model_validate(existing), False
    count = session.scalar(
        select(func.count()).select_from(Resume).where(Resume.user_id == principal.user_id)
    )
    if (count or 0) >= MAX_RESUMES:
        raise ResumeLimitReached(
            f"最多保存{MAX_RESUMES}份简历，请先删除一份 (at most {MAX_RESUMES} résumés)"
        )
    _write_once(resume_path(data_dir, sha256), data)
    resume = Resume(
        user_id=principal.user_id,
        sha256=sha256,
        size_bytes=len(data),
        filename=sanitise_filename(filename),
        is_default=False,
        created_at=utcnow(),
    )
    session.add(resume)
    session.flush()
    if make_default or not count:
        _set_default(session, principal.user_id, resume)
    return ResumeOut.model_validate(resume), True


def _set_default(session: Session, user_id: int, chosen: Resume) -> None:
    for resume in list_resumes(session, user_id):
        resume.is_default = resume.id == chosen.id
    session.flush()


def set_default(session: Session, principal: Principal, resume_id: int) -> ResumeOut:
    resume = _owned(session, principal, resume_id)
    _set_default(session, principal.user_id, resume)
    return ResumeOut.model_validate(resume)


def resume_file(
    session: Session, principal: Principal, data_dir: Path, resume_id: int
) -> tuple[Path, str]:
    """Path and download name of one of the caller's résumés."""
    resume = _owned(session, principal, resume_id)
    path = resume_path(data_dir, resume.sha256)
    if not path.is_file():
        raise ResumeNotFound("简历文件已不存在 (the résumé file is missing)")
    return path, resume.filename


def delete_resume(session: Session, principal: Principal, data_dir: Path, resume_id: int) -> None:
    resume = _owned(session, principal, resume_id)
    was_default = resume.is_default
    sha256 = resume.sha256
    session.delete(resume)
    session.flush()
    remove_unreferenced_file(session, data_dir, sha256)
    if was_default:
        remaining = list_resumes(session, principal.user_id)
        if remaining:
            _set_default(session, principal.user_id, remaining[-1])


def delete_all_resumes(session: Session, user_id: int, data_dir: Path) -> int:
    """Remove every résumé of ``user_id`` (account deletion); files go after commit."""
    resumes = list_resumes(session, user_id)
    hashes = {r.sha256 for r in resumes}
    for resume in resumes:
        session.delete(resume)
    session.flush()
    for sha256 in hashes:
        remove_unreferenced_file(session, data_dir, sha256)
    return len(resumes)
