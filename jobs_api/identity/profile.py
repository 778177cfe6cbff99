"""The signed-in account as its owner sees it: role, scope with names, masked contact data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from jobs_api.core.errors import NotFound
from jobs_api.employers.models import Employer
from jobs_api.identity.models import User
from jobs_api.reference.models import Region
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University


@dataclass(frozen=True, slots=True)
class AccountScope:
    university_id: int | None = None
    university_name: str | None = None
    province_code: str | None = None
    province_name: str | None = None
    employer_id: int | None = None
    employer_name: str | None = None
    employer_role: str | None = None
    student_record_id: int | None = None


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    username: str | None
    display_name: str
    role: str
    status: str
    phone_masked: str | None
    email_masked: str | None
    scope: AccountScope
    last_login_at: datetime | None
    created_at: datetime


def mask_email(email: str | None) -> str | None:
    """zhang.wei@example.com -> z***@example.com."""
    if not email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def scope_of(session: Session, user: User) -> AccountScope:
    university_id = user.university_id
    record = session.get(StudentRecord, user.student_record_id) if user.student_record_id else None
    if record is not None:
        university_id = record.university_id
    university = session.get(University, university_id) if university_id else None
    province = session.get(Region, user.province_code) if user.province_code else None
    employer = session.get(Employer, user.employer_id) if user.employer_id else None
    return AccountScope(
        university_id=university.id if university else None,
        university_name=university.name if university else None,
        province_code=province.code if province else None,
        province_name=province.name if province else None,
        employer_id=employer.id if employer else None,
        employer_name=employer.name if employer else None,
        employer_role=user.employer_role,
        student_record_id=user.student_record_id,
    )


def view_of(session: Session, user: User) -> AccountView:
    return AccountView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        status=user.status,
        phone_masked=user.phone_masked,
        email_masked=mask_email(user.email),
        scope=scope_of(session, user),
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


def describe_account(session: Session, user_id: int) -> AccountView:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("账号不存在 (no such account)")
    return view_of(session, user)
