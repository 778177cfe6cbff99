"""The interviews API's shapes. Times are timezone-aware (naive times are refused); responses
give them in UTC (``Z``). Structural limits live here; the rules that depend on the clock or
on each other (in the future, at most 4 h, no overlap, what each mode needs) are checked by
the service (:mod:`jobs_api.interviews.slots`), so the pages get the same answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jobs_api.interviews.models import InterviewMode, InterviewStatus

MAX_SLOTS = 5
MAX_PREFERRED_TIMES = 3


class SlotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    ends_at: AwareDatetime


class InterviewProposalIn(BaseModel):
    """An employer's proposal: 1–5 slots and how the interview happens."""

    model_config = ConfigDict(extra="forbid")

    slots: list[SlotIn] = Field(min_length=1, max_length=MAX_SLOTS)
    mode: InterviewMode = InterviewMode.ONSITE
    location: str = Field(default="", max_length=200, description="required for onsite")
    meeting_url: str = Field(default="", max_length=500, description="https; required online")
    note: str = Field(default="", max_length=2000, description="to the graduate")
    round: int | None = Field(default=None, ge=1, le=20, description="default: the next round")


class EmployerRescheduleIn(BaseModel):
    """New slots replacing the old ones (the graduate chooses again)."""

    model_config = ConfigDict(extra="forbid")

    slots: list[SlotIn] = Field(min_length=1, max_length=MAX_SLOTS)
    note: str | None = Field(default=None, max_length=2000, description="replaces the note")


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot_id: int = Field(ge=1, le=2**31 - 1)


class GraduateRescheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)
    preferred_times: list[SlotIn] = Field(default_factory=list, max_length=MAX_PREFERRED_TIMES)


class SlotOut(BaseModel):
    id: int
    starts_at: datetime
    ends_at: datetime
    busy: bool = Field(
        default=False,
        description="employer views: the graduate has another confirmed interview then",
    )


class SlotClash(BaseModel):
    """A proposed slot that overlaps one of the graduate's confirmed interviews. Employers
    only learn that the graduate is busy, never with whom."""

    slot_id: int
    starts_at: datetime
    ends_at: datetime
    busy: Literal[True] = True


class InterviewOut(BaseModel):
    """An interview as its employer sees it."""

    id: int
    application_id: int
    job_id: int
    job_title: str
    candidate_name: str
    round: int
    mode: InterviewMode
    location: str
    meeting_url: str
    note: str
    status: InterviewStatus
    slots: list[SlotOut]
    starts_at: datetime | None
    ends_at: datetime | None
    reschedule_reason: str
    cancel_reason: str
    cancelled_by_graduate: bool
    created_at: datetime


class ProposalOut(InterviewOut):
    clashes: list[SlotClash] = Field(
        default_factory=list, description="slots the graduate is busy in (choose others)"
    )


class InterviewListOut(BaseModel):
    items: list[InterviewOut]


class GraduateInterviewOut(BaseModel):
    """An interview as the graduate sees it; the meeting link only once confirmed."""

    id: int
    application_id: int
    employer_name: str
    job_title: str
    round: int
    mode: InterviewMode
    location: str
    meeting_url: str | None
    note: str
    status: InterviewStatus
    slots: list[SlotOut]
    starts_at: datetime | None
    ends_at: datetime | None
    reschedule_reason: str
    cancel_reason: str
    created_at: datetime


class GraduateInterviewListOut(BaseModel):
    items: list[GraduateInterviewOut]
