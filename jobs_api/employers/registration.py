"""Employer registration: the organisation, its owner account and its licence, in one
transaction that also records ``employers.registered`` for verification to pick up.

Order of checks: the credit code first (format and GB 32100-2015 check digit, a 422 naming
the field), then the other fields against the reference tables, the terms, the licence
content, and only then the database (a credit code already on the platform is a 409 that
does not say which organisation holds it). Attempts are counted per client address
(:data:`REGISTRATIONS_PER_IP`) so that the duplicate answer cannot be used to probe codes in
bulk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.core.pii import PiiVault, mask_phone
from jobs_api.employers.errors import (
    EmployerAlreadyRegistered,
    InvalidEmployerData,
    InvalidUscc,
    RegistrationThrottled,
    TermsNotAccepted,
)
from jobs_api.employers.events import publish_employer_registered
from jobs_api.employers.licences import LicenceUpload, inspect_licence, store_licence
from jobs_api.employers.models import Employer, EmployerLicence, VerificationStatus
from jobs_api.employers.references import city_problem, employer_type_problem, industry_problem
from jobs_api.employers.schemas import TERMS_VERSION, RegistrationIn
from jobs_api.identity.accounts import NewAccount, create_account
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.limiter import AttemptStore, Limit, retry_after_seconds
from jobs_api.identity.models import User
from jobs_api.identity.principal import EmployerRole, Role

REGISTRATIONS_PER_IP = Limit("employer-register-ip", 10, timedelta(hours=1))

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
DUPLICATE_MESSAGE = (
    "该统一社会信用代码已在平台注册；如需加入，请联系本单位管理员邀请 "
    "(this credit code is already registered; ask your organisation's owner for an invitation)"
)


def normalise_uscc(raw: str) -> str:
    """Upper case, without spaces or hyphens."""
    return str(uscc_std.compact(raw))


def check_uscc(raw: str, *, field: str = "uscc") -> str:
    """The normalised credit code, or :class:`InvalidUscc` saying what is wrong with it."""
    code = normalise_uscc(raw)
    try:
        uscc_std.validate(code)
    except InvalidLength as exc:
        message = "统一社会信用代码应为 18 位 (18 characters expected)"
        raise InvalidUscc(message, fields={field: message}) from exc
    except InvalidChecksum as exc:
        message = "统一社会信用代码校验位错误 (check digit is wrong)"
        raise InvalidUscc(message, fields={field: message}) from exc
    except ValidationError as exc:
        message = (
            "统一社会信用代码格式错误：前 8 位为数字，其余为数字或大写字母（不含 I、O、Z、S、V） "
            "(invalid format)"
        )
        raise InvalidUscc(message, fields={field: message}) from exc
    return code


def normalise_phone(raw: str) -> str:
    return re.sub(r"[\s\-()（）]", "", raw.strip())


def check_contact_phone(raw: str, *, field: str = "contact_phone") -> str:
    phone = normalise_phone(raw)
    if phone.startswith("+86"):
        phone = phone[3:]
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        message = "请填写 11 位手机号或带区号的固定电话 (mobile or landline with area code)"
        raise InvalidEmployerData(message, fields={field: message})
    return phone


def check_reference_fields(
    session: Session,
    *,
    employer_type: str | None = None,
    industry_code: str | None = None,
    city_code: str | None = None,
) -> None:
    """Every problem with the given codes at once, as one 422 with ``fields``."""
    problems: dict[str, str] = {}
    if employer_type is not None and (p := employer_type_problem(session, employer_type)):
        problems["employer_type"] = p
    if industry_code is not None and (p := industry_problem(session, industry_code)):
        problems["industry_code"] = p
    if city_code is not None and (p := city_problem(session, city_code)):
        problems["city_code"] = p
    if problems:
        raise InvalidEmployerData("单位信息有误，请检查标出的字段 (see fields)", fields=problems)


def count_attempt(attempts: AttemptStore, client_ip: str, now: datetime | None = None) -> None:
    """Count a registration attempt from ``client_ip``; refuse past the limit (429)."""
    now = now or utcnow()
    limit = REGISTRATIONS_PER_IP
    seen = attempts.hit(limit.key(client_ip), window=limit.window, now=now)
    if seen > limit.max_events:
        raise RegistrationThrottled(
            "注册尝试过于频繁，请稍后再试 (too many registration attempts, try again later)",
            retry_after=retry_after_seconds(attempts, limit, client_ip, now),
        )


def uscc_taken(session: Session, code: str, *, except_id: int | None = None) -> bool:
    query = select(Employer.id).where(Employer.uscc == code)
    if except_id is not None:
        query = query.where(Employer.id != except_id)
    return session.scalar(query.limit(1)) is not None


def flush_unique_uscc(session: Session) -> None:
    """Flush; a concurrent registration of the same code (the unique constraint) becomes the
    same 409 as the up-front check (the request then rolls back as for any error)."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise EmployerAlreadyRegistered(DUPLICATE_MESSAGE, fields={"uscc": "已注册"}) from exc


@dataclass(frozen=True, slots=True)
class Registered:
    employer: Employer
    owner: User
    licence: EmployerLicence


def register_employer(
    session: Session,
    kit: IdentityKit,
    data: RegistrationIn,
    licence: LicenceUpload,
    data_dir: Path,
    *,
    now: datetime | None = None,
) -> Registered:
    """Create the employer (``submitted``), its owner account (active, with the chosen
    password), store the licence and record ``employers.registered``. Flushes only."""
    now = now or utcnow()
    code = check_uscc(data.uscc)
    check_reference_fields(
        session,
        employer_type=data.employer_type,
        industry_code=data.industry_code,
        city_code=data.city_code,
    )
    phone = check_contact_phone(data.contact_phone)
    if not data.accept_terms:
        message = "请阅读并同意《平台服务协议》 (the platform terms must be accepted)"
        raise TermsNotAccepted(message, fields={"accept_terms": message})
    inspect_licence(licence.data)
    if uscc_taken(session, code):
        raise EmployerAlreadyRegistered(DUPLICATE_MESSAGE, fields={"uscc": "已注册"})

    vault = PiiVault(kit.secret)
    employer = Employer(
        name=data.name,
        uscc=code,
        employer_type_code=data.employer_type,
        industry_code=data.industry_code,
        city_code=data.city_code,
        size=data.size,
        description=data.description,
        contact_name=data.contact_name,
        contact_phone_hash=vault.lookup_hash(phone),
        contact_phone_cipher=vault.encrypt(phone),
        contact_phone_masked=mask_phone(phone),
        terms_version=TERMS_VERSION,
        terms_accepted_at=now,
        verification_status=VerificationStatus.SUBMITTED,
        created_at=now,
        updated_at=now,
    )
    session.add(employer)
    flush_unique_uscc(session)

    owner = create_account(
        session,
        kit,
        NewAccount(
            role=Role.EMPLOYER_MEMBER,
            username=data.username,
            display_name=data.contact_name,
            password=data.password,
            employer_id=employer.id,
            employer_role=EmployerRole.OWNER,
        ),
        actor=None,
        now=now,
    ).user
    stored = store_licence(session, data_dir, employer.id, licence, uploaded_by=owner.id, now=now)
    publish_employer_registered(session, employer.id)
    record_audit(
        session,
        actor_user_id=owner.id,
        actor_role=Role.EMPLOYER_MEMBER.value,
        action="employer.registered",
        subject_type="employer",
        subject_id=employer.id,
        detail={"licence_id": stored.id, "terms_version": TERMS_VERSION},
    )
    session.flush()
    return Registered(employer=employer, owner=owner, licence=stored)
