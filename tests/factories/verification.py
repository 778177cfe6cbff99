"""Employers to verify, registry entries, blacklist entries and reviewers, for verification
tests. Credit codes are synthetic but valid (GB 32100 check character and GB 11714
organisation code), registered in the region given."""

from __future__ import annotations

from datetime import date
from itertools import count

from sqlalchemy.orm import Session

from employer_verification.automatic import Verifier
from employer_verification.cases import Policy
from employer_verification.enterprise_registry import EnterpriseRegistry, LocalEnterpriseRegistry
from employer_verification.models import EnterpriseRegistryEntry
from employer_verification.regions import RegionBook
from employer_verification.uscc import make_uscc
from jobs_api.core.settings import Settings
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.identity.principal import Role
from tests.factories.identity import Actor, make_university, make_user, sign_in

_serial = count(1)


def valid_uscc(region: str = "330106", *, authority: str = "9", org_type: str = "1") -> str:
    """A new valid credit code (authority 9 / type 1 = an enterprise) registered in ``region``."""
    return make_uscc(authority, org_type, region, f"MA{next(_serial):06d}")


def make_registry_entry(
    session: Session,
    code: str,
    name: str,
    *,
    status: str = "存续",
    legal_representative: str = "李明",
) -> EnterpriseRegistryEntry:
    entry = EnterpriseRegistryEntry(
        uscc=code,
        name=name,
        status=status,
        legal_representative=legal_representative,
        registered_capital="1000万人民币",
        established_on=date(2015, 6, 1),
    )
    session.add(entry)
    session.flush()
    return entry


def make_applicant(
    session: Session,
    name: str = "杭州云帆网络科技有限公司",
    *,
    city_code: str = "330100",
    uscc: str | None = None,
    registered_name: str | None = None,
    registry_status: str | None = "存续",
    verification_status: VerificationStatus = VerificationStatus.SUBMITTED,
) -> Employer:
    """An employer as registration leaves it (``submitted``), and — unless ``registry_status``
    is None — its entry in the local enterprise registry (under ``registered_name``, default:
    the same name)."""
    code = uscc or valid_uscc(city_code[:4] + "06" if city_code.endswith("00") else city_code)
    employer = Employer(
        name=name,
        uscc=code,
        employer_type_code="private_enterprise",
        industry_code="I",
        city_code=city_code,
        size="100-499",
        verification_status=verification_status,
    )
    session.add(employer)
    session.flush()
    if registry_status is not None:
        make_registry_entry(session, code, registered_name or name, status=registry_status)
    return employer


def local_verifier(
    session: Session, registry: EnterpriseRegistry | None = None, policy: Policy | None = None
) -> Verifier:
    return Verifier(
        registry=registry or LocalEnterpriseRegistry(session),
        regions=RegionBook.load(session),
        policy=policy or Policy(),
    )


def make_reviewer(
    session: Session,
    role: Role,
    settings: Settings,
    *,
    province_code: str = "330000",
    university_code: str = "10335",
    university_name: str = "浙江大学",
    university_city: str = "330100",
) -> Actor:
    """A signed-in reviewer: a provincial admin of ``province_code``, a career office of the
    given university, or a national admin."""
    scope: dict[str, object] = {}
    if role is Role.PROVINCIAL_ADMIN:
        scope["province_code"] = province_code
    elif role is Role.CAREER_OFFICE:
        university = make_university(
            session, code=university_code, name=university_name, city=university_city
        )
        scope["university_id"] = university.id
    return sign_in(session, make_user(session, role, settings, **scope), settings)
