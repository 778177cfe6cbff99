"""Career office and administrator pages: dashboard, the scoped graduate list and detail,
cohort pre-activation, and 学籍 imports with their per-row error report."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rq import SimpleWorker
from sqlalchemy import func, select

from jobs_api.core import worker_context
from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.queue import DEFAULT_QUEUE
from jobs_api.identity.models import AccountStatus, User
from jobs_api.registry.models import RegistryImport, StudentRecord
from tests.factories.registry import registry_rows, with_check_digit_broken, write_csv
from tests.web.conftest import HTML, Browser, People


@pytest.fixture
def drain(container: Container) -> Iterator[Callable[[], None]]:
    """Run the queued jobs (the registry import) with a real rq worker on the test's Redis."""
    worker_context.install(container)

    def run() -> None:
        queue = container.queue.queue(DEFAULT_QUEUE)
        SimpleWorker([queue], connection=container.queue.redis).work(burst=True)

    yield run
    worker_context.uninstall()


def upload(browser: Browser, content: bytes, filename: str = "学籍.csv") -> Any:
    token = browser.token("/office/registry")
    return browser.client.post(
        "/office/registry",
        data={"csrf_token": token},
        files={"file": (filename, content, "text/csv")},
        headers=HTML,
        follow_redirects=False,
    )


def test_dashboard_for_a_career_office(browser: Browser, people: People) -> None:
    browser.sign_in("office-zju")
    body = browser.get("/office").text
    assert "工作台" in body and "浙江大学" in body and "高校就业指导中心" in body
    assert 'data-stat="imports">0<' in body
    for path in ("/office/graduates", "/office/registry", "/office/preactivate"):
        assert f'href="{path}"' in body
    assert 'data-testid="account-name">浙江大学就业指导中心<' in body


def test_graduate_list_is_scoped_and_masked(browser: Browser, people: People) -> None:
    browser.sign_in("office-zju")
    body = browser.get("/office/graduates").text
    assert "共 1 人" in body
    assert "张伟" in body and "王芳" not in body  # 王芳 studies at 浙江工业大学
    assert "330106********1237" in body and "330106200301011237" not in body
    assert 'href="/office/graduates/' in body
    assert "已激活" in body


def test_provincial_admin_sees_the_province(browser: Browser, people: People) -> None:
    browser.sign_in("zj-admin")
    body = browser.get("/office/graduates").text
    assert "共 2 人" in body and "张伟" in body and "王芳" in body
    assert 'href="/office/preactivate"' not in body  # that page is for career offices
    assert browser.get("/office/preactivate").status_code == 403


def test_graduate_list_filters(browser: Browser, people: People, container: Container) -> None:
    with container.session_factory() as session:
        zju = people.zju
        for n, name in ((2, "李娜"), (3, "刘洋")):
            session.add(
                StudentRecord(
                    university_id=zju.id,
                    student_number=f"321010000{n}",
                    name=name,
                    id_number_hash=f"h{n}",
                    id_number_cipher="c",
                    id_number_masked=f"330106********000{n}",
                    gender="女",
                    college="人文学院",
                    major_code="050101",
                    degree_level="master" if n == 3 else "bachelor",
                    enrollment_date=people.graduate_record.enrollment_date,
                    expected_graduation_date=people.graduate_record.expected_graduation_date,
                    graduation_year=2026 if n == 2 else 2025,
                    low_income_family=n == 3,
                )
            )
        session.commit()
    browser.sign_in("office-zju")

    def names(query: str) -> set[str]:
        body = browser.get("/office/graduates?" + query).text
        return set(re.findall(r'href="/office/graduates/\d+">([^<]+)</a>', body))

    assert names("") == {"张伟", "李娜", "刘洋"}
    assert names("graduation_year=2025") == {"刘洋"}
    assert names("college=人文学院") == {"李娜", "刘洋"}
    assert names("major_code=080902") == {"张伟"}
    assert names("degree_level=master") == {"刘洋"}
    assert names("activated=1") == {"张伟"}
    assert names("activated=0") == {"李娜", "刘洋"}
    assert names("priority_group=low_income_family") == {"刘洋"}
    assert names("q=李") == {"李娜"}
    assert names("status=退学") == set()
    bad = browser.get("/office/graduates?graduation_year=19&major_code=abc")
    assert bad.status_code == 200
    assert "毕业年份应为 2000–2100 之间的年份" in bad.text
    assert "专业代码为 6 位数字" in bad.text


def test_graduate_detail_is_audited_and_scoped(
    browser: Browser, people: People, container: Container
) -> None:
    record_id = people.graduate_record.id
    browser.sign_in("office-zju")
    body = browser.get(f"/office/graduates/{record_id}").text
    assert "张伟" in body and "330106********1237" in body and "138****8000" in body
    assert "330106200301011237" not in body and "13800138000" not in body
    assert "本次访问已记入访问日志" in body
    with container.session_factory() as session:
        views = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "personal_data.view",
                AuditEvent.subject_id == str(record_id),
            )
        )
        assert views == 1

    # 南京大学's career office cannot open 浙江大学's graduate: the 404 page, not a 403
    browser.sign_in("office-nju")
    response = browser.get(f"/office/graduates/{record_id}")
    assert response.status_code == 404 and "页面未找到" in response.text
    assert "张伟" not in response.text
    assert "共 0 人" in browser.get("/office/graduates").text


def test_cohort_pre_activation(browser: Browser, people: People, container: Container) -> None:
    with container.session_factory() as session:
        session.add(
            StudentRecord(
                university_id=people.zju.id,
                student_number="3210100042",
                name="赵磊",
                id_number_hash="h42",
                id_number_cipher="c",
                id_number_masked="330106********0042",
                gender="男",
                college="计算机科学与技术学院",
                major_code="080902",
                degree_level="bachelor",
                enrollment_date=people.graduate_record.enrollment_date,
                expected_graduation_date=people.graduate_record.expected_graduation_date,
                graduation_year=2026,
            )
        )
        session.commit()
    browser.sign_in("office-zju")
    form = browser.get("/office/preactivate").text
    assert 'name="graduation_year"' in form and "无需毕业生注册" in form
    invalid = browser.post(
        "/office/preactivate", {"graduation_year": "1999"}, token_from="/office/preactivate"
    )
    assert invalid.status_code == 422 and "毕业年份应为 2000–2100 之间的年份" in invalid.text
    response = browser.post(
        "/office/preactivate", {"graduation_year": "2026"}, token_from="/office/preactivate"
    )
    assert response.status_code == 200
    assert "预开通完成" in response.text
    assert 'data-stat="created">1<' in response.text  # 赵磊; 张伟 already has an account
    with container.session_factory() as session:
        pending = session.scalar(select(User).where(User.username == "g10335-3210100042"))
        assert pending is not None and pending.status == AccountStatus.PENDING_ACTIVATION
    again = browser.post(
        "/office/preactivate", {"graduation_year": "2026"}, token_from="/office/preactivate"
    )
    assert 'data-stat="created">0<' in again.text
    assert browser.post("/office/preactivate", {"graduation_year": "2026"}).status_code == 403


def test_registry_upload_shows_the_per_row_error_report(
    browser: Browser,
    people: People,
    container: Container,
    drain: Callable[[], None],
    tmp_path: Path,
) -> None:
    rows = registry_rows(4)
    rows[2]["身份证号"] = with_check_digit_broken(rows[2]["身份证号"])
    content = write_csv(tmp_path / "cohort.csv", rows).read_bytes()
    browser.sign_in("office-zju")
    page = browser.get("/office/registry").text
    assert 'href="/office/registry/template.xlsx"' in page
    assert 'href="/office/registry/template.csv"' in page
    assert "还没有学籍导入记录" in page

    response = upload(browser, content, "cohort.csv")
    assert response.status_code == 303
    location = response.headers["location"]
    import_id = int(location.rsplit("/", 1)[1])
    queued = browser.get(location).text
    assert "排队中" in queued and "data-import-poll" in queued and "registry.js" in queued

    drain()
    body = browser.get(location).text
    assert "已完成" in body and "data-import-poll" not in body
    assert 'data-field="rows_inserted">3<' in body and 'data-field="rows_rejected">1<' in body
    table = re.search(r'data-testid="error-table">(.*?)</table>', body, re.S)
    assert table is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table.group(1))
    assert cells[:2] == ["4", "身份证号"]  # line 4: the header is line 1
    assert "校验位" in cells[2]
    assert rows[2]["身份证号"] not in body  # only the masked form is shown

    csv_path = f"/office/registry/imports/{import_id}/errors.csv"
    csv_link = browser.get(csv_path, follow_redirects=False)
    assert csv_link.status_code == 303
    assert csv_link.headers["location"] == f"/api/v1/registry/imports/{import_id}/errors.csv"
    report = browser.client.get(csv_link.headers["location"])
    assert report.status_code == 200 and "身份证号" in report.content.decode("utf-8-sig")

    listing = browser.get("/office/registry").text
    assert "cohort.csv" in listing and "已完成" in listing
    graduates = browser.get("/office/graduates").text
    assert "共 4 人" in graduates  # 张伟 and the three good rows
    for row in (rows[0], rows[1], rows[3]):
        assert row["学号"] in graduates

    # another university's career office cannot see the import
    browser.sign_in("office-nju")
    assert browser.get(location).status_code == 404
    assert browser.get(f"/office/registry/imports/{import_id}/errors.csv").status_code == 404
    assert "cohort.csv" not in browser.get("/office/registry").text


def test_registry_upload_refusals(browser: Browser, people: People, container: Container) -> None:
    browser.sign_in("office-zju")
    not_a_table = upload(browser, b"%PDF-1.4 not a table", "x.pdf")
    assert not_a_table.status_code == 415
    assert "field-error" in not_a_table.text
    no_token = browser.client.post(
        "/office/registry",
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
        headers=HTML,
    )
    assert no_token.status_code == 403 and "页面已过期" in no_token.text
    with container.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(RegistryImport)) == 0

    browser.sign_in("zj-admin")  # administrators read imports but do not upload
    page = browser.get("/office/registry").text
    assert "上传学籍文件" not in page
    assert browser.post("/office/registry", {}).status_code == 403


def test_template_links_go_to_the_registry_downloads(browser: Browser, people: People) -> None:
    browser.sign_in("office-zju")
    for kind in ("csv", "xlsx"):
        link = browser.get(f"/office/registry/template.{kind}", follow_redirects=False)
        assert link.headers["location"] == f"/api/v1/registry/template.{kind}"
        download = browser.client.get(link.headers["location"])
        assert download.status_code == 200
        assert "attachment" in download.headers["content-disposition"]


def test_employer_home(browser: Browser, people: People) -> None:
    browser.sign_in("hr-owner")
    body = browser.get("/employer").text
    assert "单位主页" in body and "管理员" in body
    assert browser.get("/me").status_code == 403


def test_pages_answer_in_english(browser: Browser, people: People, client: TestClient) -> None:
    browser.sign_in("office-zju")
    body = browser.get("/office/graduates?lang=en").text
    assert '<html lang="en">' in body
    assert "Graduate list" in body and "Filter" in body and "Sign out" in body
