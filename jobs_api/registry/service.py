"""Registry imports as the API sees them: submit an upload, list and read imports and their
error reports — each within the caller's scope (never commits).

Scope: a career office works with its own university only (uploads always target it; rows
naming another university's code are rejected row by row); a provincial administrator reads
the imports of universities in its province; a national administrator reads all. An import
outside the caller's scope is reported as not found, so its existence does not leak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.identity.errors import OutOfScope
from jobs_api.identity.principal import Principal, Role
from jobs_api.registry.errors import ImportNotFound, NoUniversityScope
from jobs_api.registry.models import ImportStatus, RegistryImport, RegistryImportError
from jobs_api.registry.storage import StoredUpload
from jobs_api.universities.models import University

SUBJECT = "registry_import"


@dataclass(frozen=True, slots=True)
class Submitted:
    record: RegistryImport
    resumed: bool  # an unfinished import of the same file was picked up again


def career_university(session: Session, principal: Principal) -> University:
    """The university a career-office caller works for."""
    if principal.role is not Role.CAREER_OFFICE:
        raise OutOfScope("只有高校就业部门可以导入学籍 (only a career office may import)")
    university = (
        session.get(University, principal.university_id) if principal.university_id else None
    )
    if university is None:
        raise NoUniversityScope("当前账号未关联高校，无法导入学籍 (account has no university)")
    return university


def submit_import(
    session: Session, principal: Principal, stored: StoredUpload, filename: str
) -> Submitted:
    """Queue an import of a stored upload for the caller's university.

    The same content uploaded again while an earlier import of it is unfinished (queued,
    running or failed) continues that import instead of starting another.
    """
    university = career_university(session, principal)
    earlier = session.scalars(
        select(RegistryImport)
        .where(
            RegistryImport.university_id == university.id,
            RegistryImport.content_sha256 == stored.sha256,
            RegistryImport.status != ImportStatus.COMPLETED,
        )
        .order_by(RegistryImport.id.desc())
        .limit(1)
    ).first()
    if earlier is not None:
        if earlier.status == ImportStatus.FAILED:
            earlier.status = ImportStatus.QUEUED
            earlier.finished_at = None
        submitted = Submitted(earlier, resumed=True)
    else:
        record = RegistryImport(
            university_id=university.id,
            uploaded_by_user_id=principal.user_id,
            filename=_clean_filename(filename),
            content_sha256=stored.sha256,
            format=stored.info.format.value,
            encoding=stored.info.encoding,
            size_bytes=stored.size,
            status=ImportStatus.QUEUED,
        )
        session.add(record)
        submitted = Submitted(record, resumed=False)
    session.flush()
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="registry.import.submitted",
        subject_type=SUBJECT,
        subject_id=submitted.record.id,
        detail={
            "university_id": university.id,
            "format": submitted.record.format,
            "size_bytes": stored.size,
            "resumed": submitted.resumed,
        },
    )
    return submitted


def _clean_filename(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:255] or "upload"


def _scoped(principal: Principal, query: Select[RegistryImport]) -> Select[RegistryImport]:
    if principal.role is Role.NATIONAL_ADMIN:
        return query
    if principal.role is Role.CAREER_OFFICE and principal.university_id is not None:
        return query.where(RegistryImport.university_id == principal.university_id)
    if principal.role is Role.PROVINCIAL_ADMIN and principal.province_code is not None:
        return query.join(University, University.id == RegistryImport.university_id).where(
            University.province_code == principal.province_code
        )
    return query.where(RegistryImport.id.is_(None))  # no scope: nothing


def list_imports(
    session: Session,
    principal: Principal,
    *,
    status: ImportStatus | None = None,
    university_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[RegistryImport], int]:
    query = _scoped(principal, select(RegistryImport))
    if status is not None:
        query = query.where(RegistryImport.status == status)
    if university_id is not None:
        query = query.where(RegistryImport.university_id == university_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(RegistryImport.id.desc()).offset(offset).limit(limit)
    ).all()
    return rows, total


def get_import(session: Session, principal: Principal, import_id: int) -> RegistryImport:
    found = session.scalars(
        _scoped(principal, select(RegistryImport)).where(RegistryImport.id == import_id)
    ).first()
    if found is None:
        raise ImportNotFound(f"未找到导入记录 {import_id} (import not found)")
    return found


def list_errors(
    session: Session,
    principal: Principal,
    import_id: int,
    *,
    offset: int = 0,
    limit: int | None = 100,
) -> tuple[RegistryImport, Sequence[RegistryImportError]]:
    """An import's per-row error report (lines in file order); reading it is audited."""
    record = get_import(session, principal, import_id)
    query = (
        select(RegistryImportError)
        .where(RegistryImportError.import_id == record.id)
        .order_by(RegistryImportError.line, RegistryImportError.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    errors = session.scalars(query).all()
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="registry.import.errors_read",
        subject_type=SUBJECT,
        subject_id=record.id,
        detail={"offset": offset, "count": len(errors)},
    )
    return record, errors
