"""Which provinces each indexed graduate wants to work in, and who wants a given province.

Nearest-neighbour search over a national pool ranks graduates by cosine alone: for a job in
one city, the 1,000 nearest of millions may hold few of the graduates who want to work there,
and the city signal then drops most of those found. A job's suggestions and push therefore
also search among the graduates who want the job's province (:func:`provincial_allow_list`,
passed to ``VectorIndex.search(include_ids=...)``).

Province of a GB/T 2260 code: its first two digits and ``0000`` (``330106`` → ``330000``;
the municipalities are provinces: ``110105`` → ``110000``). A graduate with no intended
cities wants "any city" and has no rows: the national search covers them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from matching.documents import ProfileDoc
from matching.models import MatchGraduateProvince
from matching.store import CHUNK

REGIONAL_SHARE_LIMIT = 0.25
"""A province wanted by more than this share of the indexed graduates is already well
represented among a national search's nearest; no provincial search is made for it."""


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


def graduates_wanting(session: Session, province_code: str) -> list[int]:
    return list(
        session.scalars(
            select(MatchGraduateProvince.student_record_id)
            .where(MatchGraduateProvince.province_code == province_code)
            .order_by(MatchGraduateProvince.student_record_id)
        )
    )


def provincial_allow_list(session: Session, city_code: str, indexed: int) -> list[int] | None:
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
