"""One sign-in per role for demos: ``gradmatch demo`` calls :func:`create_demo_accounts`.

Usernames are deterministic: ``admin`` (national), ``zhejiang`` (浙江省, 330000),
``career-<university code>`` (a Zhejiang demo university with student records, else the first
one), ``hr-<employer id>`` (owner of the first verified employer) and
``grad-<student number>`` (a record of that university). The password is
``GRADMATCH_DEMO_PASSWORD`` (default ``gradmatch-demo-2026``). Running it again changes nothing
but puts the demo accounts back to that password, active and unlocked. Roles whose scope
records are missing (no demo data yet) are skipped. Flushes only; the caller commits.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from jobs_api.core.settings import Settings
from jobs_api.employers.models import REACHES_GRADUATES, Employer
from jobs_api.identity.accounts import NewAccount, create_account, ensure_national_admin
from jobs_api.identity.config import IdentitySettings
from jobs_api.identity.kit import USERNAME_PATTERN, IdentityKit, build_identity_kit
from jobs_api.identity.limiter import MemoryAttemptStore
from jobs_api.identity.lockout import CLEAR, apply_to
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.passwords import PasswordHasher
from jobs_api.identity.principal import EmployerRole, Role
from jobs_api.reference.models import Region
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University

DEMO_PROVINCE = "330000"  # 浙江省


def _demo_university(session: Session) -> University | None:
    has_records = exists().where(StudentRecord.university_id == University.id)
    for query in (
        select(University).where(University.province_code == DEMO_PROVINCE, has_records),
        select(University).where(has_records),
        select(University),
    ):
        found = session.scalar(query.order_by(University.code).limit(1))
        if found is not None:
            return found
    return None


def _demo_record(session: Session, university: University) -> StudentRecord | None:
    """The first record of ``university`` that is free or already the demo graduate's."""
    records = session.scalars(
        select(StudentRecord)
        .where(StudentRecord.university_id == university.id)
        .order_by(StudentRecord.id)
        .limit(50)
    )
    for record in records:
        holder = session.scalar(select(User).where(User.student_record_id == record.id))
        if holder is None or holder.username == f"grad-{record.student_number}".lower():
            return record
    return None


def _ensure(
    session: Session, kit: IdentityKit, spec: NewAccount, password: str
) -> tuple[str, str, str]:
    username = spec.username.lower()
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        spec.password = password
        create_account(session, kit, spec, actor=None)
    elif user.role == spec.role.value:
        user.password_hash = kit.hasher.hash(password)
        user.status = AccountStatus.ACTIVE
        apply_to(user, CLEAR)
        session.flush()
    return spec.role.value, username, password


def create_demo_accounts(
    session: Session,
    settings: Settings,
    *,
    password: str | None = None,
    hasher: PasswordHasher | None = None,
) -> list[tuple[str, str, str]]:
    """(role, username, password) of each demo account, created or refreshed."""
    password = password or IdentitySettings().demo_password.get_secret_value()
    kit = build_identity_kit(settings, hasher=hasher, attempts=MemoryAttemptStore())
    made: list[tuple[str, str, str]] = []
    admin = ensure_national_admin(session, "admin", password, hasher=kit.hasher)
    made.append((Role.NATIONAL_ADMIN.value, admin.username or "admin", password))
    if session.get(Region, DEMO_PROVINCE) is not None:
        spec = NewAccount(
            role=Role.PROVINCIAL_ADMIN,
            username="zhejiang",
            display_name="浙江省教育厅",
            province_code=DEMO_PROVINCE,
        )
        made.append(_ensure(session, kit, spec, password))
    university = _demo_university(session)
    if university is not None:
        spec = NewAccount(
            role=Role.CAREER_OFFICE,
            username=f"career-{university.code}",
            display_name=f"{university.name}就业指导中心",
            university_id=university.id,
        )
        made.append(_ensure(session, kit, spec, password))
    employer = session.scalar(
        select(Employer)
        .where(Employer.verification_status.in_([s.value for s in REACHES_GRADUATES]))
        .order_by(Employer.id)
        .limit(1)
    )
    if employer is not None:
        spec = NewAccount(
            role=Role.EMPLOYER_MEMBER,
            username=f"hr-{employer.id}",
            display_name=f"{employer.name[:50]}招聘负责人",
            employer_id=employer.id,
            employer_role=EmployerRole.OWNER,
        )
        made.append(_ensure(session, kit, spec, password))
    record = _demo_record(session, university) if university is not None else None
    if record is not None and USERNAME_PATTERN.match(f"grad-{record.student_number}".lower()):
        spec = NewAccount(
            role=Role.GRADUATE,
            username=f"grad-{record.student_number}",
            display_name=record.name,
            student_record_id=record.id,
        )
        made.append(_ensure(session, kit, spec, password))
    return made
