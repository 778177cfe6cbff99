"""Route guards other packages use for graduate-only actions (apply, be recommended, ...).

    @router.post("/jobs/{job_id}/applications")
    def apply(principal: VerifiedGraduate, ...) -> ...

``VerifiedGraduate`` admits exactly the graduate role (it is the route's access rule) and
then refuses, with 403 ``graduate_not_verified``, an account that is not an active graduate
linked to an eligible registry record (see :func:`is_verified_graduate`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from jobs_api.core.deps import SessionDep
from jobs_api.graduates.activation import is_verified_graduate
from jobs_api.graduates.errors import GraduateNotVerified
from jobs_api.identity.access import allow
from jobs_api.identity.principal import Principal, Role

GraduatePrincipal = Annotated[Principal, Depends(allow(Role.GRADUATE))]


def require_verified_graduate(principal: GraduatePrincipal, session: SessionDep) -> Principal:
    if principal.student_record_id is None or not is_verified_graduate(session, principal.user_id):
        raise GraduateNotVerified(
            "账号尚未完成学籍核验，暂不能使用此功能 (the account is not a verified graduate)"
        )
    return principal


VerifiedGraduate = Annotated[Principal, Depends(require_verified_graduate)]
