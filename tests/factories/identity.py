"""Users of every role, with the scope objects they need, and access tokens for them.

Sessions and tokens are made with the real token code; the login flow itself is tested in
tests/identity.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from jobs_api.core.db import utcnow
from jobs_api.core.pii import PiiVault, mask_id_number
from jobs_api.core.settings import Settings
from jobs_api.identity.accounts import NewAccount, create_account
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.models import AccountStatus, AuthSession, User
from jobs_api.identity.principal import EmployerRole, Principal, Role
from jobs_api.identity.tokens import issue_access_token
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University
from tests.factories.jobs import make_employer


def make_university(
    session: Session, *, code: str = "10335", name: str = "浙江大学", city: str = "330100"
) -> University:
    existing = session.scalar(select(University).where(University.code == code))
    if existing is not None:
        return existing
    university = University(
        code=code,
        name=name,
        province_code=city[:2] + "0000",
        city_code=city,
        level="undergraduate",
    )
    session.add(university)
    session.flush()
    return university


def make_student_record(
    session: Session,
    university: University,
    settings: Settings,
    *,
    id_number: str = "330106200301011237",
    student_number: str = "3210100001",
    name: str = "张伟",
) -> StudentRecord:
    vault = PiiVault(settings.secret_key.get_secret_value())
    record = StudentRecord(
        university_id=university.id,
        student_number=student_number,
        name=name,
        id_number_hash=vault.lookup_hash(id_number),
        id_number_cipher=vault.encrypt(id_number),
        id_number_masked=mask_id_number(id_number),
        gender="男",
        college="计算机科学与技术学院",
        major_code="080902",
        degree_level="bachelor",
        enrollment_date=date(2022, 9, 1),
        expected_graduation_date=date(2026, 6, 30),
        graduation_year=2026,
    )
    session.add(record)
    session.flush()
    return record


@dataclass
class Actor:
    user: User
    principal: Principal
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def sign_in(session: Session, user: User, settings: Settings) -> Actor:
    auth_session = AuthSession(
        id=str(uuid.uuid4()), user_id=user.id, expires_at=utcnow() + timedelta(days=14)
    )
    session.add(auth_session)
    session.flush()
    principal = Principal(
        user_id=user.id,
        role=Role(user.role),
        session_id=auth_session.id,
        university_id=user.university_id,
        province_code=user.province_code,
        employer_id=user.employer_id,
        employer_role=EmployerRole(user.employer_role) if user.employer_role else None,
        student_record_id=user.student_record_id,
    )
    token, _ = issue_access_token(principal, settings.secret_key.get_secret_value())
    return Actor(user=user, principal=principal, token=token)


def make_user(session: Session, role: Role, settings: Settings, **scope: object) -> User:
    user = User(
        username=f"{role.value}-{uuid.uuid4().hex[:8]}",
        display_name=role.value,
        role=role.value,
        status=AccountStatus.ACTIVE,
        **scope,
    )
    session.add(user)
    session.flush()
    return user


def make_actor(session: Session, role: Role, settings: Settings) -> Actor:
    """A signed-in user of ``role`` with a plausible scope (Zhejiang University, Hangzhou)."""
    university = make_university(session)
    scope: dict[str, object] = {}
    if role is Role.GRADUATE:
        scope["student_record_id"] = make_student_record(session, university, settings).id
    elif role is Role.EMPLOYER_MEMBER:
        scope["employer_id"] = make_employer(session).id
        scope["employer_role"] = EmployerRole.OWNER.value
    elif role is Role.CAREER_OFFICE:
        scope["university_id"] = university.id
    elif role is Role.PROVINCIAL_ADMIN:
        scope["province_code"] = "330000"
    return sign_in(session, make_user(session, role, settings, **scope), settings)


DEFAULT_PASSWORD = "Secret-pass-2026"


def make_account(
    session: Session,
    kit: IdentityKit,
    role: Role = Role.GRADUATE,
    *,
    username: str | None = None,
    password: str | None = DEFAULT_PASSWORD,
    phone: str | None = None,
    settings: Settings | None = None,
    **scope: object,
) -> User:
    """An account made through ``create_account`` (so with a real Argon2 hash), with a scope
    fitting ``role`` unless one is given: Zhejiang University, a new employer (owner), a new
    student record, or Zhejiang province."""
    settings = settings or kit.settings
    if not scope:
        university = make_university(session)
        if role is Role.GRADUATE:
            number = f"32101{uuid.uuid4().int % 10**5:05d}"
            scope["student_record_id"] = make_student_record(
                session,
                university,
                settings,
                id_number=synthetic_id_number(),
                student_number=number,
            ).id
        elif role is Role.EMPLOYER_MEMBER:
            scope["employer_id"] = make_employer(session).id
            scope["employer_role"] = EmployerRole.OWNER
        elif role is Role.CAREER_OFFICE:
            scope["university_id"] = university.id
        elif role is Role.PROVINCIAL_ADMIN:
            scope["province_code"] = "330000"
    spec = NewAccount(
        role=role,
        username=username or f"{role.value.replace('_', '-')}-{uuid.uuid4().hex[:8]}",
        password=password,
        phone=phone,
        **scope,  # type: ignore[arg-type]
    )
    return create_account(session, kit, spec, actor=None).user


def synthetic_id_number() -> str:
    """A valid (GB 11643 check digit) resident ID number of a made-up person born in Hangzhou
    in 2002–2003 (random birth date and sequence number)."""
    entropy = uuid.uuid4().int
    birth = date(2002, 1, 1) + timedelta(days=entropy % 700)
    body = f"330106{birth:%Y%m%d}{(entropy // 700) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # the check digit position is ignored
