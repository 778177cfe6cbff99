"""Short-lived signed access tokens (JWT, HS256) that carry the caller's role and scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import jwt

from jobs_api.core.db import utcnow
from jobs_api.identity.errors import InvalidToken
from jobs_api.identity.principal import EmployerRole, Principal, Role

ACCESS_TOKEN_TTL = timedelta(minutes=15)
ISSUER = "gradmatch"
ALGORITHM = "HS256"


def _signing_key(secret: str) -> str:
    return f"access-token:{secret}"


def issue_access_token(
    principal: Principal, secret: str, *, now: datetime | None = None
) -> tuple[str, datetime]:
    issued = now or utcnow()
    expires = issued + ACCESS_TOKEN_TTL
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": str(principal.user_id),
        "sid": principal.session_id,
        "role": principal.role.value,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
    }
    scope = {
        "uni": principal.university_id,
        "prov": principal.province_code,
        "emp": principal.employer_id,
        "emp_role": principal.employer_role.value if principal.employer_role else None,
        "rec": principal.student_record_id,
    }
    claims.update({k: v for k, v in scope.items() if v is not None})
    return jwt.encode(claims, _signing_key(secret), algorithm=ALGORITHM), expires


def decode_access_token(token: str, secret: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            _signing_key(secret),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "sid", "role"]},
        )
        return Principal(
            user_id=int(claims["sub"]),
            role=Role(claims["role"]),
            session_id=str(claims["sid"]),
            university_id=claims.get("uni"),
            province_code=claims.get("prov"),
            employer_id=claims.get("emp"),
            employer_role=EmployerRole(claims["emp_role"]) if claims.get("emp_role") else None,
            student_record_id=claims.get("rec"),
        )
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise InvalidToken("访问令牌无效或已过期 (invalid or expired access token)") from exc
