"""Demo fairs: made once after the demo data and accounts, each published one with verified
employers and their published jobs, visible through the public list."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.pii import PiiVault
from jobs_api.demo.fairs import PLANS, create_demo_fairs
from jobs_api.demo.generator import generate_demo
from jobs_api.fairs.models import Fair, FairJob, FairStatus
from jobs_api.identity.demo_accounts import create_demo_accounts
from jobs_api.reference.service import load_reference


def test_demo_fairs_are_made_once_and_listed(container: Container, client: TestClient) -> None:
    with job_session(container.session_factory) as session:
        load_reference(session)
    generate_demo(
        container.session_factory,
        container.search,
        graduates=60,
        employers=40,
        jobs=200,
        seed=3,
        vault=PiiVault("demo-test-secret"),
    )
    with job_session(container.session_factory) as session:
        create_demo_accounts(session, container.settings, password="Demo-pass-2026")
        assert create_demo_fairs(session) == len(PLANS)
        assert create_demo_fairs(session) == 0
        published = session.scalar(
            select(func.count()).select_from(Fair).where(Fair.status == FairStatus.PUBLISHED)
        )
        assert published == 4
        assert (session.scalar(select(func.count()).select_from(FairJob)) or 0) > 0
    current = client.get("/api/v1/fairs").json()
    assert current["total"] == 3
    assert any(f["job_count"] > 0 for f in current["items"])
    assert client.get("/api/v1/fairs", params={"when": "past"}).json()["total"] == 1
