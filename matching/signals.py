"""Hard signals between one graduate and one job: each a number in [0, 1] and a reason.

* degree: 1 when the graduate's degree meets the job's minimum (a higher one counts), else 0;
* major: by level — ``exact`` an accepted major (1 by default), ``adjacent`` the same 专业类
  (0.5), ``open`` a job without listed majors (专业不限, 0.5), ``none`` another field (0); the
  caller may set the value of each level for the pair (``major_values``), e.g. from how close
  the job's work is to the major;
* city: 1 an intended city (or a city of an intended province) or no preference, 0.5 a city
  of the same province as an intended one (by region code), else 0;
* salary: 1 the expectation is within the range, 0.5 up to 20 % above its top, else 0;
* deadline: 1 open, 0 passed; its reason says when it closes within a week;
* occupation: 1 the job's occupation code is one the graduate intends (or lies under an
  intended 中类/小类), else 0;
* skills: the share of the job's skill tags the graduate has (tags compared case-insensitively);
* certificate: 1 when a certificate the job asks for is held, 0 when it is missing.

A signal that does not apply (no salary expectation, no occupation on either side, a job with
no skill tags) is absent from the result rather than guessed.

Major names are resolved against the 本科 catalogue shipped in ``jobs_api/reference/data``
(read once per process from the package files, no database): 专业类 = the first four digits
of a major's code. 高职专科 names are not in that catalogue, so :func:`resolve_major` maps
them to their 本科 counterpart by a documented heuristic (see there): 护理 -> 护理学,
软件技术 -> 软件工程, 大数据技术 -> 数据科学与大数据技术 …
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import quote

from jobs_api.reference.sources import read_disciplines, read_major_categories, read_majors
from matching.documents import DEGREE_NAMES_ZH, JobDoc, ProfileDoc, degree_rank
from matching.lexical import tag_key

CLOSING_SOON_DAYS = 7
SALARY_TOLERANCE = 1.2
ADJACENT_MAJOR = 0.5
SAME_PROVINCE = 0.5
MIN_SHARED_PREFIX = 3


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of an explanation: what matched (``matched``) or did not."""

    code: str
    matched: bool
    text_zh: str
    text_en: str


@dataclass(frozen=True, slots=True)
class GapHint:
    """What the graduate could do to fit better, with a link to jobs or guidance."""

    code: str
    text_zh: str
    text_en: str
    link: str = ""


@dataclass(frozen=True, slots=True)
class Signal:
    code: str
    value: float
    reason: Reason
    gaps: tuple[GapHint, ...] = ()


# --- the major catalogue ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Major:
    name: str
    code: str
    category_code: str
    category_name: str
    mapped_from: str = ""
    """The 高职 (or unknown) name this 本科 major was resolved from, if any."""


class MajorCatalog:
    """Name -> major of the 本科 catalogue, with the 高职 heuristic of :meth:`resolve`."""

    _SUFFIXES = ("工程技术", "技术与管理", "技术", "管理", "工程", "科学", "学")

    def __init__(self, rows: list[tuple[str, str]], categories: dict[str, str]) -> None:
        self._by_name: dict[str, Major] = {}
        self._by_code: dict[str, Major] = {}
        self._ordered: list[Major] = []
        for code, name in rows:
            digits = re.sub(r"\D", "", code)
            major = Major(name, code, digits[:4], categories.get(digits[:4], ""))
            self._by_name.setdefault(name, major)
            self._by_code[code] = major
            self._by_code.setdefault(digits, major)
            self._ordered.append(major)
        self._cache: dict[str, Major | None] = {}

    @classmethod
    def load(cls) -> MajorCatalog:
        disciplines = read_disciplines()
        categories = read_major_categories(disciplines)
        majors = read_majors(categories, disciplines)
        return cls([(m.code, m.name) for m in majors], {c.code: c.name for c in categories})

    def by_code(self, code: str) -> Major | None:
        return self._by_code.get(code) or self._by_code.get(re.sub(r"\D", "", code))

    def _stem(self, name: str) -> str:
        for suffix in self._SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                return name[: -len(suffix)]
        return name

    def resolve(self, name: str) -> Major | None:
        """The 本科 major of ``name``: the same name; else (a 高职 name) the first major in
        catalogue order that is ``name + 学`` (护理 -> 护理学), has the same stem once a
        trailing 技术/工程/管理/科学/学 is dropped from both (软件技术 -> 软件工程), ends with
        ``name`` (大数据技术 -> 数据科学与大数据技术), starts with, contains, or is contained
        in that stem (at least two characters); else the major sharing the longest prefix of at
        least :data:`MIN_SHARED_PREFIX` characters (计算机应用技术 -> 计算机科学与技术);
        ``None`` when nothing fits."""
        name = name.strip()
        if name in self._cache:
            return self._cache[name]
        found = self._by_name.get(name)
        if found is None and name:
            found = self._heuristic(name)
        self._cache[name] = found
        return found

    def _heuristic(self, name: str) -> Major | None:
        exact = self._by_name.get(name + "学")
        if exact is not None:
            return _mapped(exact, name)
        stem = self._stem(name)
        if len(stem) < 2:
            return None
        tests = (
            lambda m: self._stem(m.name) == stem,
            lambda m: m.name.endswith(name),
            lambda m: m.name.startswith(stem),
            lambda m: stem in m.name,
            lambda m: len(self._stem(m.name)) >= 2 and self._stem(m.name) in stem,
        )
        for test in tests:
            for major in self._ordered:
                if test(major):
                    return _mapped(major, name)
        best, shared = None, MIN_SHARED_PREFIX - 1
        for major in self._ordered:
            common = _shared_prefix(major.name, name)
            if common > shared:
                best, shared = major, common
        return _mapped(best, name) if best is not None else None


def _shared_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _mapped(major: Major, name: str) -> Major:
    return Major(major.name, major.code, major.category_code, major.category_name, name)


_catalog: MajorCatalog | None = None
_catalog_lock = threading.Lock()


def major_catalog() -> MajorCatalog:
    """The process's catalogue, read on first use from the package's data files."""
    global _catalog
    if _catalog is None:
        with _catalog_lock:
            if _catalog is None:
                _catalog = MajorCatalog.load()
    return _catalog


def resolve_major(name: str, code: str = "") -> Major | None:
    catalog = major_catalog()
    return (catalog.by_code(code) if code else None) or catalog.resolve(name)


# --- links ---------------------------------------------------------------------------------------


def jobs_link(**params: str) -> str:
    return "/jobs?" + "&".join(f"{k}={quote(v)}" for k, v in params.items())


@lru_cache(maxsize=16384)
def guidance_link(query: str) -> str:
    """Where a gap hint points. Guidance content (courses, encyclopedia) is not served yet, so
    this is the job search for the missing skill or certificate: it shows who asks for it.
    Point it at the guidance search once that exists."""
    return jobs_link(q=query)


# --- the signals ---------------------------------------------------------------------------------


DEGREE_NAMES_EN = {
    "junior_college": "junior college",
    "bachelor": "bachelor's",
    "master": "master's",
    "doctor": "doctorate",
}


def degree_signal(profile: ProfileDoc, job: JobDoc) -> Signal:
    need = DEGREE_NAMES_ZH.get(job.degree_level, job.degree_level)
    need_en = DEGREE_NAMES_EN.get(job.degree_level, job.degree_level)
    if degree_rank(profile.degree_level) >= degree_rank(job.degree_level):
        return Signal(
            "degree",
            1.0,
            Reason(
                "degree",
                True,
                f"学历符合（要求{need}及以上）",
                f"Degree meets the minimum ({need_en})",
            ),
        )
    return Signal(
        "degree",
        0.0,
        Reason(
            "degree", False, f"学历不足：要求{need}及以上", f"Degree below the minimum ({need_en})"
        ),
        (
            GapHint(
                "degree",
                f"该职位要求{need}及以上学历，可关注对学历要求相符的同类职位或升学规划",
                f"This job asks for at least a {need_en} degree; look for similar jobs open "
                "to your degree, or plan further study",
                jobs_link(q=job.title, degree=profile.degree_level),
            ),
        ),
    )


@dataclass(frozen=True, slots=True)
class MajorFit:
    level: str  # exact | adjacent | open | none
    value: float
    matched: str = ""  # the accepted major that matched (exact or adjacent)


DEFAULT_MAJOR_VALUES: Mapping[str, float] = {"exact": 1.0, "adjacent": ADJACENT_MAJOR, "open": 0.5}


def major_fit(
    profile: ProfileDoc, job: JobDoc, *, major_values: Mapping[str, float] | None = None
) -> MajorFit:
    """How the graduate's major fits the job's accepted majors (see the module doc)."""
    values = {**DEFAULT_MAJOR_VALUES, **(major_values or {})}
    if not job.majors and not job.major_codes:
        return MajorFit("open", max(0.0, min(1.0, values["open"])))
    own = resolve_major(profile.major, profile.major_code)
    own_names = {profile.major.strip()} | ({own.name} if own else set())
    for name in job.majors:
        if name.strip() in own_names:
            return MajorFit("exact", values["exact"], name.strip())
    if own is not None and own.code in job.major_codes:
        return MajorFit("exact", values["exact"], own.name)
    category = own.category_code if own else ""
    if category:
        for name in job.majors:
            accepted = resolve_major(name)
            if accepted is not None and accepted.category_code == category:
                return MajorFit("adjacent", values["adjacent"], name.strip())
        for code in job.major_codes:
            accepted = resolve_major("", code)
            if accepted is not None and accepted.category_code == category:
                return MajorFit("adjacent", values["adjacent"], accepted.name)
    return MajorFit("none", 0.0)


def major_signal(
    profile: ProfileDoc, job: JobDoc, *, major_values: Mapping[str, float] | None = None
) -> Signal:
    fit = major_fit(profile, job, major_values=major_values)
    major = profile.major.strip()
    if fit.level == "exact":
        reason = Reason("major", True, f"专业对口：{major}", f"Major accepted: {major}")
    elif fit.level == "adjacent":
        reason = Reason(
            "major",
            True,
            f"专业相近：{major}（与{fit.matched}同属一个专业类）",
            f"Related major: {major} (same field as {fit.matched})",
        )
    elif fit.level == "open":
        matched = fit.value >= 0.5
        reason = Reason(
            "major",
            matched,
            "专业不限" + ("，岗位与所学专业相关" if matched else "，岗位与所学专业关联较弱"),
            "Any major"
            + (", the work relates to yours" if matched else ", little related to yours"),
        )
    else:
        listed = "、".join(job.majors[:4])
        reason = Reason(
            "major", False, f"专业不符：要求{listed}", f"Major not among those accepted: {listed}"
        )
    return Signal("major", fit.value, reason)


def _is_province(code: str) -> bool:
    return len(code) == 6 and code.endswith("0000")


def city_signal(profile: ProfileDoc, job: JobDoc) -> Signal:
    """Names are compared without 市; codes too when both sides have them. An intended
    province code (``330000``) takes every city of the province; an intended city gives a
    city of the same province partial credit."""
    city = job.city
    if not profile.intended_cities and not profile.intended_city_codes:
        return Signal("city", 1.0, Reason("city", True, "不限城市", "Any city"))
    wanted = {c.strip().removesuffix("市") for c in profile.intended_cities}
    code = job.city_code
    provinces = {c[:2] for c in profile.intended_city_codes if _is_province(c)}
    if (
        city.strip().removesuffix("市") in wanted
        or (code and code in profile.intended_city_codes)
        or (code[:2] and code[:2] in provinces)
    ):
        return Signal(
            "city", 1.0, Reason("city", True, f"城市符合：{city}", f"City wanted: {city}")
        )
    nearby = {c[:2] for c in profile.intended_city_codes if len(c) >= 2}
    if code[:2] and code[:2] in nearby:
        return Signal(
            "city",
            SAME_PROVINCE,
            Reason("city", True, f"同省城市：{city}", f"Same province: {city}"),
        )
    wanted_text = "、".join(profile.intended_cities)
    if profile.intended_city_codes:
        link = jobs_link(q=job.title, city=profile.intended_city_codes[0])
    else:
        link = jobs_link(q=f"{job.title} {profile.intended_cities[0]}")
    return Signal(
        "city",
        0.0,
        Reason("city", False, f"不在意向城市：{city}", f"Not in the cities you want: {city}"),
        (
            GapHint(
                "city",
                f"在{wanted_text}寻找同类职位" if wanted_text else "在意向城市寻找同类职位",
                f"Look for similar jobs in {wanted_text or 'the cities you want'}",
                link,
            ),
        ),
    )


def salary_signal(profile: ProfileDoc, job: JobDoc) -> Signal | None:
    expected = profile.expected_salary
    top = job.salary_max or job.salary_min
    if not expected or not top:
        return None
    if expected <= top:
        return Signal(
            "salary",
            1.0,
            Reason("salary", True, "薪资符合期望", "Pay meets the expected salary"),
        )
    value = 0.5 if expected <= top * SALARY_TOLERANCE else 0.0
    return Signal(
        "salary",
        value,
        Reason(
            "salary",
            False,
            f"薪资低于期望（{expected}元，职位最高{top}元）",
            f"Pay below the expected salary ({expected} vs at most {top} RMB)",
        ),
    )


def deadline_signal(job: JobDoc, today: date | None) -> Signal | None:
    if job.deadline is None or today is None:
        return None
    days = (job.deadline - today).days
    if days < 0:
        return Signal(
            "deadline",
            0.0,
            Reason("deadline", False, "已截止", "Applications closed"),
        )
    if days <= CLOSING_SOON_DAYS:
        return Signal(
            "deadline",
            1.0,
            Reason(
                "deadline",
                True,
                f"即将截止（{days}天内）",
                f"Closes soon (within {days} days)",
            ),
        )
    return Signal(
        "deadline",
        1.0,
        Reason(
            "deadline",
            True,
            f"截止日期：{job.deadline.isoformat()}",
            f"Open until {job.deadline.isoformat()}",
        ),
    )


def occupation_signal(profile: ProfileDoc, job: JobDoc) -> Signal | None:
    if not job.occupation_code or not profile.intended_occupation_codes:
        return None
    name = job.occupation or job.occupation_code
    code = job.occupation_code
    # an intention may be a 中类 or 小类 (2-02, 2-02-10): every occupation under it counts
    if any(code == c or code.startswith(c + "-") for c in profile.intended_occupation_codes):
        return Signal(
            "occupation",
            1.0,
            Reason("occupation", True, f"意向职业：{name}", f"An occupation you want: {name}"),
        )
    return Signal(
        "occupation",
        0.0,
        Reason("occupation", False, f"非意向职业：{name}", f"Not an occupation you chose: {name}"),
    )


MAX_SKILL_GAPS = 3


def skills_signal(profile: ProfileDoc, job: JobDoc) -> Signal | None:
    wanted = list(dict.fromkeys(s.strip() for s in job.skills if s.strip()))
    if not wanted:
        return None
    have = {tag_key(s) for s in profile.skills}
    matched = [s for s in wanted if tag_key(s) in have]
    missing = [s for s in wanted if tag_key(s) not in have]
    count, total = len(matched), len(wanted)
    text_zh = f"技能 {count}/{total} 匹配" + (f"：{'、'.join(matched)}" if matched else "")
    text_en = f"Skills {count}/{total} matched" + (f": {', '.join(matched)}" if matched else "")
    gaps = tuple(
        GapHint(
            "skill",
            f"补充技能：{skill}",
            f"Learn: {skill}",
            guidance_link(skill),
        )
        for skill in missing[:MAX_SKILL_GAPS]
    )
    return Signal("skills", count / total, Reason("skills", count > 0, text_zh, text_en), gaps)


CERTIFICATE_WORDS = (
    "教师资格",
    "执业资格",
    "法律职业资格",
    "会计专业技术资格",
    "从业资格",
    "CPA",
    "CFA",
    "N1",
    "N2",
    "专业八级",
    "专业四级",
    "六级",
    "四级",
    "驾照",
)
"""Certificate phrases a job description may ask for (matched case-insensitively)."""


@lru_cache(maxsize=8192)
def _asked_certificates(text: str) -> tuple[str, ...]:
    """The :data:`CERTIFICATE_WORDS` in ``text``, without those inside a longer one found."""
    key = tag_key(text)
    asked = [w for w in CERTIFICATE_WORDS if tag_key(w) in key]
    return tuple(w for w in asked if not any(w != o and w in o for o in asked))


def certificate_signal(profile: ProfileDoc, job: JobDoc) -> Signal | None:
    asked = _asked_certificates(f"{job.description} {' '.join(job.skills)}")
    if not asked:
        return None
    held = " ".join(tag_key(c) for c in profile.certificates)
    has = [w for w in asked if tag_key(w) in held]
    lacking = [w for w in asked if tag_key(w) not in held]
    if has:
        return Signal(
            "certificate",
            1.0,
            Reason(
                "certificate",
                True,
                f"持有证书：{'、'.join(has)}",
                f"Certificate held: {', '.join(has)}",
            ),
        )
    return Signal(
        "certificate",
        0.0,
        Reason(
            "certificate",
            False,
            f"缺少证书：{'、'.join(lacking)}",
            f"Certificate asked for: {', '.join(lacking)}",
        ),
        tuple(
            GapHint("certificate", f"考取证书：{w}", f"Get the certificate: {w}", guidance_link(w))
            for w in lacking[:2]
        ),
    )


def hard_signals(
    profile: ProfileDoc,
    job: JobDoc,
    *,
    major_values: Mapping[str, float] | None = None,
    today: date | None = None,
) -> dict[str, Signal]:
    """Every signal that applies to the pair, by code."""
    found: list[Signal | None] = [
        major_signal(profile, job, major_values=major_values),
        degree_signal(profile, job),
        city_signal(profile, job),
        skills_signal(profile, job),
        certificate_signal(profile, job),
        salary_signal(profile, job),
        occupation_signal(profile, job),
        deadline_signal(job, today),
    ]
    return {s.code: s for s in found if s is not None}
