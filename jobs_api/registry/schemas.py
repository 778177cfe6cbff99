"""The registry API's shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from jobs_api.registry.models import ImportStatus


class ImportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    university_id: int
    filename: str
    content_sha256: str
    format: str = Field(description="csv | xlsx (decided by content)")
    encoding: str | None = Field(description="Text encoding of a CSV file")
    size_bytes: int
    status: ImportStatus
    rows_total: int = Field(description="Data rows read so far (blank rows not counted)")
    rows_inserted: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    errors_total: int = Field(description="Every problem found (a row may have several)")
    errors_stored: int = Field(description="Problems kept in the report (capped per import)")
    batches_committed: int
    last_committed_line: int = Field(
        description="Line of the file (header = 1) up to which every row is committed"
    )
    failure_code: str | None
    failure_message: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportAcceptedOut(ImportOut):
    resumed: bool = Field(
        description="True when an unfinished import of the same file was continued instead"
    )


class ImportPage(BaseModel):
    items: list[ImportOut]
    total: int
    offset: int
    limit: int


class ImportErrorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line: int = Field(description="Line in the uploaded file, the header being line 1")
    column: str | None = Field(description="The column header as written in the file")
    code: str
    message: str = Field(description="zh-CN explanation; ID numbers appear masked only")


class ImportErrorPage(BaseModel):
    import_id: int
    items: list[ImportErrorOut]
    errors_total: int
    errors_stored: int
    offset: int
    limit: int
