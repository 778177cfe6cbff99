"""The verification API's shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from employer_verification.models import BlacklistKind, CaseState
from employer_verification.reasons import DecisionReason
from employer_verification.sla import Sla


class ReasonOut(BaseModel):
    code: str
    message: str = Field(description="zh-CN explanation")


class QueueItemOut(BaseModel):
    case_id: int
    employer_id: int
    employer_name: str
    uscc: str
    city_code: str
    city_name: str
    state: CaseState
    trigger: str
    opened_at: datetime
    queued_at: datetime | None
    review_due_at: datetime | None
    age_hours: float = Field(description="Hours since the case entered the queue (or opened)")
    sla: Sla | None = Field(description="on_time / due_soon / overdue (needs_review cases)")
    reasons: list[ReasonOut]


class QueuePageOut(BaseModel):
    items: list[QueueItemOut]
    page: int
    size: int
    total: int


class CheckResultOut(BaseModel):
    check: str
    outcome: Literal["pass", "fail", "unknown"]
    reason: str
    message: str
    hard: bool
    detail: dict[str, Any]


class RegistryRecordOut(BaseModel):
    uscc: str
    name: str
    status: str
    legal_representative: str
    registered_capital: str
    established_on: date | None


class LicenceOut(BaseModel):
    url: str = Field(description="Download route (reviewers, within scope; audited)")
    sha256: str
    content_type: str
    filename: str
    uploaded_at: datetime | None


class EmployerDataOut(BaseModel):
    id: int
    name: str
    uscc: str
    employer_type_code: str
    employer_type_name: str
    industry_code: str
    industry_name: str
    city_code: str
    city_name: str
    province_name: str
    size: str
    verification_status: str
    created_at: datetime


class CaseEventOut(BaseModel):
    from_state: str | None
    to_state: str
    actor_role: str
    actor_user_id: int | None
    at: datetime
    reasons: list[ReasonOut]
    note: str | None


class CaseDetailOut(BaseModel):
    case_id: int
    state: CaseState
    trigger: str
    subject_name: str
    subject_uscc: str
    opened_at: datetime
    checked_at: datetime | None
    queued_at: datetime | None
    review_due_at: datetime | None
    sla: Sla | None
    decided_at: datetime | None
    decided_by_user_id: int | None
    decided_by_role: str | None
    expires_at: datetime | None
    expired_at: datetime | None
    reasons: list[ReasonOut]
    decision_note: str | None
    employer: EmployerDataOut
    checks: list[CheckResultOut]
    registry_record: RegistryRecordOut | None
    licence: LicenceOut | None
    events: list[CaseEventOut]
    is_current: bool = Field(description="False when a newer case of the employer exists")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["verified", "rejected"]
    reason_codes: list[DecisionReason] = Field(min_length=1, max_length=10)
    note: str | None = Field(default=None, max_length=2000)


class EmployerStatusOut(BaseModel):
    employer_id: int
    status: str
    status_label: str = Field(description="zh-CN")
    case_id: int | None
    opened_at: datetime | None
    decided_at: datetime | None
    expires_at: datetime | None
    reasons: list[ReasonOut] = Field(description="What the employer should know, in zh-CN")


class BlacklistIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: BlacklistKind
    value: str = Field(min_length=1, max_length=200, description="Credit code or name pattern")
    reason: str = Field(min_length=1, max_length=500)
    province_code: str | None = Field(
        default=None,
        pattern=r"^\d{6}$",
        description="National admins: NULL = everywhere; provincial admins: their province",
    )


class BlacklistOut(BaseModel):
    id: int
    kind: str
    value: str
    pattern_display: str
    reason: str
    province_code: str | None
    added_by_user_id: int | None
    added_at: datetime
    removed_at: datetime | None


class ImportErrorOut(BaseModel):
    line: int
    column: str | None
    code: str
    message: str


class RegistryImportOut(BaseModel):
    id: int
    filename: str
    encoding: str
    province_code: str | None
    rows_total: int
    rows_inserted: int
    rows_updated: int
    rows_rejected: int
    errors_total: int
    created_at: datetime
    errors: list[ImportErrorOut] = Field(description="Rejected rows (the first 1,000)")
