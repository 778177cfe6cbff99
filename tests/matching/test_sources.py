"""Jobs and profiles read from the database as matching documents; recommendable jobs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.employers.models import VerificationStatus
from jobs_api.graduates.models import GraduateProfile
from jobs_api.jobs.models import JobStatus
from jobs_api.jobs.posting import china_today
from jobs_api.reference.service import load_reference
from matching.sources import load_job_docs, load_profile_docs, recommendable_job_ids
from tests.factories.graduates import make_record
from tests.factories.identity import make_university
from tests.factories.jobs import make_employer, make_job


@pytest.fixture
def session(container: Container) -> Iterator[Session]:
    with job_session(container.session_factory) as setup:
        load_reference(setup)
    with container.session_factory() as opened:
        yield opened


class QueryCounter:
    def __init__(self, session: Session) -> None:
        self.count = 0
        self._engine = session.get_bind()

    def __enter__(self) -> QueryCounter:
        event.listen(self._engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Connection, *_args: object) -> None:
        self.count += 1


def test_job_doc_has_reference_names(session: Session) -> None:
    employer = make_employer(session, name="杭州云帆网络科技有限公司")
    job = make_job(session, employer, title="后端开发工程师")
    job.occupation_code = None
    job.industry_code = "65"
    job.major_codes = ["080902", "080901"]
    job.deadline = date(2026, 12, 31)
    session.flush()

    doc = load_job_docs(session, [job.id])[job.id]

    assert doc.title == "后端开发工程师"
    assert doc.employer == "杭州云帆网络科技有限公司"
    assert doc.employer_type  # a Chinese name, not the code
    assert doc.employer_type != "private_enterprise"
    assert doc.city == "杭州"
    assert doc.city_code == "330100"
    assert doc.industry_code == "65"
    assert doc.industry == "信息传输、软件和信息技术服务业"  # the section of division 65
    assert doc.majors == ("软件工程", "计算机科学与技术")
    assert doc.major_codes == ("080902", "080901")
    assert doc.skills == ("Java", "MySQL")
    assert (doc.salary_min, doc.salary_max, doc.headcount) == (12000, 18000, 3)
    assert doc.deadline == date(2026, 12, 31)
    assert doc.degree_level == "bachelor"


def test_missing_ids_are_left_out(session: Session) -> None:
    job = make_job(session, make_employer(session))
    assert set(load_job_docs(session, [job.id, job.id + 1000])) == {job.id}
    assert load_job_docs(session, []) == {}
    assert load_profile_docs(session, [987654]) == {}


def test_profile_doc_combines_registry_and_profile(session: Session, container: Container) -> None:
    university = make_university(session)
    record = make_record(session, university, container.settings).record
    without_profile = make_record(session, university, container.settings).record
    session.add(
        GraduateProfile(
            student_record_id=record.id,
            skills=["Python", "SQL"],
            certificates=["CET-6"],
            internships=[
                {"company": "阿里巴巴", "role": "后端实习生", "description": "订单服务开发"}
            ],
            projects=[{"name": "校园二手平台", "role": "负责人", "description": ""}],
            intended_city_codes=["330100", "310000"],
            intended_industry_codes=["65"],
            intended_occupation_codes=["2-02-10-03"],
            expected_salary=9000,
            summary="热爱编程",
        )
    )
    session.flush()

    docs = load_profile_docs(session, [record.id, without_profile.id])

    assert set(docs) == {record.id}
    doc = docs[record.id]
    assert doc.university == "浙江大学"
    assert doc.major == "软件工程"
    assert doc.major_code == "080902"
    assert doc.major_category == "计算机类"
    assert doc.degree_level == record.degree_level
    assert doc.graduation_year == record.graduation_year
    assert doc.skills == ("Python", "SQL")
    assert doc.certificates == ("CET-6",)
    assert doc.intended_cities[0] == "杭州"
    assert doc.intended_city_codes == ("330100", "310000")
    assert doc.intended_industries == ("信息传输、软件和信息技术服务业",)
    assert doc.expected_salary == 9000
    assert doc.internships == ("阿里巴巴 后端实习生 订单服务开发",)
    assert doc.projects == ("校园二手平台 负责人",)
    assert doc.summary == "热爱编程"


def test_loading_many_costs_a_fixed_number_of_queries(session: Session) -> None:
    employer = make_employer(session)
    few = [make_job(session, employer, title=f"岗位{i}").id for i in range(2)]
    many = few + [make_job(session, employer, title=f"岗位{i}").id for i in range(2, 30)]
    session.expire_all()

    with QueryCounter(session) as for_few:
        load_job_docs(session, few)
    with QueryCounter(session) as for_many:
        docs = load_job_docs(session, many)

    assert len(docs) == 30
    assert for_many.count == for_few.count


def test_recommendable_jobs(session: Session) -> None:
    verified = make_employer(session)
    pending = make_employer(session, name="待审核公司", status=VerificationStatus.NEEDS_REVIEW)
    today = china_today()
    open_job = make_job(session, verified, title="开放岗位")
    due_today = make_job(session, verified, title="今天截止")
    due_today.deadline = today
    expired = make_job(session, verified, title="已过期")
    expired.deadline = today - timedelta(days=1)
    draft = make_job(session, verified, title="草稿", status=JobStatus.DRAFT)
    closed = make_job(session, verified, title="已关闭", status=JobStatus.CLOSED)
    unverified = make_job(session, pending, title="未认证")
    session.flush()

    found = set(session.scalars(recommendable_job_ids(session)))

    assert open_job.id in found
    assert due_today.id in found
    assert not found & {expired.id, draft.id, closed.id, unverified.id}
