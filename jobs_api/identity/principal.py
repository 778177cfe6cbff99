"""Who is calling: a role and the scope the role is limited to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    GRADUATE = "graduate"
    EMPLOYER_MEMBER = "employer_member"
    CAREER_OFFICE = "career_office"  # scoped to one university
    PROVINCIAL_ADMIN = "provincial_admin"  # scoped to one province
    NATIONAL_ADMIN = "national_admin"


class EmployerRole(StrEnum):
    OWNER = "owner"
    RECRUITER = "recruiter"


ADMIN_ROLES = frozenset({Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN, Role.NATIONAL_ADMIN})
ALL_ROLES = frozenset(Role)


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller. Exactly the scope fields of its role are set."""

    user_id: int
    role: Role
    session_id: str
    university_id: int | None = None  # career office
    province_code: str | None = None  # provincial administrator
    employer_id: int | None = None  # employer member
    employer_role: EmployerRole | None = None
    student_record_id: int | None = None  # graduate, once linked to the registry

    @property
    def is_verified_graduate(self) -> bool:
        return self.role is Role.GRADUATE and self.student_record_id is not None
