"""Reading the registration form and licence uploads from the request stream with a hard
size limit: the multipart body is counted as it arrives and cut off once it passes
``MAX_LICENCE_BYTES`` plus room for the form fields and framing (the framework's ``File()``
parameters would spool a body of any size to disk first)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from jobs_api.employers.errors import LicenceMissing, UploadMalformed, UploadNotMultipart
from jobs_api.employers.licences import MAX_LICENCE_BYTES, LicenceUpload, too_large

FORM_OVERHEAD = 64 * 1024
LICENCE_FIELD = "licence"
MAX_FIELDS = 30


@dataclass(frozen=True, slots=True)
class ReceivedForm:
    fields: dict[str, str]
    licence: LicenceUpload


async def _limited(request: Request) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > MAX_LICENCE_BYTES + FORM_OVERHEAD:
            raise too_large()
        yield chunk


async def receive_licence_form(request: Request) -> ReceivedForm:
    """The text fields and the ``licence`` file of a multipart request (one file at most)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise UploadNotMultipart(
            "请以 multipart/form-data 方式提交（营业执照字段名 licence） (send a multipart form)",
            fields={LICENCE_FIELD: "缺少上传文件 (no file)"},
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_LICENCE_BYTES + FORM_OVERHEAD:
        raise too_large()
    parser = MultiPartParser(request.headers, _limited(request), max_files=1, max_fields=MAX_FIELDS)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise UploadMalformed(f"表单格式错误 (malformed multipart body: {exc.message})") from exc
    try:
        fields: dict[str, str] = {}
        upload: UploadFile | None = None
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if key == LICENCE_FIELD:
                    upload = value
            else:
                fields[key] = value
        if upload is None:
            raise LicenceMissing(
                "请上传营业执照（字段名 licence） (the licence file is missing)",
                fields={LICENCE_FIELD: "缺少上传文件 (no file)"},
            )
        data = await upload.read(MAX_LICENCE_BYTES + 1)
        if len(data) > MAX_LICENCE_BYTES:
            raise too_large()
        return ReceivedForm(
            fields=fields, licence=LicenceUpload(data=data, filename=upload.filename)
        )
    finally:
        await form.close()
