"""Offers and tripartite agreements API.

Who may call what (scope is checked in the services; records outside it are 404):

* employer members: issue an offer on their employer's application (verified employer),
  withdraw it, list their offers; edit terms, sign (verified employer), ask for 解约;
* graduates: list their offers, accept (verified graduate) or decline; sign, ask for 解约;
* career office / provincial / national administrators: the queue, approve or return an
  agreement, approve or reject a 解约 — for their university / province / all;
* the three parties (and the administrators above the university): read and download the PDF;
* anyone: ``GET /agreements/verify?code=...``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from jobs_api.agreements import approval, drafting, offers, signing, termination
from jobs_api.agreements.models import AgreementStatus
from jobs_api.agreements.pdf import render_agreement_pdf
from jobs_api.agreements.schemas import (
    AgreementOut,
    AgreementPageOut,
    DeclineIn,
    OfferIn,
    OfferOut,
    OfferPageOut,
    ReasonIn,
    TerminationIn,
    TermsPatch,
    VerificationOut,
)
from jobs_api.agreements.scope import agreement_for, list_agreements, offer_for
from jobs_api.agreements.verification import VERIFY_PATH, verify
from jobs_api.agreements.views import agreement_out, agreement_summaries, offer_out
from jobs_api.core.audit import record_audit
from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import error_responses
from jobs_api.graduates.guards import VerifiedGraduate, require_verified_graduate
from jobs_api.identity.access import PUBLIC, allow
from jobs_api.identity.principal import ADMIN_ROLES, Principal, Role
from jobs_api.jobs.posting import china_today

Member = Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))]
Graduate = Annotated[Principal, Depends(allow(Role.GRADUATE))]
Party = Annotated[Principal, Depends(allow(Role.GRADUATE, Role.EMPLOYER_MEMBER))]
Office = Annotated[Principal, Depends(allow(*ADMIN_ROLES))]
Anyone = Annotated[Principal, Depends(allow(Role.GRADUATE, Role.EMPLOYER_MEMBER, *ADMIN_ROLES))]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]

router = APIRouter(prefix="/api/v1", tags=["agreements"])
public_router = APIRouter(prefix="/api/v1", tags=["agreements"], dependencies=[Depends(PUBLIC)])


# --- offers ----------------------------------------------------------------------------------


@router.post(
    "/applications/{application_id}/offers",
    status_code=201,
    response_model=OfferOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def issue_offer(
    principal: Member, session: SessionDep, application_id: Id, body: OfferIn
) -> OfferOut:
    """Issue an offer (录用通知) on an own live application; the application moves to
    ``offer`` and the graduate is notified."""
    offer = offers.issue_offer(session, principal, application_id, body, china_today())
    return offer_out(session, offer)


@router.get("/offers", response_model=OfferPageOut, responses=error_responses(401, 403))
def list_offers(principal: Party, session: SessionDep) -> OfferPageOut:
    """Received offers (graduate) or issued offers (employer member), newest first; overdue
    unanswered ones are marked expired."""
    found = offers.list_offers(session, principal, china_today())
    return OfferPageOut(items=[offer_out(session, o) for o in found])


@router.get("/offers/{offer_id}", response_model=OfferOut, responses=error_responses(401, 403, 404))
def get_offer(principal: Party, session: SessionDep, offer_id: Id) -> OfferOut:
    return offer_out(session, offer_for(session, principal, offer_id))


@router.post(
    "/offers/{offer_id}/withdraw",
    response_model=OfferOut,
    responses=error_responses(401, 403, 404, 409),
)
def withdraw_offer(principal: Member, session: SessionDep, offer_id: Id) -> OfferOut:
    """Withdraw an offer the graduate has not answered yet."""
    return offer_out(session, offers.withdraw_offer(session, principal, offer_id, china_today()))


@router.post(
    "/offers/{offer_id}/accept",
    response_model=OfferOut,
    responses=error_responses(401, 403, 404, 409),
)
def accept_offer(principal: VerifiedGraduate, session: SessionDep, offer_id: Id) -> OfferOut:
    """Accept an open offer up to its ``respond_by`` day; drafts the tripartite agreement
    (``agreement_id`` in the answer). 409 when already signed elsewhere."""
    offer, _agreement = offers.accept_offer(session, principal, offer_id, china_today())
    return offer_out(session, offer)


@router.post(
    "/offers/{offer_id}/decline",
    response_model=OfferOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def decline_offer(
    principal: Graduate, session: SessionDep, offer_id: Id, body: DeclineIn
) -> OfferOut:
    return offer_out(
        session, offers.decline_offer(session, principal, offer_id, body.reason, china_today())
    )


# --- agreements ------------------------------------------------------------------------------


@public_router.get("/agreements/verify", response_model=VerificationOut)
def verify_code(
    session: SessionDep, code: Annotated[str, Query(min_length=1, max_length=64)]
) -> VerificationOut:
    """Whether a verification code is genuine, with the agreement's status and parties'
    names (the graduate's masked). Unknown codes: ``genuine: false``."""
    return verify(session, code)


@router.get("/agreements", response_model=AgreementPageOut, responses=error_responses(401, 403))
def list_my_agreements(
    principal: Anyone,
    session: SessionDep,
    status: Annotated[AgreementStatus | None, Query()] = None,
) -> AgreementPageOut:
    """The agreements in the caller's scope, newest first."""
    found = list_agreements(session, principal, status=status.value if status else None)
    return AgreementPageOut(items=agreement_summaries(session, found))


@router.get(
    "/agreements/queue", response_model=AgreementPageOut, responses=error_responses(401, 403)
)
def office_queue(principal: Office, session: SessionDep) -> AgreementPageOut:
    """Awaiting the office: agreements pending approval and termination requests, oldest
    first."""
    return AgreementPageOut(
        items=agreement_summaries(session, approval.office_queue(session, principal))
    )


def _read(session: Session, principal: Principal, agreement_id: int) -> AgreementOut:
    agreement = agreement_for(session, principal, agreement_id)
    if principal.user_id != agreement.user_id:
        record_audit(
            session,
            actor_user_id=principal.user_id,
            actor_role=principal.role.value,
            action="agreement.read",
            subject_type="agreement",
            subject_id=agreement.id,
        )
    return agreement_out(session, agreement)


@router.get(
    "/agreements/{agreement_id}",
    response_model=AgreementOut,
    responses=error_responses(401, 403, 404),
)
def get_agreement(principal: Anyone, session: SessionDep, agreement_id: Id) -> AgreementOut:
    return _read(session, principal, agreement_id)


@router.get(
    "/agreements/{agreement_id}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The agreement as a PDF"},
        **error_responses(401, 403, 404),
    },
)
def agreement_pdf(
    request: Request, principal: Anyone, session: SessionDep, agreement_id: Id
) -> Response:
    """The agreement as a PDF (Chinese), with its verification code and the check URL."""
    data = _read(session, principal, agreement_id)
    verify_url = str(request.base_url).rstrip("/") + VERIFY_PATH
    return Response(
        render_agreement_pdf(data, verify_url),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="agreement-{data.agreement_number}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.patch(
    "/agreements/{agreement_id}/terms",
    response_model=AgreementOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def edit_terms(
    principal: Member, session: SessionDep, agreement_id: Id, body: TermsPatch
) -> AgreementOut:
    """Change terms while the agreement is draft / signing / returned; an edit after a
    signature clears both signatures."""
    agreement = drafting.edit_terms(session, principal, agreement_id, body, china_today())
    return agreement_out(session, agreement)


@router.post(
    "/agreements/{agreement_id}/sign",
    response_model=AgreementOut,
    responses=error_responses(401, 403, 404, 409),
)
def sign(principal: Party, session: SessionDep, agreement_id: Id) -> AgreementOut:
    """Sign as the graduate (verified) or as a member of the (verified) employer."""
    if principal.role is Role.GRADUATE:
        require_verified_graduate(principal, session)
        agreement = signing.sign_as_graduate(session, principal, agreement_id)
    else:
        agreement = signing.sign_as_employer(session, principal, agreement_id)
    return agreement_out(session, agreement)


@router.post(
    "/agreements/{agreement_id}/approve",
    response_model=AgreementOut,
    responses=error_responses(401, 403, 404, 409),
)
def approve(principal: Office, session: SessionDep, agreement_id: Id) -> AgreementOut:
    """已签约: the application becomes ``hired``; ``agreements.signed`` is published."""
    return agreement_out(session, approval.approve(session, principal, agreement_id))


@router.post(
    "/agreements/{agreement_id}/return",
    response_model=AgreementOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def return_agreement(
    principal: Office, session: SessionDep, agreement_id: Id, body: ReasonIn
) -> AgreementOut:
    """Send back with a reason; both signatures are cleared."""
    agreement = approval.return_for_changes(session, principal, agreement_id, body.reason)
    return agreement_out(session, agreement)


@router.post(
    "/agreements/{agreement_id}/termination",
    response_model=AgreementOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def request_termination(
    principal: Party, session: SessionDep, agreement_id: Id, body: TerminationIn
) -> AgreementOut:
    """Ask for 解约 of a signed agreement (graduate or employer member)."""
    agreement = termination.request_termination(session, principal, agreement_id, body)
    return agreement_out(session, agreement)


@router.post(
    "/agreements/{agreement_id}/termination/approve",
    response_model=AgreementOut,
    responses=error_responses(401, 403, 404, 409),
)
def approve_termination(principal: Office, session: SessionDep, agreement_id: Id) -> AgreementOut:
    """已解约; ``agreements.terminated`` is published; the graduate may accept another offer."""
    return agreement_out(session, termination.approve_termination(session, principal, agreement_id))


@router.post(
    "/agreements/{agreement_id}/termination/reject",
    response_model=AgreementOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def reject_termination(
    principal: Office, session: SessionDep, agreement_id: Id, body: ReasonIn
) -> AgreementOut:
    """Keep the agreement (back to 已签约), with a reason."""
    agreement = termination.reject_termination(session, principal, agreement_id, body.reason)
    return agreement_out(session, agreement)


api_router = APIRouter()
api_router.include_router(public_router)
api_router.include_router(router)
