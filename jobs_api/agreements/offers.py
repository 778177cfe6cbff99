"""Offers (录用通知): issued by a member of a verified employer on one of its live
applications, withdrawn by the employer before the answer, accepted or declined by the
graduate up to ``respond_by`` (China date, inclusive).

Expiry is lazy: an ``issued`` offer whose ``respond_by`` has passed is turned ``expired`` by a
bulk update whenever the graduate's or the employer's offers are listed, and an answer after
the day is refused. No periodic job is needed: nothing else depends on the stored status
changing at midnight, and each update touches only the caller's rows (indexed by user or
employer).

Accepting drafts the tripartite agreement (:mod:`jobs_api.agreements.drafting`). A graduate
with a signed agreement (or one whose 解约 is still pending) cannot accept another offer.
A withdrawn, declined or expired offer leaves the application at ``offer``: the employer may
issue a new offer or reject it through the applications pipeline.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobs_api.agreements.drafting import check_city, draft_from_offer
from jobs_api.agreements.errors import (
    AlreadySignedElsewhere,
    ApplicationClosed,
    InvalidTerms,
    OfferAlreadyOpen,
    OfferStateConflict,
)
from jobs_api.agreements.events import notify
from jobs_api.agreements.models import Agreement, AgreementStatus, Offer, OfferStatus
from jobs_api.agreements.schemas import OfferIn
from jobs_api.agreements.scope import offer_for
from jobs_api.applications.errors import ApplicationNotFound
from jobs_api.applications.models import CLOSED_STATUSES, Application, ApplicationStatus
from jobs_api.applications.pipeline import change_status
from jobs_api.core.db import utcnow
from jobs_api.employers.gate import require_verified_employer
from jobs_api.employers.models import Employer
from jobs_api.employers.scope import member_employer_id
from jobs_api.identity.principal import Principal, Role
from jobs_api.jobs.models import Job

OPEN_OFFER_STATUSES = (OfferStatus.ISSUED.value, OfferStatus.ACCEPTED.value)
BINDING_STATUSES = (
    AgreementStatus.SIGNED.value,
    AgreementStatus.TERMINATION_REQUESTED.value,
)
"""A graduate with an agreement in one of these is bound (已签约): 解约 first."""


def _check_offer_terms(session: Session, data: OfferIn, today: date) -> None:
    if data.respond_by <= today:
        raise InvalidTerms(
            "答复截止日期须晚于今天 (respond_by must be in the future)",
            fields={"respond_by": "not_in_future"},
        )
    if data.start_date <= today:
        raise InvalidTerms(
            "入职日期须晚于今天 (start_date must be in the future)",
            fields={"start_date": "not_in_future"},
        )
    check_city(session, data.workplace_city_code)


def expire_overdue(
    session: Session,
    today: date,
    *,
    user_id: int | None = None,
    employer_id: int | None = None,
    application_id: int | None = None,
) -> int:
    """Mark the caller's unanswered offers past ``respond_by`` expired; how many changed."""
    statement = update(Offer).where(
        Offer.status == OfferStatus.ISSUED.value, Offer.respond_by < today
    )
    if user_id is not None:
        statement = statement.where(Offer.user_id == user_id)
    if employer_id is not None:
        statement = statement.where(Offer.employer_id == employer_id)
    if application_id is not None:
        statement = statement.where(Offer.application_id == application_id)
    result = session.execute(
        statement.values(status=OfferStatus.EXPIRED.value).execution_options(
            synchronize_session=False
        )
    )
    session.expire_all()
    return int(getattr(result, "rowcount", 0) or 0)


def issue_offer(
    session: Session, principal: Principal, application_id: int, data: OfferIn, today: date
) -> Offer:
    employer_id = member_employer_id(principal)
    application = session.scalar(
        select(Application)
        .where(Application.id == application_id, Application.employer_id == employer_id)
        .with_for_update()
    )
    if application is None:
        raise ApplicationNotFound("申请不存在 (no such application)")
    employer = require_verified_employer(session, employer_id)
    if application.status in CLOSED_STATUSES:
        raise ApplicationClosed(
            "该申请已结束（已录用、不合适或已撤回），不能发出录用通知 (the application is closed)"
        )
    expire_overdue(session, today, application_id=application.id)
    open_offer = session.scalar(
        select(Offer.id).where(
            Offer.application_id == application.id, Offer.status.in_(OPEN_OFFER_STATUSES)
        )
    )
    if open_offer is not None:
        raise OfferAlreadyOpen(
            "该申请已有待答复或已接受的录用通知 (the application already has an open offer)"
        )
    _check_offer_terms(session, data, today)
    job = session.get_one(Job, application.job_id)
    offer = Offer(
        application_id=application.id,
        job_id=application.job_id,
        employer_id=employer_id,
        user_id=application.user_id,
        position_title=data.position_title,
        monthly_salary=data.monthly_salary,
        salary_months=data.salary_months,
        workplace_city_code=data.workplace_city_code,
        start_date=data.start_date,
        probation_months=data.probation_months,
        respond_by=data.respond_by,
        message=data.message,
        status=OfferStatus.ISSUED.value,
        issued_by=principal.user_id,
        issued_at=utcnow(),
    )
    session.add(offer)
    session.flush()
    change_status(
        session,
        application,
        ApplicationStatus.OFFER,
        actor_user_id=principal.user_id,
        job_title=job.title,
        employer_name=employer.name,
        notify_graduate=False,
    )
    notify(
        session,
        [application.user_id],
        kind="offer.issued",
        key=f"offer:{offer.id}:issued",
        title_zh=f"你收到了录用通知：{employer.name}",
        title_en=f"You received an offer from {employer.name}",
        body_zh=f"岗位“{offer.position_title}”，请在 {offer.respond_by.isoformat()} 前答复。",
        body_en=f"Position: {offer.position_title}. Please answer by "
        f"{offer.respond_by.isoformat()}.",
        link="/me/offers",
        payload={"offer_id": offer.id},
    )
    return offer


def _require_issued(session: Session, offer: Offer, today: date) -> None:
    if offer.status == OfferStatus.ISSUED.value and offer.respond_by < today:
        raise OfferStateConflict(
            "录用通知已过答复截止日期 (the offer has expired)", fields={"offer": "expired"}
        )
    if offer.status != OfferStatus.ISSUED.value:
        raise OfferStateConflict(
            "录用通知已答复、撤回或过期，不能再操作 (the offer is no longer open)",
            fields={"offer": offer.status},
        )


def withdraw_offer(session: Session, principal: Principal, offer_id: int, today: date) -> Offer:
    member_employer_id(principal)
    offer = offer_for(session, principal, offer_id, lock=True)
    _require_issued(session, offer, today)
    offer.status = OfferStatus.WITHDRAWN.value
    offer.responded_at = utcnow()
    employer = session.get_one(Employer, offer.employer_id)
    notify(
        session,
        [offer.user_id],
        kind="offer.withdrawn",
        key=f"offer:{offer.id}:withdrawn",
        title_zh=f"录用通知已撤回：{employer.name}",
        title_en=f"Offer withdrawn by {employer.name}",
        body_zh=f"{employer.name}撤回了岗位“{offer.position_title}”的录用通知。",
        body_en=f"{employer.name} withdrew the offer for {offer.position_title}.",
        link="/me/offers",
        payload={"offer_id": offer.id},
    )
    session.flush()
    return offer


def bound_agreement(session: Session, user_id: int, *, statuses: tuple[str, ...]) -> int | None:
    return session.scalar(
        select(Agreement.id).where(Agreement.user_id == user_id, Agreement.status.in_(statuses))
    )


def accept_offer(
    session: Session, principal: Principal, offer_id: int, today: date
) -> tuple[Offer, Agreement]:
    offer = _graduate_offer(session, principal, offer_id)
    _require_issued(session, offer, today)
    if bound_agreement(session, offer.user_id, statuses=BINDING_STATUSES) is not None:
        raise AlreadySignedElsewhere(
            "你已签订三方协议，毕业生只能签订一份三方协议；如需接受新的录用通知，请先办理解约 "
            "(you already have a signed agreement; terminate it first)"
        )
    offer.status = OfferStatus.ACCEPTED.value
    offer.responded_at = utcnow()
    session.flush()
    agreement = draft_from_offer(session, offer, actor=principal)
    notify(
        session,
        [offer.issued_by],
        kind="offer.accepted",
        key=f"offer:{offer.id}:accepted",
        title_zh=f"毕业生已接受录用通知：{offer.position_title}",
        title_en=f"Offer accepted: {offer.position_title}",
        body_zh=f"三方协议草稿（编号 {agreement.agreement_number}）已生成，请核对条款、"
        "设定违约金后签署。",
        body_en=f"The draft agreement {agreement.agreement_number} is ready: check the terms, "
        "set the breach penalty and sign.",
        link=f"/employer/agreements/{agreement.id}",
        payload={"offer_id": offer.id, "agreement_id": agreement.id},
    )
    return offer, agreement


def decline_offer(
    session: Session, principal: Principal, offer_id: int, reason: str, today: date
) -> Offer:
    offer = _graduate_offer(session, principal, offer_id)
    _require_issued(session, offer, today)
    offer.status = OfferStatus.DECLINED.value
    offer.responded_at = utcnow()
    offer.decline_reason = reason
    notify(
        session,
        [offer.issued_by],
        kind="offer.declined",
        key=f"offer:{offer.id}:declined",
        title_zh=f"毕业生已拒绝录用通知：{offer.position_title}",
        title_en=f"Offer declined: {offer.position_title}",
        body_zh=f"原因：{reason}",
        body_en=f"Reason: {reason}",
        link="/employer/agreements",
        payload={"offer_id": offer.id},
    )
    session.flush()
    return offer


def _graduate_offer(session: Session, principal: Principal, offer_id: int) -> Offer:
    if principal.role is not Role.GRADUATE:
        raise OfferStateConflict("仅毕业生本人可答复录用通知 (only the graduate may answer)")
    return offer_for(session, principal, offer_id, lock=True)


def list_offers(
    session: Session, principal: Principal, today: date, limit: int = 100
) -> list[Offer]:
    """The caller's offers (graduate: received; employer member: issued), newest first,
    expiring overdue ones first."""
    query = select(Offer)
    if principal.role is Role.GRADUATE:
        expire_overdue(session, today, user_id=principal.user_id)
        query = query.where(Offer.user_id == principal.user_id)
    else:
        employer_id = member_employer_id(principal)
        expire_overdue(session, today, employer_id=employer_id)
        query = query.where(Offer.employer_id == employer_id)
    return list(session.scalars(query.order_by(Offer.id.desc()).limit(limit)))


def agreement_id_of(session: Session, offer_id: int) -> int | None:
    return session.scalar(select(Agreement.id).where(Agreement.offer_id == offer_id))
