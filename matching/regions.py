"""Local allow-lists for the vector searches: who wants a job's province, which jobs are where
a graduate wants to work.

Nearest-neighbour search over a national pool ranks by cosine alone. For a job in one city,
the 1,000 nearest graduates of millions may hold few who want to work there; for a graduate
who wants Hangzhou, the 200 nearest jobs of the country may hold few in Hangzhou; the city
signal then drops most of what was found. So a job's suggestions and push also search among
the graduates who want the job's province (:func:`provincial_allow_list`), and a graduate's
recommendations among the jobs in the places the graduate wants (:func:`local_job_allow_list`),
both passed to ``VectorIndex.search(include_ids=...)``.

Province of a GB/T 2260 code: its first two digits and ``0000`` (``330106`` → ``330000``;
the municipalities are provinces: ``110105`` → ``110000``). A graduate with no intended
cities wants "any city" and has no rows: the national search covers them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from jobs_api.jobs.models import Job
from matching.documents import ProfileDoc
from matching.models import MatchGraduateProvince
from matching.sources import recommendable_job_ids
from matching.store import CHUNK

IdArray = npt.NDArray[np.int64]
"""Allow-lists are int64 arrays: the vector index validates them without a Python loop
(27 ms for 125,000 ids as a list)."""

REGIONAL_SHARE_LIMIT = 0.25
"""An allow-list holding more than this share of the indexed pool (the graduates who want a
province, the jobs of a graduate's places) is already well represented among a national
search's nearest; no local search is made for it."""


def province_of(region_code: str) -> str | None:
    """``330106`` → ``330000``; ``None`` for anything that is not a 6-digit code."""
    if len(region_code) != 6 or not region_code.isdigit() or region_code[:2] == "00":
        return None
    return f"{region_code[:2]}0000"


def wanted_provinces(doc: ProfileDoc) -> set[str]:
    return {p for p in (province_of(code) for code in doc.intended_city_codes) if p}


def replace_graduate_provinces(
    session: Session, record_ids: Sequence[int], docs: Mapping[int, ProfileDoc]
) -> None:
    """The province rows of ``record_ids`` become those of their ``docs`` (none for an id
    without a doc: a graduate who left matching)."""
    for start in range(0, len(record_ids), CHUNK):
        chunk = list(record_ids[start : start + CHUNK])
        session.execute(
            delete(MatchGraduateProvince).where(MatchGraduateProvince.student_record_id.in_(chunk))
        )
        rows = [
            {"student_record_id": record_id, "province_code": province}
            for record_id in chunk
            if record_id in docs
            for province in sorted(wanted_provinces(docs[record_id]))
        ]
        if rows:
            session.execute(insert(MatchGraduateProvince), rows)


def _id_array(ids: Iterable[int]) -> IdArray:
    return np.fromiter(ids, dtype=np.int64)


def graduates_wanting(session: Session, province_code: str) -> IdArray:
    return _id_array(
        session.scalars(
            select(MatchGraduateProvince.student_record_id)
            .where(MatchGraduateProvince.province_code == province_code)
            .order_by(MatchGraduateProvince.student_record_id)
        )
    )


def provincial_allow_list(session: Session, city_code: str, indexed: int) -> IdArray | None:
    """The graduates who want the province of ``city_code``, when a search among them adds
    to a national one: ``None`` without a province, when nobody wants it, or when they are
    more than :data:`REGIONAL_SHARE_LIMIT` of the ``indexed`` graduates."""
    province = province_of(city_code)
    if province is None or indexed <= 0:
        return None
    wanting = session.scalar(
        select(func.count())
        .select_from(MatchGraduateProvince)
        .where(MatchGraduateProvince.province_code == province)
    )
    if not wanting or wanting > REGIONAL_SHARE_LIMIT * indexed:
        return None
    return graduates_wanting(session, province)


def split_places(codes: Sequence[str]) -> tuple[list[str], list[str]]:
    """Valid region codes as (cities, provinces), each sorted and unique."""
    valid = {code for code in codes if province_of(code)}
    provinces = sorted(code for code in valid if province_of(code) == code)
    return sorted(valid - set(provinces)), provinces


def local_job_allow_list(
    session: Session, intended_codes: Sequence[str], indexed: int
) -> IdArray | None:
    """Recommendable jobs in the graduate's intended cities (every city of an intended
    province), when a search among them adds to a national one: ``None`` without intended
    places, when there are none, or when they are more than :data:`REGIONAL_SHARE_LIMIT` of
    the ``indexed`` jobs."""
    cities, provinces = split_places(intended_codes)
    if not (cities or provinces) or indexed <= 0:
        return None
    places: list[ColumnElement[bool]] = [Job.city_code.in_(cities)] if cities else []
    places += [  # every code of the province: 330000 <= code < 340000
        and_(Job.city_code >= p, Job.city_code < f"{int(p[:2]) + 1:02d}0000") for p in provinces
    ]
    most = int(REGIONAL_SHARE_LIMIT * indexed)
    ids = _id_array(session.scalars(recommendable_job_ids().where(or_(*places)).limit(most + 1)))
    if not ids.size or ids.size > most:
        return None
    return ids
