"""Graduate accounts linked to registry records (学籍): self-claim, pre-activation, the guard.

Self-claim (:func:`activate_self`): a person proves who they are with name, resident ID
number, student number and university. The record is looked up by the ID number's keyed
hash, then name, student number and university are compared; every mismatch, and an unknown
ID number, give the same ``activation_failed`` answer in the same (short) time, and count
towards two limits: failures per client address and failures per ID number hash.

Pre-activation (:func:`preactivate_cohort`, 无需注册即开通): a career office creates
``pending_activation`` accounts for a cohort of its university and sends each graduate a
one-time activation code through identity's ``CodeSender``. Records hold no phone, so the
code goes to the account's school channel: the account's username,
``g<university code>-<student number>`` (the code sender's recipient). The graduate then sets
a password and a phone with :func:`activate_with_code`, or asks for a fresh code with
:func:`request_activation_code` (codes live 10 minutes).

:func:`is_verified_graduate` is what other packages ask before letting a graduate apply or
be recommended; :mod:`jobs_api.graduates.guards` wraps it as a route dependency.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.core.pii import mask_phone
from jobs_api.graduates.consent import grant_consents, has_consent
from jobs_api.graduates.errors import (
    ActivationFailed,
    AlreadyActivated,
    NoGraduateScope,
    RecordNotEligible,
)
from jobs_api.graduates.models import ConsentPurpose, Visibility
from jobs_api.graduates.profile import find_profile, get_or_create_profile
from jobs_api.graduates.schemas import (
    ActivationOut,
    CodeActivationIn,
    PreactivationIn,
    PreactivationOut,
    SelfActivationIn,
)
from jobs_api.identity.accounts import NewAccount, create_account
from jobs_api.identity.codes import send_code
from jobs_api.identity.errors import PhoneTaken, TooManyAttempts
from jobs_api.identity.kit import USERNAME_PATTERN, IdentityKit
from jobs_api.identity.limiter import Limit, is_exceeded, retry_after_seconds
from jobs_api.identity.models import AccountStatus, CodePurpose, User
from jobs_api.identity.passwords import check_password_policy
from jobs_api.identity.principal import Principal, Role
from jobs_api.identity.reset import activate_account
from jobs_api.identity.sessions import ANONYMOUS
from jobs_api.registry.models import EnrollmentStatus, StudentRecord
from jobs_api.universities.models import University

# Failed self-claims from one client address (generous: a campus shares a few addresses) and
# for one ID number (tight: guessing the other fields of a known ID number).
CLAIM_FAILURES_PER_CLIENT = Limit("graduate-claim-ip", 30, timedelta(minutes=15))
CLAIM_FAILURES_PER_ID = Limit("graduate-claim-id", 5, timedelta(hours=1))
# Requests for a fresh activation code.
CODE_REQUESTS_PER_CLIENT = Limit("graduate-code-ip", 10, timedelta(minutes=15))
CODE_REQUESTS_PER_ACCOUNT = Limit("graduate-code-account", 3, timedelta(minutes=15))

INELIGIBLE_STATUSES = frozenset({EnrollmentStatus.WITHDRAWN.value})
ACTIVATION_FAILED_MESSAGE = (
    "信息核验未通过，请核对姓名、身份证号、学号和学校后重试 "
    "(the details do not match a registry record)"
)
TOO_MANY_MESSAGE = "尝试次数过多，请稍后再试 (too many attempts; try again later)"
ALREADY_ACTIVATED_MESSAGE = (
    "该学籍已开通账号。如忘记密码，请使用“找回密码”重置 "
    "(this record already has an account; reset the password if you forgot it)"
)
CODE_REQUEST_ACCEPTED = (
    "如果该学号已由学校预开通账号，激活验证码已重新发送，10 分钟内有效 "
    "(if the account was pre-activated, a new code has been sent)"
)
LOGIN_HINT = "请使用手机号或用户名 {username} 和密码登录 (sign in with your phone or username)"


def graduate_username(university_code: str, student_number: str, record_id: int) -> str:
    """The login name (and code recipient) of a graduate account: ``g<code>-<number>``, or
    ``g<code>-r<record id>`` when the student number has characters a username cannot."""
    name = f"g{university_code}-{student_number.strip().lower()}"
    return name if USERNAME_PATTERN.match(name) else f"g{university_code}-r{record_id}"


def _pending_account(session: Session, university_code: str, student_number: str) -> User | None:
    """The pre-activated account of a university's student number, if there is one."""
    return session.scalar(
        select(User)
        .join(StudentRecord, StudentRecord.id == User.student_record_id)
        .join(University, University.id == StudentRecord.university_id)
        .where(
            University.code == university_code,
            StudentRecord.student_number == student_number,
            User.status == AccountStatus.PENDING_ACTIVATION.value,
        )
    )


def _same_name(a: str, b: str) -> bool:
    def norm(value: str) -> str:
        return re.sub(r"[\s·•]", "", unicodedata.normalize("NFKC", value)).casefold()

    return norm(a) == norm(b)


def _throttle(kit: IdentityKit, limits: list[tuple[Limit, str]], now: datetime) -> None:
    for limit, subject in limits:
        if is_exceeded(kit.attempts, limit, subject, now):
            raise TooManyAttempts(
                TOO_MANY_MESSAGE,
                retry_after=retry_after_seconds(kit.attempts, limit, subject, now),
            )


def _hit(kit: IdentityKit, limits: list[tuple[Limit, str]], now: datetime) -> None:
    for limit, subject in limits:
        kit.attempts.hit(limit.key(subject), window=limit.window, now=now)


def _university(session: Session, code: str | None, university_id: int | None) -> University | None:
    if university_id is not None:
        return session.get(University, university_id)
    return session.scalar(select(University).where(University.code == code))


def account_of_record(session: Session, record_id: int) -> User | None:
    return session.scalar(select(User).where(User.student_record_id == record_id))


def _check_phone_free(session: Session, kit: IdentityKit, phone: str, user: User | None) -> str:
    phone_hash = kit.vault.lookup_hash(phone)
    owner = session.scalar(select(User.id).where(User.phone_hash == phone_hash))
    if owner is not None and (user is None or owner != user.id):
        raise PhoneTaken(
            "该手机号已绑定其他账号 (this phone number belongs to another account)",
            fields={"phone": "手机号已被使用 (phone already in use)"},
        )
    return phone_hash


def _finish(
    session: Session,
    kit: IdentityKit,
    user: User,
    record: StudentRecord,
    phone: str,
    phone_hash: str,
    consents: list[ConsentPurpose],
    method: str,
) -> ActivationOut:
    """The common end of both flows: phone, consents, profile, audit."""
    user.phone_hash = phone_hash
    user.phone_cipher = kit.vault.encrypt(phone)
    user.phone_masked = mask_phone(phone)
    session.flush()
    grant_consents(session, user.id, consents)
    is_new_profile = find_profile(session, record.id) is None
    profile = get_or_create_profile(session, record.id)
    if not has_consent(session, user.id, ConsentPurpose.SHARE_WITH_EMPLOYERS):
        profile.visibility = Visibility.HIDDEN.value
    elif is_new_profile:
        profile.visibility = Visibility.VERIFIED_EMPLOYERS.value
    record_audit(
        session,
        actor_user_id=user.id,
        actor_role=Role.GRADUATE.value,
        action="graduate.activated",
        subject_type="user",
        subject_id=user.id,
        detail={
            "method": method,
            "student_record_id": record.id,
            "consents": sorted(c.value for c in consents),
        },
    )
    session.flush()
    return ActivationOut(
        user_id=user.id,
        status=user.status,
        display_name=user.display_name,
        phone_masked=user.phone_masked,
        login_hint=LOGIN_HINT.format(username=user.username or ""),
    )


def activate_self(
    session: Session,
    kit: IdentityKit,
    data: SelfActivationIn,
    *,
    client_ip: str,
    now: datetime | None = None,
) -> ActivationOut:
    """Claim a registry record and open (or complete) its graduate account."""
    now = now or utcnow()
    id_hash = kit.vault.lookup_hash(data.id_number)
    limits = [(CLAIM_FAILURES_PER_CLIENT, client_ip), (CLAIM_FAILURES_PER_ID, id_hash)]
    _throttle(kit, limits, now)
    university = _university(session, data.university_code, data.university_id)
    # One person may hold records at several universities (a bachelor's here, a master's
    # there): among the ID number's records, the one of the given university and number.
    record = None
    if university is not None:
        record = session.scalar(
            select(StudentRecord).where(
                StudentRecord.id_number_hash == id_hash,
                StudentRecord.university_id == university.id,
                func.upper(StudentRecord.student_number) == data.student_number.upper(),
            )
        )
    if university is None or record is None or not _same_name(record.name, data.name):
        _hit(kit, limits, now)
        record_audit(
            session,
            actor_user_id=None,
            actor_role=ANONYMOUS,
            action="graduate.activation_failed",
            subject_type="student_record",
            subject_id=record.id if record is not None else "unknown",
            detail={"method": "self_claim"},
        )
        raise ActivationFailed(ACTIVATION_FAILED_MESSAGE)
    if record.status in INELIGIBLE_STATUSES:
        raise RecordNotEligible(
            f"学籍状态为“{record.status}”，不能开通账号，请联系学校就业指导中心 "
            "(the registry status does not allow an account)"
        )
    user = account_of_record(session, record.id)
    if user is not None and user.status != AccountStatus.PENDING_ACTIVATION:
        raise AlreadyActivated(ALREADY_ACTIVATED_MESSAGE)
    password = data.password.get_secret_value()
    if user is None:
        user = create_account(
            session,
            kit,
            NewAccount(
                role=Role.GRADUATE,
                username=graduate_username(university.code, record.student_number, record.id),
                display_name=record.name,
                phone=data.phone,
                password=password,
                student_record_id=record.id,
            ),
            actor=None,
            now=now,
        ).user
        phone_hash = user.phone_hash or ""
    else:  # pre-activated by the career office: proving identity replaces the code
        check_password_policy(password, username=user.username, phone=data.phone, field="password")
        phone_hash = _check_phone_free(session, kit, data.phone, user)
        user.password_hash = kit.hasher.hash(password)
        user.status = AccountStatus.ACTIVE.value
    session.flush()
    kit.attempts.clear(CLAIM_FAILURES_PER_ID.key(id_hash))
    return _finish(session, kit, user, record, data.phone, phone_hash, data.consents, "self_claim")


def activate_with_code(
    session: Session,
    kit: IdentityKit,
    data: CodeActivationIn,
    *,
    client_ip: str,
    now: datetime | None = None,
) -> ActivationOut:
    """Finish a pre-activated account: code, first password and phone.

    A wrong or expired code, or a student number without a pending account, raise identity's
    ``invalid_code`` (a recorded refusal: the wrong try must be committed)."""
    now = now or utcnow()
    pending = _pending_account(session, data.university_code, data.student_number)
    login_name = (pending.username or "-") if pending is not None else "-"
    check_password_policy(
        data.new_password.get_secret_value(),
        username=login_name,
        phone=data.phone,
        field="new_password",
    )
    user = activate_account(
        session,
        kit,
        login_name,
        data.code,
        data.new_password.get_secret_value(),
        client_ip=client_ip,
        now=now,
    )
    record = session.get(StudentRecord, user.student_record_id) if user.student_record_id else None
    if record is None or record.status in INELIGIBLE_STATUSES:
        raise RecordNotEligible(
            "学籍状态不能开通账号，请联系学校就业指导中心 "
            "(the registry status does not allow an account)"
        )
    phone_hash = _check_phone_free(session, kit, data.phone, user)
    return _finish(
        session, kit, user, record, data.phone, phone_hash, data.consents, "activation_code"
    )


def request_activation_code(
    session: Session,
    kit: IdentityKit,
    university_code: str,
    student_number: str,
    *,
    client_ip: str,
    now: datetime | None = None,
) -> None:
    """Send a fresh activation code to a pre-activated account; silent when there is none."""
    now = now or utcnow()
    limits = [
        (CODE_REQUESTS_PER_CLIENT, client_ip),
        (CODE_REQUESTS_PER_ACCOUNT, kit.vault.lookup_hash(f"{university_code}:{student_number}")),
    ]
    _throttle(kit, limits, now)
    _hit(kit, limits, now)
    user = _pending_account(session, university_code, student_number)
    if user is None:
        return
    send_code(
        session, kit.sender(session), user, CodePurpose.ACTIVATION, secret=kit.secret, now=now
    )
    record_audit(
        session,
        actor_user_id=None,
        actor_role=ANONYMOUS,
        action="graduate.activation_code_requested",
        subject_type="user",
        subject_id=user.id,
        detail={},
    )
    session.flush()


def preactivate_cohort(
    session: Session, kit: IdentityKit, principal: Principal, data: PreactivationIn
) -> PreactivationOut:
    """Create pending accounts for a cohort of the caller's university and send their codes.

    Idempotent: records that already have an account (pending, active, ...) are counted and
    left alone, so running it twice creates nothing and sends nothing the second time. One
    call creates at most ``data.limit`` accounts (in student-number order) so that it stays
    short; ``remaining`` says how many the next call would still create."""
    if principal.role is not Role.CAREER_OFFICE or principal.university_id is None:
        raise NoGraduateScope("仅高校就业部门可预开通账号 (career office of a university only)")
    university = session.get(University, principal.university_id)
    if university is None:
        raise NoGraduateScope("账号未关联高校 (account has no university)")
    cohort = [
        StudentRecord.university_id == university.id,
        StudentRecord.graduation_year == data.graduation_year,
    ]
    if data.college is not None:
        cohort.append(StudentRecord.college == data.college)
    if data.major_code is not None:
        cohort.append(StudentRecord.major_code == data.major_code)
    has_account = User.id.is_not(None)
    eligible = StudentRecord.status.not_in(sorted(INELIGIBLE_STATUSES))
    counts = session.execute(
        select(
            func.count(),
            func.count(User.id),
            func.count(case((and_(User.id.is_(None), eligible), 1))),
        )
        .select_from(StudentRecord)
        .outerjoin(User, User.student_record_id == StudentRecord.id)
        .where(*cohort)
    ).one()
    matched, already, without_account = (int(n or 0) for n in counts)
    candidates = session.scalars(
        select(StudentRecord)
        .outerjoin(User, User.student_record_id == StudentRecord.id)
        .where(*cohort, ~has_account, eligible)
        .order_by(StudentRecord.student_number, StudentRecord.id)
        .limit(data.limit)
    ).all()
    sender = kit.sender(session)
    for record in candidates:
        create_account(
            session,
            kit,
            NewAccount(
                role=Role.GRADUATE,
                username=graduate_username(university.code, record.student_number, record.id),
                display_name=record.name,
                password=None,  # pending activation; create_account sends the code
                student_record_id=record.id,
            ),
            actor=None,
            sender=sender,
        )
    created = len(candidates)
    result = PreactivationOut(
        matched=matched,
        created=created,
        codes_sent=created,
        already_had_account=already,
        not_eligible=matched - already - without_account,
        remaining=without_account - created,
    )
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="graduate.cohort_preactivated",
        subject_type="university",
        subject_id=university.id,
        detail={**data.model_dump(exclude_none=True), **result.model_dump()},
    )
    session.flush()
    return result


def is_verified_graduate(session: Session, user_id: int) -> bool:
    """An active graduate account linked to a registry record that allows an account.

    Pending (pre-activated, not yet claimed), disabled and deleted accounts, accounts without
    a record, and records whose status is 退学 are not verified: they may not apply for jobs
    nor be recommended to employers."""
    row = session.execute(
        select(User.role, User.status, StudentRecord.status)
        .join(StudentRecord, StudentRecord.id == User.student_record_id)
        .where(User.id == user_id)
    ).first()
    if row is None:
        return False
    role, status, record_status = row
    return (
        role == Role.GRADUATE.value
        and status == AccountStatus.ACTIVE.value
        and record_status not in INELIGIBLE_STATUSES
    )
