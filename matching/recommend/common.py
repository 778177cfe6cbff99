"""What both directions of recommendation share: vectors that may be unavailable, the
nearest of the country plus the nearest nearby, the registry-only profile of a graduate,
masked names, and the consent/eligibility filter."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Exists

from jobs_api.applications.models import Application
from jobs_api.applications.views import applicants
from jobs_api.core.errors import ServiceUnavailable
from jobs_api.graduates.activation import INELIGIBLE_STATUSES
from jobs_api.graduates.models import ConsentPurpose, ConsentRecord, GraduateProfile, Visibility
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import Role
from jobs_api.registry.models import StudentRecord
from matching.documents import ProfileDoc
from matching.regions import IdArray
from matching.vector_index import VectorIndex

Purpose = Literal["share_with_employers", "push_notifications"]
FloatMatrix = npt.NDArray[np.float32]
T = TypeVar("T")


def maybe_unavailable(compute: Callable[[], T | None]) -> T | None:
    """``compute()``, or ``None`` when the model or the vector index is not available
    (recommendations then rank by keywords and hard signals only)."""
    try:
        return compute()
    except ServiceUnavailable:
        return None


def nearest_with_local(
    index: VectorIndex, query_vector: FloatMatrix, k: int, local: IdArray | None
) -> list[int]:
    """The ``k`` nearest ids of the whole index, then the ``k`` nearest among ``local`` (an
    allow-list from :mod:`matching.regions`) not found already: a national search alone can
    miss the local ones."""
    found = [hit.id for hit in index.search(query_vector, k)]
    if local is not None:
        seen = set(found)
        found += [
            hit.id for hit in index.search(query_vector, k, include_ids=local) if hit.id not in seen
        ]
    return found


def stack_vectors(
    ids: Sequence[int], found: Mapping[int, npt.NDArray[np.float32]]
) -> FloatMatrix | None:
    """One row per id in order, or ``None`` unless every id has a vector (a ranking that
    mixed vector and keyword-only scores would be unfair to those without one)."""
    if not ids or any(i not in found for i in ids):
        return None
    return np.vstack([np.asarray(found[i], dtype=np.float32) for i in ids])


def registry_profiles(session: Session, record_ids: Collection[int]) -> dict[int, ProfileDoc]:
    """Registry facts only (university, major, degree, year) as profile documents: for
    graduates without a profile, or whose profile is hidden from employers."""
    facts = applicants(session, set(record_ids))
    return {
        record_id: ProfileDoc(
            id=record_id,
            major=out.major_name,
            degree_level=out.degree_level,
            university=out.university_name,
            major_code=out.major_code,
            graduation_year=out.graduation_year,
        )
        for record_id, out in facts.items()
    }


def masked_name(name: str) -> str:
    """The surname and one ``*`` per other character: 张伟 -> 张*, 欧阳娜娜 -> 欧***."""
    name = name.strip()
    if not name:
        return "*"
    return name[0] + "*" * max(1, len(name) - 1)


def _consents(purpose: str) -> Exists:
    return exists().where(
        ConsentRecord.user_id == User.id,
        ConsentRecord.purpose == purpose,
        ConsentRecord.withdrawn_at.is_(None),
    )


def eligible_graduates_query(
    purpose: Purpose, *, job_id: int | None = None, exclude_applied: bool = True
) -> Select[int, int, str, bool, bool, bool]:
    """``(student_record_id, user_id, degree_level, low_income, zero_employment,
    disability)`` of graduates who may be suggested for ``purpose``: an active graduate
    account on an eligible registry record, with a profile, consenting to profile matching
    and to ``purpose`` (for employers also the profile visible to verified employers), and —
    with ``exclude_applied`` — never applied to ``job_id``."""
    query = (
        select(
            StudentRecord.id,
            User.id,
            StudentRecord.degree_level,
            StudentRecord.low_income_family,
            StudentRecord.zero_employment_family,
            StudentRecord.has_disability,
        )
        .join(User, User.student_record_id == StudentRecord.id)
        .join(GraduateProfile, GraduateProfile.student_record_id == StudentRecord.id)
        .where(
            User.role == Role.GRADUATE.value,
            User.status == AccountStatus.ACTIVE.value,
            StudentRecord.status.not_in(sorted(INELIGIBLE_STATUSES)),
            _consents(ConsentPurpose.PROFILE_MATCHING.value),
            _consents(purpose),
        )
    )
    if purpose == ConsentPurpose.SHARE_WITH_EMPLOYERS.value:
        query = query.where(GraduateProfile.visibility == Visibility.VERIFIED_EMPLOYERS.value)
    if exclude_applied and job_id is not None:
        query = query.where(
            ~exists().where(
                and_(
                    Application.job_id == job_id,
                    Application.student_record_id == StudentRecord.id,
                )
            )
        )
    return query
