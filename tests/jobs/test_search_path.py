"""The whole path from posting to search and back out, through the outbox: a job published
through the API is found after the relay and worker run; it leaves search when closed, when
it is edited into review, and when its employer is rejected; a change of the employer's type
reaches the documents of its jobs."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.search import SearchBackend, SearchQuery
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.jobs.events import publish_employer_visibility_changed
from jobs_api.jobs.search_index import JOB_INDEX, ensure_job_index
from tests.employers.fixtures import Drain, member_of
from tests.factories.identity import Actor
from tests.factories.jobs import job_payload, make_employer

JOBS = "/api/v1/jobs"


def _found(search: SearchBackend, text: str) -> dict[str, dict[str, object]]:
    ensure_job_index(search)
    search.refresh(JOB_INDEX)
    page = search.search(JOB_INDEX, SearchQuery(text=text, size=50))
    return {hit.id: hit.source for hit in page.hits}


def _published(api: TestClient, owner: Actor, title: str) -> str:
    job_id = api.post(JOBS, json=job_payload(title=title), headers=owner.headers).json()["id"]
    assert api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers).status_code == 200
    return str(job_id)


def test_published_job_enters_search_and_leaves_when_closed(
    api: TestClient, db: Session, container: Container, outbox: Drain
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    db.commit()
    job_id = _published(api, owner, "量化研究员")
    assert _found(container.search, "量化") == {}  # nothing before the outbox runs
    outbox()
    found = _found(container.search, "量化")
    assert set(found) == {job_id}
    assert found[job_id]["employer_name"] == employer.name

    api.post(f"{JOBS}/{job_id}/close", headers=owner.headers)
    outbox()
    assert _found(container.search, "量化") == {}


def test_a_job_edited_into_review_leaves_search(
    api: TestClient, db: Session, container: Container, outbox: Drain
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    db.commit()
    job_id = _published(api, owner, "嵌入式工程师")
    outbox()
    assert set(_found(container.search, "嵌入式")) == {job_id}
    api.patch(
        f"{JOBS}/{job_id}",
        json={"description": "负责嵌入式开发。有意者请致电13812345678。"},
        headers=owner.headers,
    )
    outbox()
    assert _found(container.search, "嵌入式") == {}


def test_jobs_of_a_rejected_employer_leave_search(
    api: TestClient, db: Session, container: Container, outbox: Drain
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    db.commit()
    ids = {_published(api, owner, f"临床药师 {i}") for i in range(3)}
    outbox()
    assert set(_found(container.search, "药师")) == ids

    # what verification does when it rejects (or expires) an employer
    db.get_one(Employer, employer.id).verification_status = VerificationStatus.REJECTED
    publish_employer_visibility_changed(db, employer.id)
    db.commit()
    outbox()
    assert _found(container.search, "药师") == {}
    # and the employer can no longer publish
    job_id = next(iter(ids))
    assert api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers).status_code == 403


def test_a_new_employer_type_reaches_the_job_documents(
    api: TestClient, db: Session, container: Container, outbox: Drain
) -> None:
    employer = make_employer(db)
    owner = member_of(db, employer.id, container.settings)
    db.commit()
    job_id = _published(api, owner, "精算分析师")
    outbox()
    assert _found(container.search, "精算")[job_id]["employer_type"] == "private_enterprise"
    response = api.patch(
        "/api/v1/employers/me",
        json={"employer_type": "state_owned_enterprise"},
        headers=owner.headers,
    )
    assert response.status_code == 200
    outbox()
    assert _found(container.search, "精算")[job_id]["employer_type"] == "state_owned_enterprise"
