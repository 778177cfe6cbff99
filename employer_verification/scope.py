"""Which employers a reviewer covers.

* national administrator: every employer;
* provincial administrator: employers located in its province;
* career office: employers located in its university's province. Employers recruit across a
  whole province far more than around one campus, a province's career offices share the
  review load of its employers, and the province is the unit the provincial employment
  authorities answer for — so a career office reviews at province level, not city level.

An employer's province is the parent of its (prefecture-level) ``city_code``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from employer_verification.errors import NoProvinceScope
from jobs_api.employers.models import Employer
from jobs_api.identity.errors import RoleNotAllowed
from jobs_api.identity.principal import Principal, Role
from jobs_api.reference.models import Region
from jobs_api.universities.models import University

REVIEWER_ROLES = frozenset({Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN})


def reviewer_province(session: Session, principal: Principal) -> str | None:
    """The province a reviewer covers; ``None`` means every province."""
    if principal.role is Role.NATIONAL_ADMIN:
        return None
    if principal.role is Role.PROVINCIAL_ADMIN:
        if not principal.province_code:
            raise NoProvinceScope("当前管理员账号未关联省份 (administrator has no province)")
        return principal.province_code
    if principal.role is Role.CAREER_OFFICE:
        university = (
            session.get(University, principal.university_id) if principal.university_id else None
        )
        if university is None:
            raise NoProvinceScope("当前账号未关联高校 (account has no university)")
        return university.province_code
    raise RoleNotAllowed("仅审核人员可操作 (reviewers only)")


def employer_province_expr() -> ColumnElement[str]:
    """SQL: the province of ``Employer.city_code`` (the region's parent, or itself)."""
    city = aliased(Region)
    parent = (
        select(func.coalesce(city.parent_code, city.code))
        .where(city.code == Employer.city_code)
        .correlate(Employer)
        .scalar_subquery()
    )
    return func.coalesce(parent, Employer.city_code)


def province_of_city(session: Session, city_code: str) -> str:
    region = session.get(Region, city_code)
    if region is None:
        return city_code[:2] + "0000"
    return region.parent_code or region.code


def covers(session: Session, principal: Principal, employer: Employer) -> bool:
    province = reviewer_province(session, principal)
    return province is None or province_of_city(session, employer.city_code) == province
