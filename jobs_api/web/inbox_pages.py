"""The message centre ``/me/inbox`` of every signed-in account: messages newest first (unread
ones marked), mark one or all read. The header shows the unread count of the viewer."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Form, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep
from jobs_api.identity.access import authenticated
from jobs_api.identity.principal import Principal, Role
from jobs_api.inbox import service
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.page_support import locale_of, page, see_other

router = APIRouter(include_in_schema=False)

SignedInPage = Annotated[Principal, Depends(authenticated())]
PAGE_SIZE: Final = 20
AREAS: Final = {Role.GRADUATE: "graduate", Role.EMPLOYER_MEMBER: "employer"}


@router.get("/me/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    principal: SignedInPage,
    session: SessionDep,
    before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    rows = service.list_messages(session, principal.user_id, before_id=before, limit=PAGE_SIZE + 1)
    english = locale_of(request) == "en"
    messages = [
        {
            "id": m.id,
            "title": (m.title_en if english and m.title_en else m.title_zh),
            "body": (m.body_en if english and m.body_en else m.body_zh),
            "link": m.link if m.link.startswith("/") and not m.link.startswith("//") else "",
            "created_at": m.created_at,
            "unread": m.read_at is None,
        }
        for m in rows[:PAGE_SIZE]
    ]
    context = {
        "messages": messages,
        "unread": service.unread_count(session, principal.user_id),
        "next_cursor": rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
        "area": AREAS.get(principal.role, "office"),
    }
    return page(request, session, principal, "inbox/inbox.html", context, private=True)


@router.post("/me/inbox/read")
def mark_read(
    principal: SignedInPage,
    session: SessionDep,
    _: CsrfChecked,
    ids: Annotated[list[str] | None, Form()] = None,
    all: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    chosen = None if all == "1" else [int(i) for i in ids or [] if i.isdigit()][:500]
    service.mark_read(session, principal.user_id, chosen)
    return see_other("/me/inbox")
