"""Keeping the embedding store and the vector indexes in step with jobs and graduates.

:func:`index_jobs` and :func:`index_graduates` take the ids of changed entities (from the
outbox handlers, the start-up repair job and ``gradmatch reembed``) and, for each:

* builds its passage (:func:`matching.texts.job_passage` / :func:`~matching.texts.profile_passage`)
  and the content hash of model + text;
* when the stored row already has that hash, embeds nothing (the index is still checked);
  when another row anywhere holds a vector of that hash, copies it (the embedding cache);
  otherwise embeds it, all such texts of the call in one batch;
* writes the row and adds the vector to the index, or, when the entity may not be matched,
  removes it from the index;
* for graduates, rewrites the provinces they want to work in (:mod:`matching.regions`).

Who is in an index: jobs that are :func:`~matching.sources.recommendable_job_ids`
(published, verified employer, still open); graduates that are
:func:`~matching.sources.matchable_graduate_ids` (visible profile, active account, consent to
``profile_matching``). Rows are kept for jobs that may come back (a draft again, an employer
whose verification lapsed) and deleted for closed or deleted jobs, and for graduates who left
matching: withdrawing consent or deleting the account also deletes what was derived from the
profile (PIPL).

Both functions only ``flush``: the caller commits (outbox delivery, ``job_session``). They are
idempotent; the index may run ahead of a rolled-back transaction, which the next call or the
start-up reconciliation repairs. ``force`` re-embeds even current texts (a new model version).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.jobs.models import Job, JobStatus
from matching.documents import JobDoc, ProfileDoc
from matching.regions import replace_graduate_provinces
from matching.runtime import MatchingRuntime
from matching.sources import (
    load_job_docs,
    load_profile_docs,
    matchable_graduate_ids,
    recommendable_job_ids,
)
from matching.store import (
    CHUNK,
    Kind,
    StoredVector,
    cached_vectors,
    content_hash,
    delete_rows,
    index_hash,
    load_rows,
    pack,
    unpack_many,
    upsert,
)
from matching.texts import job_passage, profile_passage

ProgressCallback = Callable[[int], None]
"""Called with the number of texts just embedded."""


@dataclass
class IndexReport:
    """What one call did (summed by the batch commands)."""

    considered: int = 0
    embedded: int = 0
    """Texts sent to the model."""
    reused: int = 0
    """Changed texts whose vector was already stored under another entity (cache hits)."""
    unchanged: int = 0
    """Entities whose stored vector was current."""
    indexed: int = 0
    """Vectors written to the index."""
    removed: int = 0
    """Ids taken out of the index (whether they were in it or not)."""
    deleted_rows: int = 0
    embed_seconds: float = 0.0

    def add(self, other: IndexReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _in_chunks(session: Session, statement: Any, column: Any, ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        found.update(session.scalars(statement.where(column.in_(ids[start : start + CHUNK]))))
    return found


def _sync(
    session: Session,
    runtime: MatchingRuntime,
    kind: Kind,
    texts: Mapping[int, str],
    leave: Sequence[int],
    *,
    force: bool,
    progress: ProgressCallback | None,
) -> IndexReport:
    """Store and index the vectors of ``texts``; take ``leave`` out of the index."""
    report = IndexReport(considered=len(texts) + len(leave))
    index = runtime.index(kind)
    if leave:
        index.remove(sorted(leave))
        report.removed = len(leave)
    if not texts:
        runtime.changed(kind)
        return report
    model_id = runtime.embedder.model_id
    wanted = {entity_id: content_hash(model_id, text) for entity_id, text in texts.items()}
    stored = load_rows(session, kind, wanted)
    current = {
        entity_id: row
        for entity_id, row in stored.items()
        if not force and row.content_hash == wanted[entity_id]
    }
    report.unchanged = len(current)
    changed = [entity_id for entity_id in sorted(wanted) if entity_id not in current]
    cache = {} if force else cached_vectors(session, {wanted[i] for i in changed})
    to_embed = [entity_id for entity_id in changed if wanted[entity_id] not in cache]
    # Texts that several entities share are embedded once.
    unique_texts = list(dict.fromkeys(texts[i] for i in to_embed))
    fresh: dict[str, bytes] = {}
    if unique_texts:
        started = time.perf_counter()
        matrix = runtime.embedder.embed_passages(unique_texts, progress=progress)
        report.embed_seconds = time.perf_counter() - started
        report.embedded = len(unique_texts)
        for text, vector in zip(unique_texts, matrix, strict=True):
            fresh[content_hash(model_id, text)] = pack(vector)
    report.reused = len(changed) - len(to_embed)
    rows = [
        StoredVector(
            entity_id,
            model_id,
            wanted[entity_id],
            cache.get(wanted[entity_id]) or fresh[wanted[entity_id]],
        )
        for entity_id in changed
    ]
    upsert(session, kind, rows)
    # Index the changed vectors, and current ones the index lacks (a start-up
    # reconciliation replaces vectors whose hash differs).
    unchanged = list(current.values())
    missing = [
        row
        for row, there in zip(
            unchanged, index.contains([r.entity_id for r in unchanged]), strict=True
        )
        if not there
    ]
    to_index = [*rows, *missing]
    if to_index:
        index.add(
            [row.entity_id for row in to_index],
            unpack_many([row.vector for row in to_index], index.dimension),
            [index_hash(row.content_hash) for row in to_index],
        )
        report.indexed = len(to_index)
    runtime.changed(kind)
    return report


def index_jobs(
    session: Session,
    runtime: MatchingRuntime,
    job_ids: Iterable[int],
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> IndexReport:
    """Bring the job store and index in line with these jobs (see the module doc)."""
    ids = sorted(set(job_ids))
    if not ids:
        return IndexReport()
    docs: dict[int, JobDoc] = load_job_docs(session, ids)
    eligible = _in_chunks(session, recommendable_job_ids(), Job.id, ids)
    gone = [i for i in ids if i not in docs] + sorted(
        _in_chunks(session, select(Job.id).where(Job.status == JobStatus.CLOSED), Job.id, ids)
    )
    report = _sync(
        session,
        runtime,
        "job",
        {i: job_passage(docs[i]) for i in ids if i in eligible},
        [i for i in ids if i not in eligible],
        force=force,
        progress=progress,
    )
    report.deleted_rows = delete_rows(session, "job", gone)
    return report


def index_graduates(
    session: Session,
    runtime: MatchingRuntime,
    student_record_ids: Iterable[int],
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> IndexReport:
    """Bring the graduate store and index in line with these student records."""
    ids = sorted(set(student_record_ids))
    if not ids:
        return IndexReport()
    statement = matchable_graduate_ids()
    column = statement.selected_columns[0]
    eligible = _in_chunks(session, statement, column, ids)
    docs: dict[int, ProfileDoc] = load_profile_docs(session, sorted(eligible))
    eligible &= set(docs)
    leave = [i for i in ids if i not in eligible]
    report = _sync(
        session,
        runtime,
        "graduate",
        {i: profile_passage(docs[i]) for i in sorted(eligible)},
        leave,
        force=force,
        progress=progress,
    )
    report.deleted_rows = delete_rows(session, "graduate", leave)
    replace_graduate_provinces(session, ids, {i: docs[i] for i in eligible})
    return report


def embedding_rate(report: IndexReport) -> float:
    """Texts per second of the model time in ``report`` (0 when nothing was embedded)."""
    return report.embedded / report.embed_seconds if report.embed_seconds > 0 else 0.0
