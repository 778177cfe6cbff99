"""Résumé upload (type, size, dedup, limit), download scope, default, deletion of files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobs_api.core.settings import Settings
from jobs_api.graduates.resumes import MAX_RESUME_BYTES, resume_path, sanitise_filename
from jobs_api.identity.kit import IdentityKit
from tests.factories.graduates import make_graduate, make_record, pdf_bytes
from tests.factories.identity import Actor, sign_in
from tests.graduates.conftest import Campus

RESUMES = "/api/v1/graduates/me/resumes"


def _graduate(db: Session, campus: Campus, settings: Settings, kit: IdentityKit) -> Actor:
    made = make_record(db, campus.zju, settings)
    actor = sign_in(db, make_graduate(db, kit, made, campus.zju), settings)
    db.commit()
    return actor


@pytest.fixture
def alice(db: Session, campus: Campus, settings: Settings, kit: IdentityKit) -> Actor:
    return _graduate(db, campus, settings, kit)


@pytest.fixture
def bob(db: Session, campus: Campus, settings: Settings, kit: IdentityKit) -> Actor:
    return _graduate(db, campus, settings, kit)


def _upload(
    api: TestClient,
    actor: Actor,
    data: bytes,
    filename: str = "简历.pdf",
    content_type: str = "application/pdf",
    **form: Any,
) -> Any:
    return api.post(
        RESUMES,
        files={"file": (filename, data, content_type)},
        data=form,
        headers=actor.headers,
    )


def test_upload_list_download(api: TestClient, alice: Actor, settings: Settings) -> None:
    data = pdf_bytes("alice")
    response = _upload(api, alice, data, filename="张三 简历.pdf")
    assert response.status_code == 201, response.text
    resume = response.json()
    sha = hashlib.sha256(data).hexdigest()
    assert resume["sha256"] == sha
    assert resume["size_bytes"] == len(data)
    assert resume["filename"] == "张三 简历.pdf"
    assert resume["is_default"] is True  # the first one
    stored = settings.data_dir / "files" / "resumes" / sha[:2] / f"{sha}.pdf"
    assert stored.read_bytes() == data

    listed = api.get(RESUMES, headers=alice.headers).json()
    assert [r["id"] for r in listed] == [resume["id"]]

    download = api.get(f"{RESUMES}/{resume['id']}/file", headers=alice.headers)
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["content-type"] == "application/pdf"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition.lower()


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"GIF89a not a pdf at all", 415, "resume_not_pdf"),
        (b"PK\x03\x04 a zip renamed to .pdf %%EOF", 415, "resume_not_pdf"),
        (b"%PDF-1.7\n1 0 obj << >> endobj\n", 422, "resume_malformed"),  # truncated
        (pdf_bytes(pad_to=MAX_RESUME_BYTES + 10), 413, "payload_too_large"),
    ],
)
def test_bad_files_are_refused(
    api: TestClient, alice: Actor, settings: Settings, data: bytes, status: int, code: str
) -> None:
    response = _upload(api, alice, data)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert api.get(RESUMES, headers=alice.headers).json() == []
    root = settings.data_dir / "files" / "resumes"
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*.pdf"))


def test_exactly_five_megabytes_is_accepted(api: TestClient, alice: Actor) -> None:
    data = pdf_bytes(pad_to=MAX_RESUME_BYTES)
    assert len(data) <= MAX_RESUME_BYTES
    assert _upload(api, alice, data).status_code == 201


def test_content_type_header_is_not_trusted(api: TestClient, alice: Actor) -> None:
    ok = _upload(api, alice, pdf_bytes("x"), filename="cv.bin", content_type="text/plain")
    assert ok.status_code == 201
    assert ok.json()["filename"] == "cv.bin.pdf"
    fake = _upload(api, alice, b"<html>%%EOF", filename="cv.pdf")
    assert fake.status_code == 415


def test_same_bytes_are_stored_once(
    api: TestClient, alice: Actor, bob: Actor, settings: Settings
) -> None:
    data = pdf_bytes("shared")
    first = _upload(api, alice, data)
    again = _upload(api, alice, data, filename="copy.pdf")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert len(api.get(RESUMES, headers=alice.headers).json()) == 1
    by_bob = _upload(api, bob, data)
    assert by_bob.status_code == 201
    files = list((settings.data_dir / "files" / "resumes").rglob("*.pdf"))
    assert len(files) == 1


def test_at_most_five_resumes(api: TestClient, alice: Actor) -> None:
    for i in range(5):
        assert _upload(api, alice, pdf_bytes(f"v{i}")).status_code == 201
    sixth = _upload(api, alice, pdf_bytes("v5"))
    assert sixth.status_code == 409
    assert sixth.json()["error"]["code"] == "resume_limit_reached"


def test_one_default_and_it_moves(api: TestClient, alice: Actor) -> None:
    a = _upload(api, alice, pdf_bytes("a")).json()
    b = _upload(api, alice, pdf_bytes("b")).json()
    assert b["is_default"] is False
    c = _upload(api, alice, pdf_bytes("c"), make_default="true").json()
    assert c["is_default"] is True

    def defaults() -> list[int]:
        return [r["id"] for r in api.get(RESUMES, headers=alice.headers).json() if r["is_default"]]

    assert defaults() == [c["id"]]
    assert api.post(f"{RESUMES}/{a['id']}/default", headers=alice.headers).status_code == 200
    assert defaults() == [a["id"]]
    assert api.delete(f"{RESUMES}/{a['id']}", headers=alice.headers).status_code == 204
    assert len(defaults()) == 1  # another one took over


def test_graduate_b_cannot_reach_a_resume_of_a(
    api: TestClient, alice: Actor, bob: Actor, settings: Settings
) -> None:
    data = pdf_bytes("private")
    resume = _upload(api, alice, data).json()
    rid = resume["id"]
    for response in (
        api.get(f"{RESUMES}/{rid}/file", headers=bob.headers),
        api.post(f"{RESUMES}/{rid}/default", headers=bob.headers),
        api.delete(f"{RESUMES}/{rid}", headers=bob.headers),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "resume_not_found"
    assert api.get(RESUMES, headers=bob.headers).json() == []
    assert resume_path(settings.data_dir, resume["sha256"]).exists()
    assert api.get(f"{RESUMES}/{rid}/file", headers=alice.headers).content == data


def test_deleting_removes_the_file_unless_someone_else_uses_it(
    api: TestClient, alice: Actor, bob: Actor, settings: Settings
) -> None:
    own = _upload(api, alice, pdf_bytes("own")).json()
    shared_bytes = pdf_bytes("shared")
    shared = _upload(api, alice, shared_bytes).json()
    _upload(api, bob, shared_bytes)
    assert api.delete(f"{RESUMES}/{own['id']}", headers=alice.headers).status_code == 204
    assert not resume_path(settings.data_dir, own["sha256"]).exists()
    assert api.delete(f"{RESUMES}/{shared['id']}", headers=alice.headers).status_code == 204
    assert resume_path(settings.data_dir, shared["sha256"]).exists()  # Bob still has it
    assert api.get(f"{RESUMES}/{own['id']}/file", headers=alice.headers).status_code == 404


def test_a_rolled_back_delete_keeps_the_file(
    db: Session, alice: Actor, settings: Settings, api: TestClient
) -> None:
    from jobs_api.graduates.resumes import delete_resume

    resume = _upload(api, alice, pdf_bytes("keep")).json()
    delete_resume(db, alice.principal, settings.data_dir, resume["id"])
    db.rollback()
    assert resume_path(settings.data_dir, resume["sha256"]).exists()
    db.commit()  # a later commit of the same session must not run the dropped removal
    assert resume_path(settings.data_dir, resume["sha256"]).exists()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\me\\简历 2026.PDF", "简历 2026.pdf"),
        ("a\x00b\r\nc.pdf", "abc.pdf"),
        ('cv"; filename=evil.exe', "cv_ filename_evil.exe.pdf"),
        ("", "resume.pdf"),
        ("...", "resume.pdf"),
        ("x" * 300 + ".pdf", "x" * 96 + ".pdf"),
    ],
)
def test_filenames_are_sanitised(raw: str, clean: str) -> None:
    assert sanitise_filename(raw) == clean


def test_upload_needs_a_multipart_file(api: TestClient, alice: Actor) -> None:
    no_file = api.post(
        RESUMES, files={"other": ("x.txt", b"x", "text/plain")}, headers=alice.headers
    )
    assert no_file.status_code == 422
    assert "file" in no_file.json()["error"]["fields"]
    as_json = api.post(RESUMES, json={"file": "JVBERi0="}, headers=alice.headers)
    assert as_json.status_code == 415
    bad_flag = _upload(api, alice, pdf_bytes("f"), make_default="maybe")
    assert bad_flag.status_code == 422
    assert "make_default" in bad_flag.json()["error"]["fields"]


def test_an_oversized_body_is_cut_off_while_streaming(api: TestClient, alice: Actor) -> None:
    huge = pdf_bytes(pad_to=MAX_RESUME_BYTES + 512 * 1024)
    response = _upload(api, alice, huge)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Any:
        boundary = b"--b0undary"
        yield boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"'
        yield b"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        for _ in range(8):
            yield b"%" + b"x" * (1024 * 1024) + b"\n"
        yield b"%%EOF\r\n" + boundary + b"--\r\n"

    streamed = api.post(  # no Content-Length: only the stream count can stop it
        RESUMES,
        content=chunks(),
        headers={**alice.headers, "Content-Type": "multipart/form-data; boundary=b0undary"},
    )
    assert streamed.status_code == 413
    assert api.get(RESUMES, headers=alice.headers).json() == []


def test_paths_stay_under_the_data_dir(settings: Settings) -> None:
    path = resume_path(settings.data_dir, "ab" + "0" * 62)
    assert path.is_relative_to(Path(settings.data_dir) / "files" / "resumes" / "ab")
