"""Offers and agreements for tests: request bodies, and whole hirings driven through the API
up to a given agreement status (so every state is reached the way users reach it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.applications.models import ApplicationStatus
from jobs_api.core.settings import Settings
from jobs_api.identity.principal import Role
from jobs_api.jobs.posting import china_today
from jobs_api.universities.models import University
from tests.factories.applications import Hiring, make_graduate_actor, make_hiring
from tests.factories.identity import Actor, make_user, sign_in


def offer_body(**overrides: Any) -> dict[str, Any]:
    """A valid ``POST /applications/{id}/offers`` body (Hangzhou, answer within a week)."""
    today = china_today()
    body: dict[str, Any] = {
        "position_title": "Java开发工程师",
        "monthly_salary": 15000,
        "salary_months": 14,
        "workplace_city_code": "330100",
        "start_date": (today + timedelta(days=60)).isoformat(),
        "probation_months": 3,
        "respond_by": (today + timedelta(days=7)).isoformat(),
        "message": "欢迎加入！",
    }
    body.update(overrides)
    return body


def office_of(session: Session, university: University, settings: Settings) -> Actor:
    """A signed-in career office of ``university``."""
    user = make_user(session, Role.CAREER_OFFICE, settings, university_id=university.id)
    return sign_in(session, user, settings)


@dataclass
class Deal:
    """A hiring with its office, and the offer / agreement ids once made."""

    hiring: Hiring
    office: Actor
    offer_id: int = 0
    agreement_id: int = 0

    @property
    def member(self) -> Actor:
        return self.hiring.member

    @property
    def graduate(self) -> Actor:
        return self.hiring.graduate


STAGES = ("offer", "draft", "pending_approval", "signed", "termination_requested")


def make_deal(
    session: Session,
    settings: Settings,
    api: TestClient,
    *,
    university: University,
    until: str = "draft",
    graduate: Actor | None = None,
    **hiring: Any,
) -> Deal:
    """Hiring + career office committed, then driven through the API up to ``until``."""
    made = make_hiring(
        session,
        settings,
        graduate=graduate or make_graduate_actor(session, settings, university=university),
        status=ApplicationStatus.INTERVIEW,
        **hiring,
    )
    deal = Deal(hiring=made, office=office_of(session, university, settings))
    session.commit()
    stage = STAGES.index(until)
    response = api.post(
        f"/api/v1/applications/{made.application.id}/offers",
        json=offer_body(),
        headers=made.member.headers,
    )
    assert response.status_code == 201, response.text
    deal.offer_id = response.json()["id"]
    if stage < 1:
        return deal
    accepted = api.post(f"/api/v1/offers/{deal.offer_id}/accept", headers=deal.graduate.headers)
    assert accepted.status_code == 200, accepted.text
    deal.agreement_id = accepted.json()["agreement_id"]
    if stage < 2:
        return deal
    for actor in (deal.member, deal.graduate):
        signed = api.post(f"/api/v1/agreements/{deal.agreement_id}/sign", headers=actor.headers)
        assert signed.status_code == 200, signed.text
    if stage < 3:
        return deal
    approved = api.post(
        f"/api/v1/agreements/{deal.agreement_id}/approve", headers=deal.office.headers
    )
    assert approved.status_code == 200, approved.text
    if stage < 4:
        return deal
    asked = api.post(
        f"/api/v1/agreements/{deal.agreement_id}/termination",
        json={"category": "mutual", "detail": "双方协商"},
        headers=deal.graduate.headers,
    )
    assert asked.status_code == 200, asked.text
    return deal


def past(days: int = 1) -> date:
    return china_today() - timedelta(days=days)
