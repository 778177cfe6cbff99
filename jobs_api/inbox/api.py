"""Inbox API: any signed-in account reads its own messages and marks them read.

* ``GET /api/v1/me/inbox?cursor=&limit=&unread_only=``: newest first, with the unread count;
* ``POST /api/v1/me/inbox/read`` ``{"ids": [...]}`` or ``{"all": true}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import error_responses
from jobs_api.identity.access import authenticated
from jobs_api.identity.principal import Principal
from jobs_api.inbox import service
from jobs_api.inbox.schemas import InboxMessageOut, InboxPageOut, MarkReadIn, MarkReadOut

SignedIn = Annotated[Principal, Depends(authenticated())]

router = APIRouter(prefix="/api/v1", tags=["inbox"])


@router.get("/me/inbox", response_model=InboxPageOut, responses=error_responses(401, 422))
def read_inbox(
    principal: SignedIn,
    session: SessionDep,
    cursor: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    unread_only: bool = False,
) -> InboxPageOut:
    """The caller's messages, newest first; ``next_cursor`` continues with older ones."""
    rows = service.list_messages(
        session, principal.user_id, before_id=cursor, limit=limit + 1, unread_only=unread_only
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return InboxPageOut(
        items=[InboxMessageOut.model_validate(m) for m in rows],
        unread=service.unread_count(session, principal.user_id),
        next_cursor=str(rows[-1].id) if more and rows else None,
    )


@router.post("/me/inbox/read", response_model=MarkReadOut, responses=error_responses(401, 422))
def mark_read(principal: SignedIn, session: SessionDep, body: MarkReadIn) -> MarkReadOut:
    """Mark the given messages (or all) read; ids of other accounts are ignored."""
    marked = service.mark_read(session, principal.user_id, None if body.all else body.ids)
    return MarkReadOut(marked=marked, unread=service.unread_count(session, principal.user_id))
