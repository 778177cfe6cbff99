"""The graduate's profile: ``/me/profile`` (view) and ``/me/profile/edit`` (form).

Registry facts (院校, 专业, 学历, ...) are shown read-only with the 学籍信息 badge; the rest
is edited through :func:`jobs_api.graduates.profile.patch_profile`, which checks every code
against the reference tables and refuses employer visibility without the sharing consent.
Only the fields on the form are sent, so internships and projects entered elsewhere stay.

The choices (prefecture-level cities by province, GB/T 4754 sections, occupation minor
groups) are server-side options; ``static/js/forms.js`` turns the long lists into searchable
pickers and the skills box into tags. Without scripts the plain controls work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.graduates.consent import has_consent
from jobs_api.graduates.guards import VerifiedGraduate
from jobs_api.graduates.models import ConsentPurpose, Visibility
from jobs_api.graduates.profile import get_my_profile, patch_profile
from jobs_api.graduates.schemas import ProfileOut, ProfilePatch
from jobs_api.identity.principal import Principal
from jobs_api.reference import service as reference
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import (
    FormErrors,
    field_errors_from_domain,
    field_errors_from_validation,
    split_values,
)
from jobs_api.web.page_support import page, rollback_unless_recorded, see_other, translate

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]

VISIBILITY_TEXTS: Final[dict[Visibility, tuple[str, str]]] = {
    Visibility.VERIFIED_EMPLOYERS: (
        N_("对认证用人单位公开"),
        N_("通过平台认证的用人单位可以搜索并查看你的资料和默认简历。"),
    ),
    Visibility.APPLIED_ONLY: (
        N_("仅投递过的单位可见"),
        N_("只有你投递过职位的用人单位能看到你的资料。"),
    ),
    Visibility.HIDDEN: (
        N_("不公开"),
        N_("用人单位看不到你的资料；本校就业指导中心仍可查看，用于就业服务。"),
    ),
}
FIELD_MESSAGES: Final = {
    "skills": N_("每个技能标签 1–30 字，最多 50 个。"),
    "certificates": N_("每项证书 1–100 字，最多 30 项。"),
    "intended_city_codes": N_("意向城市最多选择 10 个。"),
    "intended_industry_codes": N_("意向行业最多选择 10 个。"),
    "intended_occupation_codes": N_("意向职业最多选择 10 个。"),
    "summary": N_("自我介绍不超过 2000 字。"),
    "visibility": N_("请选择一个公开范围。"),
}
SALARY_MESSAGE: Final = N_("期望月薪为 1000–200000 元的整数，最高值不低于最低值。")
INVALID_VALUE: Final = N_("格式不正确。")
RENAMES: Final = {"expected_salary": "salary"}


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class OptionGroup:
    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True)
class Choices:
    cities: tuple[OptionGroup, ...]
    industries: tuple[Option, ...]
    occupations: tuple[OptionGroup, ...]

    def names(self) -> dict[str, str]:
        found = {o.value: o.label for o in self.industries}
        for group in (*self.cities, *self.occupations):
            found.update({o.value: o.label for o in group.options})
        return found


def load_choices(session: Session, chosen_occupations: Sequence[str] = ()) -> Choices:
    provinces = {r.code: r.name for r in reference.list_regions(session, level="province")}
    by_province: dict[str, list[Option]] = {}
    for region in reference.list_regions(session, level="prefecture"):
        by_province.setdefault(region.parent_code or "", []).append(
            Option(region.code, region.name)
        )
    cities = tuple(
        OptionGroup(provinces.get(code, code), tuple(options))
        for code, options in by_province.items()
    )
    industries = tuple(
        Option(i.code, f"{i.code} {i.name}")
        for i in reference.list_industries(session, level="section")
    )
    middle = {o.code: o.name for o in reference.list_occupations(session, level=2, limit=500)}
    by_middle: dict[str, list[Option]] = {}
    for occupation in reference.list_occupations(session, level=3, limit=500):
        by_middle.setdefault(occupation.parent_code or "", []).append(
            Option(occupation.code, occupation.name)
        )
    occupations = [
        OptionGroup(middle.get(code, code), tuple(options)) for code, options in by_middle.items()
    ]
    listed = {o.value for group in occupations for o in group.options}
    extra = [code for code in chosen_occupations if code not in listed]
    if extra:
        extra_options = []
        for code in extra:
            found = reference.list_occupations(session, q=code, limit=1)
            extra_options.append(Option(code, found[0].name if found else code))
        occupations.append(OptionGroup(N_("其他已选职业"), tuple(extra_options)))
    return Choices(cities, industries, tuple(occupations))


def visibility_options() -> list[dict[str, str]]:
    return [
        {"value": v.value, "title": title, "text": text}
        for v, (title, text) in VISIBILITY_TEXTS.items()
    ]


def _form_values(profile: ProfileOut) -> dict[str, Any]:
    salary = profile.expected_salary
    return {
        "skills": ", ".join(profile.skills),
        "certificates": ", ".join(profile.certificates),
        "intended_city_codes": list(profile.intended_city_codes),
        "intended_industry_codes": list(profile.intended_industry_codes),
        "intended_occupation_codes": list(profile.intended_occupation_codes),
        "salary_min": str(salary.min_monthly) if salary else "",
        "salary_max": str(salary.max_monthly) if salary and salary.max_monthly else "",
        "summary": profile.summary,
        "visibility": profile.visibility.value,
    }


@router.get("/me/profile", response_class=HTMLResponse)
def view_profile(
    request: Request, principal: VerifiedGraduate, session: SessionDep, saved: str = ""
) -> Response:
    profile = get_my_profile(session, principal)
    choices = load_choices(session, profile.intended_occupation_codes)
    context = {
        "profile": profile,
        "names": choices.names(),
        "visibility": VISIBILITY_TEXTS[profile.visibility],
        "saved": saved == "1",
        "area": "graduate",
    }
    return page(request, session, principal, "me/profile.html", context, private=True)


def _edit_page(
    request: Request,
    session: Session,
    principal: Principal,
    profile: ProfileOut,
    values: dict[str, Any],
    *,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "profile": profile,
        "values": values,
        "choices": load_choices(session, values.get("intended_occupation_codes") or []),
        "visibility_options": visibility_options(),
        "can_share": has_consent(session, principal.user_id, ConsentPurpose.SHARE_WITH_EMPLOYERS),
        "errors": errors or FormErrors(),
        "area": "graduate",
    }
    return page(
        request,
        session,
        principal,
        "me/profile_edit.html",
        context,
        status_code=status_code,
        private=True,
    )


@router.get("/me/profile/edit", response_class=HTMLResponse)
def edit_profile(request: Request, principal: VerifiedGraduate, session: SessionDep) -> Response:
    profile = get_my_profile(session, principal)
    return _edit_page(request, session, principal, profile, _form_values(profile))


def _salary(
    request: Request, low: str, high: str, errors: FormErrors
) -> dict[str, int | None] | None:
    low, high = low.strip().replace(",", ""), high.strip().replace(",", "")
    if not low and not high:
        return None
    if not low.isdigit() or (high and not high.isdigit()):
        errors.add("salary", translate(request, SALARY_MESSAGE))
        return None
    return {"min_monthly": int(low), "max_monthly": int(high) if high else None}


@router.post("/me/profile/edit", response_class=HTMLResponse)
def save_profile(
    request: Request,
    principal: VerifiedGraduate,
    _: CsrfChecked,
    session: SessionDep,
    skills: FormText = "",
    certificates: FormText = "",
    intended_city_codes: FormList = None,
    intended_industry_codes: FormList = None,
    intended_occupation_codes: FormList = None,
    salary_min: FormText = "",
    salary_max: FormText = "",
    summary: FormText = "",
    visibility: FormText = "",
) -> Response:
    values: dict[str, Any] = {
        "skills": skills,
        "certificates": certificates,
        "intended_city_codes": list(dict.fromkeys(intended_city_codes or [])),
        "intended_industry_codes": list(dict.fromkeys(intended_industry_codes or [])),
        "intended_occupation_codes": list(dict.fromkeys(intended_occupation_codes or [])),
        "salary_min": salary_min,
        "salary_max": salary_max,
        "summary": summary,
        "visibility": visibility,
    }
    errors = FormErrors()
    payload: dict[str, Any] = {
        "skills": split_values(skills),
        "certificates": split_values(certificates),
        "intended_city_codes": values["intended_city_codes"],
        "intended_industry_codes": values["intended_industry_codes"],
        "intended_occupation_codes": values["intended_occupation_codes"],
        "expected_salary": _salary(request, salary_min, salary_max, errors),
        "summary": summary.strip(),
    }
    if visibility:
        payload["visibility"] = visibility
    patch: ProfilePatch | None = None
    try:
        patch = ProfilePatch.model_validate(payload)
    except ValidationError as error:
        messages = {k: translate(request, v) for k, v in FIELD_MESSAGES.items()}
        messages["expected_salary"] = translate(request, SALARY_MESSAGE)
        found = field_errors_from_validation(error, messages, translate(request, INVALID_VALUE))
        for name, message in found.items():
            errors.add(RENAMES.get(name, name), message)
    status_code = 422
    if patch is not None and not errors:
        try:
            patch_profile(session, principal, patch)
        except DomainError as error:
            rollback_unless_recorded(session, error)
            errors = FormErrors(error.message, field_errors_from_domain(error, RENAMES))
            status_code = error.status_code
        else:
            return see_other("/me/profile?saved=1")
    profile = get_my_profile(session, principal)
    return _edit_page(
        request, session, principal, profile, values, errors=errors, status_code=status_code
    )
