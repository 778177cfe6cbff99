"""Reading a résumé upload from the request stream with a hard size limit.

The framework's ``File()`` parameters would spool a body of any size to disk before the route
runs; here the multipart stream is counted as it arrives and cut off once it passes
``MAX_RESUME_BYTES`` plus a little room for the multipart framing.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from jobs_api.core.errors import DomainError, ValidationFailed
from jobs_api.graduates.errors import ResumeTooLarge
from jobs_api.graduates.resumes import MAX_RESUME_BYTES

MULTIPART_OVERHEAD = 16 * 1024
_TRUE = {"true", "1", "on", "yes"}
_FALSE = {"false", "0", "off", "no", ""}


@dataclass(frozen=True, slots=True)
class ResumeUpload:
    data: bytes
    filename: str | None
    make_default: bool


def _too_large() -> ResumeTooLarge:
    return ResumeTooLarge(
        "简历文件不能超过 5 MB (the résumé must be at most 5 MB)",
        fields={"file": f"最大 {MAX_RESUME_BYTES} 字节 (at most {MAX_RESUME_BYTES} bytes)"},
    )


async def _limited(request: Request) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > MAX_RESUME_BYTES + MULTIPART_OVERHEAD:
            raise _too_large()
        yield chunk


async def receive_resume(request: Request) -> ResumeUpload:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise DomainError(
            "请以 multipart/form-data 方式上传（字段名 file） (send a multipart upload)",
            code="upload_not_multipart",
            status=415,
            fields={"file": "缺少上传文件 (no file)"},
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_RESUME_BYTES + MULTIPART_OVERHEAD:
        raise _too_large()
    parser = MultiPartParser(request.headers, _limited(request), max_files=1, max_fields=4)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise DomainError(
            f"上传内容格式错误 (malformed multipart body: {exc.message})",
            code="upload_malformed",
            status=400,
        ) from exc
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationFailed(
                "缺少上传文件（字段名 file） (the field 'file' is missing)",
                fields={"file": "缺少上传文件 (no file)"},
            )
        flag = form.get("make_default", "")
        if not isinstance(flag, str) or flag.strip().lower() not in _TRUE | _FALSE:
            raise ValidationFailed(
                "make_default 应为 true 或 false", fields={"make_default": "true | false"}
            )
        data = await upload.read(MAX_RESUME_BYTES + 1)
        return ResumeUpload(
            data=data,
            filename=upload.filename,
            make_default=flag.strip().lower() in _TRUE,
        )
    finally:
        await form.close()
