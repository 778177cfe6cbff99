"""The registry import API end to end: upload, the rq job (run by a real worker on the test's
Redis), status, error reports, templates, scope, upload checks and personal data."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from rq import SimpleWorker
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core import worker_context
from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.queue import DEFAULT_QUEUE
from jobs_api.identity.principal import Role
from jobs_api.registry.columns import COLUMNS
from jobs_api.registry.config import CONFIG_KEY, RegistryConfig
from jobs_api.registry.models import RegistryImport, StudentRecord
from jobs_api.registry.storage import upload_dir
from jobs_api.registry.template import XLSX_MEDIA_TYPE
from tests.factories.identity import Actor, make_user, sign_in
from tests.factories.registry import (
    HEADER,
    registry_row,
    registry_rows,
    with_check_digit_broken,
    write_csv,
    write_xlsx,
)
from tests.registry.conftest import Campus

IMPORTS = "/api/v1/registry/imports"


@pytest.fixture
def admins(container: Container, campus: Campus) -> dict[str, Actor]:
    settings = container.settings
    with job_session(container.session_factory) as session:
        zhejiang = make_user(session, Role.PROVINCIAL_ADMIN, settings, province_code="330000")
        national = make_user(session, Role.NATIONAL_ADMIN, settings)
        return {
            "zhejiang": sign_in(session, zhejiang, settings),
            "national": sign_in(session, national, settings),
        }


@pytest.fixture
def worker(container: Container) -> Iterator[Any]:
    worker_context.install(container)

    def drain() -> None:
        queue = container.queue.queue(DEFAULT_QUEUE)
        SimpleWorker([queue], connection=container.queue.redis).work(burst=True)

    yield drain
    worker_context.uninstall()


def upload(client: TestClient, actor: Actor, content: bytes, filename: str = "学籍.csv") -> Any:
    return client.post(
        IMPORTS, headers=actor.headers, files={"file": (filename, content, "text/csv")}
    )


def csv_bytes(tmp_path: Path, rows: list[dict[str, Any]], name: str = "x.csv") -> bytes:
    return write_csv(tmp_path / name, rows).read_bytes()


def test_upload_queues_the_import_and_the_worker_runs_it(
    client: TestClient, campus: Campus, worker: Any, tmp_path: Path
) -> None:
    rows = registry_rows(5)
    rows[2]["身份证号"] = with_check_digit_broken(rows[2]["身份证号"])
    office = campus.zju_office

    response = upload(client, office, csv_bytes(tmp_path, rows))
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert (accepted["status"], accepted["resumed"], accepted["format"]) == ("queued", False, "csv")
    assert accepted["encoding"] == "utf-8" and accepted["filename"] == "学籍.csv"
    import_id = accepted["id"]

    worker()

    status = client.get(f"{IMPORTS}/{import_id}", headers=office.headers).json()
    assert status["status"] == "completed"
    assert (status["rows_total"], status["rows_inserted"], status["rows_rejected"]) == (5, 4, 1)
    assert status["last_committed_line"] == 6

    report = client.get(f"{IMPORTS}/{import_id}/errors", headers=office.headers).json()
    assert report["errors_total"] == 1
    (error,) = report["items"]
    assert (error["line"], error["column"], error["code"]) == (4, "身份证号", "id_number_checksum")
    bad = rows[2]["身份证号"]
    assert bad not in error["message"] and bad[-4:] in error["message"]

    download = client.get(f"{IMPORTS}/{import_id}/errors.csv", headers=office.headers)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert download.content.startswith(b"\xef\xbb\xbf")  # so Excel reads UTF-8
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert table[0] == ["行号", "列", "错误代码", "说明"]
    assert table[1][:3] == ["4", "身份证号", "id_number_checksum"]

    listing = client.get(IMPORTS, headers=office.headers).json()
    assert [item["id"] for item in listing["items"]] == [import_id]


def test_errors_page_by_offset_and_limit(
    client: TestClient, campus: Campus, worker: Any, tmp_path: Path
) -> None:
    rows = registry_rows(6, 性别="?")
    import_id = upload(client, campus.zju_office, csv_bytes(tmp_path, rows)).json()["id"]
    worker()
    url = f"{IMPORTS}/{import_id}/errors?offset=2&limit=3"
    page = client.get(url, headers=campus.zju_office.headers).json()
    assert [item["line"] for item in page["items"]] == [4, 5, 6]
    assert (page["errors_total"], page["offset"], page["limit"]) == (6, 2, 3)


def test_rows_of_another_university_are_rejected(
    client: TestClient, campus: Campus, worker: Any, tmp_path: Path, container: Container
) -> None:
    rows = registry_rows(3, university_code="10284")  # 南京大学's rows, uploaded by 浙大
    import_id = upload(client, campus.zju_office, csv_bytes(tmp_path, rows)).json()["id"]
    worker()
    report = client.get(f"{IMPORTS}/{import_id}/errors", headers=campus.zju_office.headers)
    assert {item["code"] for item in report.json()["items"]} == {"university_code_mismatch"}
    with container.session_factory() as session:
        assert session.scalars(select(StudentRecord)).all() == []


def test_imports_are_visible_only_in_scope(
    client: TestClient, campus: Campus, admins: dict[str, Actor], tmp_path: Path
) -> None:
    zju = upload(client, campus.zju_office, csv_bytes(tmp_path, registry_rows(1))).json()["id"]
    zjut_rows = registry_rows(1, university_code="10337")
    zjut = upload(client, campus.zjut_office, csv_bytes(tmp_path, zjut_rows)).json()["id"]
    nju_rows = registry_rows(1, university_code="10284")
    nju = upload(client, campus.nju_office, csv_bytes(tmp_path, nju_rows)).json()["id"]

    def visible(actor: Actor) -> set[int]:
        return {item["id"] for item in client.get(IMPORTS, headers=actor.headers).json()["items"]}

    assert visible(campus.nju_office) == {nju}
    assert visible(admins["zhejiang"]) == {zju, zjut}
    assert visible(admins["national"]) == {zju, zjut, nju}
    for suffix in ("", "/errors", "/errors.csv"):
        outside = client.get(f"{IMPORTS}/{zju}{suffix}", headers=campus.nju_office.headers)
        assert outside.status_code == 404, suffix
        assert outside.json()["error"]["code"] == "registry_import_not_found"
        assert (
            client.get(f"{IMPORTS}/{nju}{suffix}", headers=admins["zhejiang"].headers).status_code
            == 404
        )
        assert (
            client.get(f"{IMPORTS}/{zjut}{suffix}", headers=admins["zhejiang"].headers).status_code
            == 200
        )
        assert (
            client.get(f"{IMPORTS}/{nju}{suffix}", headers=admins["national"].headers).status_code
            == 200
        )


def test_admins_cannot_upload_and_offices_filter_by_status(
    client: TestClient, campus: Campus, admins: dict[str, Actor], tmp_path: Path, worker: Any
) -> None:
    denied = upload(client, admins["national"], csv_bytes(tmp_path, registry_rows(1)))
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "role_not_allowed"
    upload(client, campus.zju_office, csv_bytes(tmp_path, registry_rows(1)))
    worker()
    upload(client, campus.zju_office, csv_bytes(tmp_path, registry_rows(2, start=5), "b.csv"))
    office = campus.zju_office.headers
    assert client.get(f"{IMPORTS}?status=queued", headers=office).json()["total"] == 1
    assert client.get(f"{IMPORTS}?status=completed", headers=office).json()["total"] == 1


def test_a_pdf_renamed_csv_is_refused_by_content(
    client: TestClient, campus: Campus, container: Container
) -> None:
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    response = upload(client, campus.zju_office, pdf, filename="学籍.csv")
    assert response.status_code == 415
    body = response.json()["error"]
    assert body["code"] == "unsupported_file_type" and "PDF" in body["message"]
    directory = upload_dir(container.settings)
    assert not directory.exists() or list(directory.iterdir()) == []
    with container.session_factory() as session:
        assert session.scalars(select(RegistryImport)).all() == []


def test_an_xlsx_named_csv_is_accepted_as_xlsx(
    client: TestClient, campus: Campus, tmp_path: Path, worker: Any
) -> None:
    content = write_xlsx(tmp_path / "x.xlsx", registry_rows(2)).read_bytes()
    accepted = upload(client, campus.zju_office, content, filename="学籍.csv").json()
    assert accepted["format"] == "xlsx"
    worker()
    done = client.get(f"{IMPORTS}/{accepted['id']}", headers=campus.zju_office.headers).json()
    assert (done["status"], done["rows_inserted"]) == ("completed", 2)


def test_bad_uploads_get_clear_4xx(client: TestClient, campus: Campus, tmp_path: Path) -> None:
    headers = campus.zju_office.headers
    missing = [h for h in HEADER if h != "身份证号"]
    no_id_column = write_csv(tmp_path / "m.csv", registry_rows(1), header=missing).read_bytes()
    response = upload(client, campus.zju_office, no_id_column)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "header_invalid"
    assert response.json()["error"]["fields"] == {"身份证号": "缺少此列"}

    assert upload(client, campus.zju_office, b"").json()["error"]["code"] == "empty_file"
    as_json = client.post(IMPORTS, headers=headers, json={})
    assert as_json.status_code == 415
    no_file = client.post(IMPORTS, headers=headers, files={"other": ("a.csv", b"x", "text/csv")})
    assert no_file.status_code == 422
    assert no_file.json()["error"]["code"] == "upload_missing_file"


def test_uploads_over_the_limit_are_cut_off(
    client: TestClient, campus: Campus, container: Container, tmp_path: Path
) -> None:
    container.extras[CONFIG_KEY] = RegistryConfig(max_upload_bytes=2_000)
    big = csv_bytes(tmp_path, registry_rows(40))  # ~5 kB: caught while it is stored
    huge = csv_bytes(tmp_path, registry_rows(800), "huge.csv")  # its Content-Length says no
    assert 2_000 < len(big) < 64 * 1024 < len(huge)
    for content in (big, huge):
        response = upload(client, campus.zju_office, content)
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "upload_too_large"

    # Without a Content-Length (chunked), the stream is cut off while it is read.
    boundary = "gm-boundary"
    padding = b"x" * (80 * 1024)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + big
        + padding
        + f"\r\n--{boundary}--\r\n".encode()
    )

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    streamed = client.post(
        IMPORTS,
        headers={
            **campus.zju_office.headers,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        content=chunks(),
    )
    assert streamed.status_code == 413
    directory = upload_dir(container.settings)
    assert not directory.exists() or list(directory.iterdir()) == []


def test_reuploading_an_interrupted_import_resumes_it(
    client: TestClient, campus: Campus, worker: Any, tmp_path: Path, run: Any
) -> None:
    content = csv_bytes(tmp_path, registry_rows(9))
    import_id = upload(client, campus.zju_office, content).json()["id"]

    def fail_second(number: int, session: Session) -> None:
        if number == 2:
            raise ConnectionError("database connection lost")

    with pytest.raises(ConnectionError):
        run(import_id, batch_size=4, before_commit=fail_second)
    headers = campus.zju_office.headers
    failed = client.get(f"{IMPORTS}/{import_id}", headers=headers).json()
    assert (failed["status"], failed["rows_inserted"], failed["last_committed_line"]) == (
        "failed",
        4,
        5,
    )

    again = upload(client, campus.zju_office, content, filename="again.csv").json()
    assert (again["id"], again["resumed"], again["status"]) == (import_id, True, "queued")
    worker()
    done = client.get(f"{IMPORTS}/{import_id}", headers=headers).json()
    assert (done["status"], done["rows_inserted"], done["rows_total"]) == ("completed", 9, 9)

    # Once completed, the same file is a new import that finds nothing to change.
    third = upload(client, campus.zju_office, content).json()
    assert third["id"] != import_id and third["resumed"] is False
    worker()
    final = client.get(f"{IMPORTS}/{third['id']}", headers=headers).json()
    assert (final["rows_unchanged"], final["rows_inserted"]) == (9, 0)


def test_xlsx_template_round_trip(
    client: TestClient, campus: Campus, worker: Any, tmp_path: Path
) -> None:
    response = client.get("/api/v1/registry/template.xlsx", headers=campus.zju_office.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    workbook = load_workbook(path)
    sheet = workbook["学籍"]
    assert [c.value for c in sheet[1]] == [c.label for c in COLUMNS]
    assert "填写说明" in workbook.sheetnames
    for row in registry_rows(2):  # a career office fills it in
        sheet.append([row[c.label] for c in COLUMNS])
    workbook.save(path)

    accepted = upload(client, campus.zju_office, path.read_bytes(), "filled.xlsx").json()
    worker()
    done = client.get(f"{IMPORTS}/{accepted['id']}", headers=campus.zju_office.headers).json()
    assert (done["status"], done["rows_inserted"], done["rows_rejected"]) == ("completed", 2, 0)


def test_csv_template_is_the_header_with_a_bom(client: TestClient, campus: Campus) -> None:
    response = client.get("/api/v1/registry/template.csv", headers=campus.zju_office.headers)
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").strip().split(",") == HEADER


def test_personal_data_stays_out_of_logs_and_responses(
    client: TestClient,
    campus: Campus,
    worker: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    container: Container,
) -> None:
    good = registry_row(1)
    bad = registry_row(2)
    bad["身份证号"] = with_check_digit_broken(bad["身份证号"])
    numbers = [good["身份证号"], bad["身份证号"]]
    with caplog.at_level(logging.DEBUG):
        import_id = upload(client, campus.zju_office, csv_bytes(tmp_path, [good, bad])).json()["id"]
        worker()
        headers = campus.zju_office.headers
        bodies = [
            client.get(f"{IMPORTS}/{import_id}", headers=headers).text,
            client.get(f"{IMPORTS}/{import_id}/errors", headers=headers).text,
            client.get(f"{IMPORTS}/{import_id}/errors.csv", headers=headers).content.decode(
                "utf-8-sig"
            ),
            client.get(IMPORTS, headers=headers).text,
        ]
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for number in numbers:
        assert number not in logged
        assert all(number not in body for body in bodies)
    with container.session_factory() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"registry.import.submitted", "registry.import.errors_read"} <= actions
