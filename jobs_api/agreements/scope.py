"""Who sees which offer or agreement. Records outside the caller's scope are 404, so their
existence does not leak.

* graduate: their own (``user_id``);
* employer member: their employer's (``employer_id``);
* career office: agreements of its university's graduates; provincial administrator: of the
  universities in its province; national administrator: all. Offers are not shown to offices.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jobs_api.agreements.errors import AgreementNotFound, OfferNotFound
from jobs_api.agreements.models import Agreement, Offer
from jobs_api.identity.principal import Principal, Role
from jobs_api.universities.models import University

AGREEMENT_NOT_FOUND = "三方协议不存在 (no such agreement)"
OFFER_NOT_FOUND = "录用通知不存在 (no such offer)"


def offer_for(
    session: Session, principal: Principal, offer_id: int, *, lock: bool = False
) -> Offer:
    query = select(Offer).where(Offer.id == offer_id)
    if principal.role is Role.GRADUATE:
        query = query.where(Offer.user_id == principal.user_id)
    elif principal.role is Role.EMPLOYER_MEMBER and principal.employer_id is not None:
        query = query.where(Offer.employer_id == principal.employer_id)
    else:
        raise OfferNotFound(OFFER_NOT_FOUND)
    if lock:
        query = query.with_for_update()
    offer = session.scalar(query)
    if offer is None:
        raise OfferNotFound(OFFER_NOT_FOUND)
    return offer


def scoped_agreements(query: Select[Agreement], principal: Principal) -> Select[Agreement]:
    """``query`` limited to the agreements ``principal`` may see (nothing for a caller
    without a scope)."""
    if principal.role is Role.GRADUATE:
        return query.where(Agreement.user_id == principal.user_id)
    if principal.role is Role.EMPLOYER_MEMBER and principal.employer_id is not None:
        return query.where(Agreement.employer_id == principal.employer_id)
    if principal.role is Role.CAREER_OFFICE and principal.university_id is not None:
        return query.where(Agreement.university_id == principal.university_id)
    if principal.role is Role.PROVINCIAL_ADMIN and principal.province_code is not None:
        in_province = select(University.id).where(
            University.province_code == principal.province_code
        )
        return query.where(Agreement.university_id.in_(in_province))
    if principal.role is Role.NATIONAL_ADMIN:
        return query
    return query.where(Agreement.id.is_(None))


def agreement_for(
    session: Session, principal: Principal, agreement_id: int, *, lock: bool = False
) -> Agreement:
    query = scoped_agreements(select(Agreement).where(Agreement.id == agreement_id), principal)
    if lock:
        query = query.with_for_update()
    agreement = session.scalar(query)
    if agreement is None:
        raise AgreementNotFound(AGREEMENT_NOT_FOUND)
    return agreement


def is_office(principal: Principal) -> bool:
    return principal.role in (Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN)


def list_agreements(
    session: Session, principal: Principal, *, status: str | None = None, limit: int = 100
) -> list[Agreement]:
    """The agreements the caller may see, newest first."""
    query = scoped_agreements(select(Agreement), principal)
    if status is not None:
        query = query.where(Agreement.status == status)
    return list(session.scalars(query.order_by(Agreement.id.desc()).limit(limit)))
