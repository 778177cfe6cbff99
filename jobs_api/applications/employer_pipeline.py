"""An employer's side of applications: the pipeline list, one application (the first read
moves ``submitted -> viewed``), status changes one by one or in bulk, private notes and the
résumé that was sent. Never commits.

Scope: a member sees only applications to its own employer's jobs; any other id is 404
(existence is not revealed). Changes that reach graduates (status changes, including the
automatic ``viewed``) need the employer's verification to reach graduates
(:func:`jobs_api.employers.gate.require_verified_employer`, 403 ``employer_not_verified``).
Reading an application and downloading its résumé are audited (personal data of another
person).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.applications.errors import (
    ApplicationNotFound,
    InvalidCursor,
    ResumeWithdrawn,
    StatusNotAllowed,
)
from jobs_api.applications.files import sent_file
from jobs_api.applications.models import Application, ApplicationNote, ApplicationStatus
from jobs_api.applications.pipeline import (
    EMPLOYER_TARGETS,
    STATUS_NAMES,
    can_change,
    change_status,
)
from jobs_api.applications.schemas import (
    BulkItemOut,
    BulkStatusIn,
    BulkStatusOut,
    EmployerApplicationDetailOut,
    EmployerApplicationPageOut,
    NoteOut,
    StatusChangeIn,
)
from jobs_api.applications.views import employer_detail, employer_views
from jobs_api.core.audit import record_audit
from jobs_api.employers.gate import require_verified_employer
from jobs_api.employers.models import Employer
from jobs_api.employers.scope import member_employer_id
from jobs_api.identity.principal import Principal
from jobs_api.jobs.models import Job

DEFAULT_PAGE = 50


def scoped_application(session: Session, principal: Principal, application_id: int) -> Application:
    """One application to the caller's employer's jobs; 404 for anything else."""
    employer_id = member_employer_id(principal)
    application = session.get(Application, application_id)
    if application is None or application.employer_id != employer_id:
        raise ApplicationNotFound("申请不存在 (no such application)")
    return application


def _audit(session: Session, principal: Principal, action: str, application: Application) -> None:
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action=action,
        subject_type="application",
        subject_id=application.id,
        detail={
            "employer_id": application.employer_id,
            "student_record_id": application.student_record_id,
        },
    )


def list_applications(
    session: Session,
    principal: Principal,
    *,
    job_id: int | None = None,
    status: ApplicationStatus | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE,
) -> EmployerApplicationPageOut:
    """The employer's applications, newest first, optionally for one job and one status
    (served by ``ix_applications_employer_status`` / ``ix_applications_job_status``).
    Withdrawn applications are listed only when ``status=withdrawn`` is asked for."""
    employer_id = member_employer_id(principal)
    query = select(Application).where(Application.employer_id == employer_id)
    if job_id is not None:
        query = query.where(Application.job_id == job_id)
    if status is not None:
        query = query.where(Application.status == status.value)
    else:  # withdrawn applications only when asked for
        query = query.where(Application.status != ApplicationStatus.WITHDRAWN)
    if cursor is not None:
        if not cursor.isdigit():
            raise InvalidCursor("分页游标无效 (invalid cursor)", fields={"cursor": "invalid"})
        query = query.where(Application.id < int(cursor))
    rows = list(session.scalars(query.order_by(Application.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return EmployerApplicationPageOut(
        items=employer_views(session, rows),
        next_cursor=str(rows[-1].id) if more and rows else None,
    )


def _labels(session: Session, application: Application) -> tuple[str, str]:
    job = session.get_one(Job, application.job_id)
    employer = session.get_one(Employer, application.employer_id)
    return job.title, employer.name


def _change(
    session: Session,
    principal: Principal,
    application: Application,
    target: ApplicationStatus,
    reason: str,
) -> bool:
    title, name = _labels(session, application)
    change = change_status(
        session,
        application,
        target,
        actor_user_id=principal.user_id,
        reason=reason,
        job_title=title,
        employer_name=name,
    )
    return change is not None


def read_application(
    session: Session, principal: Principal, application_id: int
) -> EmployerApplicationDetailOut:
    """One application with the applicant's profile; the first read of a ``submitted``
    application by a verified employer marks it ``viewed`` (and tells the graduate)."""
    application = scoped_application(session, principal, application_id)
    employer = session.get_one(Employer, application.employer_id)
    if application.status == ApplicationStatus.SUBMITTED and employer.reaches_graduates:
        _change(session, principal, application, ApplicationStatus.VIEWED, "")
    _audit(session, principal, "application.read", application)
    return employer_detail(session, application)


def _employer_target(status: ApplicationStatus) -> ApplicationStatus:
    if status not in EMPLOYER_TARGETS:
        raise StatusNotAllowed(
            f"用人单位不能将申请设为“{STATUS_NAMES[status][0]}” "
            f"(employers cannot set {status.value})",
            fields={"status": "not_allowed"},
        )
    return status


def set_status(
    session: Session, principal: Principal, application_id: int, body: StatusChangeIn
) -> Application:
    """Move one application; setting the status it already has changes nothing."""
    target = _employer_target(body.status)
    application = scoped_application(session, principal, application_id)
    require_verified_employer(session, application.employer_id)
    _change(session, principal, application, target, body.reason)
    return application


def bulk_status(session: Session, principal: Principal, body: BulkStatusIn) -> BulkStatusOut:
    """Move many applications to one status, each on its own: an id that cannot move (other
    employer's: ``not_found``; transition refused: ``not_allowed``) does not stop the others.
    Each change notifies its graduate once; repeated ids and already-set ones are
    ``unchanged``."""
    target = _employer_target(body.status)
    employer_id = member_employer_id(principal)
    require_verified_employer(session, employer_id)
    ids = list(dict.fromkeys(body.ids))
    found = {
        a.id: a
        for a in session.scalars(
            select(Application).where(
                Application.id.in_(ids), Application.employer_id == employer_id
            )
        )
    }
    items: list[BulkItemOut] = []
    changed = 0
    for application_id in ids:
        application = found.get(application_id)
        if application is None:
            items.append(BulkItemOut(id=application_id, result="not_found", status=None))
            continue
        current = ApplicationStatus(application.status)
        if current is not target and not can_change(current, target):
            items.append(
                BulkItemOut(
                    id=application_id,
                    result="not_allowed",
                    status=current,
                    message=f"当前状态“{STATUS_NAMES[current][0]}”不能变更为"
                    f"“{STATUS_NAMES[target][0]}” (cannot move from {current.value} "
                    f"to {target.value})",
                )
            )
            continue
        did = _change(session, principal, application, target, body.reason)
        changed += int(did)
        items.append(
            BulkItemOut(id=application_id, result="changed" if did else "unchanged", status=target)
        )
    return BulkStatusOut(changed=changed, items=items)


def add_note(
    session: Session, principal: Principal, application_id: int, body: str
) -> ApplicationNote:
    application = scoped_application(session, principal, application_id)
    note = ApplicationNote(
        application_id=application.id,
        employer_id=application.employer_id,
        author_id=principal.user_id,
        body=body,
    )
    session.add(note)
    session.flush()
    return note


def list_notes(session: Session, principal: Principal, application_id: int) -> list[NoteOut]:
    """The employer team's private notes on an application, oldest first."""
    application = scoped_application(session, principal, application_id)
    notes = session.scalars(
        select(ApplicationNote)
        .where(
            ApplicationNote.application_id == application.id,
            ApplicationNote.employer_id == application.employer_id,
        )
        .order_by(ApplicationNote.id)
    )
    return [NoteOut.model_validate(n) for n in notes]


def resume_download(
    session: Session, principal: Principal, data_dir: Path, application_id: int
) -> tuple[Path, str]:
    """The PDF the graduate sent with the application, and its download name (audited);
    not any more once the graduate withdrew the application (403)."""
    application = scoped_application(session, principal, application_id)
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ResumeWithdrawn(
            "申请人已撤回申请，简历不再提供 (the applicant withdrew the application)"
        )
    path = sent_file(data_dir, application.resume_sha256)
    _audit(session, principal, "application.resume_download", application)
    return path, application.resume_filename


def job_choices(session: Session, principal: Principal, limit: int = 200) -> list[tuple[int, str]]:
    """(id, title) of the employer's newest jobs, for the pipeline's job filter."""
    employer_id = member_employer_id(principal)
    rows = session.execute(
        select(Job.id, Job.title)
        .where(Job.employer_id == employer_id)
        .order_by(Job.id.desc())
        .limit(limit)
    )
    return [(row.id, row.title) for row in rows]
