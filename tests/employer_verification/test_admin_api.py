"""Administrators' endpoints: the enterprise registry CSV import (per-row errors, encodings,
provincial scope) and the blacklist (national and provincial entries, removal scope)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from employer_verification.automatic import verify_registered
from employer_verification.models import CaseState, EnterpriseRegistryEntry
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.identity.principal import Role
from tests.factories.identity import Actor
from tests.factories.verification import (
    local_verifier,
    make_applicant,
    make_reviewer,
    valid_uscc,
)

IMPORTS = "/api/v1/verification/registry/imports"
BLACKLIST = "/api/v1/verification/blacklist"


@dataclass
class Admins:
    national: Actor
    zhejiang: Actor
    jiangsu: Actor
    office: Actor


@pytest.fixture
def admins(platform_with_reference: Container) -> Admins:
    settings = platform_with_reference.settings
    with job_session(platform_with_reference.session_factory) as session:
        return Admins(
            national=make_reviewer(session, Role.NATIONAL_ADMIN, settings),
            zhejiang=make_reviewer(session, Role.PROVINCIAL_ADMIN, settings),
            jiangsu=make_reviewer(session, Role.PROVINCIAL_ADMIN, settings, province_code="320000"),
            office=make_reviewer(session, Role.CAREER_OFFICE, settings),
        )


def _csv(rows: list[list[str]]) -> str:
    header = "统一社会信用代码,企业名称,法定代表人,登记状态,注册资本,成立日期"
    return "\n".join([header, *(",".join(r) for r in rows)]) + "\n"


def _upload(client: TestClient, actor: Actor, data: bytes, name: str = "qy.csv") -> dict:  # type: ignore[type-arg]
    response = client.post(IMPORTS, headers=actor.headers, files={"file": (name, data, "text/csv")})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_import_reports_bad_rows_and_loads_the_rest(
    client: TestClient, admins: Admins, platform_with_reference: Container
) -> None:
    good, cancelled, jiangsu = valid_uscc("330106"), valid_uscc("330106"), valid_uscc("320102")
    text = _csv(
        [
            [good, "杭州云帆网络科技有限公司", "李明", "存续", "1000万人民币", "2015-06-01"],
            [cancelled, "杭州星河贸易有限公司", "王强", "注销", "50万", "2010/01/02"],
            [good[:17] + ("0" if good[17] != "0" else "1"), "坏代码公司", "", "存续", "", ""],
            [jiangsu, "南京庚辛软件有限公司", "", "在业", "", "20190301"],
            [good, "重复行公司", "", "存续", "", ""],
            [valid_uscc("330106"), "", "", "存续", "", ""],
            [valid_uscc("330106"), "状态错误公司", "", "停业", "", ""],
            [valid_uscc("330106"), "日期错误公司", "", "存续", "", "2015-13-01"],
            [valid_uscc("330106"), "未来公司", "", "存续", "", "2999-01-01"],
        ]
    )
    report = _upload(client, admins.national, text.encode("gb18030"))
    assert report["encoding"] == "gb18030"
    assert (report["rows_total"], report["rows_inserted"], report["rows_rejected"]) == (9, 3, 6)
    assert [(e["line"], e["code"]) for e in report["errors"]] == [
        (4, "uscc_invalid"),
        (6, "duplicate_in_file"),
        (7, "name_invalid"),
        (8, "status_invalid"),
        (9, "date_invalid"),
        (10, "date_in_future"),
    ]
    assert report["errors"][0]["column"] == "统一社会信用代码"
    with platform_with_reference.session_factory() as session:
        entry = session.get_one(EnterpriseRegistryEntry, cancelled)
        assert (entry.status, entry.established_on.isoformat()) == ("注销", "2010-01-02")  # type: ignore[union-attr]
    # Again, with a changed status: updated in place, UTF-8 with BOM this time.
    again = _upload(
        client,
        admins.national,
        _csv([[cancelled, "杭州星河贸易有限公司", "王强", "存续", "50万", ""]]).encode("utf-8-sig"),
    )
    assert (again["rows_inserted"], again["rows_updated"], again["encoding"]) == (0, 1, "utf-8-sig")
    fetched = client.get(f"{IMPORTS}/{report['id']}", headers=admins.national.headers).json()
    assert fetched["errors_total"] == 6 and len(fetched["errors"]) == 6


def test_a_provincial_admin_imports_its_own_province_only(
    client: TestClient, admins: Admins
) -> None:
    text = _csv(
        [
            [valid_uscc("330106"), "杭州云帆网络科技有限公司", "", "存续", "", ""],
            [valid_uscc("320102"), "南京庚辛软件有限公司", "", "存续", "", ""],
        ]
    )
    report = _upload(client, admins.zhejiang, text.encode())
    assert report["province_code"] == "330000"
    assert [e["code"] for e in report["errors"]] == ["out_of_scope"]
    assert report["rows_inserted"] == 1
    own = client.get(f"{IMPORTS}/{report['id']}", headers=admins.zhejiang.headers)
    assert own.status_code == 200
    assert (
        client.get(f"{IMPORTS}/{report['id']}", headers=admins.jiangsu.headers).status_code == 404
    )
    assert (
        client.post(
            IMPORTS, headers=admins.office.headers, files={"file": ("a.csv", b"x")}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"%PDF-1.7 binary", "unsupported_file_type"),
        ("名称,代码\n某公司,123\n".encode(), "header_invalid"),
        (b"a,b\n\xff\x80\xff\n" * 10, "unreadable_encoding"),
    ],
)
def test_unusable_files_are_refused_whole(
    client: TestClient, admins: Admins, data: bytes, code: str
) -> None:
    response = client.post(
        IMPORTS, headers=admins.national.headers, files={"file": ("x.csv", data)}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_upload_must_be_multipart(client: TestClient, admins: Admins) -> None:
    response = client.post(IMPORTS, headers=admins.national.headers, content=b"a,b\n")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "upload_missing_file"


def test_blacklist_scope_and_effect(
    client: TestClient, admins: Admins, platform_with_reference: Container
) -> None:
    national = client.post(
        BLACKLIST,
        headers=admins.national.headers,
        json={"kind": "name_pattern", "value": "金盾*咨询", "reason": "收取押金"},
    )
    assert national.status_code == 201, national.text
    assert national.json()["province_code"] is None
    zhejiang = client.post(
        BLACKLIST,
        headers=admins.zhejiang.headers,
        json={"kind": "uscc", "value": valid_uscc("330106"), "reason": "冒用资质"},
    )
    assert zhejiang.status_code == 201 and zhejiang.json()["province_code"] == "330000"
    elsewhere = client.post(
        BLACKLIST,
        headers=admins.zhejiang.headers,
        json={"kind": "name_pattern", "value": "某某", "reason": "x", "province_code": "320000"},
    )
    assert elsewhere.status_code == 403
    duplicate = client.post(
        BLACKLIST,
        headers=admins.national.headers,
        json={"kind": "name_pattern", "value": "金盾*咨询", "reason": "again"},
    )
    assert duplicate.status_code == 409
    bad_code = client.post(
        BLACKLIST,
        headers=admins.national.headers,
        json={"kind": "uscc", "value": "91330106MA2H3K4L00", "reason": "x"},
    )
    assert bad_code.status_code == 422
    seen_by_jiangsu = client.get(BLACKLIST, headers=admins.jiangsu.headers).json()
    assert [e["id"] for e in seen_by_jiangsu] == [national.json()["id"]]
    assert len(client.get(BLACKLIST, headers=admins.national.headers).json()) == 2
    # Removal: Jiangsu cannot touch Zhejiang's entry nor a national one.
    zid, nid = zhejiang.json()["id"], national.json()["id"]
    assert client.delete(f"{BLACKLIST}/{zid}", headers=admins.jiangsu.headers).status_code == 404
    assert client.delete(f"{BLACKLIST}/{nid}", headers=admins.jiangsu.headers).status_code == 403
    # A blacklisted applicant is rejected automatically; after removal it would pass.
    with job_session(platform_with_reference.session_factory) as session:
        applicant = make_applicant(session, "杭州金盾投资咨询有限公司")
        case = verify_registered(session, local_verifier(session), applicant.id)
        assert case is not None
        assert (case.state, case.reason_codes) == (CaseState.REJECTED, ["blacklisted_name"])
    assert client.delete(f"{BLACKLIST}/{nid}", headers=admins.national.headers).status_code == 204
    assert client.delete(f"{BLACKLIST}/{nid}", headers=admins.national.headers).status_code == 404
    history = client.get(
        BLACKLIST, headers=admins.national.headers, params={"include_removed": True}
    )
    removed = next(e for e in history.json() if e["id"] == nid)
    assert removed["removed_at"] is not None
    with job_session(platform_with_reference.session_factory) as session:
        applicant = make_applicant(session, "南京金盾投资咨询有限公司", city_code="320100")
        case = verify_registered(session, local_verifier(session), applicant.id)
        assert case is not None and case.state == CaseState.AUTO_VERIFIED
        entries = session.scalars(select(EnterpriseRegistryEntry)).all()
        assert len(entries) == 2
