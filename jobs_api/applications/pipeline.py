"""The application pipeline: which status may follow which, and the one function that changes
an application's status (history row, response time, the graduate's inbox notice).

    submitted -> viewed -> shortlisted -> interview -> offer -> hired
         \\___________\\____________\\____________\\________-> rejected
    any live status (not hired/rejected) -> withdrawn (by the graduate)

Employers may skip forward (submitted -> interview, viewed -> offer, ...), never go back,
except ``offer -> interview`` (an offer withdrawn or declined before hiring can lead to another
round) and ``offer -> shortlisted``. Other domains (interviews, offers) move applications only
through :func:`change_status`.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import func, update
from sqlalchemy.orm import Session

from jobs_api.applications.errors import TransitionNotAllowed
from jobs_api.applications.models import (
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
)
from jobs_api.core.db import utcnow
from jobs_api.inbox.service import Notice, deliver

S = ApplicationStatus

_FORWARD: Final = (S.SUBMITTED, S.VIEWED, S.SHORTLISTED, S.INTERVIEW, S.OFFER, S.HIRED)

ALLOWED: Final[dict[ApplicationStatus, frozenset[ApplicationStatus]]] = {
    **{
        status: frozenset(_FORWARD[index + 1 :]) | {S.REJECTED, S.WITHDRAWN}
        for index, status in enumerate(_FORWARD[:-1])
    },
    S.HIRED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
ALLOWED[S.OFFER] = ALLOWED[S.OFFER] | {S.INTERVIEW, S.SHORTLISTED}

EMPLOYER_TARGETS: Final = frozenset({S.VIEWED, S.SHORTLISTED, S.INTERVIEW, S.REJECTED})
"""Statuses an employer may set by hand. ``offer`` follows from issuing an offer (with its
terms, in ``jobs_api.agreements``) and ``hired`` from the career office approving the 三方协议,
so the pipeline never says "offer" or "hired" without the record behind it; ``withdrawn`` is
the graduate's; ``submitted`` is the start."""

STATUS_NAMES: Final[dict[ApplicationStatus, tuple[str, str]]] = {
    S.SUBMITTED: ("已投递", "Submitted"),
    S.VIEWED: ("已查看", "Viewed"),
    S.SHORTLISTED: ("初筛通过", "Shortlisted"),
    S.INTERVIEW: ("面试", "Interview"),
    S.OFFER: ("录用通知", "Offer"),
    S.HIRED: ("已录用", "Hired"),
    S.REJECTED: ("不合适", "Not selected"),
    S.WITHDRAWN: ("已撤回", "Withdrawn"),
}


def can_change(current: str, target: ApplicationStatus) -> bool:
    return target in ALLOWED.get(ApplicationStatus(current), frozenset())


def change_status(
    session: Session,
    application: Application,
    target: ApplicationStatus,
    *,
    actor_user_id: int | None,
    reason: str = "",
    job_title: str = "",
    employer_name: str = "",
    notify_graduate: bool = True,
) -> ApplicationStatusChange | None:
    """Move ``application`` to ``target``: records the change, stamps the first employer
    response, and tells the graduate (inbox; not for their own withdrawal). A domain that
    sends its own, richer notice for the same step (the interview invitation, the offer, the
    approved agreement) passes ``notify_graduate=False`` so the graduate reads one message.

    Setting the status it already has is a no-op (returns ``None``), so retried jobs and
    double-clicked buttons change nothing. A change the pipeline does not allow raises
    :class:`TransitionNotAllowed`. Never commits.

    The status is written with a compare-and-set (``UPDATE ... WHERE status = <the status
    read>``): of two requests racing from the same status only the first changes it; the
    second waits for it (row lock, or SQLite's write lock), finds the row moved, and sees a
    no-op (same target) or a refused transition, so the graduate is told once.
    """
    current = ApplicationStatus(application.status)
    while True:
        if current is target:
            return None
        if not can_change(current, target):
            raise TransitionNotAllowed(
                f"当前状态“{STATUS_NAMES[current][0]}”不能变更为“{STATUS_NAMES[target][0]}” "
                f"(cannot move from {current.value} to {target.value})",
                fields={"status": "transition_not_allowed"},
            )
        now = utcnow()
        values: dict[str, object] = {"status": target.value, "status_changed_at": now}
        if target is S.WITHDRAWN:
            values["withdrawn_at"] = now
        else:
            values["first_response_at"] = func.coalesce(Application.first_response_at, now)
        session.flush()
        result = session.execute(
            update(Application)
            .where(Application.id == application.id, Application.status == current.value)
            .values(values)
            .execution_options(synchronize_session=False)
        )
        session.refresh(application)
        if getattr(result, "rowcount", 0) == 1:
            break
        current = ApplicationStatus(application.status)  # moved meanwhile: decide again
    change = ApplicationStatusChange(
        application_id=application.id,
        from_status=current,
        to_status=target,
        changed_by=actor_user_id,
        reason=reason,
        changed_at=now,
    )
    session.add(change)
    session.flush()
    if notify_graduate and target is not S.WITHDRAWN:
        _notify_graduate(session, application, change, job_title, employer_name)
    return change


def _notify_graduate(
    session: Session,
    application: Application,
    change: ApplicationStatusChange,
    job_title: str,
    employer_name: str,
) -> None:
    name_zh, name_en = STATUS_NAMES[ApplicationStatus(change.to_status)]
    what_zh = f"{employer_name}·{job_title}" if employer_name else job_title
    what_en = f"{job_title} at {employer_name}" if employer_name else job_title
    deliver(
        session,
        application.user_id,
        Notice(
            kind="application.status",
            title_zh=f"申请状态更新：{name_zh}",
            title_en=f"Application update: {name_en}",
            body_zh=f"你申请的“{what_zh}”状态已更新为“{name_zh}”。{change.reason}".strip(),
            body_en=f"Your application for {what_en} is now: {name_en}. {change.reason}".strip(),
            link=f"/me/applications/{application.id}",
            payload={"application_id": application.id, "status": change.to_status},
            dedupe_key=f"application:{application.id}:status:{change.id}",
        ),
    )
