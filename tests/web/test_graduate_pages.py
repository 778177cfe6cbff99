"""Graduates' pages: activation (self-claim and with a code), ``/me``, the profile with its
read-only registry facts, résumés, consents, export and deletion. Personal identifiers only
ever appear masked."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.graduates import activation
from jobs_api.graduates.consent import has_consent
from jobs_api.graduates.models import ConsentPurpose, GraduateProfile
from jobs_api.graduates.schemas import PreactivationIn
from jobs_api.identity.codes import latest_mailbox_code
from jobs_api.identity.models import AccountStatus, CodePurpose, User
from jobs_api.identity.principal import Principal, Role
from jobs_api.registry.models import StudentRecord
from tests.factories.identity import make_student_record, synthetic_id_number
from tests.web.conftest import PASSWORD, Browser, People

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def unclaimed(container: Container, people: People) -> dict[str, str]:
    """A registry record of 浙江大学 without an account, and the details to claim it."""
    id_number = synthetic_id_number()
    with job_session(container.session_factory) as session:
        make_student_record(
            session,
            people.zju,
            container.settings,
            id_number=id_number,
            student_number="3210109999",
            name="李娜",
        )
    return {
        "name": "李娜",
        "id_number": id_number,
        "student_number": "3210109999",
        "university_code": "10335",
        "phone": "13912345678",
        "password": "Lina-pass-2026",
        "confirm_password": "Lina-pass-2026",
    }


def test_activation_form_explains_the_consents(browser: Browser, people: People) -> None:
    body = browser.get("/activate").text
    for label in ("姓名", "身份证号", "学号", "院校代码", "手机号", "设置密码"):
        assert f">{label}</label>" in body
    assert body.count('name="consents"') == 4
    for purpose in ("个性化职位推荐", "向用人单位展示个人资料", "职位与招聘会提醒", "就业统计"):
        assert purpose in body
    assert "不同意时，用人单位看不到你的资料" in body


def test_self_claim_activates_and_the_graduate_can_sign_in(
    browser: Browser, people: People, unclaimed: dict[str, str], container: Container
) -> None:
    form = {**unclaimed, "consents": ["profile_matching", "statistics"]}
    response = browser.post("/activate", form, token_from="/activate")
    assert response.status_code == 200, response.text[:800]
    assert "激活成功" in response.text
    assert "139****5678" in response.text
    assert unclaimed["phone"] not in response.text and unclaimed["id_number"] not in response.text
    with container.session_factory() as session:
        user = session.scalar(select(User).where(User.display_name == "李娜"))
        assert user is not None and user.status == AccountStatus.ACTIVE
        assert has_consent(session, user.id, ConsentPurpose.PROFILE_MATCHING)
        assert not has_consent(session, user.id, ConsentPurpose.SHARE_WITH_EMPLOYERS)
    assert browser.sign_in(unclaimed["phone"], unclaimed["password"]).headers["location"] == "/me"
    home = browser.get("/me").text
    assert "你好，李娜" in home and "139****5678" in home and "浙江大学" in home


def test_a_mismatch_gives_one_answer_and_never_echoes_identifiers(
    browser: Browser, people: People, unclaimed: dict[str, str]
) -> None:
    response = browser.post("/activate", {**unclaimed, "name": "李四"}, token_from="/activate")
    assert response.status_code == 400
    assert "信息核验未通过" in response.text
    assert unclaimed["id_number"] not in response.text
    assert unclaimed["phone"] not in response.text
    assert 'value="3210109999"' in response.text  # the student number is kept


def test_field_problems_are_shown_next_to_the_fields(
    browser: Browser, people: People, unclaimed: dict[str, str]
) -> None:
    broken = unclaimed["id_number"][:-1] + ("0" if unclaimed["id_number"][-1] != "0" else "1")
    response = browser.post(
        "/activate",
        {
            **unclaimed,
            "id_number": broken,
            "phone": "12345",
            "university_code": "abc",
            "confirm_password": "different",
        },
        token_from="/activate",
    )
    assert response.status_code == 422
    body = response.text
    assert 'id="id_number-error">身份证号校验位错误<' in body
    assert 'id="phone-error">请输入 11 位中国大陆手机号。<' in body
    assert 'id="university_code-error">院校代码为 5 位数字' in body
    assert 'id="confirm_password-error">两次输入的密码不一致。<' in body
    assert broken not in body


def test_activation_with_a_code_from_the_career_office(
    browser: Browser, people: People, unclaimed: dict[str, str], container: Container
) -> None:
    kit = people.kit
    office = Principal(
        user_id=people.office.id,
        role=Role.CAREER_OFFICE,
        session_id="test",
        university_id=people.zju.id,
    )
    with job_session(container.session_factory) as session:
        result = activation.preactivate_cohort(
            session, kit, office, PreactivationIn(graduation_year=2026)
        )
        assert result.created == 1
    with container.session_factory() as session:
        user = session.scalar(select(User).where(User.username == "g10335-3210109999"))
        assert user is not None
        code = latest_mailbox_code(session, user.id, CodePurpose.ACTIVATION)
    assert code is not None
    wrong = browser.post(
        "/activate/code",
        {
            "student_number": "3210109999",
            "university_code": "10335",
            "code": "000000" if code != "000000" else "111111",
            "phone": "13912345678",
            "new_password": "Lina-pass-2026",
            "confirm_password": "Lina-pass-2026",
        },
        token_from="/activate/code",
    )
    assert wrong.status_code == 400
    response = browser.post(
        "/activate/code",
        {
            "student_number": "3210109999",
            "university_code": "10335",
            "code": code,
            "phone": "13912345678",
            "new_password": "Lina-pass-2026",
            "confirm_password": "Lina-pass-2026",
            "consents": ["share_with_employers"],
        },
        token_from="/activate/code",
    )
    assert response.status_code == 200 and "激活成功" in response.text
    assert browser.sign_in("g10335-3210109999", "Lina-pass-2026").headers["location"] == "/me"


def test_a_fresh_activation_code_can_be_requested(browser: Browser, people: People) -> None:
    response = browser.post(
        "/activate/code/request",
        {"student_number": "3210100001", "university_code": "10335"},
        token_from="/activate/code",
    )
    assert response.status_code == 200
    assert "激活验证码已重新发送" in response.text  # same answer whether or not it exists


def test_profile_shows_registry_facts_read_only(browser: Browser, people: People) -> None:
    browser.sign_in("zhangwei")
    body = browser.get("/me/profile").text
    assert "学籍信息" in body and "来自学籍库，不可修改" in body
    for fact in ("张伟", "3210100001", "浙江大学", "软件工程", "080902", "本科", "2026", "在籍"):
        assert fact in body
    edit = browser.get("/me/profile/edit").text
    assert "来自学籍库，不可修改" in edit
    # the form has no inputs for registry facts
    for field in ("name", "student_number", "major_code", "university_id", "college"):
        assert f'name="{field}"' not in edit


def test_edit_profile_saves_tags_intentions_and_salary(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    form = {
        "skills": "Python，数据分析、 SQL",
        "certificates": "英语六级",
        "intended_city_codes": ["330100", "310100"],
        "intended_industry_codes": ["I"],
        "intended_occupation_codes": ["2-02-10-00"],
        "salary_min": "8000",
        "salary_max": "12000",
        "summary": "热爱编程。",
        "visibility": "hidden",
        # registry facts sent by a crafted form are not fields of the page: ignored
        "name": "改名",
        "major_code": "010101",
    }
    response = browser.post("/me/profile/edit", form, token_from="/me/profile/edit")
    assert response.status_code == 303, response.text[:1000]
    assert response.headers["location"] == "/me/profile?saved=1"
    body = browser.get("/me/profile?saved=1").text
    assert "资料已保存" in body
    for tag in ("Python", "数据分析", "SQL"):
        assert f'<span class="tag">{tag}</span>' in body
    assert "杭州市" in body and "上海市" in body
    assert "8000–12000 元" in body and "热爱编程。" in body
    with container.session_factory() as session:
        record = session.get(StudentRecord, people.graduate_record.id)
        assert record is not None and record.name == "张伟" and record.major_code == "080902"
        profile = session.scalar(
            select(GraduateProfile).where(GraduateProfile.student_record_id == record.id)
        )
        assert profile is not None
        assert profile.skills == ["Python", "数据分析", "SQL"]
        assert profile.intended_city_codes == ["330100", "310100"]
        assert (profile.expected_salary, profile.expected_salary_max) == (8000, 12000)
    edit = browser.get("/me/profile/edit").text
    assert re.search(r'<option value="330100" selected>杭州市</option>', edit)


def test_profile_errors_are_shown_in_the_form(browser: Browser, people: People) -> None:
    browser.sign_in("zhangwei")
    bad_city = browser.post(
        "/me/profile/edit",
        {"intended_city_codes": ["999999"], "visibility": "hidden"},
        token_from="/me/profile/edit",
    )
    assert bad_city.status_code == 422
    assert "未知的地级行政区代码" in bad_city.text
    bad_salary = browser.post(
        "/me/profile/edit",
        {"salary_min": "9000", "salary_max": "5000", "visibility": "hidden"},
        token_from="/me/profile/edit",
    )
    assert bad_salary.status_code == 422
    assert 'id="salary-error">期望月薪为 1000–200000 元的整数' in bad_salary.text
    assert 'value="9000"' in bad_salary.text  # what was typed stays in the form


def test_visibility_needs_the_sharing_consent(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    edit = browser.get("/me/profile/edit").text
    assert "对用人单位公开前，需先在“隐私与授权”中同意" in edit
    response = browser.post(
        "/me/profile/edit", {"visibility": "verified_employers"}, token_from="/me/profile/edit"
    )
    assert response.status_code == 409
    assert "请先同意" in response.text
    granted = browser.post(
        "/me/privacy/consents",
        {"purpose": "share_with_employers", "granted": "1"},
        token_from="/me/privacy",
    )
    assert granted.status_code == 303
    again = browser.post(
        "/me/profile/edit", {"visibility": "verified_employers"}, token_from="/me/profile/edit"
    )
    assert again.status_code == 303
    assert "对认证用人单位公开" in browser.get("/me/profile").text


def test_resumes_upload_list_default_download_delete(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    token = browser.token("/me/resumes")
    first = browser.client.post(
        "/me/resumes",
        data={"csrf_token": token},
        files={"file": ("我的简历.pdf", PDF, "application/pdf")},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    assert first.status_code == 303 and first.headers["location"] == "/me/resumes?notice=uploaded"
    second = browser.client.post(
        "/me/resumes",
        data={"csrf_token": token, "make_default": "1"},
        files={"file": ("second.pdf", PDF.replace(b"1.4", b"1.7"), "application/pdf")},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    assert second.status_code == 303
    listing = browser.get("/me/resumes").text
    assert "我的简历.pdf" in listing and "second.pdf" in listing
    ids = [int(i) for i in re.findall(r'href="/me/resumes/(\d+)/file"', listing)]
    assert len(ids) == 2
    download = browser.client.get(f"/me/resumes/{ids[0]}/file")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]

    made = browser.post(f"/me/resumes/{ids[0]}/default", token_from="/me/resumes")
    assert made.status_code == 303
    body = browser.get("/me/resumes?notice=default").text
    assert "已设为默认简历" in body
    deleted = browser.post(f"/me/resumes/{ids[1]}/delete", token_from="/me/resumes")
    assert deleted.status_code == 303
    assert "second.pdf" not in browser.get("/me/resumes").text

    # someone else's résumé does not exist for this graduate
    browser.sign_in("wangfang")
    assert browser.get(f"/me/resumes/{ids[0]}/file").status_code == 404
    refused = browser.post(f"/me/resumes/{ids[0]}/delete", token_from="/me/resumes")
    assert refused.status_code == 404 and "页面未找到" in refused.text


def test_resume_upload_refuses_what_is_not_a_pdf(browser: Browser, people: People) -> None:
    browser.sign_in("zhangwei")
    token = browser.token("/me/resumes")
    response = browser.client.post(
        "/me/resumes",
        data={"csrf_token": token},
        files={"file": ("cv.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 415
    assert 'id="file-error">简历须为 PDF 文件<' in response.text
    too_big = browser.client.post(
        "/me/resumes",
        data={"csrf_token": token},
        files={"file": ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024 + 10), "application/pdf")},
        headers={"Accept": "text/html"},
    )
    assert too_big.status_code == 413 and "简历文件不能超过 5 MB" in too_big.text
    no_token = browser.client.post(
        "/me/resumes",
        files={"file": ("cv.pdf", PDF, "application/pdf")},
        headers={"Accept": "text/html"},
    )
    assert no_token.status_code == 403 and "页面已过期" in no_token.text


def test_privacy_consents_can_be_withdrawn(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    granted = browser.post(
        "/me/privacy/consents",
        {"purpose": "push_notifications", "granted": "1"},
        token_from="/me/privacy",
    )
    assert granted.headers["location"] == "/me/privacy?notice=granted"
    page = browser.get("/me/privacy").text
    row = re.search(r'data-purpose="push_notifications">(.*?)</li>', page, re.S)
    assert row and "已同意" in row.group(1) and "撤回授权" in row.group(1)
    browser.post(
        "/me/privacy/consents",
        {"purpose": "push_notifications", "granted": "0"},
        token_from="/me/privacy",
    )
    with container.session_factory() as session:
        assert not has_consent(session, people.graduate.id, ConsentPurpose.PUSH_NOTIFICATIONS)
    assert "已撤回该授权" in browser.get("/me/privacy?notice=withdrawn").text


def test_export_downloads_masked_json(browser: Browser, people: People) -> None:
    browser.sign_in("zhangwei")
    response = browser.client.get("/me/privacy/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    document = json.loads(response.text)
    assert document["registry_record"]["id_number_masked"] == "330106********1237"
    assert "330106200301011237" not in response.text and "13800138000" not in response.text


def test_account_deletion_needs_the_password_and_ends_the_account(
    browser: Browser, people: People, container: Container
) -> None:
    browser.sign_in("zhangwei")
    page = browser.get("/me/privacy").text
    assert "注销后无法恢复" in page and "将保留" in page
    unconfirmed = browser.post("/me/privacy/delete", {"password": PASSWORD}, token_from="/me")
    assert unconfirmed.status_code == 422 and "请勾选确认" in unconfirmed.text
    wrong = browser.post(
        "/me/privacy/delete", {"password": "wrong-one-1", "confirm": "1"}, token_from="/me"
    )
    assert wrong.status_code == 400 and "密码错误" in wrong.text
    done = browser.post(
        "/me/privacy/delete", {"password": PASSWORD, "confirm": "1"}, token_from="/me"
    )
    assert done.status_code == 303 and done.headers["location"] == "/login?notice=deleted"
    assert browser.get("/me", follow_redirects=False).status_code == 303
    with container.session_factory() as session:
        user = session.get(User, people.graduate.id)
        assert user is not None and user.status == AccountStatus.DELETED
    refused = browser.post(
        "/login", {"username": "zhangwei", "password": PASSWORD}, token_from="/login"
    )
    assert refused.status_code == 401


def test_graduate_pages_never_show_clear_identifiers(browser: Browser, people: People) -> None:
    browser.sign_in("zhangwei")
    for path in ("/me", "/me/profile", "/me/profile/edit", "/me/resumes", "/me/privacy"):
        body = browser.get(path).text
        assert "330106200301011237" not in body and "13800138000" not in body, path
    assert "138****8000" in browser.get("/me").text
