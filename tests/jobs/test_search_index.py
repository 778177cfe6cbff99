"""The job search index: what a job document holds, and which jobs graduates can find."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.search import Range, SearchQuery
from jobs_api.demo.codes import make_uscc
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.search_index import (
    ANY_MAJOR,
    JOB_INDEX,
    JOB_INDEX_SPEC,
    ReferenceNames,
    ensure_job_index,
    index_employer_jobs,
    index_jobs,
    job_document,
    reindex_all_jobs,
    remove_jobs,
)
from jobs_api.reference.service import load_reference

PUBLISHED_AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
_codes = random.Random(2026)


@pytest.fixture
def session(container: Container) -> Iterator[Session]:
    with job_session(container.session_factory) as setup:
        load_reference(setup)
    with container.session_factory() as opened:
        yield opened


def make_employer(
    session: Session, status: VerificationStatus = VerificationStatus.VERIFIED, **values: Any
) -> Employer:
    employer = Employer(
        name=values.pop("name", "深圳云帆网络科技有限公司"),
        uscc=make_uscc("9", "1", "440300", _codes),
        employer_type_code="private_enterprise",
        industry_code="65",
        city_code="440300",
        size="100-499",
        verification_status=str(status),
        **values,
    )
    session.add(employer)
    session.flush()
    return employer


def make_job(session: Session, employer: Employer, **values: Any) -> Job:
    defaults: dict[str, Any] = {
        "title": "Java开发工程师",
        "occupation_code": "2-02-10-03",
        "industry_code": employer.industry_code,
        "city_code": "440300",
        "degree_level": "bachelor",
        "major_codes": ["080901", "080902"],
        "skills": ["Java", "Spring Boot", "MySQL"],
        "salary_min": 12000,
        "salary_max": 20000,
        "salary_months": 13,
        "headcount": 5,
        "deadline": date(2026, 6, 30),
        "benefits": ["五险一金", "双休"],
        "description": "岗位职责：1. 负责后端服务开发。任职要求：1. 本科及以上学历。",
        "status": str(JobStatus.PUBLISHED),
        "published_at": PUBLISHED_AT,
    }
    defaults.update(values)
    job = Job(employer_id=employer.id, **defaults)
    session.add(job)
    session.flush()
    return job


def indexed_ids(container: Container, **query: Any) -> set[int]:
    page = container.search.search(JOB_INDEX, SearchQuery(size=100, **query))
    return {int(hit.id) for hit in page.hits}


def test_job_document_holds_what_search_pages_filter_and_show(session: Session) -> None:
    employer = make_employer(session)
    job = make_job(session, employer, major_codes=[])
    doc = job_document(job, employer, ReferenceNames.load(session))
    assert doc["title"] == "Java开发工程师"
    assert doc["employer_name"] == "深圳云帆网络科技有限公司"
    assert doc["employer_id"] == str(employer.id)
    assert doc["employer_type"] == "private_enterprise"
    assert doc["occupation_name"] == "计算机软件工程技术人员"
    assert (doc["industry_code"], doc["industry_section"]) == ("65", "I")
    assert doc["industry_name"] == "软件和信息技术服务业"
    assert (doc["city_code"], doc["city_name"], doc["province_code"]) == (
        "440300",
        "深圳市",
        "440000",
    )
    assert doc["skills"] == ["Java", "Spring Boot", "MySQL"]
    assert doc["skills_text"] == "Java Spring Boot MySQL"
    assert doc["major_codes"] == [] and doc["major_filter"] == [ANY_MAJOR]
    assert (doc["salary_min"], doc["salary_max"], doc["salary_months"]) == (12000, 20000, 13)
    assert doc["degree_level"] == "bachelor" and doc["degree_name"] == "本科"
    assert datetime.fromisoformat(doc["published_at"]) == PUBLISHED_AT
    assert doc["deadline"] == "2026-06-30"
    fields = {
        *JOB_INDEX_SPEC.text_fields,
        *JOB_INDEX_SPEC.keyword_fields,
        *JOB_INDEX_SPEC.numeric_fields,
        *JOB_INDEX_SPEC.date_fields,
    }
    assert fields <= set(doc)


def test_only_published_jobs_of_employers_reaching_graduates_are_indexed(
    container: Container, session: Session
) -> None:
    verified = make_employer(session)
    auto = make_employer(session, VerificationStatus.AUTO_VERIFIED, name="杭州星辰软件有限公司")
    rejected = make_employer(session, VerificationStatus.REJECTED, name="某某咨询有限公司")
    pending = make_employer(session, VerificationStatus.NEEDS_REVIEW, name="成都远景科技有限公司")
    shown = [make_job(session, verified), make_job(session, auto, city_code="330100")]
    hidden = [
        make_job(session, verified, status=str(JobStatus.CLOSED)),
        make_job(session, verified, status=str(JobStatus.DRAFT), published_at=None),
        make_job(session, rejected),
        make_job(session, pending),
    ]
    written = index_jobs(session, container.search, [j.id for j in shown + hidden])
    assert written == 2
    assert container.search.count(JOB_INDEX) == 2
    assert indexed_ids(container, text="Java") == {j.id for j in shown}
    assert indexed_ids(container, text="软件", terms={"city_code": ["330100"]}) == {shown[1].id}


def test_jobs_leave_the_index_when_they_stop_being_searchable(
    container: Container, session: Session
) -> None:
    employer = make_employer(session)
    other = make_employer(session, name="广州恒信会计师事务所（特殊普通合伙）")
    first, second = make_job(session, employer), make_job(session, employer)
    third = make_job(session, other, title="审计助理", occupation_code="2-06-04-00")
    index_jobs(session, container.search, [first.id, second.id, third.id])
    assert container.search.count(JOB_INDEX) == 3

    first.status = str(JobStatus.CLOSED)
    session.flush()
    index_jobs(session, container.search, [first.id])
    assert indexed_ids(container) == {second.id, third.id}

    employer.verification_status = str(VerificationStatus.REJECTED)
    session.flush()
    index_employer_jobs(session, container.search, employer.id)
    assert indexed_ids(container) == {third.id}

    remove_jobs(container.search, [third.id, 987654])
    assert container.search.count(JOB_INDEX) == 0


def test_index_jobs_drops_ids_missing_from_the_database(
    container: Container, session: Session
) -> None:
    job = make_job(session, make_employer(session))
    index_jobs(session, container.search, [job.id])
    session.delete(job)
    session.flush()
    index_jobs(session, container.search, [job.id])
    assert container.search.count(JOB_INDEX) == 0


def test_documents_support_major_and_salary_filters(container: Container, session: Session) -> None:
    employer = make_employer(session)
    restricted = make_job(session, employer, major_codes=["080902"])
    open_to_all = make_job(session, employer, major_codes=[], salary_min=6000, salary_max=9000)
    elsewhere = make_job(session, employer, major_codes=["120203"])
    index_jobs(session, container.search, [restricted.id, open_to_all.id, elsewhere.id])
    assert indexed_ids(container, terms={"major_filter": ["080902", ANY_MAJOR]}) == {
        restricted.id,
        open_to_all.id,
    }
    assert indexed_ids(container, ranges={"salary_min": Range(gte=10000)}) == {
        restricted.id,
        elsewhere.id,
    }


def test_reindex_streams_in_batches_and_rebuilds_from_the_database(
    container: Container, session: Session
) -> None:
    employer = make_employer(session)
    searchable = [make_job(session, employer) for _ in range(7)]
    make_job(session, employer, status=str(JobStatus.CLOSED))
    ensure_job_index(container.search)
    stale = job_document(searchable[0], employer, ReferenceNames.load(session))
    container.search.index(JOB_INDEX, "999999", stale)
    calls: list[tuple[str, int, int]] = []

    count = reindex_all_jobs(
        session,
        container.search,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
        batch_size=3,
    )
    assert count == 7
    assert [(done, total) for _, done, total in calls] == [(0, 7), (3, 7), (6, 7), (7, 7)]
    assert indexed_ids(container) == {j.id for j in searchable}
