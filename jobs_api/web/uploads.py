"""File uploads from page forms, read only after the caller is authorised.

Upload routes declare no body parameter, so the framework does not read the body before
the access rule has run; the route then calls :func:`receive_form`, which streams the
multipart body and stops as soon as it passes the size limit. The CSRF token travels as a
field of the same form and is checked by the route (:func:`jobs_api.web.csrf.check_csrf`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import ClassVar, Final

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from jobs_api.core.errors import DomainError, ErrorCode
from jobs_api.web.csrf import CSRF_FIELD, check_csrf

MULTIPART_OVERHEAD: Final = 64 * 1024


class UploadRejected(DomainError):
    """The upload could not be read (not a multipart form, malformed, too large, no file)."""

    default_code: ClassVar[str] = "upload_rejected"


class UploadTooLarge(UploadRejected):
    status: ClassVar[int] = 413
    default_code: ClassVar[str] = ErrorCode.PAYLOAD_TOO_LARGE


async def _limited(request: Request, max_bytes: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > max_bytes + MULTIPART_OVERHEAD:
            raise UploadTooLarge("文件过大 (the file is too large)")
        yield chunk


async def receive_form(request: Request, max_bytes: int) -> FormData:
    """The posted multipart form with at most one file of at most ``max_bytes``."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise UploadRejected("请通过页面上的表单上传文件 (send the page's upload form)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + MULTIPART_OVERHEAD:
        raise UploadTooLarge("文件过大 (the file is too large)")
    parser = MultiPartParser(
        request.headers, _limited(request, max_bytes), max_files=1, max_fields=20
    )
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise UploadRejected("上传内容格式错误 (malformed upload)") from exc


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def form_file(form: FormData, name: str = "file") -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None


def check_form_csrf(request: Request, form: FormData) -> None:
    check_csrf(request, form_text(form, CSRF_FIELD))
