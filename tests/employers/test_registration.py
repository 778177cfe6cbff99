"""Employer registration: the happy path, every refusal, PII at rest and on the wire, and
the rate limit."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.outbox import OutboxEvent
from jobs_api.core.pii import PiiVault
from jobs_api.employers.events import EMPLOYER_REGISTERED
from jobs_api.employers.licences import MAX_LICENCE_BYTES
from jobs_api.employers.models import Employer, EmployerLicence, VerificationStatus
from jobs_api.employers.registration import REGISTRATIONS_PER_IP
from jobs_api.identity.models import AccountStatus, User
from tests.factories.jobs import (
    exe_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    registration_fields,
    valid_uscc,
)

URL = "/api/v1/employers/register"
PHONE = "13912345678"


def _register(
    api: TestClient,
    fields: dict[str, str] | None = None,
    *,
    licence: bytes | None = None,
    filename: str = "营业执照.pdf",
    content_type: str = "application/pdf",
) -> tuple[int, dict[str, object]]:
    response = api.post(
        URL,
        data=fields if fields is not None else registration_fields(),
        files={
            "licence": (filename, licence if licence is not None else pdf_bytes(), content_type)
        },
    )
    return response.status_code, response.json()


def _error(body: dict[str, object]) -> dict[str, object]:
    error = body["error"]
    assert isinstance(error, dict)
    return error


def _counts(db: Session) -> tuple[int, int, int]:
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(Employer)) or 0,
        db.scalar(select(func.count()).select_from(User)) or 0,
        db.scalar(select(func.count()).select_from(EmployerLicence)) or 0,
    )


def test_registration_creates_employer_owner_licence_and_event(
    api: TestClient, db: Session, container: Container
) -> None:
    fields = registration_fields(contact_phone=PHONE)
    licence = pdf_bytes(4096)
    status, body = _register(api, fields, licence=licence)
    assert status == 201, body
    employer_out = body["employer"]
    assert isinstance(employer_out, dict)
    assert employer_out["verification_status"] == "submitted"
    assert employer_out["uscc"] == fields["uscc"]
    assert employer_out["city"] == {"code": "330100", "name": "杭州市"}
    assert employer_out["province"] == {"code": "330000", "name": "浙江省"}
    assert employer_out["employer_type"]["name"] == "民营企业"  # type: ignore[index]
    assert employer_out["contact_phone_masked"] == "139****5678"

    employer = db.get_one(Employer, employer_out["id"])
    assert employer.verification_status == VerificationStatus.SUBMITTED
    assert employer.terms_version and employer.terms_accepted_at is not None
    vault = PiiVault(container.settings.secret_key.get_secret_value())
    assert employer.contact_phone_hash == vault.lookup_hash(PHONE)
    assert employer.contact_phone_cipher and PHONE not in employer.contact_phone_cipher
    assert vault.decrypt(employer.contact_phone_cipher) == PHONE

    owner = db.scalars(select(User).where(User.employer_id == employer.id)).one()
    assert (owner.role, owner.employer_role, owner.status) == (
        "employer_member",
        "owner",
        AccountStatus.ACTIVE,
    )
    assert body["owner"] == {
        "user_id": owner.id,
        "username": fields["username"],
        "employer_role": "owner",
    }
    signed_in = api.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "password",
            "username": fields["username"],
            "password": fields["password"],
        },
    )
    assert signed_in.status_code == 200

    row = db.scalars(
        select(EmployerLicence).where(EmployerLicence.employer_id == employer.id)
    ).one()
    sha = hashlib.sha256(licence).hexdigest()
    assert (row.sha256, row.content_type, row.size_bytes, row.uploaded_by) == (
        sha,
        "application/pdf",
        len(licence),
        owner.id,
    )
    stored = container.settings.data_dir / "files" / "licences" / sha[:2] / f"{sha}.pdf"
    assert stored.read_bytes() == licence

    events = db.scalars(select(OutboxEvent).where(OutboxEvent.topic == EMPLOYER_REGISTERED)).all()
    assert [e.payload for e in events] == [{"employer_id": employer.id}]
    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "employer.registered")).one()
    assert audit.subject_id == str(employer.id)
    assert PHONE not in str(audit.detail)


@pytest.mark.parametrize(
    ("maker", "filename", "content_type", "extension"),
    [
        (png_bytes, "licence.png", "image/png", "png"),
        (jpeg_bytes, "licence.jpg", "image/jpeg", "jpg"),
        # the declared type and name do not matter, the content does
        (png_bytes, "licence.pdf", "application/pdf", "png"),
    ],
)
def test_images_are_accepted_by_content(
    api: TestClient,
    db: Session,
    container: Container,
    maker: object,
    filename: str,
    content_type: str,
    extension: str,
) -> None:
    assert callable(maker)
    data: bytes = maker()
    status, body = _register(api, licence=data, filename=filename, content_type=content_type)
    assert status == 201, body
    licence = body["employer"]["licence"]  # type: ignore[index]
    assert licence["content_type"] == f"image/{'jpeg' if extension == 'jpg' else 'png'}"
    assert licence["filename"].endswith(f".{extension}")
    sha = hashlib.sha256(data).hexdigest()
    path = container.settings.data_dir / "files" / "licences" / sha[:2] / f"{sha}.{extension}"
    assert path.is_file()


@pytest.mark.parametrize(
    ("uscc", "needle"),
    [
        ("91330100MB00000010", "校验位"),  # correct format, wrong check digit
        ("91330100MB0000001", "18 位"),
        ("91330100MB000000IX", "格式"),  # I is not in the alphabet
    ],
)
def test_bad_credit_codes_are_refused_up_front(
    api: TestClient, db: Session, uscc: str, needle: str
) -> None:
    before = _counts(db)
    status, body = _register(api, registration_fields(uscc=uscc))
    assert status == 422
    error = _error(body)
    assert error["code"] == "invalid_uscc"
    assert needle in error["fields"]["uscc"]  # type: ignore[index]
    assert _counts(db) == before


def test_check_digit_of_a_real_looking_code_is_verified(api: TestClient, db: Session) -> None:
    good = valid_uscc()
    wrong_digit = "0" if good[-1] != "0" else "1"
    status, body = _register(api, registration_fields(uscc=good[:-1] + wrong_digit))
    assert status == 422 and _error(body)["code"] == "invalid_uscc"


def test_duplicate_credit_code_is_a_conflict_that_does_not_say_who(
    api: TestClient, db: Session
) -> None:
    code = valid_uscc()
    first = registration_fields(uscc=code, name="杭州第一家科技有限公司")
    assert _register(api, first)[0] == 201
    before = _counts(db)
    # the same code typed in lower case with spaces is the same code
    spaced = f"{code[:6]} {code[6:12]} {code[12:]}".lower()
    status, body = _register(api, registration_fields(uscc=spaced, name="另一家公司"))
    assert status == 409
    error = _error(body)
    assert error["code"] == "employer_already_registered"
    assert "杭州第一家" not in str(body)
    assert _counts(db) == before


@pytest.mark.parametrize(
    ("data", "filename", "status", "code"),
    [
        (exe_bytes(), "营业执照.pdf", 415, "licence_type_not_allowed"),  # a renamed .exe
        (b"GIF89a\x01\x00\x01\x00", "licence.png", 415, "licence_type_not_allowed"),
        (b"%PDF-1.7\nno trailer here", "licence.pdf", 422, "licence_malformed"),
        (b"", "licence.pdf", 422, "licence_missing"),
    ],
)
def test_licence_content_is_checked(
    api: TestClient, db: Session, data: bytes, filename: str, status: int, code: str
) -> None:
    before = _counts(db)
    got, body = _register(api, licence=data, filename=filename)
    assert (got, _error(body)["code"]) == (status, code)
    assert "licence" in _error(body)["fields"]  # type: ignore[operator]
    assert _counts(db) == before


def test_licence_over_10_mb_is_refused(api: TestClient, db: Session, container: Container) -> None:
    before = _counts(db)
    status, body = _register(api, licence=pdf_bytes(MAX_LICENCE_BYTES + 1))
    assert status == 413
    assert _error(body)["code"] == "licence_too_large"
    assert _counts(db) == before
    assert not (container.settings.data_dir / "files" / "licences").exists()


def test_licence_of_exactly_10_mb_is_accepted(api: TestClient) -> None:
    data = pdf_bytes(MAX_LICENCE_BYTES)
    assert len(data) <= MAX_LICENCE_BYTES
    assert _register(api, licence=data)[0] == 201


def test_missing_licence_and_non_multipart_bodies(api: TestClient) -> None:
    response = api.post(
        URL,
        data=registration_fields(),
        files={"attachment": ("licence.pdf", pdf_bytes(), "application/pdf")},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "licence_missing"
    for sent in (
        api.post(URL, json=registration_fields()),
        api.post(URL, data=registration_fields()),  # url-encoded
    ):
        assert sent.status_code == 415
        assert sent.json()["error"]["code"] == "upload_not_multipart"
    response = api.post(URL, json=registration_fields())
    assert response.json()["error"]["code"] == "upload_not_multipart"


def test_terms_must_be_accepted(api: TestClient, db: Session) -> None:
    status, body = _register(api, registration_fields(accept_terms="false"))
    assert status == 422
    assert _error(body)["code"] == "terms_not_accepted"
    assert "accept_terms" in _error(body)["fields"]  # type: ignore[operator]


def test_reference_codes_are_checked_together(api: TestClient, db: Session) -> None:
    before = _counts(db)
    status, body = _register(
        api,
        registration_fields(employer_type="spaceship_yard", industry_code="ZZ", city_code="330000"),
    )
    assert status == 422
    error = _error(body)
    assert error["code"] == "invalid_employer"
    fields = error["fields"]
    assert isinstance(fields, dict)
    assert set(fields) == {"employer_type", "industry_code", "city_code"}
    assert "地级" in fields["city_code"]
    assert _counts(db) == before


def test_industry_division_and_section_are_both_accepted(api: TestClient) -> None:
    assert _register(api, registration_fields(industry_code="65"))[0] == 201
    assert _register(api, registration_fields(industry_code="C"))[0] == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_phone", "12345"),
        ("contact_phone", "23912345678"),
        ("size", "about 300"),
        ("name", "X"),
        ("accept_terms", "perhaps"),
    ],
)
def test_field_errors_name_the_field(api: TestClient, field: str, value: str) -> None:
    status, body = _register(api, registration_fields(**{field: value}))
    assert status == 422
    assert field in _error(body)["fields"]  # type: ignore[operator]


def test_landline_contact_is_accepted_and_masked(api: TestClient) -> None:
    status, body = _register(api, registration_fields(contact_phone="0571-88812345"))
    assert status == 201
    masked = body["employer"]["contact_phone_masked"]  # type: ignore[index]
    assert masked == "057*****2345"  # 12 digits: all but the first 3 and last 4
    assert "88812345" not in str(body)


def test_missing_fields_are_listed(api: TestClient) -> None:
    fields = registration_fields()
    del fields["contact_name"], fields["username"]
    status, body = _register(api, fields)
    assert status == 422
    assert {"contact_name", "username"} <= set(_error(body)["fields"])  # type: ignore[arg-type]


def test_a_bad_credit_code_is_reported_with_the_other_field_errors(api: TestClient) -> None:
    fields = registration_fields(uscc="91330100MB00000010", size="huge")
    status, body = _register(api, fields)
    assert status == 422
    problems = _error(body)["fields"]
    assert isinstance(problems, dict)
    assert "校验位" in problems["uscc"] and "size" in problems


def test_owner_account_problems_leave_nothing_behind(api: TestClient, db: Session) -> None:
    before = _counts(db)
    status, body = _register(api, registration_fields(password="short"))
    assert (status, _error(body)["code"]) == (422, "weak_password")
    assert _counts(db) == before

    taken = registration_fields()
    assert _register(api, taken)[0] == 201
    before = _counts(db)
    status, body = _register(api, registration_fields(username=taken["username"]))
    assert (status, _error(body)["code"]) == (409, "username_taken")
    assert _counts(db) == before


def test_registration_attempts_are_rate_limited_per_address(api: TestClient) -> None:
    bad = registration_fields(uscc="91330100MB00000010")
    for _ in range(REGISTRATIONS_PER_IP.max_events):
        assert _register(api, bad)[0] == 422
    response = api.post(
        URL,
        data=registration_fields(),
        files={"licence": ("l.pdf", pdf_bytes(), "application/pdf")},
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_registrations"
    assert int(response.headers["Retry-After"]) > 0
