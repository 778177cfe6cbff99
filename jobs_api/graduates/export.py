"""Everything the platform holds about the calling graduate, as one JSON document (PIPL's
right of access and portability). Identifiers are masked: the export may be saved or
forwarded, so it carries no clear ID number or phone. The export itself is audited."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent, record_audit
from jobs_api.core.db import utcnow
from jobs_api.graduates.models import ConsentRecord
from jobs_api.graduates.profile import find_profile, profile_out
from jobs_api.graduates.resumes import list_resumes
from jobs_api.graduates.schemas import (
    AccountOut,
    AuditEntryOut,
    ConsentRecordOut,
    ExportOut,
    RegistryRecordOut,
    ResumeOut,
)
from jobs_api.identity.models import User
from jobs_api.identity.principal import Principal
from jobs_api.reference.models import Major
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University

MAX_AUDIT_EVENTS = 10_000


def registry_record_out(session: Session, record: StudentRecord) -> RegistryRecordOut:
    university = session.get(University, record.university_id)
    major = session.get(Major, record.major_code)
    assert university is not None
    return RegistryRecordOut(
        student_record_id=record.id,
        university_code=university.code,
        university_name=university.name,
        student_number=record.student_number,
        name=record.name,
        id_number_masked=record.id_number_masked,
        gender=record.gender,
        college=record.college,
        major_code=record.major_code,
        major_name=major.name if major else record.major_code,
        degree_level=record.degree_level,
        enrollment_date=record.enrollment_date,
        expected_graduation_date=record.expected_graduation_date,
        graduation_year=record.graduation_year,
        status=record.status,
        low_income_family=record.low_income_family,
        zero_employment_family=record.zero_employment_family,
        has_disability=record.has_disability,
    )


def export_my_data(session: Session, principal: Principal) -> ExportOut:
    user = session.get(User, principal.user_id)
    assert user is not None  # authenticate() checked the account
    record = (
        session.get(StudentRecord, user.student_record_id)
        if user.student_record_id is not None
        else None
    )
    about_me = [and_(AuditEvent.subject_type == "user", AuditEvent.subject_id == str(user.id))]
    if record is not None:
        about_me.append(
            and_(
                AuditEvent.subject_type == "student_record",
                AuditEvent.subject_id == str(record.id),
            )
        )
    events = session.scalars(
        select(AuditEvent)
        .where(or_(*about_me))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(MAX_AUDIT_EVENTS)
    )
    consents = session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user.id)
        .order_by(ConsentRecord.granted_at, ConsentRecord.id)
    )
    export = ExportOut(
        exported_at=utcnow(),
        account=AccountOut(
            user_id=user.id,
            role=user.role,
            status=user.status,
            username=user.username,
            display_name=user.display_name,
            phone_masked=user.phone_masked,
            email=user.email,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        ),
        registry_record=registry_record_out(session, record) if record is not None else None,
        profile=(
            profile_out(session, record, find_profile(session, record.id))
            if record is not None
            else None
        ),
        resumes=[ResumeOut.model_validate(r) for r in list_resumes(session, user.id)],
        consents=[ConsentRecordOut.model_validate(c) for c in consents],
        audit_events=[AuditEntryOut.model_validate(e) for e in events],
    )
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="personal_data.export",
        subject_type="user",
        subject_id=user.id,
        detail={"audit_events": len(export.audit_events), "resumes": len(export.resumes)},
    )
    session.flush()
    return export
