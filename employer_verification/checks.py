"""The automatic checks of an employer, each with a stable reason code and a zh-CN explanation.

Every check returns a :class:`CheckResult`: ``pass``, ``fail`` (``hard`` when the failure alone
rejects the employer) or ``unknown`` (the check could not decide, e.g. the registry did not
answer). :func:`decide` turns the results into the case's next state:

* any hard failure (malformed code or bad check digit, registration 吊销/注销, blacklisted)
  -> ``rejected``;
* otherwise any failure or unknown -> ``needs_review`` (never verified automatically);
* all pass -> ``auto_verified``.

Region consistency (decided here): the credit code's region must lie in the **same province**
as the employer's stated location. Organisations often register in one district or city and
work from another of the same province, so a different prefecture passes (the result says
so); a different province routes the case to a reviewer. Codes of national offices
(``100000``) pass everywhere. See :mod:`employer_verification.regions` for how municipalities
and 省直辖县 resolve.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Final

from sqlalchemy.orm import Session

from employer_verification import uscc as uscc_rules
from employer_verification.blacklist import find_hits
from employer_verification.duplicates import find_duplicates
from employer_verification.enterprise_registry import EnterpriseRecord, EnterpriseRegistry
from employer_verification.errors import (
    EnterpriseRegistryResponseInvalid,
    EnterpriseRegistryUnavailable,
)
from employer_verification.models import CaseState, EnterpriseStatus
from employer_verification.names import normalize_name, similarity
from employer_verification.reasons import reason
from employer_verification.regions import RegionBook
from jobs_api.employers.models import Employer

SIMILAR_NAME_THRESHOLD: Final = 0.8
"""Names at least this alike (after normalisation) go to review instead of failing."""


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: str
    outcome: Outcome
    reason: str
    message: str
    hard: bool = False
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "message": self.message,
            "hard": self.hard,
            "detail": self.detail,
        }


def _result(
    check: str, outcome: Outcome, code: str, message: str | None = None, /, **detail: Any
) -> CheckResult:
    return CheckResult(check, outcome, code, message or reason(code).for_reviewer, False, detail)


def _hard(result: CheckResult) -> CheckResult:
    """The same failure, marked as rejecting the employer by itself."""
    return replace(result, hard=True)


# --- the credit code -------------------------------------------------------------------------


def check_uscc_format(code: str) -> CheckResult:
    """18 characters of the allowed alphabet, digits in the region part, correct check digit."""
    compact = uscc_rules.compact(code)
    problem = uscc_rules.format_problem(compact)
    if problem is not None:
        return _hard(
            _result(
                "uscc_format",
                Outcome.FAIL,
                "uscc_malformed",
                f"统一社会信用代码格式错误：{problem}",
            )
        )
    expected = uscc_rules.check_digit(compact[:17])
    if expected != compact[17]:
        return _hard(
            _result(
                "uscc_format",
                Outcome.FAIL,
                "uscc_check_digit",
                f"统一社会信用代码校验位错误：第 18 位应为 {expected}，实际为 {compact[17]}",
            )
        )
    return _result("uscc_format", Outcome.PASS, "uscc_ok")


def check_uscc_structure(code: str) -> CheckResult:
    """Registration authority, organisation type and the embedded GB 11714 organisation code."""
    parsed = uscc_rules.parse(code)
    if parsed is None:
        return _result("uscc_structure", Outcome.UNKNOWN, "uscc_not_checked")
    authority = uscc_rules.AUTHORITIES.get(parsed.authority)
    if authority is None:
        return _result(
            "uscc_structure",
            Outcome.FAIL,
            "uscc_authority_invalid",
            f"登记管理部门码 {parsed.authority} 不在 GB 32100-2015 代码表中",
        )
    authority_name, types = authority
    if parsed.org_type not in types:
        return _result(
            "uscc_structure",
            Outcome.FAIL,
            "uscc_org_type_invalid",
            f"机构类别码 {parsed.org_type} 不属于登记管理部门“{authority_name}”",
            authority=authority_name,
        )
    if not uscc_rules.org_code_valid(parsed.org_code):
        return _result(
            "uscc_structure",
            Outcome.FAIL,
            "uscc_org_code_invalid",
            f"组织机构代码 {parsed.org_code} 的校验码错误（GB 11714）",
            authority=authority_name,
        )
    return _result(
        "uscc_structure",
        Outcome.PASS,
        "uscc_structure_ok",
        f"登记管理部门：{authority_name}；机构类别：{types[parsed.org_type]}",
        authority=authority_name,
        org_type=types[parsed.org_type],
    )


def check_uscc_region(code: str, city_code: str, regions: RegionBook) -> CheckResult:
    """The code's registering region lies in the province of the stated location."""
    parsed = uscc_rules.parse(code)
    if parsed is None:
        return _result("uscc_region", Outcome.UNKNOWN, "uscc_not_checked")
    if parsed.region == uscc_rules.NATIONAL_REGION:
        return _result(
            "uscc_region", Outcome.PASS, "region_consistent", "由国家级登记机关登记，不限所在地",
            code_region=parsed.region,
        )  # fmt: skip
    registered = regions.place_of(parsed.region)
    stated = regions.place_of(city_code)
    if registered is None:
        return _result(
            "uscc_region",
            Outcome.FAIL,
            "region_unknown",
            f"代码中的行政区划码 {parsed.region} 无法识别",
            code_region=parsed.region,
        )
    if stated is None:
        return _result(
            "uscc_region",
            Outcome.UNKNOWN,
            "region_unknown",
            f"单位所在地 {city_code} 无法识别",
            code_region=parsed.region,
        )
    detail = {
        "code_region": parsed.region,
        "registered_in": registered.label,
        "located_in": stated.label,
    }
    if registered.province.code != stated.province.code:
        return _result(
            "uscc_region",
            Outcome.FAIL,
            "region_mismatch",
            f"登记机关在{registered.label}，单位所在地为{stated.label}，不在同一省份",
            **detail,
        )
    same_prefecture = (
        registered.prefecture is None
        or stated.prefecture is None
        or registered.prefecture.code == stated.prefecture.code
        or registered.province.kind == "municipality"
    )
    message = (
        f"登记机关在{registered.label}，与所在地一致"
        if same_prefecture
        else f"登记机关在{registered.label}，所在地为{stated.label}（同省不同市，视为一致）"
    )
    return _result(
        "uscc_region",
        Outcome.PASS,
        "region_consistent",
        message,
        same_prefecture=same_prefecture,
        **detail,
    )


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegistryAnswer:
    record: EnterpriseRecord | None
    error: str | None = None  # why the registry could not answer

    @property
    def answered(self) -> bool:
        return self.error is None


def ask_registry(registry: EnterpriseRegistry, code: str) -> RegistryAnswer:
    if uscc_rules.parse(code) is None:
        return RegistryAnswer(None, error="uscc_not_checked")
    try:
        return RegistryAnswer(registry.lookup(uscc_rules.compact(code)))
    except (EnterpriseRegistryUnavailable, EnterpriseRegistryResponseInvalid) as exc:
        return RegistryAnswer(None, error=exc.code)


def check_registry(answer: RegistryAnswer) -> CheckResult:
    if answer.error == "uscc_not_checked":
        return _result("registry", Outcome.UNKNOWN, "uscc_not_checked")
    if not answer.answered:
        return _result("registry", Outcome.UNKNOWN, "registry_unavailable", error=answer.error)
    if answer.record is None:
        return _result("registry", Outcome.FAIL, "registry_not_found")
    return _result(
        "registry",
        Outcome.PASS,
        "registry_found",
        f"登记名称：{answer.record.name}；登记状态：{answer.record.status}",
    )


def _no_record(check: str, answer: RegistryAnswer, missing_code: str) -> CheckResult:
    if answer.error == "uscc_not_checked":
        return _result(check, Outcome.UNKNOWN, "uscc_not_checked")
    if not answer.answered:
        return _result(check, Outcome.UNKNOWN, "registry_unavailable")
    return _result(check, Outcome.UNKNOWN, missing_code, reason("registry_not_found").for_reviewer)


def check_name(name: str, answer: RegistryAnswer) -> CheckResult:
    """The stated name against the registered one: equal after normalisation, similar, or not."""
    if answer.record is None:
        return _no_record("name_match", answer, "registry_not_found")
    stated, registered = normalize_name(name), normalize_name(answer.record.name)
    if stated == registered:
        return _result("name_match", Outcome.PASS, "name_exact", registered_name=answer.record.name)
    score = round(similarity(stated, registered), 3)
    detail = {"registered_name": answer.record.name, "similarity": score}
    if score >= SIMILAR_NAME_THRESHOLD:
        return _result(
            "name_match",
            Outcome.UNKNOWN,
            "name_similar",
            f"填报名称“{name}”与登记名称“{answer.record.name}”相近（相似度 {score:.2f}）",
            **detail,
        )
    return _result(
        "name_match",
        Outcome.FAIL,
        "name_mismatch",
        f"填报名称“{name}”与登记名称“{answer.record.name}”不一致（相似度 {score:.2f}）",
        **detail,
    )


_STATUS_RESULTS: Final = {
    EnterpriseStatus.EXISTING: (Outcome.PASS, "status_active", False),
    EnterpriseStatus.OPERATING: (Outcome.PASS, "status_active", False),
    EnterpriseStatus.ABNORMAL: (Outcome.FAIL, "status_abnormal", False),
    EnterpriseStatus.REVOKED: (Outcome.FAIL, "status_revoked", True),
    EnterpriseStatus.CANCELLED: (Outcome.FAIL, "status_cancelled", True),
}


def check_status(answer: RegistryAnswer) -> CheckResult:
    """存续/在业 pass; 吊销/注销 reject; 经营异常 goes to review."""
    if answer.record is None:
        return _no_record("active_status", answer, "status_not_checked")
    try:
        status = EnterpriseStatus(answer.record.status)
    except ValueError:
        return _result(
            "active_status",
            Outcome.UNKNOWN,
            "status_not_checked",
            f"无法识别的登记状态：{answer.record.status}",
        )
    outcome, code, hard = _STATUS_RESULTS[status]
    result = _result(
        "active_status",
        outcome,
        code,
        f"{reason(code).for_reviewer}（{answer.record.status}）",
        status=answer.record.status,
    )
    return _hard(result) if hard else result


# --- platform rules -------------------------------------------------------------------------


def check_blacklist(session: Session, employer: Employer, regions: RegionBook) -> CheckResult:
    province = regions.province_of(employer.city_code)
    hits = find_hits(
        session, employer.uscc, employer.name, province.code if province is not None else None
    )
    if not hits:
        return _result("blacklist", Outcome.PASS, "blacklist_clear")
    first = hits[0]
    code = "blacklisted_code" if first.kind == "uscc" else "blacklisted_name"
    return _hard(
        _result(
            "blacklist",
            Outcome.FAIL,
            code,
            f"{reason(code).for_reviewer}：{first.pattern}（原因：{first.reason}）",
            entries=[h.entry_id for h in hits],
        )
    )


def check_duplicates(session: Session, employer: Employer, regions: RegionBook) -> CheckResult:
    hits = find_duplicates(session, employer, regions)
    if not hits:
        return _result("duplicates", Outcome.PASS, "no_duplicate")
    first = hits[0]
    return _result(
        "duplicates",
        Outcome.FAIL,
        first.kind,
        f"{reason(first.kind).for_reviewer}：{first.name}（单位编号 {first.employer_id}）",
        employers=[{"employer_id": h.employer_id, "name": h.name, "kind": h.kind} for h in hits],
    )


# --- all together ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckReport:
    results: tuple[CheckResult, ...]
    registry_record: EnterpriseRecord | None

    def decision(self) -> tuple[CaseState, list[str]]:
        return decide(self.results)


def run_checks(
    session: Session, employer: Employer, registry: EnterpriseRegistry, regions: RegionBook
) -> CheckReport:
    answer = ask_registry(registry, employer.uscc)
    results = (
        check_uscc_format(employer.uscc),
        check_uscc_structure(employer.uscc),
        check_uscc_region(employer.uscc, employer.city_code, regions),
        check_registry(answer),
        check_name(employer.name, answer),
        check_status(answer),
        check_blacklist(session, employer, regions),
        check_duplicates(session, employer, regions),
    )
    return CheckReport(results, answer.record)


def decide(results: tuple[CheckResult, ...] | list[CheckResult]) -> tuple[CaseState, list[str]]:
    """The next state of a case and its reason codes (see the module docstring)."""
    hard = [r.reason for r in results if r.outcome is Outcome.FAIL and r.hard]
    if hard:
        return CaseState.REJECTED, _unique(hard)
    doubtful = [r.reason for r in results if r.outcome is not Outcome.PASS]
    if doubtful:
        return CaseState.NEEDS_REVIEW, _unique(doubtful)
    return CaseState.AUTO_VERIFIED, ["all_checks_passed"]


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))
