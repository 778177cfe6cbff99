"""The graduate's own profile: registry facts shown read-only, the rest editable."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.errors import ValidationFailed
from jobs_api.graduates.consent import has_consent
from jobs_api.graduates.errors import (
    ConsentRequired,
    GraduateNotVerified,
    ProfileInvalid,
    RegistryFieldReadOnly,
)
from jobs_api.graduates.events import publish_profile_changed
from jobs_api.graduates.models import ConsentPurpose, GraduateProfile, Visibility
from jobs_api.graduates.schemas import (
    REGISTRY_FIELDS,
    Internship,
    ProfileOut,
    ProfilePatch,
    ProfileReplace,
    Project,
    RegistryFacts,
    SalaryRange,
)
from jobs_api.identity.principal import Principal
from jobs_api.reference.models import DegreeLevel, Industry, Major, Occupation, Region
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University


def own_record(session: Session, principal: Principal) -> StudentRecord:
    """The caller's registry record; a graduate account without one is not verified."""
    record = (
        session.get(StudentRecord, principal.student_record_id)
        if principal.student_record_id is not None
        else None
    )
    if record is None:
        raise GraduateNotVerified("账号尚未关联学籍 (account not linked to a registry record)")
    return record


def registry_facts(session: Session, record: StudentRecord) -> RegistryFacts:
    university = session.get(University, record.university_id)
    major = session.get(Major, record.major_code)
    degree = session.get(DegreeLevel, record.degree_level)
    assert university is not None  # foreign keys
    return RegistryFacts(
        student_record_id=record.id,
        student_number=record.student_number,
        name=record.name,
        university_id=university.id,
        university_code=university.code,
        university_name=university.name,
        college=record.college,
        major_code=record.major_code,
        major_name=major.name if major else record.major_code,
        degree_level=record.degree_level,
        degree_name=degree.name_zh if degree else record.degree_level,
        graduation_year=record.graduation_year,
        status=record.status,
    )


def find_profile(session: Session, record_id: int) -> GraduateProfile | None:
    return session.scalar(
        select(GraduateProfile).where(GraduateProfile.student_record_id == record_id)
    )


def get_or_create_profile(session: Session, record_id: int) -> GraduateProfile:
    profile = find_profile(session, record_id)
    if profile is None:
        profile = GraduateProfile(
            student_record_id=record_id,
            skills=[],
            certificates=[],
            internships=[],
            projects=[],
            intended_city_codes=[],
            intended_industry_codes=[],
            intended_occupation_codes=[],
            summary="",
            visibility=Visibility.HIDDEN,
        )
        session.add(profile)
        session.flush()
    return profile


def profile_out(
    session: Session, record: StudentRecord, profile: GraduateProfile | None
) -> ProfileOut:
    facts = registry_facts(session, record)
    if profile is None:
        return ProfileOut(
            registry=facts,
            skills=[],
            certificates=[],
            internships=[],
            projects=[],
            intended_city_codes=[],
            intended_industry_codes=[],
            intended_occupation_codes=[],
            expected_salary=None,
            summary="",
            visibility=Visibility.HIDDEN,
            updated_at=None,
        )
    salary = (
        SalaryRange(min_monthly=profile.expected_salary, max_monthly=profile.expected_salary_max)
        if profile.expected_salary is not None
        else None
    )
    return ProfileOut(
        registry=facts,
        skills=list(profile.skills or []),
        certificates=list(profile.certificates or []),
        internships=[Internship.model_validate(i) for i in profile.internships or []],
        projects=[Project.model_validate(p) for p in profile.projects or []],
        intended_city_codes=list(profile.intended_city_codes or []),
        intended_industry_codes=list(profile.intended_industry_codes or []),
        intended_occupation_codes=list(profile.intended_occupation_codes or []),
        expected_salary=salary,
        summary=profile.summary or "",
        visibility=Visibility(profile.visibility),
        updated_at=profile.updated_at,
    )


def get_my_profile(session: Session, principal: Principal) -> ProfileOut:
    record = own_record(session, principal)
    return profile_out(session, record, find_profile(session, record.id))


def replace_profile(session: Session, principal: Principal, data: ProfileReplace) -> ProfileOut:
    """PUT: every editable field takes the given value (or its empty default)."""
    changes = data.model_dump(exclude={"visibility"}, mode="json")
    if data.visibility is not None:
        changes["visibility"] = data.visibility.value
    return _apply(session, principal, data, changes)


def patch_profile(session: Session, principal: Principal, data: ProfilePatch) -> ProfileOut:
    """PATCH: only the fields present in the request change."""
    given = data.model_fields_set & set(type(data).model_fields)
    changes = data.model_dump(include=given, mode="json")
    if changes.get("visibility") is None:
        changes.pop("visibility", None)
    for key in ("skills", "certificates", "internships", "projects", "summary"):
        if key in changes and changes[key] is None:
            changes[key] = "" if key == "summary" else []
    for key in ("intended_city_codes", "intended_industry_codes", "intended_occupation_codes"):
        if key in changes and changes[key] is None:
            changes[key] = []
    return _apply(session, principal, data, changes)


def refuse_unknown_fields(data: BaseModel) -> None:
    """Registry keys answer ``registry_field_read_only``; other unknown keys a plain 422."""
    extra = set(data.model_extra or {})
    read_only = sorted(extra & REGISTRY_FIELDS)
    if read_only:
        raise RegistryFieldReadOnly(
            "学籍信息由学校维护，不能在此修改 (registry fields are read-only)",
            fields={key: "学籍字段只读 (read-only registry field)" for key in read_only},
        )
    unknown = sorted(extra - REGISTRY_FIELDS)
    if unknown:
        raise ValidationFailed(
            "请求包含未知字段 (unknown fields)",
            fields={key: "未知字段 (unknown field)" for key in unknown},
        )


def _apply(
    session: Session, principal: Principal, data: BaseModel, changes: dict[str, Any]
) -> ProfileOut:
    refuse_unknown_fields(data)
    record = own_record(session, principal)
    _check_reference_codes(session, changes)
    visibility = changes.get("visibility")
    if (
        visibility is not None
        and visibility != Visibility.HIDDEN
        and not has_consent(session, principal.user_id, ConsentPurpose.SHARE_WITH_EMPLOYERS)
    ):
        raise ConsentRequired(
            "向用人单位展示简历前，请先同意“向用人单位提供信息” "
            "(grant share_with_employers before making the profile visible)",
            fields={"visibility": "需要 share_with_employers 同意 (consent required)"},
        )
    profile = get_or_create_profile(session, record.id)
    if "expected_salary" in changes:
        salary = changes.pop("expected_salary")
        profile.expected_salary = salary["min_monthly"] if salary else None
        profile.expected_salary_max = salary["max_monthly"] if salary else None
    for key, value in changes.items():
        setattr(profile, key, value)
    session.flush()
    publish_profile_changed(session, [record.id])
    return profile_out(session, record, profile)


def _check_reference_codes(session: Session, changes: dict[str, Any]) -> None:
    checks: list[tuple[str, Any, str]] = [
        (
            "intended_city_codes",
            select(Region.code).where(Region.level == "prefecture"),
            "未知的地级行政区代码 (unknown prefecture-level region code)",
        ),
        (
            "intended_industry_codes",
            select(Industry.code).where(Industry.level == "section"),
            "未知的行业门类代码 (unknown GB/T 4754 section code)",
        ),
        (
            "intended_occupation_codes",
            select(Occupation.code),
            "未知的职业代码 (unknown occupation code)",
        ),
    ]
    problems: dict[str, str] = {}
    for key, query, message in checks:
        codes = changes.get(key) or []
        if not codes:
            continue
        column = query.selected_columns[0]
        known = set(session.scalars(query.where(column.in_(codes))))
        for index, code in enumerate(codes):
            if code not in known:
                problems[f"{key}.{index}"] = message
    if problems:
        raise ProfileInvalid("意向信息包含无效代码 (unknown reference codes)", fields=problems)
