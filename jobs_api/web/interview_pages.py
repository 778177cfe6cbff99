"""Interview pages.

Employer members: ``/employer/applications/{id}/interviews/new`` (up to five slots in Beijing
time, mode and details; the graduate's busy times are listed so the employer can avoid
them), ``/employer/interviews`` (four weeks by day; proposed slots that clash with the
graduate's other confirmed interviews marked 忙), ``/employer/interviews/{id}/reschedule``,
and cancel / complete buttons.

Graduates (verified): ``/me/interviews`` — confirm one slot, ask to reschedule, decline; the
online meeting link only once confirmed; past interviews below.

Every action calls :mod:`jobs_api.interviews` services; their typed errors are shown in the
page (the request's work rolled back).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Path
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.db import utcnow
from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.graduates.guards import VerifiedGraduate
from jobs_api.identity.principal import Principal
from jobs_api.interviews import responses, scheduling, views
from jobs_api.interviews.models import InterviewMode, InterviewStatus
from jobs_api.interviews.schemas import (
    MAX_SLOTS,
    EmployerRescheduleIn,
    InterviewProposalIn,
    SlotIn,
)
from jobs_api.interviews.slots import CHINA_TIME, confirmed_between
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import EmployerPage, page, see_other, translate

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
FormText = Annotated[str, Form(max_length=2000)]

STATUS_LABELS: Final = {
    InterviewStatus.PROPOSED: N_("待确认"),
    InterviewStatus.CONFIRMED: N_("已确认"),
    InterviewStatus.RESCHEDULE_REQUESTED: N_("申请改期"),
    InterviewStatus.CANCELLED: N_("已取消"),
    InterviewStatus.COMPLETED: N_("已完成"),
}
MODE_LABELS: Final = {
    InterviewMode.ONSITE: N_("现场面试"),
    InterviewMode.ONLINE: N_("线上面试"),
    InterviewMode.PHONE: N_("电话面试"),
}
EMPLOYER_NOTICES: Final = {
    "created": N_("面试邀请已发送，等待毕业生确认时段。"),
    "rescheduled": N_("新的面试时段已发送。"),
    "cancelled": N_("面试已取消，已通知毕业生。"),
    "completed": N_("已标记为面试完成。"),
}
GRADUATE_NOTICES: Final = {
    "confirmed": N_("已确认面试时段。"),
    "reschedule": N_("改期申请已发送给用人单位。"),
    "declined": N_("已谢绝该面试。"),
}
CALENDAR_DAYS: Final = 28
BUSY_HORIZON: Final = timedelta(days=60)
WEEKDAYS: Final = (
    N_("周一"),
    N_("周二"),
    N_("周三"),
    N_("周四"),
    N_("周五"),
    N_("周六"),
    N_("周日"),
)
BAD_TIME: Final = N_("时间格式不正确。")


def _labels() -> dict[str, Any]:
    return {"status_labels": STATUS_LABELS, "mode_labels": MODE_LABELS}


# --- the slots form ----------------------------------------------------------------------


@dataclass
class SlotForm:
    """What the employer typed: per row a start (``datetime-local``) and an end time."""

    values: dict[str, str]
    slots: list[SlotIn]
    rows: list[int]  # the form row of each slot
    errors: FormErrors


def _read_slots(request: Request, form: Any) -> SlotForm:
    values: dict[str, str] = {}
    slots: list[SlotIn] = []
    rows: list[int] = []
    errors = FormErrors()
    for row in range(MAX_SLOTS):
        start_text = str(form.get(f"slot{row}_start") or "").strip()
        end_text = str(form.get(f"slot{row}_end") or "").strip()
        values[f"slot{row}_start"], values[f"slot{row}_end"] = start_text, end_text
        if not start_text and not end_text:
            continue
        try:
            start = datetime.fromisoformat(start_text).replace(tzinfo=CHINA_TIME)
            end = datetime.combine(start.date(), time.fromisoformat(end_text), CHINA_TIME)
        except ValueError:
            errors.add(f"slot{row}", translate(request, BAD_TIME))
            continue
        slots.append(SlotIn(starts_at=start, ends_at=end))
        rows.append(row)
    if not slots and not errors:
        errors.add("slot0", translate(request, N_("请至少填写一个面试时段。")))
    if errors:
        errors.message = translate(request, N_("面试时段有误，请检查标出的时段。"))
    return SlotForm(values, slots, rows, errors)


def _slot_errors(error: DomainError, rows: list[int]) -> FormErrors:
    """The service's error with ``slots.<i>`` fields moved to the form rows."""
    fields: dict[str, str] = {}
    for key, message in error.fields.items():
        name, _, index = key.partition(".")
        if name == "slots" and index.isdigit() and int(index) < len(rows):
            fields[f"slot{rows[int(index)]}"] = message
        else:
            fields[name] = message
    return FormErrors(error.message, fields)


def _busy_times(
    session: Session, user_id: int, exclude_id: int | None
) -> list[tuple[datetime, datetime]]:
    """The graduate's confirmed interview times in the next 60 days (times only: whose they
    are is not the employer's business)."""
    now = utcnow()
    found = confirmed_between(session, [user_id], now, now + BUSY_HORIZON, exclude_id=exclude_id)
    return [(i.starts_at, i.ends_at) for i in found if i.starts_at and i.ends_at]


def _form_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    target: views.ApplicationTarget,
    values: dict[str, str],
    errors: FormErrors | None = None,
    reschedule_of: int | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "target": target,
        "values": values,
        "errors": errors or FormErrors(),
        "busy": _busy_times(session, target.user_id, reschedule_of),
        "slot_rows": range(MAX_SLOTS),
        "reschedule_of": reschedule_of,
        "area": "employer",
        **_labels(),
    }
    return page(
        request,
        session,
        principal,
        "interviews/form.html",
        context,
        status_code=status_code,
        private=True,
    )


PROPOSAL_FIELDS: Final = ("mode", "location", "meeting_url", "note", "round")


@router.get("/employer/applications/{application_id}/interviews/new", response_class=HTMLResponse)
def new_interview_form(
    request: Request, principal: EmployerPage, session: SessionDep, application_id: Id
) -> Response:
    target = views.application_target(session, principal, application_id)
    return _form_page(request, session, principal, target=target, values={"mode": "onsite"})


@router.post("/employer/applications/{application_id}/interviews/new", response_class=HTMLResponse)
async def new_interview_submit(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    application_id: Id,
    _: CsrfChecked,
) -> Response:
    target = views.application_target(session, principal, application_id)
    form = await request.form()
    read = _read_slots(request, form)
    values = {**read.values, **{k: str(form.get(k) or "").strip() for k in PROPOSAL_FIELDS}}
    if read.errors:
        return _form_page(
            request,
            session,
            principal,
            target=target,
            values=values,
            errors=read.errors,
            status_code=422,
        )
    try:
        body = InterviewProposalIn.model_validate(
            {
                "slots": read.slots,
                "mode": values["mode"] or InterviewMode.ONSITE,
                "location": values["location"],
                "meeting_url": values["meeting_url"],
                "note": values["note"],
                "round": values["round"] or None,
            }
        )
    except ValidationError as exc:
        errors = FormErrors(translate(request, N_("请检查下面标出的内容。")))
        for item in exc.errors():
            loc = item.get("loc", ())
            errors.add(str(loc[0]) if loc else "form", translate(request, N_("请检查此项。")))
        return _form_page(
            request,
            session,
            principal,
            target=target,
            values=values,
            errors=errors,
            status_code=422,
        )
    try:
        proposal = scheduling.propose(session, principal, application_id, body)
    except DomainError as error:
        session.rollback()
        return _form_page(
            request,
            session,
            principal,
            target=target,
            values=values,
            errors=_slot_errors(error, read.rows),
            status_code=error.status_code,
        )
    return see_other(f"/employer/interviews?notice=created&interview={proposal.interview.id}")


@router.get("/employer/interviews/{interview_id}/reschedule", response_class=HTMLResponse)
def reschedule_form(
    request: Request, principal: EmployerPage, session: SessionDep, interview_id: Id
) -> Response:
    row = views.employer_row(session, principal, interview_id)
    target = views.application_target(session, principal, row.interview.application_id)
    values = {"note": row.interview.note}
    return _form_page(
        request, session, principal, target=target, values=values, reschedule_of=interview_id
    )


@router.post("/employer/interviews/{interview_id}/reschedule", response_class=HTMLResponse)
async def reschedule_submit(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    interview_id: Id,
    _: CsrfChecked,
) -> Response:
    row = views.employer_row(session, principal, interview_id)
    target = views.application_target(session, principal, row.interview.application_id)
    form = await request.form()
    read = _read_slots(request, form)
    values = {**read.values, "note": str(form.get("note") or "").strip()[:2000]}
    errors: FormErrors | None = read.errors or None
    status = 422
    if errors is None:
        try:
            body = EmployerRescheduleIn(slots=read.slots, note=values["note"])
            scheduling.reschedule(session, principal, interview_id, body)
        except DomainError as error:
            session.rollback()
            errors, status = _slot_errors(error, read.rows), error.status_code
    if errors is not None:
        return _form_page(
            request,
            session,
            principal,
            target=target,
            values=values,
            errors=errors,
            reschedule_of=interview_id,
            status_code=status,
        )
    return see_other(f"/employer/interviews?notice=rescheduled&interview={interview_id}")


# --- the employer's calendar ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    rows: list[views.Row]


def _by_day(rows: list[views.Row]) -> list[Day]:
    days: OrderedDict[date, list[views.Row]] = OrderedDict()
    for row in rows:
        days.setdefault(row.sort_time.astimezone(CHINA_TIME).date(), []).append(row)
    return [Day(day, found) for day, found in days.items()]


def _calendar_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    start_day: date,
    notice: str | None = None,
    highlight: int | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    start = datetime.combine(start_day, time(0), CHINA_TIME)
    rows = views.employer_calendar(
        session, principal, start=start, end=start + timedelta(days=CALENDAR_DAYS)
    )
    context = {
        "days": _by_day(rows),
        "busy": views.busy_slot_ids(session, rows),
        "start_day": start_day,
        "end_day": start_day + timedelta(days=CALENDAR_DAYS - 1),
        "previous_day": start_day - timedelta(days=CALENDAR_DAYS),
        "next_day": start_day + timedelta(days=CALENDAR_DAYS),
        "notice": notice,
        "highlight": highlight,
        "weekdays": WEEKDAYS,
        "errors": errors or FormErrors(),
        "now": utcnow(),
        "open_statuses": views.OPEN_STATUSES,
        "area": "employer",
        **_labels(),
    }
    return page(
        request,
        session,
        principal,
        "interviews/calendar.html",
        context,
        status_code=status_code,
        private=True,
    )


def _today() -> date:
    return utcnow().astimezone(CHINA_TIME).date()


@router.get("/employer/interviews", response_class=HTMLResponse)
def employer_calendar(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    start: date | None = None,
    notice: str = "",
    interview: int | None = None,
) -> Response:
    if start is not None and start.year not in views.CALENDAR_YEARS:
        start = None
    return _calendar_page(
        request,
        session,
        principal,
        start_day=start or _today(),
        notice=EMPLOYER_NOTICES.get(notice),
        highlight=interview,
    )


@router.post("/employer/interviews/{interview_id}/cancel", response_class=HTMLResponse)
def employer_cancel(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    interview_id: Id,
    _: CsrfChecked,
    reason: FormText = "",
) -> Response:
    try:
        scheduling.cancel(session, principal, interview_id, reason)
    except DomainError as error:
        session.rollback()
        return _calendar_page(
            request,
            session,
            principal,
            start_day=_today(),
            highlight=interview_id,
            errors=FormErrors(error.message),
            status_code=error.status_code,
        )
    return see_other(f"/employer/interviews?notice=cancelled&interview={interview_id}")


@router.post("/employer/interviews/{interview_id}/complete", response_class=HTMLResponse)
def employer_complete(
    request: Request,
    principal: EmployerPage,
    session: SessionDep,
    interview_id: Id,
    _: CsrfChecked,
) -> Response:
    try:
        scheduling.complete(session, principal, interview_id)
    except DomainError as error:
        session.rollback()
        return _calendar_page(
            request,
            session,
            principal,
            start_day=_today(),
            highlight=interview_id,
            errors=FormErrors(error.message),
            status_code=error.status_code,
        )
    return see_other(f"/employer/interviews?notice=completed&interview={interview_id}")


# --- the graduate's interviews ----------------------------------------------------------


def _graduate_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    failed: int | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "upcoming": views.graduate_interviews(session, principal, views.When.UPCOMING),
        "past": views.graduate_interviews(session, principal, views.When.PAST),
        "notice": notice,
        "errors": errors or FormErrors(),
        "failed": failed,
        "confirmable": responses.CONFIRMABLE,
        "open_statuses": views.OPEN_STATUSES,
        "area": "graduate",
        **_labels(),
    }
    return page(
        request,
        session,
        principal,
        "interviews/mine.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/me/interviews", response_class=HTMLResponse)
def my_interviews(
    request: Request, principal: VerifiedGraduate, session: SessionDep, notice: str = ""
) -> Response:
    return _graduate_page(request, session, principal, notice=GRADUATE_NOTICES.get(notice))


def _refused(
    request: Request, session: Session, principal: Principal, interview_id: int, error: DomainError
) -> HTMLResponse:
    session.rollback()
    return _graduate_page(
        request,
        session,
        principal,
        errors=FormErrors(error.message),
        failed=interview_id,
        status_code=error.status_code,
    )


@router.post("/me/interviews/{interview_id}/confirm", response_class=HTMLResponse)
def confirm(
    request: Request,
    principal: VerifiedGraduate,
    session: SessionDep,
    interview_id: Id,
    _: CsrfChecked,
    slot_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    if not slot_id.isdigit() or int(slot_id) > 2**31 - 1:
        message = translate(request, N_("请选择一个面试时段。"))
        return _graduate_page(
            request,
            session,
            principal,
            errors=FormErrors(message),
            failed=interview_id,
            status_code=422,
        )
    try:
        responses.confirm(session, principal, interview_id, int(slot_id))
    except DomainError as error:
        return _refused(request, session, principal, interview_id, error)
    return see_other("/me/interviews?notice=confirmed")


@router.post("/me/interviews/{interview_id}/reschedule", response_class=HTMLResponse)
def ask_reschedule(
    request: Request,
    principal: VerifiedGraduate,
    session: SessionDep,
    interview_id: Id,
    _: CsrfChecked,
    reason: FormText = "",
    preferred_start: Annotated[str, Form(max_length=40)] = "",
    preferred_end: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Ask for other times; one preferred time (Beijing) may be given with the reason."""
    preferred: list[SlotIn] = []
    if preferred_start.strip() or preferred_end.strip():
        try:
            start = datetime.fromisoformat(preferred_start.strip()).replace(tzinfo=CHINA_TIME)
            end = datetime.combine(start.date(), time.fromisoformat(preferred_end), CHINA_TIME)
        except ValueError:
            return _graduate_page(
                request,
                session,
                principal,
                errors=FormErrors(translate(request, BAD_TIME)),
                failed=interview_id,
                status_code=422,
            )
        preferred.append(SlotIn(starts_at=start, ends_at=end))
    try:
        responses.request_reschedule(session, principal, interview_id, reason[:500], preferred)
    except DomainError as error:
        return _refused(request, session, principal, interview_id, error)
    return see_other("/me/interviews?notice=reschedule")


@router.post("/me/interviews/{interview_id}/decline", response_class=HTMLResponse)
def decline(
    request: Request,
    principal: VerifiedGraduate,
    session: SessionDep,
    interview_id: Id,
    _: CsrfChecked,
    reason: FormText = "",
) -> Response:
    try:
        responses.decline(session, principal, interview_id, reason[:500])
    except DomainError as error:
        return _refused(request, session, principal, interview_id, error)
    return see_other("/me/interviews?notice=declined")
