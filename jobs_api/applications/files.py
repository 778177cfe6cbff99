"""The résumé an application was sent with, kept apart from the graduate's résumé list.

When a graduate applies, the chosen résumé's file is linked (a hard link, or a copy where the
file system cannot link) to ``<data_dir>/files/applications/<sha256[:2]>/<sha256>.pdf``. The
graduates package removes a résumé's own file once its last résumé row is deleted; the
application's copy stays, so the employer still receives exactly what was sent. Files are
content-addressed, so the same résumé sent to a hundred jobs is stored once here.

The link is made before the transaction commits: an orphan left by a rollback is harmless and
is reused by the next application with the same bytes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from jobs_api.applications.errors import ResumeFileMissing, ResumeRequired
from jobs_api.graduates.resumes import resume_path


def application_file_dir(data_dir: Path) -> Path:
    return data_dir / "files" / "applications"


def application_file_path(data_dir: Path, sha256: str) -> Path:
    return application_file_dir(data_dir) / sha256[:2] / f"{sha256}.pdf"


def keep_copy(data_dir: Path, sha256: str) -> Path:
    """Make sure the application store holds ``sha256``'s résumé; returns its path."""
    target = application_file_path(data_dir, sha256)
    if target.is_file():
        return target
    source = resume_path(data_dir, sha256)
    if not source.is_file():
        raise ResumeRequired(
            "简历文件已不存在，请重新上传后再投递 (the résumé file is missing; upload it again)",
            fields={"resume_id": "missing_file"},
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".link-")
    os.close(fd)
    Path(tmp).unlink()
    try:
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def sent_file(data_dir: Path, sha256: str) -> Path:
    """The résumé an application was sent with (the graduate's own file as a fallback for
    applications made before the copy existed)."""
    for path in (application_file_path(data_dir, sha256), resume_path(data_dir, sha256)):
        if path.is_file():
            return path
    raise ResumeFileMissing("申请所附简历文件已不存在 (the résumé of this application is missing)")
