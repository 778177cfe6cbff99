"""Demo hiring data: made once after the demo data, accounts and fairs, through the real
services, and visible to the demo hr, career office and graduate accounts via the API."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jobs_api.agreements.models import Agreement, AgreementStatus, Offer
from jobs_api.applications.models import Application, ApplicationStatusChange
from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.core.pii import PiiVault
from jobs_api.demo.fairs import create_demo_fairs
from jobs_api.demo.generator import generate_demo
from jobs_api.demo.hiring import EMPLOYER_PLAN, create_demo_hiring, resume_pdf
from jobs_api.graduates.resumes import check_pdf
from jobs_api.identity.demo_accounts import create_demo_accounts
from jobs_api.identity.models import User
from jobs_api.identity.passwords import PasswordHasher
from jobs_api.identity.principal import Role
from jobs_api.inbox.models import InboxMessage
from jobs_api.interviews.models import Interview, InterviewStatus
from jobs_api.reference.service import load_reference
from jobs_api.universities.models import University
from tests.factories.identity import make_student_record, sign_in, synthetic_id_number

PASSWORD = "Demo-pass-2026"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def _user(container: Container, username_prefix: str, role: Role) -> User:
    with job_session(container.session_factory) as session:
        user = session.scalar(
            select(User)
            .where(User.role == role.value, User.username.startswith(username_prefix))
            .order_by(User.id)
            .limit(1)
        )
        assert user is not None
        session.expunge(user)
        return user


def _headers(container: Container, user: User) -> dict[str, str]:
    with job_session(container.session_factory) as session:
        return sign_in(session, session.get_one(User, user.id), container.settings).headers


def test_resume_pdf_passes_the_upload_check() -> None:
    data = resume_pdf("张三", ["学校：浙江大学", "专业：软件工程"])
    check_pdf(data)
    assert data.startswith(b"%PDF-") and len(data) < 20_000


def test_demo_hiring_made_once_and_visible(container: Container, client: TestClient) -> None:
    with job_session(container.session_factory) as session:
        load_reference(session)
    generate_demo(
        container.session_factory,
        container.search,
        graduates=60,
        employers=20,
        jobs=120,
        seed=5,
        vault=PiiVault("demo-test-secret"),
    )
    with job_session(container.session_factory) as session:
        create_demo_accounts(session, container.settings, password=PASSWORD, hasher=CHEAP)
        create_demo_fairs(session)
        # The default demo (5 000 graduates) has about 20 records at the demo career office's
        # university; this small one has only the demo graduate's: add two more.
        office_user = session.scalar(select(User).where(User.role == Role.CAREER_OFFICE.value))
        assert office_user is not None and office_user.university_id is not None
        university = session.get_one(University, office_user.university_id)
        for number in ("2022100901", "2022100902"):
            make_student_record(
                session,
                university,
                container.settings,
                id_number=synthetic_id_number(),
                student_number=number,
            )
        report = create_demo_hiring(session, container.settings, password=PASSWORD, hasher=CHEAP)
    assert report.graduates == len(EMPLOYER_PLAN)
    assert report.summary().startswith("演示招聘数据: ")

    hr = _user(container, "hr-", Role.EMPLOYER_MEMBER)
    office = _user(container, "career-", Role.CAREER_OFFICE)
    graduate = _user(container, "grad-", Role.GRADUATE)
    with job_session(container.session_factory) as session:
        employer_statuses = Counter(
            session.scalars(
                select(Application.status).where(Application.employer_id == hr.employer_id)
            )
        )
        mine = Counter(
            session.scalars(select(Application.status).where(Application.user_id == graduate.id))
        )
        total = session.scalar(select(func.count()).select_from(Application))
        agreements = {a.status: a for a in session.scalars(select(Agreement))}
        interviews = Counter(session.scalars(select(Interview.status)))
        offers = session.scalar(select(func.count()).select_from(Offer))
        history = session.scalar(select(func.count()).select_from(ApplicationStatusChange))
        inbox = session.scalar(
            select(func.count())
            .select_from(InboxMessage)
            .where(InboxMessage.user_id == graduate.id)
        )
        back_dated = session.scalar(
            select(func.count())
            .select_from(Application)
            .where(Application.first_response_at.is_not(None))
            .where(Application.first_response_at < utcnow() - timedelta(hours=1))
        )
    # 30 applicants + the demo graduate's 3 applications to the demo employer
    assert employer_statuses == {
        "submitted": 8,
        "viewed": 7 + 1,
        "shortlisted": 5,
        "rejected": 4,
        "interview": 2 + 1,
        "offer": 2 + 1 + 1,  # issued, the graduate's, the accepted one pending approval
        "hired": 1,
    }
    assert mine == {"interview": 1, "offer": 1, "viewed": 1, "submitted": 1}
    assert total == report.applications == 34
    assert set(agreements) == {AgreementStatus.PENDING_APPROVAL, AgreementStatus.SIGNED}
    pending = agreements[AgreementStatus.PENDING_APPROVAL]
    signed = agreements[AgreementStatus.SIGNED]
    assert pending.university_id == office.university_id
    assert signed.approved_at is not None and signed.verification_code
    assert interviews == {InterviewStatus.PROPOSED: 2, InterviewStatus.CONFIRMED: 1}
    assert offers == report.offers == 5
    assert (history or 0) >= 30  # real status changes, not direct writes
    assert (inbox or 0) >= 3  # viewed, interview invitation, offer
    assert back_dated and back_dated >= 20

    # the demo hr account sees the pipeline and can download a résumé that was sent
    hr_headers = _headers(container, hr)
    page = client.get(
        "/api/v1/employers/me/applications", params={"limit": 100}, headers=hr_headers
    )
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert len(items) == sum(employer_statuses.values())
    resume = client.get(
        f"/api/v1/employers/me/applications/{items[0]['id']}/resume", headers=hr_headers
    )
    assert resume.status_code == 200 and resume.content.startswith(b"%PDF-")

    # the demo career office has the pending agreement in its queue
    queue = client.get("/api/v1/agreements/queue", headers=_headers(container, office))
    assert queue.status_code == 200, queue.text
    assert [a["id"] for a in queue.json()["items"]] == [pending.id]

    # the signed agreement's verification code is genuine for anyone
    checked = client.get("/api/v1/agreements/verify", params={"code": signed.verification_code})
    assert checked.status_code == 200, checked.text
    assert checked.json()["genuine"] is True and checked.json()["status"] == "signed"

    # the demo graduate sees their applications, an interview to confirm and an offer
    grad_headers = _headers(container, graduate)
    applications = client.get("/api/v1/me/applications", headers=grad_headers).json()["items"]
    assert len(applications) == 4
    offers_page = client.get("/api/v1/offers", headers=grad_headers).json()["items"]
    assert [o["status"] for o in offers_page] == ["issued"]

    # a second run adds nothing
    with job_session(container.session_factory) as session:
        users = session.scalar(select(func.count()).select_from(User))
        again = create_demo_hiring(session, container.settings, password=PASSWORD, hasher=CHEAP)
        assert again.applications == 0 and again.graduates == 0
        assert session.scalar(select(func.count()).select_from(Application)) == total
        assert session.scalar(select(func.count()).select_from(User)) == users


def test_nothing_without_demo_accounts(container: Container) -> None:
    with job_session(container.session_factory) as session:
        load_reference(session)
        report = create_demo_hiring(session, container.settings, hasher=CHEAP)
        assert report.applications == 0 and report.graduates == 0
        assert session.scalar(select(func.count()).select_from(Application)) == 0
