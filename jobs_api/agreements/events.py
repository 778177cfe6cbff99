"""What every step of an offer or agreement leaves behind: the agreement's own trail
(:class:`AgreementEvent`), inbox notices for the other parties, and outbox events.

Outbox topics (no handler is registered here; a topic without handlers is marked delivered by
the relay, so analytics can subscribe later without a change here):

* ``agreements.signed``: the career office approved; payload ``agreement_id``, ``user_id``,
  ``student_record_id``, ``university_id``, ``employer_id``, ``job_id``, ``offer_id``,
  ``workplace_city_code``, ``monthly_salary``, ``salary_months``, ``start_date``,
  ``signed_at`` (ISO 8601, UTC);
* ``agreements.terminated``: the career office approved a 解约; the same ids plus
  ``terminated_at`` and ``reason_category``.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.agreements.models import Agreement, AgreementEvent
from jobs_api.core.outbox import publish
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import Role
from jobs_api.inbox.service import Notice, deliver

AGREEMENT_SIGNED: Final = "agreements.signed"
AGREEMENT_TERMINATED: Final = "agreements.terminated"

SYSTEM_ROLE: Final = "system"


def record_event(
    session: Session,
    agreement: Agreement,
    action: str,
    *,
    actor_id: int | None,
    actor_role: str,
    note: str = "",
) -> AgreementEvent:
    event = AgreementEvent(
        agreement_id=agreement.id,
        action=action,
        actor_id=actor_id,
        actor_role=actor_role,
        note=note,
    )
    session.add(event)
    session.flush()
    return event


def office_user_ids(session: Session, university_id: int) -> list[int]:
    """The active career-office accounts of one university (a handful)."""
    return list(
        session.scalars(
            select(User.id).where(
                User.role == Role.CAREER_OFFICE.value,
                User.university_id == university_id,
                User.status == AccountStatus.ACTIVE.value,
            )
        )
    )


def employer_user_ids(session: Session, agreement: Agreement, issued_by: int) -> list[int]:
    """Who on the employer's side hears about the agreement: the member who issued the offer
    and the one who signed (when another)."""
    ids = [issued_by]
    if agreement.employer_signed_by and agreement.employer_signed_by not in ids:
        ids.append(agreement.employer_signed_by)
    return ids


def notify(
    session: Session,
    user_ids: list[int],
    *,
    kind: str,
    key: str,
    title_zh: str,
    title_en: str,
    body_zh: str = "",
    body_en: str = "",
    link: str = "",
    payload: dict[str, Any] | None = None,
) -> None:
    """One inbox notice per recipient, idempotent on ``key``."""
    for user_id in dict.fromkeys(user_ids):
        deliver(
            session,
            user_id,
            Notice(
                kind=kind,
                title_zh=title_zh,
                title_en=title_en,
                body_zh=body_zh,
                body_en=body_en,
                link=link,
                payload=dict(payload or {}),
                dedupe_key=key,
            ),
        )


def _ids(agreement: Agreement) -> dict[str, Any]:
    return {
        "agreement_id": agreement.id,
        "agreement_number": agreement.agreement_number,
        "user_id": agreement.user_id,
        "student_record_id": agreement.student_record_id,
        "university_id": agreement.university_id,
        "employer_id": agreement.employer_id,
        "job_id": agreement.job_id,
        "offer_id": agreement.offer_id,
        "application_id": agreement.application_id,
    }


def publish_signed(session: Session, agreement: Agreement) -> None:
    assert agreement.approved_at is not None
    publish(
        session,
        AGREEMENT_SIGNED,
        {
            **_ids(agreement),
            "workplace_city_code": agreement.workplace_city_code,
            "position_title": agreement.position_title,
            "monthly_salary": agreement.monthly_salary,
            "salary_months": agreement.salary_months,
            "start_date": agreement.start_date.isoformat(),
            "signed_at": agreement.approved_at.isoformat(),
        },
    )


def publish_terminated(session: Session, agreement: Agreement, category: str) -> None:
    assert agreement.terminated_at is not None
    publish(
        session,
        AGREEMENT_TERMINATED,
        {
            **_ids(agreement),
            "terminated_at": agreement.terminated_at.isoformat(),
            "reason_category": category,
        },
    )
