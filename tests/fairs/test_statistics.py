"""A fair's statistics counted from real rows: registered employers, attached jobs and
headcount, applications through the fair to its jobs, offers on them, by university; only
the organizer reads them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.agreements.models import OfferStatus
from jobs_api.applications.models import Application, ApplicationStatus
from jobs_api.core.container import Container
from jobs_api.fairs.models import OrganizerLevel
from jobs_api.jobs.models import Job
from tests.factories.applications import make_application, make_graduate_actor
from tests.factories.fairs import attach_job, make_fair, make_offer, register_employer
from tests.factories.identity import Actor
from tests.factories.jobs import make_job
from tests.fairs.conftest import World


def test_statistics_count_applications_and_offers_by_university(
    api: TestClient, world: World, db: Session, container: Container
) -> None:
    fair = make_fair(
        db,
        [world.zju, world.zjut],
        created_by=world.zhejiang.user.id,
        level=OrganizerLevel.PROVINCE,
    )
    other_fair = make_fair(db, [world.zju], created_by=world.office_zju.user.id)
    register_employer(db, fair, world.employer, user_id=world.hr.user.id)
    register_employer(db, fair, world.other_employer, user_id=world.other_hr.user.id)
    attach_job(db, fair, world.job)  # headcount 3
    attach_job(db, fair, world.other_job)  # headcount 3
    outside_job = make_job(db, world.employer, title="未关联职位")
    second = make_graduate_actor(db, container.settings, university=world.zju, name="李雷")

    def through(
        graduate: Actor,
        job: Job,
        fair_id: int | None,
        status: ApplicationStatus = ApplicationStatus.SUBMITTED,
    ) -> Application:
        application = make_application(db, graduate, job, status=status)
        application.fair_id = fair_id
        db.flush()
        return application

    a1 = through(world.graduate, world.job, fair.id)
    a2 = through(second, world.other_job, fair.id)
    a3 = through(world.nju_graduate, world.job, fair.id)
    through(second, world.job, fair.id, status=ApplicationStatus.WITHDRAWN)  # not counted
    through(world.nju_graduate, world.other_job, None)  # not through the fair
    through(world.graduate, world.other_job, other_fair.id)  # through another fair
    through(world.graduate, outside_job, fair.id)  # job not attached
    make_offer(db, a1, issued_by=world.hr.user.id, status=OfferStatus.ACCEPTED)
    make_offer(db, a1, issued_by=world.hr.user.id, status=OfferStatus.DECLINED)  # an earlier one
    make_offer(db, a2, issued_by=world.other_hr.user.id)
    make_offer(db, a3, issued_by=world.hr.user.id, status=OfferStatus.WITHDRAWN)
    db.commit()

    response = api.get(f"/api/v1/fairs/{fair.id}/statistics", headers=world.zhejiang.headers)
    assert response.status_code == 200, response.text
    stats = response.json()
    assert (stats["employers"], stats["jobs"], stats["headcount"]) == (2, 2, 6)
    assert (stats["applications"], stats["offers"], stats["offers_accepted"]) == (3, 3, 1)
    rows = {r["name"]: r for r in stats["by_university"]}
    assert set(rows) == {"浙江大学", "浙江工业大学", "南京大学"}
    assert (rows["浙江大学"]["applications"], rows["浙江大学"]["offers"]) == (2, 3)
    assert rows["浙江大学"]["offers_accepted"] == 1
    assert rows["浙江工业大学"]["participating"] and rows["浙江工业大学"]["applications"] == 0
    assert not rows["南京大学"]["participating"]
    assert (rows["南京大学"]["applications"], rows["南京大学"]["offers"]) == (1, 0)
    # only the organizer: the career office of a participating university does not see them
    for actor in (world.office_zju, world.jiangsu, world.national):
        denied = api.get(f"/api/v1/fairs/{fair.id}/statistics", headers=actor.headers)
        assert denied.status_code == 404
