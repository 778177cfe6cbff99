"""The import itself against a real database: good rows land while bad ones are reported by
line, re-imports are idempotent, updates happen in place, in-file duplicates and identity
conflicts are rejected, an interrupted import leaves whole batches only and a re-run finishes
it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.outbox.models import OutboxEvent
from jobs_api.core.pii import PiiVault
from jobs_api.graduates.events import GRADUATE_PROFILE_CHANGED
from jobs_api.registry.config import RegistryConfig
from jobs_api.registry.models import ImportStatus, RegistryImport, StudentRecord
from jobs_api.registry.runner import BatchReport, RunReport
from jobs_api.registry.storage import stored_path, upload_dir
from tests.factories.registry import (
    make_id_number,
    registry_row,
    registry_rows,
    with_check_digit_broken,
    write_csv,
    write_xlsx,
)
from tests.registry.conftest import Campus

Stage = Callable[..., int]
Run = Callable[..., RunReport]


class Crash(BaseException):
    """A hard stop (like a killed worker): the runner does not get to mark the import."""


def test_good_rows_land_and_bad_rows_are_reported_by_line(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus, vault: PiiVault
) -> None:
    rows = registry_rows(6)
    bad_id = with_check_digit_broken(rows[1]["身份证号"])
    rows[1]["身份证号"] = bad_id  # line 3
    rows[3]["专业代码"] = "999999"  # line 5
    rows[3]["性别"] = "女" if rows[3]["性别"] == "男" else "男"  # line 5, second problem
    rows[4]["院校代码"] = "10284"  # line 6: another university's code
    path = write_csv(tmp_path / "xj.csv", rows)

    import_id = stage(path)
    report = run(import_id)

    assert report.status == "completed"
    imp = read.imp(import_id)
    assert imp.status == ImportStatus.COMPLETED
    assert (imp.rows_total, imp.rows_inserted, imp.rows_rejected) == (6, 3, 3)
    assert (imp.rows_updated, imp.rows_unchanged) == (0, 0)
    assert imp.last_committed_line == 7
    assert read.errors(import_id) == [
        (3, "身份证号", "id_number_checksum"),
        (5, "专业代码", "major_code_unknown"),
        (5, "性别", "gender_mismatch"),
        (6, "院校代码", "university_code_mismatch"),
    ]
    assert imp.errors_total == imp.errors_stored == 4
    stored = read.records(campus.zju)
    assert [r.student_number for r in stored] == [rows[i]["学号"] for i in (0, 2, 5)]
    first = stored[0]
    assert first.name == rows[0]["姓名"]
    assert first.id_number_hash == vault.lookup_hash(rows[0]["身份证号"])
    assert vault.decrypt(first.id_number_cipher) == rows[0]["身份证号"]
    assert first.id_number_masked == rows[0]["身份证号"][:6] + "********" + rows[0]["身份证号"][-4:]
    assert (first.degree_level, first.major_code, first.graduation_year) == (
        "bachelor",
        "080902",
        2026,
    )
    assert first.enrollment_date == date(2022, 9, 1)
    assert first.last_import_id == import_id
    # The person reads every problem with its reason; the bad ID number only ever masked.
    messages = read.messages(import_id)
    assert any("校验位错误" in m for m in messages)
    assert all(bad_id not in m for m in messages)
    assert any(bad_id[:6] + "********" + bad_id[-4:] in m for m in messages)


def test_reimporting_the_same_file_changes_nothing(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus
) -> None:
    rows = registry_rows(30)
    rows[7]["姓名"] = "X"  # rejected both times
    path = write_csv(tmp_path / "xj.csv", rows)
    first = stage(path)
    run(first, batch_size=8)
    before = {(r.id, r.student_number, r.updated_at, r.id_number_cipher) for r in read.records()}

    second = stage(write_csv(tmp_path / "again.csv", rows))  # same bytes, a new import
    assert second != first
    run(second, batch_size=8)

    imp = read.imp(second)
    assert imp.status == ImportStatus.COMPLETED
    assert (imp.rows_inserted, imp.rows_updated, imp.rows_unchanged, imp.rows_rejected) == (
        0,
        0,
        29,
        1,
    )
    after = {(r.id, r.student_number, r.updated_at, r.id_number_cipher) for r in read.records()}
    assert after == before


def test_a_changed_row_updates_its_record_in_place(
    tmp_path: Path,
    stage: Stage,
    run: Run,
    read: Any,
    campus: Campus,
    vault: PiiVault,
    container: Container,
) -> None:
    rows = registry_rows(5)
    run(stage(write_csv(tmp_path / "v1.csv", rows)))  # inserts only: no profile to re-embed
    ids = {r.student_number: r.id for r in read.records()}

    rows[2]["学籍状态"] = "毕业"
    rows[2]["学院"] = "软件学院"
    new_id = make_id_number(9_999, male=rows[2]["性别"] == "男")  # an ID number corrected
    rows[2]["身份证号"] = new_id
    second = stage(write_csv(tmp_path / "v2.csv", rows))
    run(second)

    imp = read.imp(second)
    assert (imp.rows_inserted, imp.rows_updated, imp.rows_unchanged) == (0, 1, 4)
    records = {r.student_number: r for r in read.records()}
    assert {n: r.id for n, r in records.items()} == ids  # no new record, same ids
    changed = records[rows[2]["学号"]]
    assert (changed.status, changed.college) == ("毕业", "软件学院")
    assert changed.id_number_hash == vault.lookup_hash(new_id)
    assert vault.decrypt(changed.id_number_cipher) == new_id
    assert changed.last_import_id == second
    # Matching hears of the changed record (and only of it) to re-embed the graduate.
    with container.session_factory() as session:
        events = session.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.topic == GRADUATE_PROFILE_CHANGED)
        ).all()
    assert events == [{"student_record_ids": [changed.id]}]


def test_duplicates_within_one_file_reject_the_later_row(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus
) -> None:
    rows = registry_rows(8)
    rows[5]["学号"] = rows[1]["学号"]  # line 7 repeats line 3's student number
    rows[6]["身份证号"] = rows[2]["身份证号"]  # line 8 repeats line 4's ID number
    rows[6]["性别"] = rows[2]["性别"]
    import_id = stage(write_csv(tmp_path / "dup.csv", rows))
    run(import_id, batch_size=3)  # the duplicates sit in later batches than the originals

    assert read.errors(import_id) == [
        (7, "学号", "duplicate_student_number"),
        (8, "身份证号", "duplicate_id_number"),
    ]
    messages = read.messages(import_id)
    assert any("与第 3 行重复" in m for m in messages)
    assert any("与第 4 行重复" in m for m in messages)
    imp = read.imp(import_id)
    assert (imp.rows_inserted, imp.rows_rejected) == (6, 2)


def test_a_person_enrolled_elsewhere_is_rejected_unless_one_record_is_finished(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus
) -> None:
    enrolled, finished = registry_row(1), registry_row(2, 学籍状态="退学")
    run(stage(write_csv(tmp_path / "zju.csv", [enrolled, finished])))

    nju = "10284"
    rows = [
        registry_row(1, university_code=nju, 学号="NJU0001"),  # enrolled at both: rejected
        registry_row(2, university_code=nju, 学号="NJU0002"),  # 退学 at 浙大: fine
        registry_row(1, university_code=nju, 学号="NJU0003", 学籍状态="毕业"),  # finished
    ]
    rows[2]["身份证号"] = enrolled["身份证号"]
    rows[2]["学号"] = "NJU0003"
    import_id = stage(write_csv(tmp_path / "nju.csv", rows), campus.nju_office)
    run(import_id)

    codes = read.errors(import_id)
    assert (2, "身份证号", "id_number_in_other_university") in codes
    assert [r.student_number for r in read.records(campus.nju)] == ["NJU0002"]


def test_same_university_second_enrolled_record_for_one_person_is_rejected(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus
) -> None:
    run(stage(write_csv(tmp_path / "a.csv", [registry_row(1)])))
    other = registry_row(1, 学号="M2026000001", 学历层次="硕士")
    import_id = stage(write_csv(tmp_path / "b.csv", [other]))
    run(import_id)
    assert read.errors(import_id) == [(2, "身份证号", "id_number_other_student")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_import_alike(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus, encoding: str
) -> None:
    rows = registry_rows(4)
    rows[0]["姓名"] = "阿依古丽·买买提"
    rows[1]["学院"] = "人文学院（中国语言文学系）"
    import_id = stage(write_csv(tmp_path / f"{encoding}.csv", rows, encoding=encoding))
    run(import_id)
    imp = read.imp(import_id)
    assert (imp.rows_inserted, imp.rows_rejected) == (4, 0)
    names = {r.name for r in read.records()}
    assert "阿依古丽·买买提" in names
    assert "人文学院（中国语言文学系）" in {r.college for r in read.records()}


def test_xlsx_with_excel_dates_numbers_and_a_lost_precision_id(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus
) -> None:
    rows = registry_rows(3)
    rows[0]["入学日期"] = date(2022, 9, 1)  # a date cell
    rows[0]["学号"] = 3220100001  # a number cell
    rows[0]["专业代码"] = 80902  # leading zero lost by Excel
    rows[1]["预计毕业日期"] = 46203  # an Excel serial number (2026-06-30)
    rows[2]["身份证号"] = float(rows[2]["身份证号"][:17] + "0")  # stored as a number
    import_id = stage(write_xlsx(tmp_path / "xj.xlsx", rows))
    run(import_id)

    imp = read.imp(import_id)
    assert (imp.format, imp.rows_inserted, imp.rows_rejected) == ("xlsx", 2, 1)
    assert read.errors(import_id) == [(4, "身份证号", "id_number_excel_number")]
    records = {r.student_number: r for r in read.records()}
    assert records["3220100001"].enrollment_date == date(2022, 9, 1)
    assert records["3220100001"].major_code == "080902"
    assert records[rows[1]["学号"]].expected_graduation_date == date(2026, 6, 30)


def test_interrupted_import_keeps_whole_batches_and_a_rerun_completes(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus, container: Container
) -> None:
    rows = registry_rows(25)
    rows[3]["姓名"] = ""  # line 5, in the first batch
    rows[22]["性别"] = "未知"  # line 24, in the last batch
    import_id = stage(write_csv(tmp_path / "big.csv", rows))

    def crash_in_third_batch(number: int, session: Session) -> None:
        if number == 3:
            # The third batch's rows and errors are flushed, not yet committed.
            assert session.scalar(select(func.count()).select_from(StudentRecord)) > 10
            raise Crash("worker killed")

    with pytest.raises(Crash):
        run(import_id, batch_size=5, before_commit=crash_in_third_batch)

    imp = read.imp(import_id)
    assert imp.status == ImportStatus.RUNNING  # nobody marked it: a hard crash
    assert imp.batches_committed == 2
    assert imp.last_committed_line == 11  # header + 2 batches of 5
    assert (imp.rows_total, imp.rows_inserted, imp.rows_rejected) == (10, 9, 1)
    assert len(read.records()) == 9
    assert read.errors(import_id) == [(5, "姓名", "missing_value")]

    # The lease is still held until the heartbeat goes stale.
    assert run(import_id, batch_size=5).status == "not_claimed"
    fresh = RegistryConfig(batch_size=5, stale_after=timedelta(0))
    report = run(import_id, config=fresh)
    assert report.status == "completed"
    assert report.skipped_lines == 10
    imp = read.imp(import_id)
    assert imp.status == ImportStatus.COMPLETED
    assert (imp.rows_total, imp.rows_inserted, imp.rows_rejected) == (25, 23, 2)
    assert imp.last_committed_line == 26
    assert read.errors(import_id) == [(5, "姓名", "missing_value"), (24, "性别", "gender_invalid")]
    assert len(read.records()) == 23


def test_failed_batch_is_marked_and_reuploading_the_file_resumes_it(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus
) -> None:
    rows = registry_rows(12)
    rows[10]["学号"] = rows[1]["学号"]  # a duplicate across the crash point: line 12 vs line 3
    path = write_csv(tmp_path / "xj.csv", rows)
    import_id = stage(path)

    def fail_second(number: int, session: Session) -> None:
        if number == 2:
            raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        run(import_id, batch_size=4, before_commit=fail_second)
    imp = read.imp(import_id)
    assert (imp.status, imp.failure_code, imp.last_committed_line) == (
        "failed",
        "import_interrupted",
        5,
    )
    assert "重新上传" in (imp.failure_message or "")

    assert stage(path) == import_id  # the same content again: the same import, resumed
    assert read.imp(import_id).status == ImportStatus.QUEUED
    assert run(import_id, batch_size=4).status == "completed"
    imp = read.imp(import_id)
    assert (imp.rows_total, imp.rows_inserted, imp.rows_rejected) == (12, 11, 1)
    # The duplicate is still caught although its original was committed by the first run.
    assert read.errors(import_id) == [(12, "学号", "duplicate_student_number")]


def test_max_batches_pauses_and_the_next_run_continues(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus
) -> None:
    import_id = stage(write_csv(tmp_path / "xj.csv", registry_rows(10)))
    seen: list[BatchReport] = []
    assert run(import_id, batch_size=3, max_batches=2, on_batch=seen.append).status == "paused"
    assert [(b.first_line, b.last_line, b.inserted) for b in seen] == [(2, 4, 3), (5, 7, 3)]
    imp = read.imp(import_id)
    assert (imp.status, imp.last_committed_line, imp.rows_inserted) == ("queued", 7, 6)
    assert run(import_id, batch_size=3).status == "completed"
    assert read.imp(import_id).rows_inserted == 10


def test_errors_are_capped_but_counted_exactly(
    tmp_path: Path, stage: Stage, run: Run, read: Any, campus: Campus
) -> None:
    rows = registry_rows(12, 性别="?")  # one error per row
    import_id = stage(write_csv(tmp_path / "bad.csv", rows))
    run(import_id, config=RegistryConfig(batch_size=5, max_stored_errors=7))
    imp = read.imp(import_id)
    assert (imp.errors_total, imp.errors_stored, imp.rows_rejected) == (12, 7, 12)
    assert [line for line, _, _ in read.errors(import_id)] == list(range(2, 9))


def test_completed_import_deletes_its_stored_upload(
    tmp_path: Path, stage: Stage, run: Run, read: Any, container: Container
) -> None:
    import_id = stage(write_csv(tmp_path / "xj.csv", registry_rows(2)))
    imp = read.imp(import_id)
    path = stored_path(upload_dir(container.settings), imp.content_sha256, imp.format)
    assert path.exists()
    run(import_id)
    assert not path.exists()


def test_a_completed_import_is_not_run_again(
    tmp_path: Path, stage: Stage, run: Run, read: Any, container: Container
) -> None:
    import_id = stage(write_csv(tmp_path / "xj.csv", registry_rows(2)))
    assert run(import_id).status == "completed"
    assert run(import_id).status == "not_claimed"
    with job_session(container.session_factory) as session:
        assert session.get(RegistryImport, import_id).rows_total == 2  # type: ignore[union-attr]
