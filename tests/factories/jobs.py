"""Employers, their members, licences and jobs for tests, with reference codes that exist
after ``load_reference``."""

from __future__ import annotations

import uuid
import zlib
from itertools import count
from typing import Any

from sqlalchemy.orm import Session
from stdnum.cn import uscc

from jobs_api.core.db import utcnow
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.jobs.models import Job, JobStatus

_serial = count(1)


def valid_uscc(serial: int | None = None, *, region: str = "330100") -> str:
    """A credit code with a correct GB 32100 check digit (9 = industry and commerce,
    1 = enterprise, then the region code)."""
    number = serial if serial is not None else uuid.uuid4().int % 10**7
    body = f"91{region}MB{number:07d}"
    return body + uscc.calc_check_digit(body)


def _valid_uscc(serial: int) -> str:
    body = f"91330100MA2{serial:06d}"  # 9 = industry & commerce, 1 = enterprise, Hangzhou
    return body + uscc.calc_check_digit(body)


def make_employer(
    session: Session,
    *,
    name: str = "杭州云帆网络科技有限公司",
    status: VerificationStatus = VerificationStatus.VERIFIED,
    city_code: str = "330100",
    employer_type_code: str = "private_enterprise",
) -> Employer:
    employer = Employer(
        name=name,
        uscc=_valid_uscc(next(_serial)),
        employer_type_code=employer_type_code,
        industry_code="I",
        city_code=city_code,
        size="100-499",
        verification_status=status,
    )
    session.add(employer)
    session.flush()
    return employer


def make_job(
    session: Session,
    employer: Employer,
    *,
    title: str = "Java开发工程师",
    status: JobStatus = JobStatus.PUBLISHED,
    description: str = "负责后端服务开发，熟悉 Spring Boot 与 MySQL。",
    city_code: str | None = None,
) -> Job:
    job = Job(
        employer_id=employer.id,
        title=title,
        occupation_code=None,
        industry_code="I",
        city_code=city_code or employer.city_code,
        degree_level="bachelor",
        major_codes=["080902"],
        skills=["Java", "MySQL"],
        salary_min=12000,
        salary_max=18000,
        salary_months=13,
        headcount=3,
        description=description,
        status=status,
        published_at=utcnow() if status == JobStatus.PUBLISHED else None,
    )
    session.add(job)
    session.flush()
    return job


def job_payload(**overrides: Any) -> dict[str, Any]:
    """A valid ``POST /api/v1/jobs`` body (Hangzhou, bachelor, software engineering)."""
    body: dict[str, Any] = {
        "title": "后端开发工程师",
        "industry_code": "I",
        "city_code": "330100",
        "degree_level": "bachelor",
        "major_codes": ["080902"],
        "skills": ["Python", "PostgreSQL"],
        "salary_min": 12000,
        "salary_max": 18000,
        "salary_months": 13,
        "headcount": 2,
        "benefits": ["五险一金", "带薪年假"],
        "description": "负责招聘平台后端服务的设计与开发，参与数据库建模与性能优化。",
    }
    body.update(overrides)
    return body


# --- licence files (tiny but well-formed by their magic bytes) ---------------------------------


def pdf_bytes(size: int = 0) -> bytes:
    """A minimal PDF, padded with a comment to about ``size`` bytes."""
    head = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n"
    padding = b"%" + b"x" * max(0, size - len(head) - 20) + b"\n" if size else b""
    return head + padding + b"trailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def exe_bytes() -> bytes:
    """A Windows executable header (what a renamed ``.exe`` looks like)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def registration_fields(**overrides: str) -> dict[str, str]:
    """Valid text fields of ``POST /api/v1/employers/register`` (a new credit code and
    username each call)."""
    fields = {
        "name": "杭州星河数据科技有限公司",
        "uscc": valid_uscc(),
        "employer_type": "private_enterprise",
        "industry_code": "I",
        "city_code": "330100",
        "size": "100-499",
        "description": "专注于数据平台与智能分析的科技企业。",
        "contact_name": "王敏",
        "contact_phone": "13912345678",
        "username": f"owner-{uuid.uuid4().hex[:8]}",
        "password": "Xinghe-Data-2026",
        "accept_terms": "true",
    }
    fields.update(overrides)
    return fields
