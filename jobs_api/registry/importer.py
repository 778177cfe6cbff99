"""The database side of an import, one transaction at a time (these functions only flush;
:mod:`jobs_api.registry.runner` commits).

* :func:`claim_import` takes the import's lease (a random ``run_token``): only one runner at a
  time processes an import; a ``running`` import whose heartbeat is stale may be taken over.
* :func:`apply_batch` upserts one batch of validated rows by the natural key
  ``(university_id, student_number)``: new rows are inserted, changed ones updated in place,
  identical ones counted as unchanged (the ID number is compared by its keyed hash). It stores
  the batch's per-row errors (up to the import's cap) and advances the counters and
  ``last_committed_line`` — guarded by the lease, so a runner that lost it writes nothing.

Identity rule: a person (ID number) may have several records — at this or other universities —
but at most one that is 在籍. A row is rejected (``id_number_in_other_university`` or
``id_number_other_student``) when it and another record holding the same ID number would both
be 在籍; it lands when either of them is 毕业, 结业, 肄业 or 退学.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, insert, or_, select, update
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.orm import Session

from jobs_api.core.pii import PiiVault
from jobs_api.graduates.events import publish_profile_changed
from jobs_api.registry.fields import RowErrorCode
from jobs_api.registry.models import (
    FINISHED_STATUSES,
    ImportStatus,
    RegistryImport,
    RegistryImportError,
    StudentRecord,
)
from jobs_api.registry.parsing import Header
from jobs_api.registry.validation import COMPARED_FIELDS, RowIssue, RowResult
from jobs_api.universities.models import University


class LeaseLost(RuntimeError):
    """Another runner took this import over; the current batch must not be committed."""


@dataclass(slots=True)
class ImportJob:
    """What a runner needs to know about the import it holds the lease of."""

    import_id: int
    token: str
    university_id: int
    university_code: str
    content_sha256: str
    format: str
    encoding: str | None
    last_committed_line: int
    errors_stored: int
    max_stored_errors: int


@dataclass(slots=True)
class BatchOutcome:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors_total: int = 0
    errors_stored: int = 0
    last_line: int = 0
    extra_issues: dict[int, list[RowIssue]] = field(default_factory=dict)


def claim_import(
    session: Session,
    import_id: int,
    token: str,
    *,
    now: datetime,
    stale_after: timedelta,
    max_stored_errors: int,
) -> ImportJob | None:
    """Take the lease of a queued or failed import (or a running one gone stale)."""
    claimable = or_(
        RegistryImport.status.in_([ImportStatus.QUEUED, ImportStatus.FAILED]),
        and_(
            RegistryImport.status == ImportStatus.RUNNING,
            or_(
                RegistryImport.heartbeat_at.is_(None),
                RegistryImport.heartbeat_at <= now - stale_after,
            ),
        ),
    )
    claimed = session.execute(
        update(RegistryImport)
        .where(RegistryImport.id == import_id, claimable)
        .values(
            status=ImportStatus.RUNNING,
            run_token=token,
            heartbeat_at=now,
            failure_code=None,
            failure_message=None,
            finished_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if _rowcount(claimed) != 1:
        return None
    found = session.execute(
        select(RegistryImport, University.code)
        .join(University, University.id == RegistryImport.university_id)
        .where(RegistryImport.id == import_id)
    ).one()
    record: RegistryImport = found[0]
    if record.started_at is None:
        record.started_at = now
    session.flush()
    return ImportJob(
        import_id=record.id,
        token=token,
        university_id=record.university_id,
        university_code=found[1],
        content_sha256=record.content_sha256,
        format=record.format,
        encoding=record.encoding,
        last_committed_line=record.last_committed_line,
        errors_stored=record.errors_stored,
        max_stored_errors=max_stored_errors,
    )


def _rowcount(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


def _guarded(job: ImportJob, **values: Any) -> Any:
    return (
        update(RegistryImport)
        .where(RegistryImport.id == job.import_id, RegistryImport.run_token == job.token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _execute_guarded(session: Session, job: ImportJob, **values: Any) -> None:
    if _rowcount(session.execute(_guarded(job, **values))) != 1:
        raise LeaseLost(f"import {job.import_id}: lease lost")


def release_import(session: Session, job: ImportJob, now: datetime) -> None:
    """Give the lease back and leave the import queued (a run stopped by ``max_batches``)."""
    _execute_guarded(session, job, status=ImportStatus.QUEUED, run_token=None, heartbeat_at=now)


def finish_import(session: Session, job: ImportJob, now: datetime) -> None:
    _execute_guarded(session, job, status=ImportStatus.COMPLETED, run_token=None, finished_at=now)


def fail_import(session: Session, job: ImportJob, code: str, message: str, now: datetime) -> None:
    _execute_guarded(
        session,
        job,
        status=ImportStatus.FAILED,
        run_token=None,
        finished_at=now,
        failure_code=code[:64],
        failure_message=message[:500],
    )


def record_file_error(session: Session, job: ImportJob, line: int, code: str, message: str) -> None:
    """A problem with the file as a whole, shown in the error report like a row's."""
    if job.errors_stored < job.max_stored_errors:
        session.add(
            RegistryImportError(
                import_id=job.import_id, line=line, column=None, code=code, message=message[:300]
            )
        )
        stored = 1
    else:
        stored = 0
    _execute_guarded(
        session,
        job,
        errors_total=RegistryImport.errors_total + 1,
        errors_stored=RegistryImport.errors_stored + stored,
    )
    job.errors_stored += stored


def unfinished_imports_of_content(session: Session, sha256: str) -> int:
    return len(
        session.scalars(
            select(RegistryImport.id).where(
                RegistryImport.content_sha256 == sha256,
                RegistryImport.status != ImportStatus.COMPLETED,
            )
        ).all()
    )


# --- the batch -----------------------------------------------------------------------------

_RECORDS = cast(Table, StudentRecord.__table__)
_ERRORS = cast(Table, RegistryImportError.__table__)
# id, student number, then the compared fields in COMPARED_FIELDS order (row[2:] compares).
_EXISTING_COLUMNS = (
    StudentRecord.id,
    StudentRecord.student_number,
    *(getattr(StudentRecord, name) for name in COMPARED_FIELDS),
)


def identity_conflict(
    university_id: int,
    student_number: str,
    status: str,
    masked: str,
    holders: Sequence[Any],
) -> RowIssue | None:
    """The issue when another record with this ID number and this row would both be 在籍."""
    if status in FINISHED_STATUSES:
        return None
    for holder in holders:
        if holder.university_id == university_id and holder.student_number == student_number:
            continue
        if holder.status in FINISHED_STATUSES:
            continue
        if holder.university_id != university_id:
            return RowIssue(
                "id_number",
                RowErrorCode.ID_NUMBER_IN_OTHER_UNIVERSITY,
                f"身份证号 {masked} 在其他高校已有在籍学籍记录：同一人只能有一条在籍记录，"
                "须对方学籍为毕业、结业、肄业或退学后方可导入",
            )
        return RowIssue(
            "id_number",
            RowErrorCode.ID_NUMBER_OTHER_STUDENT,
            f"身份证号 {masked} 已用于本校另一名在籍学生（学号 {holder.student_number}）",
        )
    return None


def apply_batch(
    session: Session,
    job: ImportJob,
    header: Header,
    results: Sequence[RowResult],
    *,
    vault: PiiVault,
    now: datetime,
) -> BatchOutcome:
    """Upsert the valid rows of one batch, store its errors and advance the counters."""
    outcome = BatchOutcome(rows=len(results), last_line=max(r.line for r in results))
    valid = [r.valid for r in results if r.valid is not None]
    existing: dict[str, Any] = {}
    holders: dict[str, list[Any]] = defaultdict(list)
    if valid:
        numbers = [v.student_number for v in valid]
        for row in session.execute(
            select(*_EXISTING_COLUMNS).where(
                StudentRecord.university_id == job.university_id,
                StudentRecord.student_number.in_(numbers),
            )
        ):
            existing[row.student_number] = row
        hashes = list({v.id_hash for v in valid})
        for row in session.execute(
            select(
                StudentRecord.university_id,
                StudentRecord.student_number,
                StudentRecord.status,
                StudentRecord.id_number_hash,
            ).where(StudentRecord.id_number_hash.in_(hashes))
        ):
            holders[row.id_number_hash].append(row)

    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for result in results:
        v = result.valid
        if v is None:
            continue
        conflict = identity_conflict(
            job.university_id, v.student_number, v.status, v.id_masked, holders.get(v.id_hash, [])
        )
        if conflict is not None:
            outcome.extra_issues[result.line] = [conflict]
            continue
        current = existing.get(v.student_number)
        if current is not None and tuple(current[2:]) == v.compared_values():
            outcome.unchanged += 1
            continue
        fields = v.registry_fields()
        if current is None:
            fields.update(
                university_id=job.university_id,
                student_number=v.student_number,
                id_number_cipher=vault.encrypt(v.id_number),
                id_number_masked=v.id_masked,
                last_import_id=job.import_id,
                created_at=now,
                updated_at=now,
            )
            inserts.append(fields)
        else:
            cipher_changed = current.id_number_hash != v.id_hash
            fields.update(id=current.id, last_import_id=job.import_id, updated_at=now)
            if cipher_changed:
                fields.update(
                    id_number_cipher=vault.encrypt(v.id_number), id_number_masked=v.id_masked
                )
            updates.append(fields)
    if inserts:  # Core executemany: the ORM's bulk path costs more per row and adds nothing
        session.execute(insert(_RECORDS), inserts)
    _bulk_update(session, updates)
    # A changed major, degree, status … changes what matching knows of the graduate.
    publish_profile_changed(session, [fields["id"] for fields in updates])
    outcome.inserted = len(inserts)
    outcome.updated = len(updates)

    errors = _error_rows(job, header, results, outcome.extra_issues)
    outcome.rejected = sum(1 for r in results if r.valid is None or r.line in outcome.extra_issues)
    outcome.errors_total = len(errors)
    room = max(job.max_stored_errors - job.errors_stored, 0)
    kept = errors[:room]
    if kept:
        session.execute(insert(_ERRORS), kept)
    outcome.errors_stored = len(kept)

    _execute_guarded(
        session,
        job,
        rows_total=RegistryImport.rows_total + outcome.rows,
        rows_inserted=RegistryImport.rows_inserted + outcome.inserted,
        rows_updated=RegistryImport.rows_updated + outcome.updated,
        rows_unchanged=RegistryImport.rows_unchanged + outcome.unchanged,
        rows_rejected=RegistryImport.rows_rejected + outcome.rejected,
        errors_total=RegistryImport.errors_total + outcome.errors_total,
        errors_stored=RegistryImport.errors_stored + outcome.errors_stored,
        batches_committed=RegistryImport.batches_committed + 1,
        last_committed_line=outcome.last_line,
        heartbeat_at=now,
    )
    session.flush()
    return outcome


def _bulk_update(session: Session, updates: list[dict[str, Any]]) -> None:
    """ORM bulk UPDATE by primary key, one executemany per set of changed columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for values in updates:
        groups[tuple(sorted(values))].append(values)
    for rows in groups.values():
        session.execute(update(StudentRecord), rows)


def _error_rows(
    job: ImportJob,
    header: Header,
    results: Sequence[RowResult],
    extra: dict[int, list[RowIssue]],
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for result in results:
        for issue in (*result.issues, *extra.get(result.line, ())):
            rows.append(
                {
                    "import_id": job.import_id,
                    "line": result.line,
                    "column": header.label(issue.field) if issue.field else None,
                    "code": str(issue.code),
                    "message": issue.message[:300],
                }
            )
    return rows
