"""Jobs and graduate profiles read from the database as :mod:`matching.documents` values.

Both loaders take a batch of ids and issue a fixed number of queries whatever its size (the
rows, then the reference names they mention), so ranking a candidate set never costs one query
per job or profile. Ids that do not exist (or, for profiles, records without a profile) are
simply missing from the result.

:func:`recommendable_job_ids` is the one definition of "a job matching may show": the job
search index's *searchable* predicate (published, employer reaching graduates) plus "still
open" (no deadline, or a deadline today or later in China), as job search applies it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, Select, exists, or_, select
from sqlalchemy.orm import Session

from jobs_api.employers.models import Employer
from jobs_api.graduates.models import (
    ConsentPurpose,
    ConsentRecord,
    GraduateProfile,
)
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import Role
from jobs_api.jobs.models import Job
from jobs_api.jobs.posting import china_today
from jobs_api.jobs.search_index import _searchable as searchable_job
from jobs_api.reference.models import (
    EmployerType,
    Industry,
    Major,
    MajorCategory,
    Occupation,
    Region,
)
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University
from matching.documents import JobDoc, ProfileDoc

CHUNK = 1_000
"""Ids per ``IN (...)`` query (well below every backend's parameter limit)."""


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def recommendable_job_ids(
    session: Session | None = None, *, today: date | None = None
) -> Select[Any]:
    """``SELECT jobs.id`` of every job matching may recommend or push (see the module doc).

    ``session`` is accepted for symmetry with the loaders and is not used: the statement is
    built, not run, so callers may add ``where``/``order_by``/``limit`` to it."""
    del session
    day = today or china_today()
    return (
        select(Job.id)
        .join(Employer, Employer.id == Job.employer_id)
        .where(searchable_job(), or_(Job.deadline.is_(None), Job.deadline >= day))
    )


def matchable_graduate_ids(session: Session | None = None) -> Select[Any]:
    """``SELECT student_records.id`` of every graduate matching may use: a profile, an active
    (verified, registry-linked) graduate account and an open consent to ``profile_matching``.
    Everyone else is kept out of (or removed from) the graduate index.

    A hidden profile stays in: visibility decides which employers may see the profile (the
    employer suggestions filter on it, :mod:`matching.recommend.common`), not whether the
    graduate's own push alerts may use it."""
    del session
    consented = exists().where(
        ConsentRecord.user_id == User.id,
        ConsentRecord.purpose == ConsentPurpose.PROFILE_MATCHING.value,
        ConsentRecord.withdrawn_at.is_(None),
    )
    return (
        select(StudentRecord.id)
        .join(GraduateProfile, GraduateProfile.student_record_id == StudentRecord.id)
        .join(User, User.student_record_id == StudentRecord.id)
        .where(
            User.role == Role.GRADUATE.value,
            User.status == AccountStatus.ACTIVE.value,
            consented,
        )
    )


# --------------------------------------------------------------------------- reference names


def _names(session: Session, column: Any, key: Any, codes: Collection[str]) -> dict[str, str]:
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    found: dict[str, str] = {}
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start : start + CHUNK]
        found.update(
            {code: name for code, name in session.execute(select(key, column).where(key.in_(part)))}
        )
    return found


def _city_names(session: Session, codes: Collection[str]) -> dict[str, str]:
    """Region code -> short name (杭州, not 杭州市)."""
    return _names(session, Region.short_name, Region.code, codes)


def _industry_sections(session: Session, codes: Collection[str]) -> dict[str, str]:
    """Industry code (section or division) -> the name of its GB/T 4754 section."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    rows = session.execute(
        select(Industry.code, Industry.name, Industry.parent_code).where(Industry.code.in_(wanted))
    ).all()
    parents = {parent for _, _, parent in rows if parent}
    parent_names = _names(session, Industry.name, Industry.code, parents)
    return {
        code: (parent_names.get(parent, name) if parent else name) for code, name, parent in rows
    }


def _list(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()) if v)


# --------------------------------------------------------------------------- jobs


def load_job_docs(session: Session, job_ids: Iterable[int]) -> dict[int, JobDoc]:
    """The :class:`JobDoc` of each existing job in ``job_ids`` (whatever its status)."""
    rows: list[RowMapping] = []
    for chunk in _chunks(job_ids):
        rows.extend(
            session.execute(
                select(
                    Job.id,
                    Job.title,
                    Job.industry_code,
                    Job.city_code,
                    Job.degree_level,
                    Job.major_codes,
                    Job.skills,
                    Job.salary_min,
                    Job.salary_max,
                    Job.headcount,
                    Job.description,
                    Job.occupation_code,
                    Job.deadline,
                    Job.application_count,
                    Employer.name.label("employer_name"),
                    Employer.employer_type_code,
                )
                .join(Employer, Employer.id == Job.employer_id)
                .where(Job.id.in_(chunk))
            )
            .mappings()
            .all()
        )
    if not rows:
        return {}
    cities = _city_names(session, {r["city_code"] for r in rows})
    industries = _industry_sections(session, {r["industry_code"] for r in rows})
    occupations = _names(
        session, Occupation.name, Occupation.code, {r["occupation_code"] or "" for r in rows}
    )
    majors = _names(
        session, Major.name, Major.code, {c for r in rows for c in (r["major_codes"] or ())}
    )
    employer_types = _names(
        session, EmployerType.name_zh, EmployerType.code, {r["employer_type_code"] for r in rows}
    )
    docs: dict[int, JobDoc] = {}
    for r in rows:
        major_codes = _list(r["major_codes"])
        occupation = r["occupation_code"] or ""
        docs[r["id"]] = JobDoc(
            id=r["id"],
            title=r["title"],
            employer=r["employer_name"],
            employer_type=employer_types.get(r["employer_type_code"], ""),
            industry=industries.get(r["industry_code"], ""),
            industry_code=r["industry_code"],
            city=cities.get(r["city_code"], ""),
            city_code=r["city_code"],
            degree_level=r["degree_level"],
            majors=tuple(majors[c] for c in major_codes if c in majors),
            major_codes=major_codes,
            skills=_list(r["skills"]),
            salary_min=r["salary_min"],
            salary_max=r["salary_max"],
            headcount=r["headcount"],
            description=r["description"] or "",
            occupation_code=occupation,
            occupation=occupations.get(occupation, ""),
            deadline=r["deadline"],
            application_count=r["application_count"],
        )
    return docs


# --------------------------------------------------------------------------- profiles


def _experience_line(item: Any, name_key: str) -> str:
    """One line per internship ("公司 岗位 内容") or project ("名称 角色 内容")."""
    if not isinstance(item, Mapping):
        return str(item)
    parts = (item.get(name_key), item.get("role"), item.get("description"))
    return " ".join(str(p).strip() for p in parts if p and str(p).strip())


def load_profile_docs(session: Session, student_record_ids: Iterable[int]) -> dict[int, ProfileDoc]:
    """The :class:`ProfileDoc` of each student record in the ids that has a profile, keyed by
    ``student_records.id`` (registry facts from the record, the rest from the profile)."""
    rows: list[RowMapping] = []
    for chunk in _chunks(student_record_ids):
        rows.extend(
            session.execute(
                select(
                    StudentRecord.id,
                    StudentRecord.major_code,
                    StudentRecord.degree_level,
                    StudentRecord.graduation_year,
                    University.name.label("university"),
                    Major.name.label("major"),
                    MajorCategory.name.label("major_category"),
                    GraduateProfile.skills,
                    GraduateProfile.certificates,
                    GraduateProfile.internships,
                    GraduateProfile.projects,
                    GraduateProfile.intended_city_codes,
                    GraduateProfile.intended_industry_codes,
                    GraduateProfile.intended_occupation_codes,
                    GraduateProfile.expected_salary,
                    GraduateProfile.summary,
                )
                .join(GraduateProfile, GraduateProfile.student_record_id == StudentRecord.id)
                .join(University, University.id == StudentRecord.university_id)
                .join(Major, Major.code == StudentRecord.major_code)
                .join(MajorCategory, MajorCategory.code == Major.category_code)
                .where(StudentRecord.id.in_(chunk))
            )
            .mappings()
            .all()
        )
    if not rows:
        return {}
    cities = _city_names(session, {c for r in rows for c in (r["intended_city_codes"] or ())})
    industries = _industry_sections(
        session, {c for r in rows for c in (r["intended_industry_codes"] or ())}
    )
    docs: dict[int, ProfileDoc] = {}
    for r in rows:
        city_codes = _list(r["intended_city_codes"])
        industry_codes = _list(r["intended_industry_codes"])
        docs[r["id"]] = ProfileDoc(
            id=r["id"],
            major=r["major"],
            degree_level=r["degree_level"],
            university=r["university"],
            major_code=r["major_code"],
            major_category=r["major_category"] or "",
            graduation_year=r["graduation_year"],
            skills=_list(r["skills"]),
            certificates=_list(r["certificates"]),
            intended_cities=tuple(cities[c] for c in city_codes if c in cities),
            intended_city_codes=city_codes,
            intended_industries=tuple(
                dict.fromkeys(industries[c] for c in industry_codes if c in industries)
            ),
            intended_industry_codes=industry_codes,
            intended_occupation_codes=_list(r["intended_occupation_codes"]),
            expected_salary=r["expected_salary"],
            summary=r["summary"] or "",
            internships=tuple(
                line
                for line in (_experience_line(i, "company") for i in r["internships"] or ())
                if line
            ),
            projects=tuple(
                line for line in (_experience_line(p, "name") for p in r["projects"] or ()) if line
            ),
        )
    return docs
