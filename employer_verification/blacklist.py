"""The platform blacklist: credit codes and name patterns that are refused, with the reason.

Scope (who may do what):

* national administrators add entries that apply everywhere (``province_code`` NULL) or to one
  province, list every entry and remove any;
* a provincial administrator adds entries for its own province only (they apply to employers
  located there), lists the national entries and its province's, and removes only its
  province's entries — blacklisting is a sanction, so it stays with the administrators who
  answer for a territory, not with career offices.

Name patterns are compared in normalised form (see ``names.normalize_name``): a pattern
matches when it occurs in the normalised name; ``*`` stands for any characters
(``云帆*咨询`` matches 杭州云帆投资咨询有限公司).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from employer_verification import uscc as uscc_rules
from employer_verification.errors import (
    BlacklistEntryExists,
    BlacklistEntryInvalid,
    BlacklistEntryNotFound,
    NoProvinceScope,
)
from employer_verification.models import BlacklistEntry, BlacklistKind
from employer_verification.names import normalize_name
from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.identity.errors import OutOfScope
from jobs_api.identity.principal import Principal, Role
from jobs_api.reference.models import Region

MIN_PATTERN_LENGTH = 2


@lru_cache(maxsize=4096)
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


def pattern_matches(pattern: str, normalized_name: str) -> bool:
    return _pattern_regex(pattern).search(normalized_name) is not None


@dataclass(frozen=True, slots=True)
class BlacklistHit:
    entry_id: int
    kind: str
    pattern: str
    reason: str


def find_hits(
    session: Session, code: str, name: str, province_code: str | None
) -> list[BlacklistHit]:
    """Active entries that apply to an organisation (code, name) located in a province."""
    applies: ColumnElement[bool] = BlacklistEntry.province_code.is_(None)
    if province_code is not None:
        applies = or_(applies, BlacklistEntry.province_code == province_code)
    active = (BlacklistEntry.removed_at.is_(None), applies)
    hits = [
        BlacklistHit(e.id, e.kind, e.pattern_display, e.reason)
        for e in session.scalars(
            select(BlacklistEntry).where(
                *active,
                BlacklistEntry.kind == BlacklistKind.USCC,
                BlacklistEntry.value == uscc_rules.compact(code),
            )
        )
    ]
    normalized = normalize_name(name)
    for entry in session.scalars(
        select(BlacklistEntry).where(*active, BlacklistEntry.kind == BlacklistKind.NAME_PATTERN)
    ):
        if pattern_matches(entry.value, normalized):
            hits.append(BlacklistHit(entry.id, entry.kind, entry.pattern_display, entry.reason))
    return hits


# --- administration --------------------------------------------------------------------------


def _own_province(principal: Principal) -> str:
    if not principal.province_code:
        raise NoProvinceScope("当前管理员账号未关联省份 (administrator has no province)")
    return principal.province_code


def add_entry(
    session: Session,
    principal: Principal,
    *,
    kind: BlacklistKind,
    value: str,
    reason: str,
    province_code: str | None,
) -> BlacklistEntry:
    if principal.role is Role.PROVINCIAL_ADMIN:
        own = _own_province(principal)
        if province_code not in (None, own):
            raise OutOfScope("省级管理员只能为本省添加黑名单 (own province only)")
        province_code = own
    elif province_code is not None:
        region = session.get(Region, province_code)
        if region is None or region.level != "province":
            raise BlacklistEntryInvalid(
                "省份代码无效 (unknown province)", fields={"province_code": "unknown"}
            )
    display = value.strip()
    reason = reason.strip()
    if not reason:
        raise BlacklistEntryInvalid("请填写列入黑名单的原因", fields={"reason": "required"})
    if kind is BlacklistKind.USCC:
        stored = uscc_rules.compact(display)
        if uscc_rules.parse(stored) is None:
            raise BlacklistEntryInvalid(
                "统一社会信用代码格式或校验位错误 (invalid credit code)",
                fields={"value": "invalid_uscc"},
            )
    else:
        stored = normalize_name(display)
        if len(stored.replace("*", "")) < MIN_PATTERN_LENGTH:
            raise BlacklistEntryInvalid(
                "名称规则至少包含 2 个有效字符 (pattern too short)",
                fields={"value": "too_short"},
            )
    exists = session.scalar(
        select(BlacklistEntry.id).where(
            BlacklistEntry.kind == kind,
            BlacklistEntry.value == stored,
            BlacklistEntry.removed_at.is_(None),
            BlacklistEntry.province_code.is_(None)
            if province_code is None
            else BlacklistEntry.province_code == province_code,
        )
    )
    if exists is not None:
        raise BlacklistEntryExists("黑名单中已有相同条目 (entry already listed)")
    entry = BlacklistEntry(
        kind=kind,
        value=stored,
        pattern_display=display,
        reason=reason,
        province_code=province_code,
        added_by_user_id=principal.user_id,
        added_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="verification.blacklist.add",
        subject_type="verification_blacklist",
        subject_id=entry.id,
        detail={"kind": kind.value, "value": stored, "province_code": province_code},
    )
    return entry


def list_entries(
    session: Session, principal: Principal, *, include_removed: bool = False
) -> list[BlacklistEntry]:
    query = select(BlacklistEntry).order_by(BlacklistEntry.id.desc())
    if principal.role is Role.PROVINCIAL_ADMIN:
        own = _own_province(principal)
        query = query.where(
            or_(BlacklistEntry.province_code.is_(None), BlacklistEntry.province_code == own)
        )
    if not include_removed:
        query = query.where(BlacklistEntry.removed_at.is_(None))
    return list(session.scalars(query.limit(1_000)))


def remove_entry(session: Session, principal: Principal, entry_id: int) -> BlacklistEntry:
    entry = session.get(BlacklistEntry, entry_id)
    if entry is None or entry.removed_at is not None:
        raise BlacklistEntryNotFound("黑名单条目不存在 (no such entry)")
    if principal.role is Role.PROVINCIAL_ADMIN:
        own = _own_province(principal)
        if entry.province_code is None:
            raise OutOfScope("全国黑名单条目只能由全国管理员移除 (national entry)")
        if entry.province_code != own:
            raise BlacklistEntryNotFound("黑名单条目不存在 (no such entry)")
    entry.removed_at = utcnow()
    entry.removed_by_user_id = principal.user_id
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="verification.blacklist.remove",
        subject_type="verification_blacklist",
        subject_id=entry.id,
        detail={"kind": entry.kind, "value": entry.value},
    )
    return entry
