"""Fair pages: an organizer creates, publishes and cancels a fair through the forms (scope:
another university's office gets the 404 page), an employer registers and attaches a job, the
public list and page show it (graduates see their university's fairs flagged), and the
organizer's statistics with the chart."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.fairs.models import Fair, FairEmployer, FairJob, FairStatus, OrganizerLevel
from jobs_api.identity.models import User
from jobs_api.identity.principal import EmployerRole, Role
from jobs_api.jobs.posting import china_today
from tests.factories.applications import make_application, make_graduate_actor
from tests.factories.fairs import attach_job, make_fair, make_offer, register_employer
from tests.factories.identity import make_account
from tests.factories.jobs import make_employer, make_job
from tests.web.conftest import Browser, People


def _form(**overrides: str) -> dict[str, str]:
    start = china_today() + timedelta(days=7)
    data = {
        "title": "浙江大学2026届信息技术专场",
        "theme": "数字经济专场",
        "industry_code": "I",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=1)).isoformat(),
        "description": "线上专场，欢迎计算机类专业毕业生参加。",
    }
    data.update(overrides)
    return data


def _fair_id(location: str) -> int:
    found = re.match(r"^/office/fairs/(\d+)", location)
    assert found, location
    return int(found.group(1))


def test_office_creates_publishes_and_graduates_see_it_flagged(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("office-zju")
    listing = browser.get("/office/fairs")
    assert listing.status_code == 200
    assert 'href="/office/fairs/new"' in listing.text
    created = browser.post("/office/fairs/new", _form(), token_from="/office/fairs/new")
    assert created.status_code == 303, created.text[:500]
    fair_id = _fair_id(created.headers["location"])
    manage = browser.get(f"/office/fairs/{fair_id}")
    assert manage.status_code == 200
    assert "草稿" in manage.text and 'data-testid="publish"' in manage.text
    published = browser.post(
        f"/office/fairs/{fair_id}/publish", token_from=f"/office/fairs/{fair_id}"
    )
    assert published.status_code == 303
    with job_session(container.session_factory) as session:
        fair = session.get_one(Fair, fair_id)
        assert fair.status == FairStatus.PUBLISHED
        assert fair.organizer_university_id == people.zju.id
    browser.post("/logout", token_from="/office")
    public = browser.get("/fairs")
    assert public.status_code == 200
    assert "浙江大学2026届信息技术专场" in public.text
    assert 'data-testid="for-my-university"' not in public.text
    browser.sign_in("zhangwei")
    mine = browser.get("/fairs")
    assert 'data-testid="for-my-university"' in mine.text
    page = browser.get(f"/fairs/{fair_id}")
    assert page.status_code == 200 and "为你的学校举办" in page.text


def test_form_errors_are_shown_and_nothing_is_stored(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("office-zju")
    today = china_today()
    response = browser.post(
        "/office/fairs/new",
        _form(starts_on=(today + timedelta(days=5)).isoformat(), ends_on=today.isoformat()),
        token_from="/office/fairs/new",
    )
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.text
    assert "浙江大学2026届信息技术专场" in response.text  # the form keeps what was typed
    with job_session(container.session_factory) as session:
        assert session.scalars(select(Fair)).all() == []


def test_another_office_gets_the_404_page(
    browser: Browser, people: People, container: Container
) -> None:
    with job_session(container.session_factory) as session:
        fair = make_fair(
            session, [people.zju], created_by=people.office.id, status=FairStatus.DRAFT
        )
        fair_id = fair.id
    browser.sign_in("office-nju")
    assert browser.get(f"/office/fairs/{fair_id}").status_code == 404
    token = browser.token("/office/fairs")
    for action in ("publish", "cancel"):
        response = browser.post(f"/office/fairs/{fair_id}/{action}", {"csrf_token": token})
        assert response.status_code == 404
    assert browser.get(f"/fairs/{fair_id}").status_code == 404  # a draft is not public
    with job_session(container.session_factory) as session:
        assert session.get_one(Fair, fair_id).status == FairStatus.DRAFT


def test_province_form_offers_its_universities_and_refuses_others(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zj-admin")
    form = browser.get("/office/fairs/new")
    assert "浙江大学" in form.text and "浙江工业大学" in form.text
    assert "南京大学" not in form.text
    data = {**_form(title="浙江省高校联合专场"), "university_ids": str(people.nju.id)}
    refused = browser.post("/office/fairs/new", data, token_from="/office/fairs/new")
    assert refused.status_code == 403
    assert "只能邀请本省高校参加" in refused.text
    data["university_ids"] = [str(people.zju.id), str(people.zjut.id)]  # type: ignore[assignment]
    created = browser.post("/office/fairs/new", data, token_from="/office/fairs/new")
    assert created.status_code == 303, created.text[:300]
    with job_session(container.session_factory) as session:
        fair = session.get_one(Fair, _fair_id(created.headers["location"]))
        assert fair.organizer_level == OrganizerLevel.PROVINCE


def test_employer_registers_attaches_and_the_fair_page_links_to_apply(
    browser: Browser, people: People, container: Container
) -> None:
    with job_session(container.session_factory) as session:
        fair = make_fair(session, [people.zju], created_by=people.office.id)
        employer_id = session.get_one(User, people.employer.id).employer_id
        assert employer_id is not None
        job = make_job(session, session.get_one(Employer, employer_id), title="数据分析师")
        fair_id, job_id = fair.id, job.id
    browser.sign_in("hr-owner")
    assert 'data-testid="employer-register"' in browser.get(f"/fairs/{fair_id}").text
    page = browser.get("/employer/fairs")
    assert page.status_code == 200 and f'action="/employer/fairs/{fair_id}/register"' in page.text
    registered = browser.post(
        f"/employer/fairs/{fair_id}/register",
        {"booth_intro": "数据团队现场答疑"},
        token_from="/employer/fairs",
    )
    assert registered.status_code == 303
    attached = browser.post(
        f"/employer/fairs/{fair_id}/jobs", {"job_id": str(job_id)}, token_from="/employer/fairs"
    )
    assert attached.status_code == 303
    with job_session(container.session_factory) as session:
        assert session.scalars(select(FairJob.job_id)).all() == [job_id]
    public = browser.get(f"/fairs/{fair_id}")
    assert "数据团队现场答疑" in public.text
    assert f'href="/jobs/{job_id}"' in public.text
    assert f'href="/jobs/{job_id}/apply?fair_id={fair_id}"' in public.text
    others = browser.post(
        f"/employer/fairs/{fair_id}/jobs", {"job_id": "999999"}, token_from="/employer/fairs"
    )
    assert others.status_code == 404 and "岗位不存在" in others.text


def test_statistics_with_chart_for_the_organizer(
    browser: Browser, people: People, container: Container
) -> None:
    settings = container.settings
    with job_session(container.session_factory) as session:
        fair = make_fair(session, [people.zju], created_by=people.office.id)
        hr = session.get_one(User, people.employer.id)
        employer = session.get_one(Employer, hr.employer_id)
        register_employer(session, fair, employer, user_id=hr.id)
        job = make_job(session, employer)
        attach_job(session, fair, job)
        graduate = make_graduate_actor(session, settings, university=session.merge(people.zju))
        application = make_application(session, graduate, job)
        application.fair_id = fair.id
        session.flush()
        make_offer(session, application, issued_by=hr.id)
        fair_id = fair.id
    browser.sign_in("office-zju")
    page = browser.get(f"/office/fairs/{fair_id}")
    assert page.status_code == 200
    for stat, value in (("employers", 1), ("jobs", 1), ("applications", 1), ("offers", 1)):
        assert f'data-stat="{stat}">{value}<' in page.text
    assert 'data-testid="fair-chart"' in page.text
    assert "<svg" in page.text and "<script>" not in page.text  # no inline script


def test_the_list_in_english(browser: Browser, people: People, container: Container) -> None:
    with job_session(container.session_factory) as session:
        make_fair(session, [people.zju], created_by=people.office.id, title="Cloud Computing Fair")
    browser.sign_in("zhangwei")
    page = browser.get("/fairs?lang=en")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    for text in ("Upcoming and ongoing", "For your university", "1 fairs", "Filter fairs"):
        assert text in page.text
    for chinese in ("为你的学校举办", "即将开始", "参会单位"):
        assert chinese not in page.text


def test_an_unverified_employer_sees_the_refusal(
    browser: Browser, people: People, container: Container
) -> None:
    with job_session(container.session_factory) as session:
        fair = make_fair(session, [people.zju], created_by=people.office.id)
        pending = make_employer(
            session, name="杭州待审科技有限公司", status=VerificationStatus.NEEDS_REVIEW
        )
        make_account(
            session,
            people.kit,
            Role.EMPLOYER_MEMBER,
            username="hr-pending",
            employer_id=pending.id,
            employer_role=EmployerRole.OWNER,
        )
        fair_id = fair.id
    browser.sign_in("hr-pending")
    response = browser.post(
        f"/employer/fairs/{fair_id}/register", {"booth_intro": ""}, token_from="/employer/fairs"
    )
    assert response.status_code == 403
    assert "单位尚未通过认证" in response.text
    with job_session(container.session_factory) as session:
        assert session.scalars(select(FairEmployer)).all() == []
