"""The career office's graduate list and detail, scoped by the caller's role.

* career office: its own university;
* provincial administrator: universities whose ``province_code`` is its province;
* national administrator: every university.

Rows are sorted by student number (then id) and paged either by page number, capped at
``MAX_OFFSET`` rows deep, or by an opaque keyset ``cursor`` that scales to any depth.
``total`` is counted up to ``COUNT_CAP`` so the count stays cheap on a national cohort.
Every list and detail read is audited: they show other people's personal data.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.errors import ValidationFailed
from jobs_api.graduates.errors import GraduateNotFound, NoGraduateScope
from jobs_api.graduates.profile import find_profile, profile_out
from jobs_api.graduates.schemas import (
    ActivationState,
    GraduateAccountOut,
    GraduateDetailOut,
    GraduatePageOut,
    GraduateRowOut,
    PriorityFlags,
    PriorityGroup,
)
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import Principal, Role
from jobs_api.reference.models import Major
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University

Ts = TypeVarTuple("Ts")

MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000
COUNT_CAP = 10_000


@dataclass(frozen=True, slots=True)
class GraduateFilter:
    graduation_year: int | None = None
    major_code: str | None = None
    college: str | None = None
    degree_level: str | None = None
    status: str | None = None
    activated: bool | None = None
    priority_group: PriorityGroup | None = None
    q: str | None = None

    def as_audit_detail(self) -> dict[str, Any]:
        """Filters for the audit log; the free-text ``q`` may be a name, so it is left out."""
        detail: dict[str, Any] = {
            key: getattr(self, key)
            for key in ("graduation_year", "major_code", "college", "degree_level", "status")
            if getattr(self, key) is not None
        }
        if self.activated is not None:
            detail["activated"] = self.activated
        if self.priority_group is not None:
            detail["priority_group"] = self.priority_group.value
        if self.q:
            detail["q"] = "<given>"
        return detail


def scope_condition(principal: Principal) -> ColumnElement[bool] | None:
    """The records ``principal`` may see (``None``: all); needs ``University`` joined."""
    if principal.role is Role.CAREER_OFFICE:
        if principal.university_id is None:
            raise NoGraduateScope("账号未关联高校 (account has no university)")
        return StudentRecord.university_id == principal.university_id
    if principal.role is Role.PROVINCIAL_ADMIN:
        if principal.province_code is None:
            raise NoGraduateScope("账号未关联省份 (account has no province)")
        return University.province_code == principal.province_code
    if principal.role is Role.NATIONAL_ADMIN:
        return None
    raise NoGraduateScope("无权查看毕业生名单 (not allowed to list graduates)")


def _conditions(principal: Principal, f: GraduateFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    scope = scope_condition(principal)
    if scope is not None:
        conditions.append(scope)
    if f.graduation_year is not None:
        conditions.append(StudentRecord.graduation_year == f.graduation_year)
    if f.major_code is not None:
        conditions.append(StudentRecord.major_code == f.major_code)
    if f.college is not None:
        conditions.append(StudentRecord.college == f.college)
    if f.degree_level is not None:
        conditions.append(StudentRecord.degree_level == f.degree_level)
    if f.status is not None:
        conditions.append(StudentRecord.status == f.status)
    if f.activated is True:
        conditions.append(User.status == AccountStatus.ACTIVE.value)
    elif f.activated is False:
        conditions.append(or_(User.id.is_(None), User.status != AccountStatus.ACTIVE.value))
    if f.priority_group is not None:
        conditions.append(getattr(StudentRecord, f.priority_group.value).is_(True))
    if f.q:
        conditions.append(
            or_(
                StudentRecord.name.startswith(f.q, autoescape=True),
                StudentRecord.student_number.startswith(f.q, autoescape=True),
            )
        )
    return conditions


def _joined(stmt: Select[*Ts]) -> Select[*Ts]:
    return stmt.join(University, University.id == StudentRecord.university_id).outerjoin(
        User, User.student_record_id == StudentRecord.id
    )


def encode_cursor(student_number: str, record_id: int) -> str:
    raw = json.dumps([student_number, record_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        student_number, record_id = json.loads(raw)
        if not isinstance(student_number, str) or not isinstance(record_id, int):
            raise ValueError
        return student_number, record_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "分页游标无效 (invalid cursor)", fields={"cursor": "无效的游标 (invalid cursor)"}
        ) from exc


def _activation(status: str | None) -> ActivationState:
    return ActivationState.NONE if status is None else ActivationState(status)


def _row(
    record: StudentRecord, university_name: str, major_name: str | None, status: str | None
) -> GraduateRowOut:
    return GraduateRowOut(
        record_id=record.id,
        name=record.name,
        id_number_masked=record.id_number_masked,
        student_number=record.student_number,
        university_id=record.university_id,
        university_name=university_name,
        college=record.college,
        major_code=record.major_code,
        major_name=major_name or record.major_code,
        degree_level=record.degree_level,
        graduation_year=record.graduation_year,
        status=record.status,
        activation=_activation(status),
        priority=PriorityFlags(
            low_income_family=record.low_income_family,
            zero_employment_family=record.zero_employment_family,
            has_disability=record.has_disability,
        ),
    )


def list_graduates(
    session: Session,
    principal: Principal,
    filters: GraduateFilter,
    *,
    page: int = 1,
    size: int = 20,
    cursor: str | None = None,
) -> GraduatePageOut:
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationFailed("每页条数超出范围", fields={"size": f"1..{MAX_PAGE_SIZE}"})
    if page < 1 or (cursor is None and page * size > MAX_OFFSET):
        raise ValidationFailed(
            "页码过深，请使用 cursor 继续翻页 (page too deep; continue with cursor)",
            fields={"page": f"page × size ≤ {MAX_OFFSET}; use cursor beyond"},
        )
    conditions = _conditions(principal, filters)
    stmt = (
        _joined(select(StudentRecord, University.name, Major.name, User.status))
        .outerjoin(Major, Major.code == StudentRecord.major_code)
        .where(*conditions)
        .order_by(StudentRecord.student_number, StudentRecord.id)
    )
    if cursor is not None:
        after_number, after_id = decode_cursor(cursor)
        stmt = stmt.where(
            or_(
                StudentRecord.student_number > after_number,
                and_(StudentRecord.student_number == after_number, StudentRecord.id > after_id),
            )
        )
    else:
        stmt = stmt.offset((page - 1) * size)
    rows = session.execute(stmt.limit(size + 1)).all()
    has_more = len(rows) > size
    rows = rows[:size]
    counted = _joined(select(StudentRecord.id)).where(*conditions).limit(COUNT_CAP + 1)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    items = [_row(record, uni, major, status) for record, uni, major, status in rows]
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="personal_data.list",
        subject_type="graduate_list",
        subject_id=str(principal.university_id or principal.province_code or "all"),
        detail={"filters": filters.as_audit_detail(), "rows": len(items)},
    )
    last = rows[-1][0] if rows else None
    return GraduatePageOut(
        items=items,
        page=page,
        size=size,
        total=min(total, COUNT_CAP),
        total_is_lower_bound=total > COUNT_CAP,
        next_cursor=encode_cursor(last.student_number, last.id) if has_more and last else None,
    )


def get_graduate(session: Session, principal: Principal, record_id: int) -> GraduateDetailOut:
    """One graduate in the caller's scope (404 otherwise, so existence does not leak)."""
    conditions = [StudentRecord.id == record_id]
    scope = scope_condition(principal)
    if scope is not None:
        conditions.append(scope)
    found = session.execute(
        _joined(select(StudentRecord, University.name, Major.name, User))
        .outerjoin(Major, Major.code == StudentRecord.major_code)
        .where(*conditions)
    ).first()
    if found is None:
        raise GraduateNotFound("未找到该毕业生 (graduate not found)")
    record, university_name, major_name, user = found
    row = _row(record, university_name, major_name, user.status if user else None)
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="personal_data.view",
        subject_type="student_record",
        subject_id=record.id,
        detail={"university_id": record.university_id},
    )
    account = (
        GraduateAccountOut(
            user_id=user.id,
            status=user.status,
            phone_masked=user.phone_masked,
            last_login_at=user.last_login_at,
        )
        if user is not None
        else None
    )
    profile = find_profile(session, record.id)
    return GraduateDetailOut(
        **row.model_dump(),
        gender=record.gender,
        enrollment_date=record.enrollment_date,
        expected_graduation_date=record.expected_graduation_date,
        account=account,
        profile=profile_out(session, record, profile) if profile is not None else None,
    )
