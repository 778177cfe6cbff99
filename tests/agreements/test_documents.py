"""The agreement PDF (Chinese, with the verification code and the check URL) and the public
verification of a code: genuine or not, the status and nothing personal beyond the masked
name."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.agreements.drafting import CODE_ALPHABET, format_code, new_verification_code
from jobs_api.agreements.models import Agreement
from jobs_api.agreements.views import mask_name
from jobs_api.core.container import Container
from jobs_api.registry.models import StudentRecord
from tests.employers.fixtures import Campus
from tests.factories.agreements import make_deal

VERIFY = "/api/v1/agreements/verify"


def test_pdf_has_the_code_and_the_check_url(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="signed")
    response = api.get(f"/api/v1/agreements/{deal.agreement_id}/pdf", headers=deal.member.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    content = response.content
    assert content.startswith(b"%PDF")
    assert content.rstrip().endswith(b"%%EOF")
    agreement = db.get_one(Agreement, deal.agreement_id)
    assert format_code(agreement.verification_code).encode() in content
    assert b"/agreements/verify" in content
    assert b"STSong-Light" in content
    # deterministic output: the same agreement renders to the same bytes
    again = api.get(f"/api/v1/agreements/{deal.agreement_id}/pdf", headers=deal.graduate.headers)
    assert again.content == content
    # the clear ID number never appears; the registry record only holds it encrypted
    record = db.get_one(StudentRecord, agreement.student_record_id)
    assert record.id_number_cipher.encode() not in content


def test_verification_shows_status_and_masked_name_only(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    deal = make_deal(db, container.settings, api, university=campus.zju, until="signed")
    agreement = db.get_one(Agreement, deal.agreement_id)
    record = db.get_one(StudentRecord, agreement.student_record_id)
    typed = format_code(agreement.verification_code).lower()  # people type dashes, lower case
    response = api.get(VERIFY, params={"code": typed})
    assert response.status_code == 200
    body = response.json()
    assert body["genuine"] is True
    assert (body["status"], body["status_name"]) == ("signed", "已签约")
    assert body["agreement_number"] == agreement.agreement_number
    assert body["employer_name"] == deal.hiring.employer.name
    assert body["university_name"] == "浙江大学"
    assert body["graduate_name_masked"] == mask_name(record.name)
    assert body["graduate_name_masked"] != record.name
    assert body["approved_at"] is not None
    text = response.text
    assert record.id_number_masked not in text and record.student_number not in text
    assert str(agreement.monthly_salary) not in text


def test_unknown_or_malformed_codes_are_not_found(
    api: TestClient, db: Session, container: Container, campus: Campus
) -> None:
    make_deal(db, container.settings, api, university=campus.zju)
    for code in (new_verification_code(), "1234", "O0O0O0O0O0O0O0O0", "x" * 64):
        response = api.get(VERIFY, params={"code": code})
        assert response.status_code == 200
        assert response.json() == {
            "genuine": False,
            **{k: None for k in response.json() if k != "genuine"},
        }
    assert api.get(VERIFY).status_code == 422


def test_codes_are_long_and_from_an_unambiguous_alphabet() -> None:
    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 16 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)
    assert re.fullmatch(r"([2-9A-Z]{4}-){3}[2-9A-Z]{4}", format_code(next(iter(codes))))


def test_mask_name() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("张小三") == "张*三"
    assert mask_name("欧阳小三") == "欧**三"
