"""The employer's own profile (members read, the owner edits) and its public page data.

Every change records ``employers.profile_changed`` (the jobs domain re-syncs the employer's
jobs in search when a field their documents carry changed: name, employer type); a change of
name or credit code also records ``employers.details_changed``, on which verification voids
the current verification. Other edits do not touch the verification.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.core.pii import PiiVault, mask_phone
from jobs_api.employers.errors import (
    EmployerAlreadyRegistered,
    EmployerNotFound,
    InvalidEmployerData,
    OwnerRequired,
)
from jobs_api.employers.events import (
    publish_employer_details_changed,
    publish_employer_profile_changed,
)
from jobs_api.employers.licences import current_licence
from jobs_api.employers.models import Employer
from jobs_api.employers.registration import (
    DUPLICATE_MESSAGE,
    check_contact_phone,
    check_reference_fields,
    check_uscc,
    flush_unique_uscc,
    uscc_taken,
)
from jobs_api.employers.schemas import (
    CodeName,
    EmployerOut,
    EmployerPatch,
    LicenceOut,
    PublicEmployerOut,
)
from jobs_api.employers.scope import member_employer_id
from jobs_api.identity.principal import EmployerRole, Principal
from jobs_api.reference.models import EmployerType, Industry, Region

VERIFICATION_FIELDS = frozenset({"name", "uscc"})
"""Fields whose change voids the verification."""
_REQUIRED = (
    "name",
    "uscc",
    "employer_type",
    "industry_code",
    "city_code",
    "size",
    "contact_name",
    "contact_phone",
)


def _type(session: Session, code: str) -> CodeName:
    found = session.get(EmployerType, code)
    return CodeName(code=code, name=found.name_zh if found else "")


def _industry(session: Session, code: str) -> CodeName:
    found = session.get(Industry, code)
    return CodeName(code=code, name=found.name if found else "")


def _places(session: Session, city_code: str) -> tuple[CodeName, CodeName]:
    city = session.get(Region, city_code)
    province_code = (city.parent_code or city.code) if city else city_code[:2] + "0000"
    province = session.get(Region, province_code)
    return (
        CodeName(code=city_code, name=city.name if city else ""),
        CodeName(code=province_code, name=province.name if province else ""),
    )


def describe(session: Session, employer: Employer) -> EmployerOut:
    city, province = _places(session, employer.city_code)
    licence = current_licence(session, employer.id)
    return EmployerOut(
        id=employer.id,
        name=employer.name,
        uscc=employer.uscc,
        employer_type=_type(session, employer.employer_type_code),
        industry=_industry(session, employer.industry_code),
        city=city,
        province=province,
        size=employer.size,
        description=employer.description or "",
        contact_name=employer.contact_name,
        contact_phone_masked=employer.contact_phone_masked,
        verification_status=employer.verification_status,
        verified_at=employer.verified_at,
        licence=LicenceOut.model_validate(licence) if licence else None,
        created_at=employer.created_at,
        updated_at=employer.updated_at,
    )


def own_employer(session: Session, principal: Principal) -> Employer:
    employer = session.get(Employer, member_employer_id(principal))
    if employer is None:
        raise EmployerNotFound("用人单位不存在 (no such employer)")
    return employer


def get_my_employer(session: Session, principal: Principal) -> EmployerOut:
    return describe(session, own_employer(session, principal))


def patch_my_employer(
    session: Session, principal: Principal, patch: EmployerPatch, *, secret: str
) -> EmployerOut:
    """The owner changes the given fields; see the module docstring for the events."""
    employer = own_employer(session, principal)
    if principal.employer_role is not EmployerRole.OWNER:
        raise OwnerRequired("仅单位管理员可修改单位信息 (only the owner may edit the employer)")
    given = patch.model_dump(exclude_unset=True)
    nulls = {
        name: "不能为空 (required)" for name in _REQUIRED if name in given and given[name] is None
    }
    if nulls:
        raise InvalidEmployerData("单位信息有误，请检查标出的字段 (see fields)", fields=nulls)
    if given.get("description", "") is None:
        given["description"] = ""
    if "uscc" in given:
        given["uscc"] = check_uscc(given["uscc"])
    check_reference_fields(
        session,
        employer_type=given.get("employer_type"),
        industry_code=given.get("industry_code"),
        city_code=given.get("city_code"),
    )
    phone = check_contact_phone(given["contact_phone"]) if "contact_phone" in given else None

    current = {
        "name": employer.name,
        "uscc": employer.uscc,
        "employer_type": employer.employer_type_code,
        "industry_code": employer.industry_code,
        "city_code": employer.city_code,
        "size": employer.size,
        "description": employer.description,
        "contact_name": employer.contact_name,
    }
    changed = {name for name, value in given.items() if name in current and current[name] != value}
    vault = PiiVault(secret)
    if phone is not None and vault.lookup_hash(phone) != employer.contact_phone_hash:
        changed.add("contact_phone")
    if "uscc" in changed and uscc_taken(session, given["uscc"], except_id=employer.id):
        raise EmployerAlreadyRegistered(DUPLICATE_MESSAGE, fields={"uscc": "已注册"})
    if not changed:
        return describe(session, employer)

    for name in changed - {"contact_phone", "employer_type"}:
        setattr(employer, name, given[name])
    if "employer_type" in changed:
        employer.employer_type_code = given["employer_type"]
    if "contact_phone" in changed and phone is not None:
        employer.contact_phone_hash = vault.lookup_hash(phone)
        employer.contact_phone_cipher = vault.encrypt(phone)
        employer.contact_phone_masked = mask_phone(phone)
    employer.updated_at = utcnow()
    flush_unique_uscc(session)

    voiding = changed & VERIFICATION_FIELDS
    if voiding:
        publish_employer_details_changed(session, employer.id, voiding)
    publish_employer_profile_changed(session, employer.id, changed)
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="employer.updated",
        subject_type="employer",
        subject_id=employer.id,
        detail={"changed": sorted(changed), "voids_verification": bool(voiding)},
    )
    session.flush()
    return describe(session, employer)


def visible_employer(session: Session, employer_id: int) -> Employer:
    """An employer graduates may see (its verification reaches graduates); 404 otherwise, so
    that neither existence nor standing of others leaks."""
    employer = session.get(Employer, employer_id)
    if employer is None or not employer.reaches_graduates:
        raise EmployerNotFound("用人单位不存在或尚未认证 (no such verified employer)")
    return employer


def public_view(session: Session, employer: Employer, *, open_jobs: int) -> PublicEmployerOut:
    city, province = _places(session, employer.city_code)
    return PublicEmployerOut(
        id=employer.id,
        name=employer.name,
        employer_type=_type(session, employer.employer_type_code),
        industry=_industry(session, employer.industry_code),
        city=city,
        province=province,
        size=employer.size,
        description=employer.description or "",
        verified_since=employer.verified_at.date() if employer.verified_at else None,
        open_jobs=open_jobs,
    )
