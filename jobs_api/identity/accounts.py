"""Creating accounts of every role, with the scope each role needs, and who may create whom.

Scope per role (anything else set is refused):

* career office: ``university_id`` of an existing university;
* provincial administrator: ``province_code`` of a province-level region;
* employer member: ``employer_id`` of an existing employer and ``employer_role`` (owner or
  recruiter);
* graduate: ``student_record_id`` of a registry record no other account holds;
* national administrator: none.

Who may create whom (:func:`authorize_creation`; ``actor=None`` is the platform itself: CLI,
demo, registration flows of other packages):

* national administrator → provincial administrators and career offices anywhere;
* provincial administrator → career offices of universities in their own province;
* employer owner → recruiters of their own employer.

Without a password the account starts ``pending_activation`` and an activation code goes out
through the code sender; with one it is active at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.core.errors import Conflict
from jobs_api.core.pii import mask_phone
from jobs_api.employers.models import Employer
from jobs_api.identity.codes import CodeSender, send_code
from jobs_api.identity.errors import (
    InvalidAccount,
    OutOfScope,
    PhoneTaken,
    RoleNotAllowed,
    StudentRecordTaken,
    UsernameTaken,
)
from jobs_api.identity.kit import USERNAME_PATTERN, IdentityKit, is_phone, normalise_login_name
from jobs_api.identity.models import AccountStatus, CodePurpose, User
from jobs_api.identity.passwords import PasswordHasher, check_password_policy
from jobs_api.identity.principal import EmployerRole, Principal, Role
from jobs_api.reference.models import Region
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University

SYSTEM = "system"
USERNAME_RULE = "用户名须为 3–64 位，以字母开头，只含字母、数字、下划线、点或连字符"


@dataclass
class NewAccount:
    role: Role
    username: str
    display_name: str = ""
    phone: str | None = None
    email: str | None = None
    password: str | None = None  # None: pending activation, a code is sent
    university_id: int | None = None
    province_code: str | None = None
    employer_id: int | None = None
    employer_role: EmployerRole | None = None
    student_record_id: int | None = None


@dataclass(frozen=True, slots=True)
class CreatedAccount:
    user: User
    activation_code_sent: bool


def _invalid(field: str, message: str) -> InvalidAccount:
    return InvalidAccount(message, fields={field: message})


_SCOPE_FIELDS = {
    Role.CAREER_OFFICE: {"university_id"},
    Role.PROVINCIAL_ADMIN: {"province_code"},
    Role.EMPLOYER_MEMBER: {"employer_id", "employer_role"},
    Role.GRADUATE: {"student_record_id"},
    Role.NATIONAL_ADMIN: set(),
}


def validate_scope(session: Session, spec: NewAccount) -> None:
    """Raise :class:`InvalidAccount` unless the scope fits the role and the records exist."""
    given = {
        name
        for name in (
            "university_id",
            "province_code",
            "employer_id",
            "employer_role",
            "student_record_id",
        )
        if getattr(spec, name) is not None
    }
    extra = given - _SCOPE_FIELDS[spec.role]
    if extra:
        field = sorted(extra)[0]
        raise _invalid(field, f"该角色不应设置 {field} (not part of this role's scope)")
    if spec.role is Role.CAREER_OFFICE:
        if spec.university_id is None or session.get(University, spec.university_id) is None:
            raise _invalid("university_id", "就业指导中心账号须关联一所已登记的高校")
    elif spec.role is Role.PROVINCIAL_ADMIN:
        region = session.get(Region, spec.province_code) if spec.province_code else None
        if region is None or region.level != "province":
            raise _invalid("province_code", "省级管理员账号须关联一个省级行政区划代码")
    elif spec.role is Role.EMPLOYER_MEMBER:
        if spec.employer_id is None or session.get(Employer, spec.employer_id) is None:
            raise _invalid("employer_id", "用人单位账号须关联一家已登记的用人单位")
        if spec.employer_role is None:
            raise _invalid(
                "employer_role", "请指定单位内角色：管理员 (owner) 或招聘专员 (recruiter)"
            )
    elif spec.role is Role.GRADUATE:
        if spec.student_record_id is None or (
            session.get(StudentRecord, spec.student_record_id) is None
        ):
            raise _invalid("student_record_id", "毕业生账号须关联一条学籍记录")
        taken = session.scalar(
            select(User.id).where(User.student_record_id == spec.student_record_id)
        )
        if taken is not None:
            raise StudentRecordTaken("该学籍记录已绑定其他账号 (student record already linked)")


def authorize_creation(session: Session, actor: Principal | None, spec: NewAccount) -> None:
    """Raise unless ``actor`` may create ``spec`` (``None``: the platform itself)."""
    if actor is None:
        return
    if actor.role is Role.NATIONAL_ADMIN:
        if spec.role not in {Role.PROVINCIAL_ADMIN, Role.CAREER_OFFICE}:
            raise RoleNotAllowed("国家级管理员仅可创建省级管理员和高校就业指导中心账号")
        return
    if actor.role is Role.PROVINCIAL_ADMIN:
        if spec.role is not Role.CAREER_OFFICE:
            raise RoleNotAllowed("省级管理员仅可创建本省高校就业指导中心账号")
        university = session.get(University, spec.university_id) if spec.university_id else None
        if university is not None and university.province_code != actor.province_code:
            raise OutOfScope(
                "只能为本省高校创建就业指导中心账号 (university outside your province)"
            )
        return
    if actor.role is Role.EMPLOYER_MEMBER:
        if actor.employer_role is not EmployerRole.OWNER:
            raise OutOfScope("仅单位管理员可邀请招聘专员 (only the employer owner may invite)")
        if (
            spec.role is not Role.EMPLOYER_MEMBER
            or spec.employer_role is not EmployerRole.RECRUITER
        ):
            raise RoleNotAllowed("单位管理员仅可邀请本单位招聘专员")
        if spec.employer_id != actor.employer_id:
            raise OutOfScope("只能邀请本单位的成员 (not your employer)")
        return
    raise RoleNotAllowed("当前身份不能创建账号 (your role may not create accounts)")


def _validate_identity(session: Session, kit: IdentityKit, spec: NewAccount) -> str:
    username = normalise_login_name(spec.username)
    if not USERNAME_PATTERN.match(username):
        raise _invalid("username", USERNAME_RULE)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UsernameTaken("用户名已被使用 (username taken)", fields={"username": "已被使用"})
    if spec.phone is not None:
        if not is_phone(spec.phone.strip()):
            raise _invalid("phone", "请填写 11 位中国大陆手机号")
        phone_hash = kit.vault.lookup_hash(spec.phone.strip())
        if session.scalar(select(User.id).where(User.phone_hash == phone_hash)) is not None:
            raise PhoneTaken(
                "该手机号已绑定其他账号 (phone already used)", fields={"phone": "已被使用"}
            )
    if spec.email is not None and ("@" not in spec.email or len(spec.email) > 200):
        raise _invalid("email", "邮箱地址格式不正确")
    return username


def create_account(
    session: Session,
    kit: IdentityKit,
    spec: NewAccount,
    *,
    actor: Principal | None,
    sender: CodeSender | None = None,
    now: datetime | None = None,
) -> CreatedAccount:
    """Create an account after checking the actor's right, the identity fields and the scope.
    Without ``spec.password`` the account is pending and an activation code is sent (through
    ``sender``, default the kit's)."""
    now = now or utcnow()
    authorize_creation(session, actor, spec)
    username = _validate_identity(session, kit, spec)
    validate_scope(session, spec)
    phone = spec.phone.strip() if spec.phone else None
    if spec.password is not None:
        check_password_policy(spec.password, username=username, phone=phone, field="password")
    vault = kit.vault
    user = User(
        username=username,
        display_name=(spec.display_name or username)[:64],
        phone_hash=vault.lookup_hash(phone) if phone else None,
        phone_cipher=vault.encrypt(phone) if phone else None,
        phone_masked=mask_phone(phone) if phone else None,
        email=spec.email.strip() if spec.email else None,
        password_hash=kit.hasher.hash(spec.password) if spec.password is not None else None,
        role=spec.role.value,
        status=AccountStatus.ACTIVE
        if spec.password is not None
        else AccountStatus.PENDING_ACTIVATION,
        university_id=spec.university_id,
        province_code=spec.province_code,
        employer_id=spec.employer_id,
        employer_role=spec.employer_role.value if spec.employer_role else None,
        student_record_id=spec.student_record_id,
        failed_logins=0,
        lockouts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor_user_id=actor.user_id if actor else None,
        actor_role=actor.role.value if actor else SYSTEM,
        action="account.created",
        subject_type="user",
        subject_id=user.id,
        detail={"role": spec.role.value, "username": username, "status": user.status},
    )
    sent = False
    if spec.password is None:
        send_code(
            session,
            sender or kit.sender(session),
            user,
            CodePurpose.ACTIVATION,
            secret=kit.secret,
            now=now,
        )
        sent = True
    session.flush()
    return CreatedAccount(user=user, activation_code_sent=sent)


def ensure_national_admin(
    session: Session,
    username: str,
    password: str,
    *,
    hasher: PasswordHasher | None = None,
) -> User:
    """Create the national administrator ``username`` with ``password``, or, when it exists,
    set its password and make it active (a CLI recovery path). Another role under that name
    is a conflict. Flushes only; the caller commits."""
    hasher = hasher or PasswordHasher()
    name = normalise_login_name(username)
    if not USERNAME_PATTERN.match(name):
        raise _invalid(
            "username", "用户名须为 3–64 位，以字母开头，只含字母、数字、下划线、点或连字符"
        )
    check_password_policy(password, username=name, field="password")
    user = session.scalar(select(User).where(User.username == name))
    if user is not None and user.role != Role.NATIONAL_ADMIN.value:
        raise Conflict(f"用户名 {name} 已被其他角色使用 (username used by another role)")
    now = utcnow()
    if user is None:
        user = User(
            username=name,
            display_name="国家级管理员",
            role=Role.NATIONAL_ADMIN.value,
            failed_logins=0,
            lockouts=0,
            created_at=now,
            updated_at=now,
        )
        session.add(user)
    user.password_hash = hasher.hash(password)
    user.status = AccountStatus.ACTIVE
    user.failed_logins, user.lockouts, user.locked_until = 0, 0, None
    session.flush()
    record_audit(
        session,
        actor_user_id=None,
        actor_role=SYSTEM,
        action="account.national_admin_ensured",
        subject_type="user",
        subject_id=user.id,
        detail={"username": name},
    )
    session.flush()
    return user
