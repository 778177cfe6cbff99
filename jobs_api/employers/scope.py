"""Who sees which employer: members see their own; reviewers see a province (or all).

Reviewer scope is the one employer verification uses, shared by the job-review queue:

* national administrator: every province;
* provincial administrator: employers and jobs located in its province;
* career office: those located in its university's province.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobs_api.employers.errors import NotAnEmployerMember
from jobs_api.identity.errors import OutOfScope, RoleNotAllowed
from jobs_api.identity.principal import Principal, Role
from jobs_api.reference.models import Region
from jobs_api.universities.models import University


def member_employer_id(principal: Principal) -> int:
    """The employer an employer member belongs to (refuses other roles)."""
    if principal.role is not Role.EMPLOYER_MEMBER:
        raise RoleNotAllowed("仅用人单位账号可操作 (employer members only)")
    if principal.employer_id is None:
        raise NotAnEmployerMember("账号未关联用人单位 (account has no employer)")
    return principal.employer_id


def reviewer_province(session: Session, principal: Principal) -> str | None:
    """The province a reviewer covers; ``None`` for every province (national)."""
    if principal.role is Role.NATIONAL_ADMIN:
        return None
    if principal.role is Role.PROVINCIAL_ADMIN:
        if principal.province_code is None:
            raise OutOfScope("账号未关联省份 (account has no province)")
        return principal.province_code
    if principal.role is Role.CAREER_OFFICE:
        university = (
            session.get(University, principal.university_id) if principal.university_id else None
        )
        if university is None:
            raise OutOfScope("账号未关联高校 (account has no university)")
        return university.province_code
    raise RoleNotAllowed("仅审核人员可操作 (reviewers only)")


def province_of_city(session: Session, city_code: str) -> str:
    """The province-level code of a prefecture (or of a province code itself)."""
    region = session.get(Region, city_code)
    if region is None:
        return city_code[:2] + "0000"
    return region.parent_code or region.code


def reviewer_covers(session: Session, principal: Principal, city_code: str) -> bool:
    province = reviewer_province(session, principal)
    return province is None or province_of_city(session, city_code) == province
