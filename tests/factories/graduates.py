"""Registry records, graduate accounts made through the real activation service, and PDFs.

Personal data are synthetic but valid: ID numbers carry a correct GB 11643 check digit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count
from typing import Any

from pydantic import SecretStr
from sqlalchemy.orm import Session
from stdnum.cn import ric

from jobs_api.core.pii import PiiVault, mask_id_number
from jobs_api.core.settings import Settings
from jobs_api.graduates.activation import activate_self
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.graduates.schemas import SelfActivationIn
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.models import User
from jobs_api.registry.models import EnrollmentStatus, StudentRecord
from jobs_api.universities.models import University

PASSWORD = "Grad-pass-2026"
_serial = count(1)


def synthetic_id_number(serial: int | None = None, *, region: str = "330106") -> str:
    """A valid resident ID number of a made-up person born 1998–2005, distinct per serial
    (the sequence number takes ``n % 1000``, the birth date the rest)."""
    n = next(_serial) if serial is None else serial
    birth = date(1998, 1, 1) + timedelta(days=(n // 1000 + (n % 1000) * 7) % 2900)
    body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function ignores the last character


def synthetic_phone(serial: int | None = None) -> str:
    n = next(_serial) if serial is None else serial
    return f"139{n % 10**8:08d}"


def make_university(
    session: Session,
    *,
    code: str,
    name: str,
    city: str,
) -> University:
    university = University(
        code=code,
        name=name,
        province_code=city[:2] + "0000",
        city_code=city,
        level="undergraduate",
    )
    session.add(university)
    session.flush()
    return university


@dataclass
class RecordWithId:
    """A registry record and the clear ID number it was made from (tests only)."""

    record: StudentRecord
    id_number: str

    @property
    def id(self) -> int:
        return self.record.id


def make_record(
    session: Session,
    university: University,
    settings: Settings,
    *,
    student_number: str | None = None,
    name: str = "李娜",
    id_number: str | None = None,
    status: str = EnrollmentStatus.ENROLLED.value,
    graduation_year: int = 2026,
    college: str = "计算机科学与技术学院",
    major_code: str = "080902",
    degree_level: str = "bachelor",
    gender: str = "女",
    **flags: bool,
) -> RecordWithId:
    serial = next(_serial)
    id_number = id_number or synthetic_id_number(serial)
    vault = PiiVault(settings.secret_key.get_secret_value())
    record = StudentRecord(
        university_id=university.id,
        student_number=student_number or f"{graduation_year - 4}{serial:06d}",
        name=name,
        id_number_hash=vault.lookup_hash(id_number),
        id_number_cipher=vault.encrypt(id_number),
        id_number_masked=mask_id_number(id_number),
        gender=gender,
        college=college,
        major_code=major_code,
        degree_level=degree_level,
        enrollment_date=date(graduation_year - 4, 9, 1),
        expected_graduation_date=date(graduation_year, 6, 30),
        graduation_year=graduation_year,
        status=status,
        **flags,
    )
    session.add(record)
    session.flush()
    return RecordWithId(record=record, id_number=id_number)


def claim_body(
    made: RecordWithId,
    university: University,
    *,
    phone: str | None = None,
    password: str = PASSWORD,
    consents: list[str] | None = None,
    **override: Any,
) -> dict[str, Any]:
    """A self-claim request body matching ``made`` (fields overridable)."""
    body: dict[str, Any] = {
        "name": made.record.name,
        "id_number": made.id_number,
        "student_number": made.record.student_number,
        "university_code": university.code,
        "phone": phone or synthetic_phone(),
        "password": password,
        "consents": consents if consents is not None else [p.value for p in ConsentPurpose],
    }
    body.update(override)
    return body


def make_graduate(
    session: Session,
    kit: IdentityKit,
    made: RecordWithId,
    university: University,
    *,
    phone: str | None = None,
    consents: list[ConsentPurpose] | None = None,
) -> User:
    """An active, verified graduate account made by the real self-claim service."""
    body = SelfActivationIn(
        name=made.record.name,
        id_number=made.id_number,
        student_number=made.record.student_number,
        university_code=university.code,
        phone=phone or synthetic_phone(),
        password=SecretStr(PASSWORD),
        consents=list(ConsentPurpose) if consents is None else consents,
    )
    out = activate_self(session, kit, body, client_ip="factory")
    user = session.get(User, out.user_id)
    assert user is not None
    return user


def pdf_bytes(text: str = "resume", *, pad_to: int = 0) -> bytes:
    """A small well-formed PDF (header, one object, trailer, %%EOF), optionally padded."""
    body = f"%PDF-1.7\n1 0 obj\n<< /Title ({text}) >>\nendobj\n".encode()
    padding = b"%" + b"x" * max(0, pad_to - len(body) - 40) + b"\n" if pad_to else b""
    return body + padding + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
