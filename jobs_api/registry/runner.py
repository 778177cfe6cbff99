"""Running an import: stream the stored file, validate and upsert it batch by batch, each batch
in its own transaction (this module is the job-side commit point, via ``job_session``).

Crash safety: a batch's records, its errors and the import's counters (with
``last_committed_line``) commit together, so a crash leaves only whole batches. A later run —
the rq retry, or the career office uploading the same file again — takes the lease, skips
every line up to ``last_committed_line`` (re-reading only their keys, for in-file duplicate
detection) and continues. Re-running a completed import's file changes nothing: every row
comes out unchanged.

Hooks for tests and benchmarks: ``max_batches`` stops a run after that many batches (the
import goes back to ``queued``); ``before_commit`` is called with each batch's open session
after its writes are flushed and before they commit (raising there is a crash mid-batch);
``on_batch`` gets a :class:`BatchReport` after each commit.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.db import job_session, utcnow
from jobs_api.core.errors import DomainError
from jobs_api.core.pii import PiiVault
from jobs_api.reference.models import Major
from jobs_api.registry import ledger as ledgers
from jobs_api.registry import storage
from jobs_api.registry.config import RegistryConfig
from jobs_api.registry.fields import (
    FieldProblem,
    RowErrorCode,
    majors_index,
    parse_id_number,
    parse_student_number,
)
from jobs_api.registry.importer import (
    BatchOutcome,
    ImportJob,
    LeaseLost,
    apply_batch,
    claim_import,
    fail_import,
    finish_import,
    release_import,
    unfinished_imports_of_content,
)
from jobs_api.registry.parsing import Header, RawRow, open_rows
from jobs_api.registry.validation import RowIssue, RowResult, RowValidator, ValidationContext

log = logging.getLogger(__name__)

BATCH_ATTEMPTS = 3  # a batch that hits a concurrent writer's row is retried (then rejected)


@dataclass(frozen=True, slots=True)
class BatchReport:
    number: int  # 1-based, within this run
    first_line: int
    last_line: int
    rows: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    seconds: float


@dataclass(slots=True)
class RunReport:
    import_id: int
    status: str  # "not_claimed" | "completed" | "failed" | "paused" | "lease_lost"
    batches: list[BatchReport] = field(default_factory=list)
    skipped_lines: int = 0
    seconds: float = 0.0


BeforeCommit = Callable[[int, Session], None]
OnBatch = Callable[[BatchReport], None]


def _batches(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class _Run:
    def __init__(
        self,
        factory: sessionmaker[Session],
        job: ImportJob,
        vault: PiiVault,
        config: RegistryConfig,
        today: date,
        now: Callable[[], datetime],
    ) -> None:
        self.factory = factory
        self.job = job
        self.vault = vault
        self.config = config
        self.now = now
        with factory() as session:
            majors = majors_index(session.scalars(select(Major.code)))
        self.validator = RowValidator(ValidationContext(job.university_code, majors, vault, today))

    def skip_committed(
        self, rows: Iterator[RawRow], ledger: ledgers.KeyLedger
    ) -> tuple[Iterator[RawRow], int]:
        """Register the keys of already committed lines; return the rest of the rows."""
        last = self.job.last_committed_line
        skipped = 0
        numbers: list[tuple[str, int]] = []
        hashes: list[tuple[str, int]] = []
        for row in rows:
            if row.line > last:
                self._claim_keys(ledger, numbers, hashes)
                return chain([row], rows), skipped
            skipped += 1
            number, id_hash = self._keys(row)
            if number is not None:
                numbers.append((number, row.line))
            if id_hash is not None:
                hashes.append((id_hash, row.line))
            if len(numbers) >= 5_000 or len(hashes) >= 5_000:
                self._claim_keys(ledger, numbers, hashes)
        self._claim_keys(ledger, numbers, hashes)
        return iter(()), skipped

    @staticmethod
    def _claim_keys(
        ledger: ledgers.KeyLedger, numbers: list[tuple[str, int]], hashes: list[tuple[str, int]]
    ) -> None:
        ledger.claim(ledgers.STUDENT_NUMBER, numbers)
        ledger.claim(ledgers.ID_NUMBER, hashes)
        numbers.clear()
        hashes.clear()

    def _keys(self, row: RawRow) -> tuple[str | None, str | None]:
        """The row's keys exactly as validation derives them (for rows not validated now)."""
        number = id_hash = None
        with suppress(FieldProblem):
            number = parse_student_number(row.cells.get("student_number"))
        with suppress(FieldProblem):
            id_hash = self.vault.lookup_hash(parse_id_number(row.cells.get("id_number")).number)
        return number, id_hash

    def validate(self, batch: list[RawRow], ledger: ledgers.KeyLedger) -> list[RowResult]:
        results = [self.validator.validate(row) for row in batch]
        number_owner = ledger.claim(
            ledgers.STUDENT_NUMBER,
            [(r.student_number, r.line) for r in results if r.student_number is not None],
        )
        hash_owner = ledger.claim(
            ledgers.ID_NUMBER, [(r.id_hash, r.line) for r in results if r.id_hash is not None]
        )
        for result in results:
            first = number_owner.get(result.line)
            if first is not None:
                result.issues.append(
                    RowIssue(
                        "student_number",
                        RowErrorCode.DUPLICATE_STUDENT_NUMBER,
                        f"学号与第 {first} 行重复：同一文件中每个学号只能出现一次",
                    )
                )
                result.valid = None
            first = hash_owner.get(result.line)
            if first is not None:
                result.issues.append(
                    RowIssue(
                        "id_number",
                        RowErrorCode.DUPLICATE_ID_NUMBER,
                        f"身份证号 {result.id_masked} 与第 {first} 行重复："
                        "同一文件中每人只能出现一次",
                    )
                )
                result.valid = None
        return results

    def commit_batch(
        self, header: Header, results: list[RowResult], number: int, hook: BeforeCommit | None
    ) -> BatchOutcome:
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            try:
                with job_session(self.factory) as session:
                    outcome = apply_batch(
                        session, self.job, header, results, vault=self.vault, now=self.now()
                    )
                    if hook is not None:
                        hook(number, session)
                return outcome
            except (IntegrityError, OperationalError):
                # A concurrent import inserted one of our keys, or the database was busy: the
                # batch was rolled back whole; try it again against the current rows.
                if attempt == BATCH_ATTEMPTS:
                    raise
                log.warning("registry import %s: batch %s retried", self.job.import_id, number)
                time.sleep(0.2 * attempt)
        raise AssertionError("unreachable")

    def process(
        self,
        upload_dir: Path,
        report: RunReport,
        max_batches: int | None,
        before_commit: BeforeCommit | None,
        on_batch: OnBatch | None,
    ) -> None:
        job = self.job
        path = storage.stored_path(upload_dir, job.content_sha256, job.format)
        if not path.exists():
            raise _missing_file()
        with ledgers.KeyLedger() as ledger, open_rows(path, job.format, job.encoding) as source:
            rows, report.skipped_lines = self.skip_committed(iter(source), ledger)
            for number, batch in enumerate(_batches(rows, self.config.batch_size), start=1):
                if max_batches is not None and number > max_batches:
                    with job_session(self.factory) as session:
                        release_import(session, job, self.now())
                    report.status = "paused"
                    return
                clock = time.perf_counter()
                results = self.validate(batch, ledger)
                outcome = self.commit_batch(source.header, results, number, before_commit)
                job.last_committed_line = outcome.last_line
                job.errors_stored += outcome.errors_stored
                batch_report = BatchReport(
                    number=number,
                    first_line=batch[0].line,
                    last_line=outcome.last_line,
                    rows=outcome.rows,
                    inserted=outcome.inserted,
                    updated=outcome.updated,
                    unchanged=outcome.unchanged,
                    rejected=outcome.rejected,
                    seconds=time.perf_counter() - clock,
                )
                report.batches.append(batch_report)
                if on_batch is not None:
                    on_batch(batch_report)
        with job_session(self.factory) as session:
            finish_import(session, job, self.now())
        report.status = "completed"
        log.info("registry import %s completed", job.import_id)


def run_import(
    factory: sessionmaker[Session],
    import_id: int,
    *,
    vault: PiiVault,
    upload_dir: Path,
    config: RegistryConfig | None = None,
    max_batches: int | None = None,
    before_commit: BeforeCommit | None = None,
    on_batch: OnBatch | None = None,
    today: date | None = None,
    now: Callable[[], datetime] = utcnow,
) -> RunReport:
    """Process an import from where it stands; safe to call again at any time."""
    config = config or RegistryConfig()
    started = time.perf_counter()
    report = RunReport(import_id=import_id, status="not_claimed")
    with job_session(factory) as session:
        job = claim_import(
            session,
            import_id,
            str(uuid.uuid4()),
            now=now(),
            stale_after=config.stale_after,
            max_stored_errors=config.max_stored_errors,
        )
    if job is None:
        return report
    log.info("registry import %s: running from line %s", import_id, job.last_committed_line + 1)
    try:
        run = _Run(factory, job, vault, config, today or date.today(), now)
        run.process(upload_dir, report, max_batches, before_commit, on_batch)
    except LeaseLost:
        report.status = "lease_lost"
    except DomainError as problem:  # the file itself (encoding, header, unreadable workbook)
        with job_session(factory) as session:
            fail_import(session, job, problem.code, problem.message, now())
        report.status = "failed"
    except Exception as exc:
        log.exception("registry import %s failed", import_id)
        with job_session(factory) as session:
            fail_import(
                session,
                job,
                "import_interrupted",
                f"导入意外中断（{type(exc).__name__}），已提交的批次保留；"
                "重新上传同一文件即可从中断处继续",
                now(),
            )
        raise
    finally:
        report.seconds = time.perf_counter() - started
    if report.status == "completed":
        with job_session(factory) as session:
            if unfinished_imports_of_content(session, job.content_sha256) == 0:
                storage.discard(upload_dir, job.content_sha256, job.format)
    return report


def _missing_file() -> DomainError:
    return DomainError(
        "上传的文件已不在服务器上，请重新上传 (the stored upload is gone; upload it again)",
        code="upload_missing",
    )
