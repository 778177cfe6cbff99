"""Uploaded 学籍 files on disk: ``<data_dir>/uploads/registry/<sha256>.<csv|xlsx>``.

An upload is streamed to a temporary file in the same directory while it is hashed and
counted (refused past the size limit), its type is decided by content, its header is checked,
and only then is it renamed to its content hash. The database stores the hash, never the file.
A completed import's file is deleted once no unfinished import needs it: the file holds ID
numbers in clear, so it is kept only as long as a resume may need it.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from jobs_api.core.settings import Settings
from jobs_api.registry.errors import UploadTooLarge
from jobs_api.registry.models import ImportFormat
from jobs_api.registry.parsing import FileInfo, Header, inspect_file, read_header

UPLOAD_SUBDIR: Final = Path("uploads") / "registry"
_CHUNK: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class StoredUpload:
    path: Path
    sha256: str
    size: int
    info: FileInfo
    header: Header


def upload_dir(settings: Settings) -> Path:
    return settings.data_dir / UPLOAD_SUBDIR


def stored_path(directory: Path, sha256: str, fmt: ImportFormat | str) -> Path:
    return directory / f"{sha256}.{ImportFormat(fmt).value}"


def too_large(max_bytes: int) -> UploadTooLarge:
    return UploadTooLarge(
        f"文件超过 {max_bytes / 2**20:.0f} MB 上限，请拆分后分批上传 (file too large)",
        fields={"file": f"最大 {max_bytes} 字节"},
    )


def store_upload(source: BinaryIO, directory: Path, max_bytes: int) -> StoredUpload:
    """Copy ``source`` into the upload store; raises 413/415/422 errors for bad files."""
    directory.mkdir(parents=True, exist_ok=True)
    incoming = directory / f".incoming-{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    size = 0
    try:
        with incoming.open("wb") as target:
            for chunk in iter(lambda: source.read(_CHUNK), b""):
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes)
                digest.update(chunk)
                target.write(chunk)
        info = inspect_file(incoming)
        header = read_header(incoming, info)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    final = stored_path(directory, digest.hexdigest(), info.format)
    if final.exists():
        incoming.unlink()
    else:
        os.replace(incoming, final)
    return StoredUpload(final, digest.hexdigest(), size, info, header)


def discard(directory: Path, sha256: str, fmt: ImportFormat | str) -> None:
    stored_path(directory, sha256, fmt).unlink(missing_ok=True)
