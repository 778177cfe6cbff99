"""Organizing fairs: create, edit, publish and cancel, within the organizer's scope.

Who organizes at which level (the caller's role decides):

* a career office: ``university`` level, for its own university only (the only participant);
* a provincial administrator: ``province`` level, participants from its province only;
* the national administrator: ``national`` level, any universities.

A fair is managed (edited, published, cancelled, its statistics read) only by its organizer:
the career office of that university, the administrator of that province, or the national
administrator for national fairs. Anyone else gets 404 ``fair_not_found``.
Cancelling tells every member of the registered employers in their inbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, false, func, select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.fairs.errors import FairNotFound, FairOutOfScope, FairStateConflict, InvalidFair
from jobs_api.fairs.models import Fair, FairEmployer, FairStatus, FairUniversity, OrganizerLevel
from jobs_api.fairs.schemas import FairIn, FairPatch
from jobs_api.identity.errors import OutOfScope, RoleNotAllowed
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import Principal, Role
from jobs_api.inbox.service import Notice, deliver
from jobs_api.jobs.posting import china_today
from jobs_api.reference.models import Industry
from jobs_api.universities.models import University

MAX_DAYS = 92  # an online fair runs for at most about three months
MAX_AHEAD_DAYS = 366
SECTION = "section"
NOT_FOUND = "招聘会不存在 (no such fair)"
INVALID = "招聘会信息有误，请检查标出的字段 (see fields)"


# --- scope -------------------------------------------------------------------------------------


def organizer_level(principal: Principal) -> OrganizerLevel:
    if principal.role is Role.CAREER_OFFICE and principal.university_id is not None:
        return OrganizerLevel.UNIVERSITY
    if principal.role is Role.PROVINCIAL_ADMIN and principal.province_code is not None:
        return OrganizerLevel.PROVINCE
    if principal.role is Role.NATIONAL_ADMIN:
        return OrganizerLevel.NATIONAL
    if principal.role in (Role.CAREER_OFFICE, Role.PROVINCIAL_ADMIN):
        raise OutOfScope("账号未关联高校或省份 (account has no university or province)")
    raise RoleNotAllowed("仅就业指导中心和管理部门可组织招聘会 (organizers only)")


def managed_by(principal: Principal) -> ColumnElement[bool]:
    """The SQL condition of the fairs ``principal`` organizes."""
    if principal.role is Role.CAREER_OFFICE and principal.university_id is not None:
        return (Fair.organizer_level == OrganizerLevel.UNIVERSITY) & (
            Fair.organizer_university_id == principal.university_id
        )
    if principal.role is Role.PROVINCIAL_ADMIN and principal.province_code is not None:
        return (Fair.organizer_level == OrganizerLevel.PROVINCE) & (
            Fair.organizer_province_code == principal.province_code
        )
    if principal.role is Role.NATIONAL_ADMIN:
        return Fair.organizer_level == OrganizerLevel.NATIONAL
    return false()


def manages(principal: Principal | None, fair: Fair) -> bool:
    if principal is None:
        return False
    if principal.role is Role.CAREER_OFFICE:
        return (
            fair.organizer_level == OrganizerLevel.UNIVERSITY
            and principal.university_id is not None
            and fair.organizer_university_id == principal.university_id
        )
    if principal.role is Role.PROVINCIAL_ADMIN:
        return (
            fair.organizer_level == OrganizerLevel.PROVINCE
            and principal.province_code is not None
            and fair.organizer_province_code == principal.province_code
        )
    return principal.role is Role.NATIONAL_ADMIN and fair.organizer_level == OrganizerLevel.NATIONAL


def managed_fair(
    session: Session, principal: Principal, fair_id: int, *, lock: bool = False
) -> Fair:
    """A fair the caller organizes; 404 for any other (existence does not leak)."""
    query = select(Fair).where(Fair.id == fair_id, managed_by(principal))
    fair = session.scalar(query.with_for_update() if lock else query)
    if fair is None:
        raise FairNotFound(NOT_FOUND)
    return fair


def list_organized(
    session: Session, principal: Principal, *, page: int = 1, limit: int = 20
) -> tuple[list[Fair], int]:
    """The caller's fairs (drafts and cancelled ones too), latest start first."""
    organizer_level(principal)
    condition = managed_by(principal)
    total = session.execute(select(func.count()).select_from(Fair).where(condition)).scalar_one()
    fairs = session.scalars(
        select(Fair)
        .where(condition)
        .order_by(Fair.starts_on.desc(), Fair.id.desc())
        .offset((page - 1) * limit)
        .limit(limit)
    ).all()
    return list(fairs), int(total)


# --- validation --------------------------------------------------------------------------------


def _check_values(session: Session, values: dict[str, Any], changed: set[str]) -> None:
    problems: dict[str, str] = {}
    code = values.get("industry_code")
    if code:
        industry = session.get(Industry, code)
        if industry is None or industry.level != SECTION:
            problems["industry_code"] = (
                "请填 GB/T 4754-2017 门类代码（A–T） (an industry section code is required)"
            )
    starts, ends = values["starts_on"], values["ends_on"]
    today = china_today()
    if ends < starts:
        problems["ends_on"] = "结束日期不能早于开始日期 (ends_on must not be before starts_on)"
    elif (ends - starts).days > MAX_DAYS:
        problems["ends_on"] = f"招聘会最长 {MAX_DAYS} 天 (at most {MAX_DAYS} days)"
    if {"starts_on", "ends_on"} & changed:
        if ends < today and "ends_on" not in problems:
            problems["ends_on"] = "结束日期不能早于今天 (the fair would be over already)"
        if starts > today + timedelta(days=MAX_AHEAD_DAYS):
            problems["starts_on"] = "开始日期不能晚于一年以后 (at most a year ahead)"
    if problems:
        raise InvalidFair(INVALID, fields=problems)


def _participants(
    session: Session,
    principal: Principal,
    level: OrganizerLevel,
    requested: Iterable[int],
) -> list[int]:
    """The participating universities, checked against the organizer's scope."""
    ids = list(dict.fromkeys(requested))
    if level is OrganizerLevel.UNIVERSITY:
        own = principal.university_id
        assert own is not None
        if any(uid != own for uid in ids):
            raise FairOutOfScope(
                "就业指导中心只能为本校举办招聘会 (a career office organizes for its own "
                "university only)",
                fields={"university_ids": "只能是本校 (own university only)"},
            )
        return [own]
    if not ids:
        raise InvalidFair(
            INVALID,
            fields={"university_ids": "至少选择一所参与高校 (at least one university)"},
        )
    rows = dict(
        session.execute(
            select(University.id, University.province_code).where(University.id.in_(ids))
        ).all()
    )
    unknown = [str(uid) for uid in ids if uid not in rows]
    if unknown:
        raise InvalidFair(
            INVALID,
            fields={"university_ids": f"高校不存在 (unknown universities): {', '.join(unknown)}"},
        )
    if level is OrganizerLevel.PROVINCE:
        outside = [str(uid) for uid in ids if rows[uid] != principal.province_code]
        if outside:
            raise FairOutOfScope(
                "只能邀请本省高校参加 (universities of your province only)",
                fields={
                    "university_ids": f"不在本省 (outside your province): {', '.join(outside)}"
                },
            )
    return ids


def _set_participants(session: Session, fair: Fair, ids: list[int]) -> None:
    current = set(
        session.scalars(
            select(FairUniversity.university_id).where(FairUniversity.fair_id == fair.id)
        )
    )
    wanted = set(ids)
    if current - wanted:
        session.execute(
            delete(FairUniversity).where(
                FairUniversity.fair_id == fair.id,
                FairUniversity.university_id.in_(current - wanted),
            )
        )
    for uid in ids:
        if uid not in current:
            session.add(FairUniversity(fair_id=fair.id, university_id=uid))


def _audit(session: Session, principal: Principal, action: str, fair: Fair, **detail: Any) -> None:
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action=action,
        subject_type="fair",
        subject_id=fair.id,
        detail={"organizer_level": fair.organizer_level, **detail},
    )


# --- use cases ---------------------------------------------------------------------------------


def create_fair(session: Session, principal: Principal, data: FairIn) -> Fair:
    """A new draft fair at the caller's organizer level."""
    level = organizer_level(principal)
    values = data.model_dump(exclude={"university_ids"})
    _check_values(session, values, changed=set(values))
    participants = _participants(session, principal, level, data.university_ids)
    university_id: int | None = None
    province_code: str | None = None
    if level is OrganizerLevel.UNIVERSITY:
        university = session.get_one(University, principal.university_id)
        university_id, province_code = university.id, university.province_code
    elif level is OrganizerLevel.PROVINCE:
        province_code = principal.province_code
    now = utcnow()
    fair = Fair(
        **values,
        status=FairStatus.DRAFT,
        organizer_level=level.value,
        organizer_university_id=university_id,
        organizer_province_code=province_code,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(fair)
    session.flush()
    _set_participants(session, fair, participants)
    session.flush()
    _audit(session, principal, "fair.created", fair, universities=len(participants))
    return fair


_EDITABLE = ("title", "theme", "industry_code", "starts_on", "ends_on", "description")


def update_fair(session: Session, principal: Principal, fair_id: int, patch: FairPatch) -> Fair:
    """Change the given fields of an own fair (not once it is cancelled)."""
    fair = managed_fair(session, principal, fair_id, lock=True)
    if fair.status == FairStatus.CANCELLED:
        raise FairStateConflict("招聘会已取消，不能再修改 (the fair was cancelled)")
    given = patch.model_dump(exclude_unset=True)
    for name in ("title", "theme", "starts_on", "ends_on", "description", "university_ids"):
        if name in given and given[name] is None:
            raise InvalidFair(INVALID, fields={name: "不能为空 (required)"})
    current = {name: getattr(fair, name) for name in _EDITABLE}
    changed = {n for n in _EDITABLE if n in given and given[n] != current[n]}
    values = {**current, **{n: given[n] for n in changed}}
    _check_values(session, values, changed)
    if "university_ids" in given:
        level = OrganizerLevel(fair.organizer_level)
        _set_participants(
            session, fair, _participants(session, principal, level, given["university_ids"])
        )
        changed.add("university_ids")
    if not changed:
        return fair
    for name in changed - {"university_ids"}:
        setattr(fair, name, values[name])
    fair.updated_at = utcnow()
    session.flush()
    _audit(session, principal, "fair.updated", fair, changed=sorted(changed))
    return fair


def publish_fair(session: Session, principal: Principal, fair_id: int) -> Fair:
    """Make a draft visible to graduates and open to employers; it must not start in the past."""
    fair = managed_fair(session, principal, fair_id, lock=True)
    if fair.status == FairStatus.PUBLISHED:
        return fair
    if fair.status == FairStatus.CANCELLED:
        raise FairStateConflict("招聘会已取消，不能发布 (the fair was cancelled)")
    if fair.starts_on < china_today():
        raise InvalidFair(
            "开始日期已过，请先修改日期再发布 (the start date has passed; change it first)",
            fields={"starts_on": "不能早于今天 (in the past)"},
        )
    fair.status = FairStatus.PUBLISHED
    fair.updated_at = utcnow()
    session.flush()
    _audit(session, principal, "fair.published", fair)
    return fair


def registered_member_ids(session: Session, fair_id: int) -> list[int]:
    """Active accounts of the employers registered for a fair."""
    employers = select(FairEmployer.employer_id).where(FairEmployer.fair_id == fair_id)
    return list(
        session.scalars(
            select(User.id)
            .where(
                User.employer_id.in_(employers),
                User.role == Role.EMPLOYER_MEMBER.value,
                User.status == AccountStatus.ACTIVE.value,
            )
            .order_by(User.id)
        )
    )


def cancel_fair(session: Session, principal: Principal, fair_id: int) -> Fair:
    """Cancel an own fair (idempotent); every member of the registered employers is told."""
    fair = managed_fair(session, principal, fair_id, lock=True)
    if fair.status == FairStatus.CANCELLED:
        return fair
    was = fair.status
    fair.status = FairStatus.CANCELLED
    fair.updated_at = utcnow()
    session.flush()
    notice = Notice(
        kind="fair.cancelled",
        title_zh=f"专场招聘会「{fair.title}」已取消",
        title_en=f"The recruitment fair “{fair.title}” was cancelled",
        body_zh=f"主办方已取消原定于 {fair.starts_on.isoformat()} 至 {fair.ends_on.isoformat()} "
        "举办的招聘会，贵单位的报名和关联职位不再展示。",
        body_en=f"The organizer cancelled the fair planned for {fair.starts_on.isoformat()} to "
        f"{fair.ends_on.isoformat()}; your registration and attached jobs are no longer shown.",
        dedupe_key=f"fair.cancelled:{fair.id}",
        link=f"/fairs/{fair.id}",
        payload={"fair_id": fair.id},
    )
    members = registered_member_ids(session, fair.id)
    for user_id in members:
        deliver(session, user_id, notice)
    _audit(session, principal, "fair.cancelled", fair, previous_status=was, notified=len(members))
    return fair


MAX_CHOICES = 300


def university_choices(session: Session, principal: Principal) -> list[University]:
    """Universities the caller may invite, for a form: its own (career office), those of its
    province (provincial administrator); none for the national administrator, who names
    universities by code (729 would not fit a list)."""
    level = organizer_level(principal)
    if level is OrganizerLevel.UNIVERSITY:
        return [session.get_one(University, principal.university_id)]
    if level is OrganizerLevel.PROVINCE:
        return list(
            session.scalars(
                select(University)
                .where(University.province_code == principal.province_code)
                .order_by(University.code)
                .limit(MAX_CHOICES)
            )
        )
    return []


def university_ids_by_code(session: Session, codes: Iterable[str]) -> list[int]:
    """The ids of universities named by 院校代码; unknown codes are a 422 with the codes."""
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    found = dict(
        session.execute(
            select(University.code, University.id).where(University.code.in_(wanted))
        ).all()
    )
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise InvalidFair(
            INVALID,
            fields={"university_ids": f"院校代码不存在 (unknown codes): {', '.join(unknown)}"},
        )
    return [found[code] for code in wanted]
