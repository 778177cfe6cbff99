"""The verification gate: only employers whose verification reaches graduates
(:data:`~jobs_api.employers.models.REACHES_GRADUATES`) post or publish jobs and join fairs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobs_api.employers.errors import EmployerNotFound, EmployerNotVerified
from jobs_api.employers.models import Employer

NOT_VERIFIED_MESSAGE = "单位尚未通过认证，暂不能发布岗位或参加招聘会 (the employer is not verified)"


def require_verified_employer(session: Session, employer_id: int) -> Employer:
    """The employer, if its verification currently reaches graduates; else 403
    ``employer_not_verified`` (404 when there is no such employer)."""
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise EmployerNotFound("用人单位不存在 (no such employer)")
    if not employer.reaches_graduates:
        raise EmployerNotVerified(NOT_VERIFIED_MESSAGE)
    return employer
