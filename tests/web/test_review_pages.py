"""Reviewer pages: the employer verification queue, a case with its checks and registry
record, decisions with reason codes and CSRF, and scope (another province's case is a 404
page; employer members get the 403 page)."""

from __future__ import annotations

from typing import Any

from employer_verification.automatic import verify_registered
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.identity.principal import EmployerRole, Role
from tests.factories.identity import make_account
from tests.factories.verification import local_verifier, make_applicant
from tests.web.conftest import Browser, People


def _doubtful_case(container: Container) -> tuple[int, int]:
    """A Hangzhou employer whose registered name differs slightly: needs_review."""
    with job_session(container.session_factory) as session:
        employer = make_applicant(
            session, "杭州星河智能科技有限公司", registered_name="杭州星和智能科技有限公司"
        )
        case = verify_registered(session, local_verifier(session), employer.id)
        assert case is not None and case.state == "needs_review"
        return case.id, employer.id


def _case_path(case_id: int) -> str:
    return f"/review/employers/{case_id}"


def test_the_queue_and_a_case_show_checks_and_the_registry_record(
    browser: Browser, people: People, container: Container
) -> None:
    case_id, _ = _doubtful_case(container)
    browser.sign_in("zj-admin")
    queue = browser.get("/review/employers")
    assert queue.status_code == 200
    assert "杭州星河智能科技有限公司" in queue.text
    assert 'data-testid="sla"' in queue.text and "按时" in queue.text
    case = browser.get(_case_path(case_id))
    assert case.status_code == 200
    assert "杭州星和智能科技有限公司" in case.text  # the registry record found
    assert "✓" in case.text and ("✗" in case.text or "?" in case.text)
    assert 'name="reason_codes"' in case.text


def test_a_reviewer_rejects_with_a_reason(
    browser: Browser, people: People, container: Container
) -> None:
    case_id, employer_id = _doubtful_case(container)
    browser.sign_in("zj-admin")
    path = _case_path(case_id)
    missing = browser.post(path, {"decision": "rejected"}, token_from=path)
    assert missing.status_code == 422
    assert "至少勾选一个原因" in missing.text
    done: Any = browser.post(
        path,
        {"decision": "rejected", "reason_codes": "licence_mismatch", "note": "名称不一致"},
        token_from=path,
    )
    assert done.status_code == 303
    page = browser.get(path)
    assert 'data-testid="decision"' in page.text and "营业执照与填报信息不符" in page.text
    with job_session(container.session_factory) as session:
        employer = session.get(Employer, employer_id)
        assert employer is not None
        assert employer.verification_status == VerificationStatus.REJECTED


def test_a_decision_without_the_csrf_token_is_refused(
    browser: Browser, people: People, container: Container
) -> None:
    case_id, employer_id = _doubtful_case(container)
    browser.sign_in("zj-admin")
    refused = browser.post(
        _case_path(case_id), {"decision": "verified", "reason_codes": "licence_confirmed"}
    )
    assert refused.status_code == 403
    with job_session(container.session_factory) as session:
        employer = session.get(Employer, employer_id)
        assert employer is not None
        assert employer.verification_status == VerificationStatus.NEEDS_REVIEW


def test_a_jiangsu_admin_cannot_open_a_zhejiang_case(
    browser: Browser, people: People, container: Container
) -> None:
    case_id, _ = _doubtful_case(container)
    with job_session(container.session_factory) as session:
        make_account(
            session, people.kit, Role.PROVINCIAL_ADMIN, username="js-admin", province_code="320000"
        )
    browser.sign_in("js-admin")
    assert "杭州星河智能科技有限公司" not in browser.get("/review/employers").text
    case = browser.get(_case_path(case_id))
    assert case.status_code == 404
    assert "<html" in case.text.lower()
    assert browser.get(_case_path(case_id) + "/licence").status_code == 404


def test_employer_members_get_the_403_page(browser: Browser, people: People) -> None:
    browser.sign_in("hr-owner")
    response = browser.get("/review/employers")
    assert response.status_code == 403
    assert "<html" in response.text.lower()


def test_the_employer_sees_the_rejection_reason(
    browser: Browser, people: People, container: Container
) -> None:
    case_id, employer_id = _doubtful_case(container)
    with job_session(container.session_factory) as session:
        make_account(
            session,
            people.kit,
            Role.EMPLOYER_MEMBER,
            username="xh-owner",
            employer_id=employer_id,
            employer_role=EmployerRole.OWNER,
        )
    browser.sign_in("zj-admin")
    path = _case_path(case_id)
    browser.post(
        path, {"decision": "rejected", "reason_codes": "licence_mismatch"}, token_from=path
    )
    browser.client.cookies.clear()
    browser.sign_in("xh-owner")
    page = browser.get("/employer/verification")
    assert page.status_code == 200
    assert "未通过" in page.text
    assert "营业执照与填报的单位信息不符" in page.text
    assert 'data-testid="verified-badge"' not in page.text
