"""The job search index: which jobs graduates can find, and the document each one becomes.

A job is *searchable* when it is ``published`` and its employer's verification status reaches
graduates (``REACHES_GRADUATES``); every other job is kept out of (or removed from) the index.

The document carries what search pages filter on and show, with reference codes resolved to
names once at indexing time:

* text (segmented by the search backend): ``title``, ``employer_name``, ``description``,
  ``skills_text``, ``occupation_name``, ``industry_name``, ``city_name``;
* keywords: ``skills``, ``occupation_code``, ``industry_code`` (+ its GB/T 4754 section in
  ``industry_section``), ``city_code``, ``province_code``, ``degree_level``, ``employer_id``,
  ``employer_type``, ``benefits``, ``major_codes`` (the accepted majors, ``[]`` = 专业不限) and
  ``major_filter`` (the same codes, or :data:`ANY_MAJOR` when every major is accepted, so
  "jobs open to major X" is the terms filter ``major_filter in [X, ANY_MAJOR]``);
* numbers: ``salary_min``, ``salary_max``, ``salary_months``, ``headcount``;
* dates: ``published_at``, ``deadline`` and ``open_until`` (the deadline, or
  :data:`NO_DEADLINE` when there is none, so "still open" is the range ``open_until >= today``:
  a range never matches a missing value);
* suggestions: whole ``title`` and ``employer_name`` values.

Writers call :func:`index_jobs` with the ids of jobs they changed (after commit, from the
outbox handler), :func:`remove_jobs` for deleted ones, and :func:`reindex_all_jobs` rebuilds
the whole index by streaming the jobs table in id order.

A changed :data:`JOB_INDEX_SPEC` makes the stored index conflict
(:class:`~jobs_api.core.search.SearchIndexConflict`); :func:`ensure_current_job_index`, run when
the app starts, rebuilds it from the database then (``gradmatch reindex`` does it on demand).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.search import (
    IndexSpec,
    SearchBackend,
    SearchIndexConflict,
    SearchIndexNotFound,
    SearchUnavailable,
)
from jobs_api.employers.models import REACHES_GRADUATES, Employer
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.reference.models import DegreeLevel, EmployerType, Industry, Occupation, Region

log = logging.getLogger(__name__)

JOB_INDEX = "jobs"
ANY_MAJOR = "any"
"""``major_filter`` value of jobs open to every major (专业不限)."""
NO_DEADLINE = "9999-12-31"
"""``open_until`` of a job without a deadline."""
BATCH_SIZE = 2_000
REINDEX_STAGE = "索引岗位"

JOB_INDEX_SPEC = IndexSpec(
    name=JOB_INDEX,
    text_fields={
        "title": 4.0,
        "employer_name": 2.0,
        "skills_text": 2.0,
        "occupation_name": 1.5,
        "description": 1.0,
        "industry_name": 0.5,
        "city_name": 1.0,
    },
    keyword_fields=(
        "skills",
        "occupation_code",
        "industry_code",
        "industry_section",
        "city_code",
        "province_code",
        "degree_level",
        "major_codes",
        "major_filter",
        "employer_id",
        "employer_type",
        "benefits",
    ),
    numeric_fields={
        "salary_min": "long",
        "salary_max": "long",
        "salary_months": "long",
        "headcount": "long",
    },
    date_fields=("published_at", "deadline", "open_until"),
    suggest_fields=("title", "employer_name"),
)


ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, done, total)``, called as indexing advances (the CLI draws bars)."""


@dataclass(frozen=True, slots=True)
class ReferenceNames:
    """Names of the reference codes a job document shows, read once per indexing run."""

    occupations: Mapping[str, str]
    industries: Mapping[str, tuple[str, str | None]]
    """Code -> (name, parent section code)."""
    regions: Mapping[str, tuple[str, str | None]]
    """Code -> (name, parent province code)."""
    degree_levels: Mapping[str, str]
    employer_types: Mapping[str, str]

    @classmethod
    def load(cls, session: Session) -> ReferenceNames:
        return cls(
            occupations={
                code: name
                for code, name in session.execute(select(Occupation.code, Occupation.name))
            },
            industries={
                code: (name, parent)
                for code, name, parent in session.execute(
                    select(Industry.code, Industry.name, Industry.parent_code)
                )
            },
            regions={
                code: (name, parent)
                for code, name, parent in session.execute(
                    select(Region.code, Region.name, Region.parent_code)
                )
            },
            degree_levels={
                code: name
                for code, name in session.execute(select(DegreeLevel.code, DegreeLevel.name_zh))
            },
            employer_types={
                code: name
                for code, name in session.execute(select(EmployerType.code, EmployerType.name_zh))
            },
        )


_JOB_FIELDS = (
    "id",
    "employer_id",
    "title",
    "occupation_code",
    "industry_code",
    "city_code",
    "degree_level",
    "major_codes",
    "skills",
    "salary_min",
    "salary_max",
    "salary_months",
    "headcount",
    "deadline",
    "benefits",
    "description",
    "status",
    "published_at",
)
_EMPLOYER_FIELDS = ("name", "employer_type_code", "verification_status")


def is_searchable(job_status: str, employer_status: str) -> bool:
    return job_status == JobStatus.PUBLISHED and employer_status in REACHES_GRADUATES


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _document(values: Mapping[Any, Any], names: ReferenceNames) -> dict[str, Any]:
    """The document of a job; ``values`` holds the job's columns and ``employer_*`` ones."""
    occupation = values["occupation_code"]
    industry = values["industry_code"]
    industry_name, section = names.industries.get(industry, ("", None))
    city = values["city_code"]
    city_name, province = names.regions.get(city, ("", None))
    province = province or city
    skills = list(values["skills"] or [])
    majors = list(values["major_codes"] or [])
    employer_type = values["employer_type_code"]
    return {
        "id": values["id"],
        "title": values["title"],
        "employer_id": str(values["employer_id"]),
        "employer_name": values["employer_name"],
        "employer_type": employer_type,
        "employer_type_name": names.employer_types.get(employer_type, ""),
        "description": values["description"] or "",
        "skills": skills,
        "skills_text": " ".join(skills),
        "occupation_code": occupation,
        "occupation_name": names.occupations.get(occupation, "") if occupation else "",
        "industry_code": industry,
        "industry_section": section or industry,
        "industry_name": industry_name,
        "city_code": city,
        "city_name": city_name,
        "province_code": province,
        "province_name": names.regions.get(province, ("", None))[0],
        "degree_level": values["degree_level"],
        "degree_name": names.degree_levels.get(values["degree_level"], ""),
        "major_codes": majors,
        "major_filter": majors or [ANY_MAJOR],
        "salary_min": values["salary_min"],
        "salary_max": values["salary_max"],
        "salary_months": values["salary_months"],
        "headcount": values["headcount"],
        "benefits": list(values["benefits"] or []),
        "published_at": _iso(values["published_at"]),
        "deadline": _iso(values["deadline"]),
        "open_until": _iso(values["deadline"]) or NO_DEADLINE,
    }


def job_document(job: Job, employer: Employer, names: ReferenceNames) -> dict[str, Any]:
    """The search document of ``job`` (posted by ``employer``)."""
    values = {field: getattr(job, field) for field in _JOB_FIELDS}
    values["employer_name"] = employer.name
    values["employer_type_code"] = employer.employer_type_code
    return _document(values, names)


def _job_rows() -> Select[Any]:
    return select(
        *(Job.__table__.c[field] for field in _JOB_FIELDS),
        Employer.name.label("employer_name"),
        Employer.employer_type_code.label("employer_type_code"),
        Employer.verification_status.label("employer_status"),
    ).join(Employer, Employer.id == Job.employer_id)


def _searchable() -> ColumnElement[bool]:
    return (Job.status == JobStatus.PUBLISHED) & Employer.verification_status.in_(
        [str(s) for s in REACHES_GRADUATES]
    )


def ensure_job_index(search: SearchBackend) -> None:
    search.ensure_index(JOB_INDEX_SPEC)


def index_jobs(session: Session, search: SearchBackend, job_ids: Iterable[int]) -> int:
    """Bring the index in line with the given jobs: index the searchable ones, remove the rest
    (including ids no longer in the database). Returns how many documents were written."""
    ids = sorted(set(job_ids))
    if not ids:
        return 0
    ensure_job_index(search)
    names = ReferenceNames.load(session)
    written = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        rows = session.execute(_job_rows().where(Job.id.in_(chunk))).mappings().all()
        docs = [
            (str(row["id"]), _document(row, names))
            for row in rows
            if is_searchable(row["status"], row["employer_status"])
        ]
        indexed = {doc_id for doc_id, _ in docs}
        if docs:
            written += search.bulk_index(JOB_INDEX, docs)
        for job_id in chunk:
            if str(job_id) not in indexed:
                search.delete(JOB_INDEX, str(job_id))
    search.refresh(JOB_INDEX)
    return written


def index_employer_jobs(session: Session, search: SearchBackend, employer_id: int) -> int:
    """Re-evaluate every job of an employer (after its verification status changed)."""
    ids = session.scalars(select(Job.id).where(Job.employer_id == employer_id)).all()
    return index_jobs(session, search, ids)


def remove_jobs(search: SearchBackend, job_ids: Iterable[int]) -> None:
    """Take jobs out of the index (missing documents are fine)."""
    ensure_job_index(search)
    for job_id in job_ids:
        search.delete(JOB_INDEX, str(job_id))
    search.refresh(JOB_INDEX)


def _stream_searchable(
    session: Session,
    names: ReferenceNames,
    extra: Sequence[ColumnElement[bool]],
    batch_size: int,
) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Searchable jobs in id order, a batch at a time (keyset pagination, no server cursor)."""
    last_id = 0
    while True:
        rows = (
            session.execute(
                _job_rows()
                .where(_searchable(), Job.id > last_id, *extra)
                .order_by(Job.id)
                .limit(batch_size)
            )
            .mappings()
            .all()
        )
        if not rows:
            return
        last_id = rows[-1]["id"]
        yield [(str(row["id"]), _document(row, names)) for row in rows]


def index_searchable_jobs(
    session: Session,
    search: SearchBackend,
    *,
    min_id: int = 0,
    progress: ProgressCallback | None = None,
    stage: str = REINDEX_STAGE,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Index every searchable job with ``id > min_id`` (without dropping anything)."""
    ensure_job_index(search)
    extra = [Job.id > min_id] if min_id else []
    total = session.execute(
        select(func.count())
        .select_from(Job)
        .join(Employer, Employer.id == Job.employer_id)
        .where(_searchable(), *extra)
    ).scalar_one()
    if progress is not None:
        progress(stage, 0, total)
    names = ReferenceNames.load(session)
    done = 0
    for batch in _stream_searchable(session, names, extra, batch_size):
        done += search.bulk_index(JOB_INDEX, batch)
        if progress is not None:
            progress(stage, done, total)
    search.refresh(JOB_INDEX)
    return done


def reindex_all_jobs(
    session: Session,
    search: SearchBackend,
    progress: ProgressCallback | None = None,
    *,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Rebuild the job index from the database: drop it, recreate it with the current spec and
    stream every searchable job into it in id order. Returns the number of documents.

    This is also how a changed :data:`JOB_INDEX_SPEC` is applied. Searches see a partial index
    while it runs (the search interface has no alias swap), so run it off-peak.
    """
    search.drop_index(JOB_INDEX)
    return index_searchable_jobs(session, search, progress=progress, batch_size=batch_size)


def ensure_current_job_index(
    session_factory: sessionmaker[Session],
    search: SearchBackend,
    progress: ProgressCallback | None = None,
) -> str:
    """Check the job index against :data:`JOB_INDEX_SPEC` (at start-up); never raises.

    Returns ``"current"`` when it matches, ``"missing"`` when there is no index yet (the
    outbox creates it with the first job, ``gradmatch reindex`` fills it), ``"rebuilt"`` when
    the stored index had another spec (an older release): it is dropped and rebuilt from the
    database then, so searches and the outbox handlers never run against a stale layout, and
    ``"unavailable"`` when the engine cannot be reached (the outbox retries meanwhile)."""
    try:
        try:
            search.count(JOB_INDEX)
        except SearchIndexNotFound:
            return "missing"
        try:
            ensure_job_index(search)
        except SearchIndexConflict:
            log.warning("job search index has an older spec; rebuilding it from the database")
            with session_factory() as session:
                count = reindex_all_jobs(session, search, progress=progress)
            log.warning("job search index rebuilt with %d jobs", count)
            return "rebuilt"
    except SearchUnavailable as error:
        log.warning("job search index not checked: %s", error)
        return "unavailable"
    return "current"
