"""Reviewer pages (career offices, provincial and national administrators): the employer
verification queue ``/review/employers`` (oldest first, SLA badge), a case with each check's
result, the registry record and the licence preview, and the decision form. Scope (which
province a reviewer covers) is checked by :mod:`employer_verification.review`."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Path
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from employer_verification import review
from employer_verification.reasons import APPROVING, DECISION_REASONS, REJECTING
from employer_verification.schemas import DecisionIn
from jobs_api.core.deps import SessionDep, SettingsDep
from jobs_api.core.errors import DomainError
from jobs_api.employers import licences
from jobs_api.identity.access import allow
from jobs_api.identity.principal import Principal, Role
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import FormErrors
from jobs_api.web.page_support import NO_STORE, page, see_other, translate

router = APIRouter(include_in_schema=False)

EmployerMemberPage = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]

ReviewerPage = Annotated[
    Principal, Depends(allow(Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN))
]
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]

SLA_LABELS: Final = {"on_time": N_("按时"), "due_soon": N_("即将超时"), "overdue": N_("已超时")}
OUTCOME_MARKS: Final = {"pass": "✓", "fail": "✗", "unknown": "?"}
STATE_LABELS: Final = {
    "submitted": N_("审核中"),
    "auto_verified": N_("已认证"),
    "verified": N_("已认证"),
    "needs_review": N_("待人工审核"),
    "rejected": N_("未通过"),
    "expired": N_("认证已过期"),
}


def _reasons(codes: frozenset[str]) -> list[tuple[str, str]]:
    return sorted((code, DECISION_REASONS[code].for_reviewer) for code in codes)


@router.get("/review/employers", response_class=HTMLResponse)
def queue_page(request: Request, principal: ReviewerPage, session: SessionDep) -> Response:
    queue = review.review_queue(session, principal, size=100)
    context = {"queue": queue, "sla_labels": SLA_LABELS}
    return page(request, session, principal, "review/queue.html", context, private=True)


def _case_page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    case_id: int,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    case = review.case_detail(session, principal, case_id)
    context = {
        "case": case,
        "marks": OUTCOME_MARKS,
        "sla_labels": SLA_LABELS,
        "state_labels": STATE_LABELS,
        "approving": _reasons(frozenset(APPROVING)),
        "rejecting": _reasons(frozenset(REJECTING)),
        "errors": errors or FormErrors(),
    }
    return page(
        request,
        session,
        principal,
        "review/case.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/review/employers/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request, principal: ReviewerPage, session: SessionDep, case_id: CaseId
) -> Response:
    return _case_page(request, principal, session, case_id)


@router.post("/review/employers/{case_id}", response_class=HTMLResponse)
async def decide(
    request: Request,
    principal: ReviewerPage,
    session: SessionDep,
    case_id: CaseId,
    _: CsrfChecked,
) -> Response:
    form = await request.form()
    raw = {
        "decision": str(form.get("decision") or ""),
        "reason_codes": [str(v) for v in form.getlist("reason_codes")],
        "note": str(form.get("note") or "") or None,
    }
    try:
        decision = DecisionIn.model_validate(raw)
    except ValidationError:
        message = translate(request, N_("请选择审核结论并至少勾选一个原因。"))
        return _case_page(request, principal, session, case_id, FormErrors(message), 422)
    try:
        review.decide_case(session, principal, case_id, decision)
    except DomainError as error:
        session.rollback()
        errors = FormErrors(error.message)
        return _case_page(request, principal, session, case_id, errors, error.status_code)
    return see_other(f"/review/employers/{case_id}")


@router.get("/review/employers/{case_id}/licence")
def licence_file(
    principal: ReviewerPage, session: SessionDep, settings: SettingsDep, case_id: CaseId
) -> FileResponse:
    """The case's employer's current licence, streamed to reviewers who cover it only."""
    case = review.case_detail(session, principal, case_id)
    found = licences.reviewer_licence_file(session, principal, settings.data_dir, case.employer.id)
    return FileResponse(
        found.path,
        media_type=found.content_type,
        filename=found.filename,
        content_disposition_type="inline",
        headers={**NO_STORE, "X-Content-Type-Options": "nosniff"},
    )


@router.get("/employer/verification", response_class=HTMLResponse)
def verification_status_page(
    request: Request, principal: EmployerMemberPage, session: SessionDep
) -> Response:
    """The member's employer's verification status, with each reason explained in zh-CN."""
    employer_id = principal.employer_id or 0
    status = review.employer_status(session, principal, employer_id)
    context = {
        "status": status,
        "verified": status.status in ("auto_verified", "verified"),
        "state_labels": STATE_LABELS,
    }
    return page(request, session, principal, "review/employer_status.html", context, private=True)
