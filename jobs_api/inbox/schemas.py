"""The inbox API's shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class InboxMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    link: str
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class InboxPageOut(BaseModel):
    items: list[InboxMessageOut]
    unread: int = Field(description="unread messages of the account in all")
    next_cursor: str | None = None


class MarkReadIn(BaseModel):
    """Either ``ids`` (the caller's messages; others' ids are ignored) or ``all: true``."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(ge=1)]] | None = Field(default=None, max_length=500)
    all: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> MarkReadIn:
        if self.all == (self.ids is not None):
            raise ValueError("请指定 ids 或 all 之一 (give either ids or all: true)")
        return self


class MarkReadOut(BaseModel):
    marked: int
    unread: int
