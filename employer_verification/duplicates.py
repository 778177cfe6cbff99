"""Duplicate-organisation detection.

Three signals, all routed to a reviewer (none rejects by itself: the genuine organisation may be
the newcomer, and an impostor the earlier account):

* ``duplicate_uscc`` — another employer account holds the same credit code (``employers.uscc``
  is unique today, so this fires only if that constraint is ever relaxed, e.g. for branches);
* ``duplicate_name`` — another employer has the same *normalised* name
  (:func:`employer_verification.names.normalize_name`);
* ``duplicate_name_similar`` — another **enterprise** (registration authority 9) in the same
  province has the same *brand key*: the normalised name without leading or trailing region
  names and without the company-form suffix, i.e. 字号 + 行业 (``杭州云帆网络科技有限公司`` and
  ``浙江云帆网络科技股份有限公司`` share ``云帆网络科技``). Public bodies are named after their
  region (杭州市第一人民医院 / 宁波市第一人民医院), so they get no brand key.

Why not MinHash LSH: organisation names are short (10–20 characters) and share long generic
parts (网络科技有限公司), so character-shingle Jaccard separates a typo from a different
company poorly, and every false candidate costs a manual review. A name that matches its own
registry record exactly already proves the organisation; what is left to catch is the same
organisation under another account or spelling, which the two keys above find with indexed
equality lookups at any scale.

The keys live in ``employer_name_keys``; :func:`index_employer` (run by the checks for the
employer being verified) and :func:`rebuild_name_index` (backfill) keep them current.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from employer_verification import uscc as uscc_rules
from employer_verification.models import EmployerNameKey
from employer_verification.names import normalize_name
from employer_verification.regions import RegionBook
from jobs_api.employers.models import Employer

_FORMS: Final = ("有限合伙", "有限公司", "公司", "合伙企业")
_BRANCH_MARKERS: Final = ("分公司", "分店", "营业部", "办事处")
MIN_BRAND_LENGTH: Final = 2


def brand_key(name: str, uscc: str, regions: RegionBook) -> str | None:
    """字号 + 行业 of an enterprise's name, or ``None`` (public bodies, too short)."""
    code = uscc_rules.compact(uscc)
    if not code.startswith("9"):
        return None
    key = normalize_name(name)
    for marker in _BRANCH_MARKERS:
        if marker in key:  # 某某有限公司杭州分公司 -> its parent company's brand
            key = key.split(marker)[0]
    for _ in range(2):  # 某某有限公司宁波 (a branch's place), 云帆科技(杭州)有限公司
        key = key[: len(key) - len(_suffix(key, regions.all_names))]
        changed = True
        while changed:  # 股份有限公司 -> 有限公司 already; 集团有限公司 keeps 集团
            changed = False
            for form in _FORMS:
                if key.endswith(form) and len(key) > len(form):
                    key, changed = key[: -len(form)], True
    # Leading region: a province, then one of its prefectures (浙江杭州), or a prefecture alone.
    key = key[len(_prefix(key, regions.province_names)) :]
    key = key[len(_prefix(key, regions.prefecture_names)) :]
    if len(key) < MIN_BRAND_LENGTH or key in regions.all_names:
        return None
    return key


def _prefix(key: str, names: tuple[str, ...]) -> str:
    return next((n for n in names if key.startswith(n) and len(key) > len(n)), "")


def _suffix(key: str, names: tuple[str, ...]) -> str:
    return next((n for n in names if key.endswith(n) and len(key) > len(n)), "")


def index_employer(session: Session, employer: Employer, regions: RegionBook) -> EmployerNameKey:
    """Write (or refresh) the employer's name keys."""
    row = session.get(EmployerNameKey, employer.id)
    if row is None:
        row = EmployerNameKey(employer_id=employer.id)
        session.add(row)
    row.normalized_name = normalize_name(employer.name)
    row.brand_key = brand_key(employer.name, employer.uscc, regions)
    return row


def rebuild_name_index(session: Session, regions: RegionBook, batch_size: int = 2_000) -> int:
    """Recompute every employer's keys (after a bulk load or a change of the rules)."""
    session.execute(delete(EmployerNameKey))
    last_id, written = 0, 0
    while True:
        rows = session.execute(
            select(Employer.id, Employer.name, Employer.uscc)
            .where(Employer.id > last_id)
            .order_by(Employer.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return written
        session.add_all(
            EmployerNameKey(
                employer_id=row.id,
                normalized_name=normalize_name(row.name),
                brand_key=brand_key(row.name, row.uscc, regions),
            )
            for row in rows
        )
        session.flush()
        written += len(rows)
        last_id = rows[-1].id


@dataclass(frozen=True, slots=True)
class DuplicateHit:
    kind: str  # duplicate_uscc | duplicate_name | duplicate_name_similar
    employer_id: int
    name: str


def find_duplicates(
    session: Session, employer: Employer, regions: RegionBook, *, limit: int = 5
) -> list[DuplicateHit]:
    """Other employers that look like the same organisation, strongest signal first."""
    hits: list[DuplicateHit] = []
    code = uscc_rules.compact(employer.uscc)
    for other_id, other_name in session.execute(
        select(Employer.id, Employer.name)
        .where(Employer.uscc == code, Employer.id != employer.id)
        .limit(limit)
    ):
        hits.append(DuplicateHit("duplicate_uscc", other_id, other_name))
    normalized = normalize_name(employer.name)
    for other_id, other_name in session.execute(
        select(Employer.id, Employer.name)
        .join(EmployerNameKey, EmployerNameKey.employer_id == Employer.id)
        .where(EmployerNameKey.normalized_name == normalized, Employer.id != employer.id)
        .limit(limit)
    ):
        hits.append(DuplicateHit("duplicate_name", other_id, other_name))
    brand = brand_key(employer.name, employer.uscc, regions)
    own_province = regions.province_of(employer.city_code)
    if brand is not None and own_province is not None:
        seen = {h.employer_id for h in hits}
        for other_id, other_name, other_city in session.execute(
            select(Employer.id, Employer.name, Employer.city_code)
            .join(EmployerNameKey, EmployerNameKey.employer_id == Employer.id)
            .where(EmployerNameKey.brand_key == brand, Employer.id != employer.id)
            .limit(50)
        ):
            other_province = regions.province_of(other_city)
            if other_id in seen or other_province is None:
                continue
            if other_province.code == own_province.code:
                hits.append(DuplicateHit("duplicate_name_similar", other_id, other_name))
    return hits[:limit]
