"""Checks of reference codes that employers and jobs point at (each returns the problem in
Simplified Chinese, or ``None`` when the code is fine); callers raise their own typed error."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobs_api.reference.models import EmployerType, Industry, Region

PREFECTURE = "prefecture"


def employer_type_problem(session: Session, code: str) -> str | None:
    if session.get(EmployerType, code) is None:
        return "单位性质代码不存在 (unknown employer type, see /api/v1/reference/employer-types)"
    return None


def industry_problem(session: Session, code: str) -> str | None:
    if session.get(Industry, code) is None:
        return "行业代码不存在，请填 GB/T 4754-2017 门类或大类代码 (unknown industry code)"
    return None


def city_problem(session: Session, code: str) -> str | None:
    region = session.get(Region, code)
    if region is None:
        return "地区代码不存在 (unknown region code)"
    if region.level != PREFECTURE:
        return "请选择地级行政区（市、州、盟） (a prefecture-level region is required)"
    return None
