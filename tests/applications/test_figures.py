"""Response-time figures: the share answered within 7 days and the median hours to the first
response over the last 180 days, computed in SQL on both databases; public for verified
employers only."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.applications.figures import response_figures
from jobs_api.applications.models import Application
from jobs_api.core.container import Container
from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.jobs.models import Job
from tests.employers.fixtures import Campus
from tests.factories.applications import make_application, make_graduate_actor
from tests.factories.jobs import make_employer, make_job


def _applied(
    db: Session,
    container: Container,
    job: Job,
    *,
    days_ago: float,
    answered_after_hours: float | None,
) -> Application:
    graduate = make_graduate_actor(db, container.settings)
    application = make_application(db, graduate, job)
    application.submitted_at = utcnow() - timedelta(days=days_ago)
    if answered_after_hours is not None:
        application.first_response_at = application.submitted_at + timedelta(
            hours=answered_after_hours
        )
    db.flush()
    return application


def _employer_with(
    db: Session, container: Container, answers: list[float | None], name: str = "杭州云帆"
) -> Employer:
    employer = make_employer(db, name=name)
    job = make_job(db, employer)
    for hours in answers:
        _applied(db, container, job, days_ago=20, answered_after_hours=hours)
    return employer


def test_share_and_median_over_the_window(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    odd = _employer_with(db, container, [2.0, 10.0, 30.0, 200.0, None])
    job = make_job(db, odd, title="测试工程师")
    _applied(db, container, job, days_ago=200, answered_after_hours=1.0)  # outside the window
    even = _employer_with(db, container, [4.0, 8.0, 170.0, 400.0], name="南京星河")
    silent = _employer_with(db, container, [None, None], name="无回应")
    empty = _employer_with(db, container, [], name="新单位")
    db.commit()

    figures = response_figures(db, odd.id)
    assert figures.applications == 5
    assert figures.answered_within_7_days == 3  # 2 h, 10 h, 30 h; 200 h is past 168 h
    assert figures.share_answered_within_7_days == 0.6
    assert figures.median_hours_to_first_response == 20.0  # (10 + 30) / 2 over 4 answered

    figures = response_figures(db, even.id)
    assert figures.answered_within_7_days == 2
    assert figures.median_hours_to_first_response == 89.0  # (8 + 170) / 2

    figures = response_figures(db, silent.id)
    assert (figures.applications, figures.answered_within_7_days) == (2, 0)
    assert figures.share_answered_within_7_days == 0.0
    assert figures.median_hours_to_first_response is None

    figures = response_figures(db, empty.id)
    assert figures.applications == 0 and figures.share_answered_within_7_days is None

    public = api.get(f"/api/v1/employers/{odd.id}/response-figures")
    assert public.status_code == 200
    assert public.json()["median_hours_to_first_response"] == 20.0
    assert public.json()["window_days"] == 180


def test_a_single_answer_is_its_own_median_and_unverified_employers_are_hidden(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    one = _employer_with(db, container, [36.5])
    hidden = make_employer(db, status=VerificationStatus.NEEDS_REVIEW)
    db.commit()
    assert response_figures(db, one.id).median_hours_to_first_response == 36.5
    refused = api.get(f"/api/v1/employers/{hidden.id}/response-figures")
    assert refused.status_code == 404
    assert api.get("/api/v1/employers/999999/response-figures").status_code == 404
