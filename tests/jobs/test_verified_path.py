"""The whole path with employer verification's own handlers, as the app wires them:
registration -> automatic verification -> posting and publishing -> search; a change of name
voids the verification and the employer's jobs leave search; a doubtful employer waits for a
reviewer, cannot post, and stays out after a rejection."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.search import SearchBackend, SearchQuery
from jobs_api.identity.models import User
from jobs_api.identity.principal import Role
from jobs_api.jobs.search_index import JOB_INDEX, ensure_job_index
from tests.employers.fixtures import Drain, reviewer
from tests.factories.identity import Actor, sign_in
from tests.factories.jobs import job_payload, pdf_bytes, registration_fields
from tests.factories.verification import make_registry_entry, valid_uscc

JOBS = "/api/v1/jobs"
ME = "/api/v1/employers/me"


def _found(search: SearchBackend, employer_id: int) -> set[str]:
    ensure_job_index(search)
    search.refresh(JOB_INDEX)
    page = search.search(JOB_INDEX, SearchQuery(terms={"employer_id": [str(employer_id)]}, size=50))
    return {hit.id for hit in page.hits}


def _register(
    api: TestClient, db: Session, container: Container, name: str, code: str
) -> tuple[int, Actor]:
    response = api.post(
        "/api/v1/employers/register",
        data=registration_fields(name=name, uscc=code),
        files={"licence": ("营业执照.pdf", pdf_bytes(), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    employer_id = int(response.json()["employer"]["id"])
    owner = db.scalars(select(User).where(User.employer_id == employer_id)).one()
    actor = sign_in(db, owner, container.settings)
    db.commit()
    return employer_id, actor


def test_registered_employer_is_verified_posts_and_leaves_search_after_a_rename(
    api: TestClient, db: Session, container: Container, outbox: Drain
) -> None:
    name = "杭州青禾信息技术有限公司"
    code = valid_uscc("330106")
    make_registry_entry(db, code, name)
    db.commit()
    employer_id, owner = _register(api, db, container, name, code)
    outbox()  # employers.registered -> automatic checks -> decided

    me = api.get(ME, headers=owner.headers).json()
    assert me["verification_status"] == "auto_verified"
    assert me["verified_at"] is not None
    public = api.get(f"/api/v1/employers/{employer_id}/public").json()
    assert public["badge"] == "已认证" and public["open_jobs"] == 0

    job_id = api.post(JOBS, json=job_payload(), headers=owner.headers).json()["id"]
    assert api.post(f"{JOBS}/{job_id}/publish", headers=owner.headers).status_code == 200
    outbox()
    assert _found(container.search, employer_id) == {str(job_id)}
    assert api.get(f"/api/v1/employers/{employer_id}/public").json()["open_jobs"] == 1

    # a new name no longer matches the registry: verification is void, the jobs leave search
    renamed = api.patch(ME, json={"name": "杭州青禾网络有限公司"}, headers=owner.headers)
    assert renamed.status_code == 200
    outbox()
    status = api.get(ME, headers=owner.headers).json()["verification_status"]
    assert status not in {"auto_verified", "verified"}
    assert _found(container.search, employer_id) == set()
    assert api.get(f"{JOBS}/{job_id}").status_code == 404
    assert api.get(f"/api/v1/employers/{employer_id}/public").status_code == 404
    refused = api.post(JOBS, json=job_payload(), headers=owner.headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "employer_not_verified"


def test_doubtful_employer_waits_for_review_and_stays_out_when_rejected(
    api: TestClient, db: Session, container: Container, outbox: Drain
) -> None:
    # not in the enterprise registry: the automatic checks cannot verify it
    employer_id, owner = _register(api, db, container, "杭州无名贸易有限公司", valid_uscc("330106"))
    admin = reviewer(db, Role.PROVINCIAL_ADMIN, container.settings, province_code="330000")
    db.commit()
    outbox()
    assert api.get(ME, headers=owner.headers).json()["verification_status"] == "needs_review"
    refused = api.post(JOBS, json=job_payload(), headers=owner.headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        403,
        "employer_not_verified",
    )

    queue = api.get("/api/v1/verification/queue", headers=admin.headers).json()
    [case] = [item for item in queue["items"] if item["employer_id"] == employer_id]
    decided = api.post(
        f"/api/v1/verification/cases/{case['case_id']}/decision",
        json={"decision": "rejected", "reason_codes": ["not_registered"]},
        headers=admin.headers,
    )
    assert decided.status_code == 200, decided.text
    outbox()
    assert api.get(ME, headers=owner.headers).json()["verification_status"] == "rejected"
    assert api.post(JOBS, json=job_payload(), headers=owner.headers).status_code == 403
    assert api.get(f"/api/v1/employers/{employer_id}/public").status_code == 404
