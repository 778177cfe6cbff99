"""``create_demo_accounts``: one sign-in per role on demo data, idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.employers.models import VerificationStatus
from jobs_api.identity.demo_accounts import create_demo_accounts
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.login import password_login
from jobs_api.identity.models import User
from tests.factories.identity import make_student_record, make_university, synthetic_id_number
from tests.factories.jobs import make_employer

pytestmark = pytest.mark.usefixtures("reference")


def test_one_account_per_role_idempotent(
    db: Session, kit: IdentityKit, container: Container
) -> None:
    jiangsu = make_university(db, code="10284", name="南京大学", city="320100")
    zhejiang = make_university(db, code="10336", name="杭州电子科技大学", city="330100")
    make_university(db, code="10335", name="浙江大学", city="330100")  # no records
    for university, number in ((jiangsu, "J001"), (zhejiang, "Z001"), (zhejiang, "Z002")):
        make_student_record(
            db,
            university,
            container.settings,
            id_number=synthetic_id_number(),
            student_number=number,
        )
    make_employer(db, status=VerificationStatus.NEEDS_REVIEW)  # not verified yet: skipped
    verified = make_employer(db)

    made = create_demo_accounts(
        db, container.settings, password="Demo-pass-2026", hasher=kit.hasher
    )
    assert made == [
        ("national_admin", "admin", "Demo-pass-2026"),
        ("provincial_admin", "zhejiang", "Demo-pass-2026"),
        ("career_office", "career-10336", "Demo-pass-2026"),
        ("employer_member", f"hr-{verified.id}", "Demo-pass-2026"),
        ("graduate", "grad-z001", "Demo-pass-2026"),
    ]
    for _role, username, password in made:
        assert password_login(db, kit, username, password, client_ip="10.12.0.1")
    graduate = db.scalar(select(User).where(User.username == "grad-z001"))
    assert graduate is not None and graduate.student_record_id is not None
    office = db.scalar(select(User).where(User.username == "career-10336"))
    assert office is not None and office.university_id == zhejiang.id

    users = db.scalar(select(func.count()).select_from(User))
    again = create_demo_accounts(
        db, container.settings, password="Demo-pass-2026", hasher=kit.hasher
    )
    assert again == made
    assert db.scalar(select(func.count()).select_from(User)) == users


def test_without_demo_data_only_the_administrators(
    db: Session, kit: IdentityKit, container: Container
) -> None:
    made = create_demo_accounts(db, container.settings, hasher=kit.hasher)
    assert [(role, name) for role, name, _ in made] == [
        ("national_admin", "admin"),
        ("provincial_admin", "zhejiang"),
    ]
    assert {password for *_, password in made} == {"gradmatch-demo-2026"}
