"""Interviews API.

Employer members (own employer's applications and interviews; others' are 404):

* ``POST /employers/me/applications/{application_id}/interviews`` — propose 1–5 slots
  (verified employers; the response flags slots the graduate is busy in, ``clashes``);
* ``GET /employers/me/interviews`` — the calendar (``start``/``end``, default four weeks);
* ``GET /employers/me/interviews/{id}``;
* ``POST /employers/me/interviews/{id}/reschedule`` (verified), ``/cancel``, ``/complete``.

Verified graduates (own interviews; others' are 404):

* ``GET /me/interviews?when=upcoming|past``;
* ``POST /me/interviews/{id}/confirm`` (409 ``interview_clash``), ``/reschedule``,
  ``/decline``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AwareDatetime
from sqlalchemy.orm import Session

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import error_responses
from jobs_api.graduates.guards import VerifiedGraduate
from jobs_api.identity.access import allow
from jobs_api.identity.principal import Principal, Role
from jobs_api.interviews import responses, scheduling, views
from jobs_api.interviews.models import InterviewStatus
from jobs_api.interviews.schemas import (
    ConfirmIn,
    EmployerRescheduleIn,
    GraduateInterviewListOut,
    GraduateInterviewOut,
    GraduateRescheduleIn,
    InterviewListOut,
    InterviewOut,
    InterviewProposalIn,
    ProposalOut,
    ReasonIn,
    SlotClash,
)

Member = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]

router = APIRouter(prefix="/api/v1", tags=["interviews"])


def _proposal_out(session: Session, proposal: scheduling.Proposal) -> ProposalOut:
    row = views.load_row(session, proposal.interview.id)
    out = views.employer_out(row, set(proposal.busy_slot_ids))
    clashes = [
        SlotClash(slot_id=s.id, starts_at=s.starts_at, ends_at=s.ends_at)
        for s in out.slots
        if s.busy
    ]
    return ProposalOut(**out.model_dump(), clashes=clashes)


def _employer_out(session: Session, interview_id: int) -> InterviewOut:
    row = views.load_row(session, interview_id)
    return views.employer_out(row, views.busy_slot_ids(session, [row]))


def _graduate_out(session: Session, interview_id: int) -> GraduateInterviewOut:
    return views.graduate_out(views.load_row(session, interview_id))


@router.post(
    "/employers/me/applications/{application_id}/interviews",
    status_code=201,
    response_model=ProposalOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def propose_interview(
    principal: Member, session: SessionDep, application_id: Id, body: InterviewProposalIn
) -> ProposalOut:
    """Propose an interview on an own application; the graduate is told and the application
    moves to ``interview``. ``clashes``: slots in which the graduate is busy."""
    return _proposal_out(session, scheduling.propose(session, principal, application_id, body))


@router.get(
    "/employers/me/interviews",
    response_model=InterviewListOut,
    responses=error_responses(401, 403, 422),
)
def employer_interviews(
    principal: Member,
    session: SessionDep,
    start: Annotated[AwareDatetime | None, Query()] = None,
    end: Annotated[AwareDatetime | None, Query()] = None,
    status: InterviewStatus | None = None,
) -> InterviewListOut:
    """Own interviews with a confirmed time or a proposed slot in ``[start, end)``."""
    rows = views.employer_calendar(session, principal, start=start, end=end, status=status)
    busy = views.busy_slot_ids(session, rows)
    return InterviewListOut(items=[views.employer_out(r, busy) for r in rows])


@router.get(
    "/employers/me/interviews/{interview_id}",
    response_model=InterviewOut,
    responses=error_responses(401, 403, 404, 422),
)
def employer_interview(principal: Member, session: SessionDep, interview_id: Id) -> InterviewOut:
    row = views.employer_row(session, principal, interview_id)
    return views.employer_out(row, views.busy_slot_ids(session, [row]))


@router.post(
    "/employers/me/interviews/{interview_id}/reschedule",
    response_model=ProposalOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def employer_reschedule(
    principal: Member, session: SessionDep, interview_id: Id, body: EmployerRescheduleIn
) -> ProposalOut:
    """Offer new slots (the graduate chooses again and is told)."""
    return _proposal_out(session, scheduling.reschedule(session, principal, interview_id, body))


@router.post(
    "/employers/me/interviews/{interview_id}/cancel",
    response_model=InterviewOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def employer_cancel(
    principal: Member, session: SessionDep, interview_id: Id, body: ReasonIn
) -> InterviewOut:
    """Cancel with a reason; the graduate is told."""
    interview = scheduling.cancel(session, principal, interview_id, body.reason)
    return _employer_out(session, interview.id)


@router.post(
    "/employers/me/interviews/{interview_id}/complete",
    response_model=InterviewOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def employer_complete(principal: Member, session: SessionDep, interview_id: Id) -> InterviewOut:
    """Mark a confirmed interview that has started as held."""
    interview = scheduling.complete(session, principal, interview_id)
    return _employer_out(session, interview.id)


@router.get(
    "/me/interviews",
    response_model=GraduateInterviewListOut,
    responses=error_responses(401, 403, 422),
)
def my_interviews(
    principal: VerifiedGraduate, session: SessionDep, when: views.When = views.When.UPCOMING
) -> GraduateInterviewListOut:
    """Own interviews: upcoming (earliest first) or past (latest first)."""
    rows = views.graduate_interviews(session, principal, when)
    return GraduateInterviewListOut(items=[views.graduate_out(r) for r in rows])


@router.post(
    "/me/interviews/{interview_id}/confirm",
    response_model=GraduateInterviewOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def confirm_interview(
    principal: VerifiedGraduate, session: SessionDep, interview_id: Id, body: ConfirmIn
) -> GraduateInterviewOut:
    """Choose one slot; 409 ``interview_clash`` when it overlaps another confirmed
    interview of yours."""
    interview = responses.confirm(session, principal, interview_id, body.slot_id)
    return _graduate_out(session, interview.id)


@router.post(
    "/me/interviews/{interview_id}/reschedule",
    response_model=GraduateInterviewOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def request_reschedule(
    principal: VerifiedGraduate, session: SessionDep, interview_id: Id, body: GraduateRescheduleIn
) -> GraduateInterviewOut:
    """Ask for other times, with a reason and optionally up to three preferred times."""
    interview = responses.request_reschedule(
        session, principal, interview_id, body.reason, body.preferred_times
    )
    return _graduate_out(session, interview.id)


@router.post(
    "/me/interviews/{interview_id}/decline",
    response_model=GraduateInterviewOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def decline_interview(
    principal: VerifiedGraduate, session: SessionDep, interview_id: Id, body: ReasonIn
) -> GraduateInterviewOut:
    """Decline or cancel with a reason; the employer is told."""
    interview = responses.decline(session, principal, interview_id, body.reason)
    return _graduate_out(session, interview.id)
