"""Interview pages: the employer's slots form (Beijing time, errors in the form, the
graduate's busy times), the calendar with busy flags, cancel; the graduate's page (confirm,
clash refused, link only once confirmed, reschedule, decline); scope; English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from jobs_api.core.container import Container
from jobs_api.core.db import job_session, utcnow
from jobs_api.identity.models import User
from jobs_api.identity.principal import EmployerRole, Role
from jobs_api.inbox.models import InboxMessage
from jobs_api.interviews.models import Interview, InterviewMode, InterviewSlot, InterviewStatus
from tests.factories.applications import Hiring, make_application
from tests.factories.identity import make_account, sign_in
from tests.factories.interviews import make_interview
from tests.factories.jobs import make_employer, make_job
from tests.web.conftest import Browser, People

BEIJING = timedelta(hours=8)


@dataclass
class Scene:
    hiring: Hiring  # 云帆 (hr-yf) ← 张伟 (zhangwei)
    rival: Hiring  # 海曙 (hr-hs) ← 张伟
    stranger: Hiring  # 海曙 ← 王芳 (wangfang)


def _day(days: int) -> datetime:
    """A whole Beijing day ``days`` from today, at 00:00 Beijing time, in UTC."""
    beijing_today = (utcnow() + BEIJING).replace(hour=0, minute=0, second=0, microsecond=0)
    return beijing_today + timedelta(days=days) - BEIJING


@pytest.fixture
def scene(container: Container, people: People) -> Scene:
    settings = container.settings
    with job_session(container.session_factory) as session:
        yunfan = make_employer(session, name="杭州云帆网络科技有限公司")
        haishu = make_employer(session, name="宁波海曙贸易有限公司")
        members = {}
        for username, employer in (("hr-yf", yunfan), ("hr-hs", haishu)):
            user = make_account(
                session,
                people.kit,
                Role.EMPLOYER_MEMBER,
                username=username,
                employer_id=employer.id,
                employer_role=EmployerRole.OWNER,
            )
            members[username] = sign_in(session, user, settings)
        graduate = sign_in(session, session.get_one(User, people.graduate.id), settings)
        other = sign_in(session, session.get_one(User, people.other_graduate.id), settings)
        java = make_job(session, yunfan, title="Java开发工程师")
        trade = make_job(session, haishu, title="外贸业务员")
        hirings = [
            Hiring(employer, members[member], job, who, make_application(session, who, job))
            for employer, member, job, who in (
                (yunfan, "hr-yf", java, graduate),
                (haishu, "hr-hs", trade, graduate),
                (haishu, "hr-hs", trade, other),
            )
        ]
        session.flush()
        session.expunge_all()
    return Scene(*hirings)


def _form(days: int, hour: int, end: str, row: int = 0) -> dict[str, str]:
    start = _day(days) + BEIJING + timedelta(hours=hour)
    return {f"slot{row}_start": start.strftime("%Y-%m-%dT%H:%M"), f"slot{row}_end": end}


def _preferred(days: int, hour: int, end: str) -> dict[str, str]:
    row = _form(days, hour, end)
    return {"preferred_start": row["slot0_start"], "preferred_end": row["slot0_end"]}


def test_the_employer_proposes_in_beijing_time(
    browser: Browser, container: Container, scene: Scene
) -> None:
    browser.sign_in("hr-yf")
    path = f"/employer/applications/{scene.hiring.application.id}/interviews/new"
    form = browser.get(path)
    assert form.status_code == 200 and "张伟" in form.text and "Java开发工程师" in form.text
    data = {
        **_form(3, 14, "15:00"),
        **_form(4, 9, "10:30", row=1),
        "mode": "onsite",
        "location": "杭州市西湖区文三路 90 号",
        "note": "请携带简历",
    }
    done = browser.post(path, data, token_from=path)
    assert done.status_code == 303, done.text[:800]
    assert done.headers["location"].startswith("/employer/interviews?notice=created")
    with job_session(container.session_factory) as session:
        interview = session.scalars(select(Interview)).one()
        slots = session.scalars(
            select(InterviewSlot).where(InterviewSlot.interview_id == interview.id)
        ).all()
        starts = sorted(s.starts_at for s in slots)
        assert starts == [_day(3) + timedelta(hours=14), _day(4) + timedelta(hours=9)]
        kinds = session.scalars(
            select(InboxMessage.kind).where(InboxMessage.user_id == scene.hiring.graduate.user.id)
        ).all()
        assert "interview.proposed" in kinds
    calendar = browser.get(done.headers["location"]).text
    assert "面试邀请已发送" in calendar and f'data-testid="interview-{interview.id}"' in calendar
    assert (_day(3) + BEIJING).strftime("%Y-%m-%d") + " 14:00–15:00" in calendar


def test_form_errors_stay_in_the_form(browser: Browser, scene: Scene) -> None:
    browser.sign_in("hr-yf")
    path = f"/employer/applications/{scene.hiring.application.id}/interviews/new"
    past = browser.post(path, {**_form(-2, 14, "15:00"), "location": "杭州"}, token_from=path)
    assert past.status_code == 422 and "时段须在未来" in past.text
    assert 'id="slot0-error"' in past.text
    online = browser.post(
        path,
        {**_form(3, 14, "15:00"), "mode": "online", "meeting_url": "http://x.cn"},
        token_from=path,
    )
    assert online.status_code == 422 and 'id="meeting_url-error"' in online.text
    empty = browser.post(path, {"location": "杭州"}, token_from=path)
    assert empty.status_code == 422 and "请至少填写一个面试时段" in empty.text
    garbled = browser.post(path, {"slot0_start": "明天", "slot0_end": "3点"}, token_from=path)
    assert garbled.status_code == 422 and "时间格式不正确" in garbled.text


def test_busy_times_and_flags_without_other_employers_names(
    browser: Browser, container: Container, scene: Scene
) -> None:
    with job_session(container.session_factory) as session:
        make_interview(
            session, scene.rival, [_day(3) + timedelta(hours=14)], status=InterviewStatus.CONFIRMED
        )
    browser.sign_in("hr-yf")
    path = f"/employer/applications/{scene.hiring.application.id}/interviews/new"
    form = browser.get(path).text
    assert 'data-testid="busy-times"' in form and "海曙" not in form
    done = browser.post(
        path,
        {**_form(3, 14, "14:30"), **_form(3, 16, "17:00", row=1), "location": "杭州"},
        token_from=path,
    )
    assert done.status_code == 303
    calendar = browser.get("/employer/interviews").text
    assert calendar.count('data-testid="busy"') == 1
    assert browser.get("/employer/interviews?start=9999-12-31").status_code == 200
    assert "海曙" not in calendar and "外贸" not in calendar


def test_the_graduate_confirms_and_sees_the_link_only_then(
    browser: Browser, container: Container, scene: Scene
) -> None:
    with job_session(container.session_factory) as session:
        interview = make_interview(
            session,
            scene.hiring,
            [_day(3) + timedelta(hours=2), _day(3) + timedelta(hours=6)],
            mode=InterviewMode.ONLINE,
            meeting_url="https://meeting.tencent.com/dm/abc",
        )
        slot_ids = sorted(
            session.scalars(
                select(InterviewSlot.id).where(InterviewSlot.interview_id == interview.id)
            )
        )
    browser.sign_in("zhangwei")
    before = browser.get("/me/interviews").text
    assert "杭州云帆网络科技有限公司" in before and "meeting.tencent.com" not in before
    done = browser.post(
        f"/me/interviews/{interview.id}/confirm",
        {"slot_id": str(slot_ids[1])},
        token_from="/me/interviews",
    )
    assert done.status_code == 303
    after = browser.get(done.headers["location"]).text
    assert "已确认面试时段" in after and 'data-testid="meeting-link"' in after
    with job_session(container.session_factory) as session:
        stored = session.get_one(Interview, interview.id)
        assert stored.status == "confirmed" and stored.starts_at == _day(3) + timedelta(hours=6)


def test_a_clash_is_refused_with_the_other_interview_named(
    browser: Browser, container: Container, scene: Scene
) -> None:
    with job_session(container.session_factory) as session:
        make_interview(
            session, scene.rival, [_day(3) + timedelta(hours=2)], status=InterviewStatus.CONFIRMED
        )
        mine = make_interview(session, scene.hiring, [_day(3) + timedelta(hours=2, minutes=30)])
        slot_id = session.scalars(
            select(InterviewSlot.id).where(InterviewSlot.interview_id == mine.id)
        ).one()
    browser.sign_in("zhangwei")
    refused = browser.post(
        f"/me/interviews/{mine.id}/confirm", {"slot_id": str(slot_id)}, token_from="/me/interviews"
    )
    assert refused.status_code == 409
    assert "宁波海曙贸易有限公司" in refused.text and "外贸业务员" in refused.text
    none_chosen = browser.post(f"/me/interviews/{mine.id}/confirm", {}, token_from="/me/interviews")
    assert none_chosen.status_code == 422 and "请选择一个面试时段" in none_chosen.text
    huge = browser.post(
        f"/me/interviews/{mine.id}/confirm", {"slot_id": "9" * 12}, token_from="/me/interviews"
    )
    assert huge.status_code == 422


def test_reschedule_and_decline_from_the_page(
    browser: Browser, container: Container, scene: Scene
) -> None:
    with job_session(container.session_factory) as session:
        first = make_interview(session, scene.hiring, [_day(3) + timedelta(hours=2)])
        second = make_interview(session, scene.rival, [_day(5) + timedelta(hours=2)])
    browser.sign_in("zhangwei")
    garbled = browser.post(
        f"/me/interviews/{first.id}/reschedule",
        {"reason": "考试", "preferred_start": "周五", "preferred_end": "下午"},
        token_from="/me/interviews",
    )
    assert garbled.status_code == 422 and "时间格式不正确" in garbled.text
    moved = browser.post(
        f"/me/interviews/{first.id}/reschedule",
        {"reason": "当天有考试", **_preferred(4, 15, "16:00")},
        token_from="/me/interviews",
    )
    assert moved.status_code == 303
    declined = browser.post(
        f"/me/interviews/{second.id}/decline", {"reason": "已有录用"}, token_from="/me/interviews"
    )
    assert declined.status_code == 303
    text = browser.get("/me/interviews").text
    assert "已申请改期" in text and 'data-testid="past"' in text
    with job_session(container.session_factory) as session:
        stored = session.get_one(Interview, first.id)
        assert stored.status == "reschedule_requested"
        expected = (_day(4) + BEIJING).strftime("%Y-%m-%d") + " 15:00–16:00"
        assert stored.reschedule_reason == f"当天有考试\n期望时间（北京时间）：{expected}"
        assert session.get_one(Interview, second.id).status == "cancelled"


def test_the_employer_cancels_and_reschedules_from_the_calendar(
    browser: Browser, container: Container, scene: Scene
) -> None:
    with job_session(container.session_factory) as session:
        interview = make_interview(
            session, scene.hiring, [_day(2) + timedelta(hours=2)], status=InterviewStatus.CONFIRMED
        )
    browser.sign_in("hr-yf")
    page = f"/employer/interviews/{interview.id}/reschedule"
    assert browser.get(page).status_code == 200
    moved = browser.post(page, _form(6, 10, "11:00"), token_from=page)
    assert moved.status_code == 303, moved.text[:500]
    cancelled = browser.post(
        f"/employer/interviews/{interview.id}/cancel",
        {"reason": "岗位已招满"},
        token_from="/employer/interviews",
    )
    assert cancelled.status_code == 303
    with job_session(container.session_factory) as session:
        stored = session.get_one(Interview, interview.id)
        assert stored.status == "cancelled" and stored.cancel_reason == "岗位已招满"
        kinds = session.scalars(
            select(InboxMessage.kind).where(InboxMessage.user_id == scene.hiring.graduate.user.id)
        ).all()
        assert {"interview.rescheduled", "interview.cancelled"} <= set(kinds)


def test_other_employers_and_graduates_get_404(
    browser: Browser, container: Container, scene: Scene
) -> None:
    with job_session(container.session_factory) as session:
        interview = make_interview(session, scene.hiring, [_day(3) + timedelta(hours=2)])
        slot_id = session.scalars(
            select(InterviewSlot.id).where(InterviewSlot.interview_id == interview.id)
        ).one()
    browser.sign_in("hr-hs")
    form = f"/employer/applications/{scene.hiring.application.id}/interviews/new"
    assert browser.get(form).status_code == 404
    assert browser.get(f"/employer/interviews/{interview.id}/reschedule").status_code == 404
    refused = browser.post(
        f"/employer/interviews/{interview.id}/cancel",
        {"reason": "x"},
        token_from="/employer/interviews",
    )
    assert refused.status_code == 404
    browser.client.cookies.clear()
    browser.sign_in("wangfang")
    assert f"interview-{interview.id}" not in browser.get("/me/interviews").text
    stolen = browser.post(
        f"/me/interviews/{interview.id}/confirm",
        {"slot_id": str(slot_id)},
        token_from="/me/interviews",
    )
    assert stolen.status_code == 404
    with job_session(container.session_factory) as session:
        assert session.get_one(Interview, interview.id).status == "proposed"


def test_pages_in_english(browser: Browser, container: Container, scene: Scene) -> None:
    with job_session(container.session_factory) as session:
        make_interview(session, scene.hiring, [_day(3) + timedelta(hours=2)])
    browser.sign_in("zhangwei")
    text = browser.get("/me/interviews?lang=en").text
    assert "My interviews" in text and "Confirm this slot" in text
    browser.client.cookies.clear()
    browser.sign_in("hr-yf")
    text = browser.get("/employer/interviews?lang=en").text
    assert "Interview calendar" in text and "Awaiting confirmation" in text
