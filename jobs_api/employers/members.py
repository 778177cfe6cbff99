"""An employer's members: the owner (who registered it) and the recruiters the owner invites.

Inviting is identity's ``POST /api/v1/employers/me/members`` (an account with an activation
code); here members are listed and the owner removes recruiters: the account is disabled and
its sessions revoked at once, the jobs it posted stay with the employer.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import record_audit
from jobs_api.core.db import utcnow
from jobs_api.employers.errors import CannotRemoveOwner, MemberNotFound, OwnerRequired
from jobs_api.employers.schemas import MemberOut
from jobs_api.employers.scope import member_employer_id
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import EmployerRole, Principal, Role
from jobs_api.identity.sessions import RevokeReason, revoke_user_sessions

LISTED_STATUSES = (AccountStatus.ACTIVE, AccountStatus.PENDING_ACTIVATION, AccountStatus.DISABLED)


def _out(user: User) -> MemberOut:
    return MemberOut(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        employer_role=user.employer_role,
        status=user.status,
        phone_masked=user.phone_masked,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


def list_members(session: Session, principal: Principal) -> list[MemberOut]:
    """Members of the caller's employer, owner first (masked phones only)."""
    employer_id = member_employer_id(principal)
    users = session.scalars(
        select(User)
        .where(
            User.employer_id == employer_id,
            User.role == Role.EMPLOYER_MEMBER.value,
            User.status.in_([s.value for s in LISTED_STATUSES]),
        )
        .order_by(User.id)
    ).all()
    owners = [u for u in users if u.employer_role == EmployerRole.OWNER.value]
    return [_out(u) for u in owners + [u for u in users if u not in owners]]


def remove_member(session: Session, principal: Principal, user_id: int) -> MemberOut:
    """The owner removes a recruiter of their employer (404 for anyone else's member)."""
    employer_id = member_employer_id(principal)
    if principal.employer_role is not EmployerRole.OWNER:
        raise OwnerRequired("仅单位管理员可移除成员 (only the owner may remove members)")
    user = session.get(User, user_id)
    if (
        user is None
        or user.employer_id != employer_id
        or user.role != Role.EMPLOYER_MEMBER.value
        or user.status == AccountStatus.DELETED
    ):
        raise MemberNotFound("成员不存在 (no such member of your employer)")
    if user.employer_role == EmployerRole.OWNER.value:
        raise CannotRemoveOwner("不能移除单位管理员 (the owner cannot be removed)")
    now = utcnow()
    previous = user.status
    user.status = AccountStatus.DISABLED
    user.updated_at = now
    revoke_user_sessions(
        session,
        user.id,
        RevokeReason.ACCOUNT_UNAVAILABLE,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        now=now,
    )
    record_audit(
        session,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
        action="employer.member_removed",
        subject_type="user",
        subject_id=user.id,
        detail={"employer_id": employer_id, "previous_status": previous},
    )
    session.flush()
    return _out(user)
