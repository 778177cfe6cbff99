"""Public job search: checking a request, querying the job index, shaping the results.

The API route and the ``/jobs`` page both hand their raw query parameters to
:func:`parse_search`, which checks each against the rules and the reference tables and refuses
bad input with a Chinese message naming the parameter (422 ``invalid_job_search``); then
:func:`search_jobs` builds one :class:`SearchQuery`:

* ``q``: full text (segmented by the backend, every word must match);
* ``city``: a prefecture code, or a province code meaning every city of the province;
* ``industry``: a GB/T 4754 section letter or a 2-digit division; ``occupation``: a code;
* ``degree`` / ``employer_type`` / ``benefits`` / ``skills``: repeatable, any of the values;
* ``major``: jobs open to that major, 专业不限 included;
* ``salary_min`` / ``salary_max``: monthly RMB; a job matches when its range overlaps;
* ``posted_within`` days; ``employer_id``;
* always: only jobs still open (``open_until >= today`` in China): the index holds searchable
  jobs only (published, employer reaching graduates), and a job past its deadline drops out at
  once, before the hourly close removes it.

Sort: ``relevance`` (default with words), ``newest`` (default without), ``salary`` (highest
maximum first). Pages continue with the opaque ``cursor`` (search_after), ``limit`` ≤ 50.
Highlights come from the backend as escaped text with ``<em>`` marks; :func:`safe_fragment`
checks that nothing else is there before anything is sent on as HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.search import (
    RELEVANCE,
    InvalidSearchCursor,
    Range,
    SearchBackend,
    SearchHit,
    SearchIndexNotFound,
    SearchPage,
    SearchQuery,
    SearchUnavailable,
    SortField,
)
from jobs_api.core.search.segment import query_tokens
from jobs_api.jobs.errors import InvalidJobSearch, JobSearchUnavailable
from jobs_api.jobs.posting import china_today
from jobs_api.jobs.schemas import CodeName
from jobs_api.jobs.search_index import ANY_MAJOR, JOB_INDEX
from jobs_api.jobs.search_schemas import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    SORT_ORDERS,
    EmployerBriefOut,
    FacetValueOut,
    JobHitOut,
    JobSearchFacetsOut,
    JobSearchPageOut,
    JobSearchParams,
    JobSuggestionsOut,
    SortOrder,
)
from jobs_api.reference.models import DegreeLevel, EmployerType, Industry, Major, Occupation, Region

MAX_QUERY_LENGTH: Final = 100
MAX_VALUES: Final = 20
MAX_VALUE_LENGTH: Final = 30
MAX_SALARY: Final = 1_000_000
MAX_POSTED_WITHIN: Final = 365
MAX_CURSOR_LENGTH: Final = 4096
MAX_SUGGEST_PREFIX: Final = 30
SUGGEST_SIZE: Final = 8
FACET_SIZE: Final = 20
SNIPPET_LENGTH: Final = 120

FACET_FIELDS: Final = {
    "province": "province_code",
    "city": "city_code",
    "industry_section": "industry_section",
    "degree": "degree_level",
    "employer_type": "employer_type",
    "benefits": "benefits",
}

RawParams = Mapping[str, Sequence[str]]
"""Query parameter -> its values, as a request carries them (repeats allowed)."""

_SECTION: Final = re.compile(r"^[A-T]$")
_DIVISION: Final = re.compile(r"^\d{2}$")
_REGION: Final = re.compile(r"^\d{6}$")
_OCCUPATION: Final = re.compile(r"^\d(-\d{2}){1,3}$")
_MAJOR: Final = re.compile(r"^\d{6}[TK]{0,2}$")
_EM: Final = re.compile(r"</?em>")


# --------------------------------------------------------------------------- parsing


def _invalid(name: str, message: str) -> InvalidJobSearch:
    return InvalidJobSearch(message, fields={name: message})


def _one(raw: RawParams, name: str) -> str | None:
    values = [v.strip() for v in raw.get(name, ()) if v.strip()]
    if len(values) > 1:
        raise _invalid(name, f"参数 {name} 只能出现一次")
    return values[0] if values else None


def _many(raw: RawParams, name: str) -> tuple[str, ...]:
    """Repeated and comma-separated values (either comma), trimmed and de-duplicated."""
    values: list[str] = []
    for value in raw.get(name, ()):
        values.extend(part.strip() for part in value.replace("，", ",").split(","))
    found = tuple(dict.fromkeys(v for v in values if v))
    if len(found) > MAX_VALUES:
        raise _invalid(name, f"参数 {name} 最多 {MAX_VALUES} 个值")
    if any(len(v) > MAX_VALUE_LENGTH for v in found):
        raise _invalid(name, f"参数 {name} 的值过长（最多 {MAX_VALUE_LENGTH} 个字符）")
    return found


def _int(raw: RawParams, name: str, low: int, high: int, label: str) -> int | None:
    value = _one(raw, name)
    if value is None:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise _invalid(name, f"{label}应为 {low} 到 {high} 之间的整数")
    return int(value)


def _known(session: Session, column: Any, values: Iterable[str]) -> set[str]:
    wanted = list(values)
    if not wanted:
        return set()
    return set(session.scalars(select(column).where(column.in_(wanted))))


def _check_codes(
    session: Session, name: str, column: Any, values: tuple[str, ...], label: str
) -> None:
    unknown = [v for v in values if v not in _known(session, column, values)]
    if unknown:
        raise _invalid(name, f"未知的{label}：{'、'.join(unknown[:5])}")


def _city(
    session: Session, raw: RawParams
) -> tuple[str | None, Literal["city", "province"] | None]:
    code = _one(raw, "city")
    if code is None:
        return None, None
    region = session.get(Region, code) if _REGION.match(code) else None
    if region is None:
        raise _invalid("city", f"城市代码不存在：{code}（应为 6 位行政区划代码）")
    return code, "province" if region.level == "province" else "city"


def _industry(
    session: Session, raw: RawParams
) -> tuple[str | None, Literal["section", "division"] | None]:
    code = _one(raw, "industry")
    if code is None:
        return None, None
    code = code.upper()
    if not (_SECTION.match(code) or _DIVISION.match(code)) or session.get(Industry, code) is None:
        raise _invalid("industry", f"行业代码不存在：{code}（门类字母或 2 位大类代码）")
    return code, "section" if _SECTION.match(code) else "division"


def parse_search(session: Session, raw: RawParams) -> JobSearchParams:
    """Check the raw query parameters of a search; :class:`InvalidJobSearch` (422) names the
    first bad one in Chinese."""
    q = _one(raw, "q") or ""
    if len(q) > MAX_QUERY_LENGTH:
        raise _invalid("q", f"搜索词过长（最多 {MAX_QUERY_LENGTH} 个字符）")
    city, place_kind = _city(session, raw)
    industry, industry_kind = _industry(session, raw)
    occupation = _one(raw, "occupation")
    if occupation is not None and (
        not _OCCUPATION.match(occupation) or session.get(Occupation, occupation) is None
    ):
        raise _invalid("occupation", f"职业代码不存在：{occupation}")
    degrees = _many(raw, "degree")
    _check_codes(session, "degree", DegreeLevel.code, degrees, "学历层次")
    major = _one(raw, "major")
    if major is not None and (not _MAJOR.match(major) or session.get(Major, major) is None):
        raise _invalid("major", f"专业代码不存在：{major}")
    employer_types = _many(raw, "employer_type")
    _check_codes(session, "employer_type", EmployerType.code, employer_types, "单位性质")
    salary_min = _int(raw, "salary_min", 0, MAX_SALARY, "最低月薪")
    salary_max = _int(raw, "salary_max", 0, MAX_SALARY, "最高月薪")
    if salary_min is not None and salary_max is not None and salary_min > salary_max:
        raise _invalid("salary_min", "最低月薪不能高于最高月薪")
    posted = _int(raw, "posted_within", 1, MAX_POSTED_WITHIN, "发布时间范围（天）")
    employer_id = _int(raw, "employer_id", 1, 2**31 - 1, "单位编号")
    sort = _one(raw, "sort")
    if sort is not None and sort not in SORT_ORDERS:
        raise _invalid("sort", "排序方式应为 relevance（相关度）、newest（最新）或 salary（薪资）")
    cursor = _one(raw, "cursor")
    if cursor is not None and len(cursor) > MAX_CURSOR_LENGTH:
        raise _invalid("cursor", "分页游标无效，请从第一页重新搜索")
    limit = _int(raw, "limit", 1, MAX_LIMIT, "每页条数")
    facets = _one(raw, "facets")
    if facets is not None and facets not in ("true", "false", "1", "0"):
        raise _invalid("facets", "facets 应为 true 或 false")
    return JobSearchParams(
        q=q,
        city=city,
        industry=industry,
        occupation=occupation,
        degrees=degrees,
        major=major,
        employer_types=employer_types,
        salary_min=salary_min,
        salary_max=salary_max,
        benefits=_many(raw, "benefits"),
        skills=_many(raw, "skills"),
        posted_within_days=posted,
        employer_id=employer_id,
        sort=sort,
        cursor=cursor,
        limit=limit or DEFAULT_LIMIT,
        facets=facets not in ("false", "0"),
        place_kind=place_kind,
        industry_kind=industry_kind,
    )


# --------------------------------------------------------------------------- the query


def effective_sort(params: JobSearchParams) -> SortOrder:
    if params.sort == "salary":
        return "salary"
    if params.sort == "newest" or not query_tokens(params.q):
        return "newest"
    return "relevance"


_SORTS: Final[dict[SortOrder, tuple[SortField, ...]]] = {
    "relevance": (*RELEVANCE, SortField("published_at", descending=True)),
    "newest": (SortField("published_at", descending=True),),
    "salary": (
        SortField("salary_max", descending=True),
        SortField("salary_min", descending=True),
    ),
}


def build_query(params: JobSearchParams, *, now: datetime | None = None) -> SearchQuery:
    """The index query of a checked request (``now`` fixes "today" and "posted within")."""
    terms: dict[str, list[str]] = {}
    if params.city is not None:
        terms["province_code" if params.place_kind == "province" else "city_code"] = [params.city]
    if params.industry is not None:
        field = "industry_section" if params.industry_kind == "section" else "industry_code"
        terms[field] = [params.industry]
    if params.occupation is not None:
        terms["occupation_code"] = [params.occupation]
    if params.degrees:
        terms["degree_level"] = list(params.degrees)
    if params.major is not None:
        terms["major_filter"] = [params.major, ANY_MAJOR]
    if params.employer_types:
        terms["employer_type"] = list(params.employer_types)
    if params.benefits:
        terms["benefits"] = list(params.benefits)
    if params.skills:
        terms["skills"] = list(params.skills)
    if params.employer_id is not None:
        terms["employer_id"] = [str(params.employer_id)]
    today = china_today() if now is None else (now + timedelta(hours=8)).date()
    ranges = {"open_until": Range(gte=today.isoformat())}
    if params.salary_min is not None:
        ranges["salary_max"] = Range(gte=params.salary_min)
    if params.salary_max is not None:
        ranges["salary_min"] = Range(lte=params.salary_max)
    if params.posted_within_days is not None:
        since = (now or datetime.now(UTC)) - timedelta(days=params.posted_within_days)
        ranges["published_at"] = Range(gte=since)
    return SearchQuery(
        text=params.q,
        terms=terms,
        ranges=ranges,
        facets=tuple(FACET_FIELDS.values()) if params.facets else (),
        facet_size=FACET_SIZE,
        sort=_SORTS[effective_sort(params)],
        size=params.limit,
        search_after=params.cursor,
        highlight=True,
    )


# --------------------------------------------------------------------------- results


def safe_fragment(fragment: str) -> str:
    """``fragment`` if it is escaped text with ``<em>`` marks only, else the whole of it
    escaped (so a backend that ever returned raw user text could not inject markup)."""
    if "<" in _EM.sub("", fragment) or ">" in _EM.sub("", fragment):
        return html.escape(html.unescape(_EM.sub("", fragment)))
    if fragment.count("<em>") != fragment.count("</em>"):
        return html.escape(html.unescape(_EM.sub("", fragment)))
    return fragment


def salary_text(low: int, high: int, months: int) -> str:
    """``12000, 18000, 13`` -> ``12-18K·13薪`` (``·N薪`` only when more than 12 months)."""

    def thousands(value: int) -> str:
        return f"{value / 1000:.1f}".rstrip("0").rstrip(".")

    text = f"{thousands(low)}-{thousands(high)}K"
    return f"{text}·{months}薪" if months > 12 else text


def _snippet(hit: SearchHit) -> str:
    fragments = hit.highlights.get("description")
    if fragments:
        return " … ".join(safe_fragment(f) for f in fragments[:2])
    description = str(hit.source.get("description") or "")
    cut = description[:SNIPPET_LENGTH]
    return html.escape(cut + ("…" if len(description) > SNIPPET_LENGTH else ""))


def _date(value: object) -> Any:
    return value if isinstance(value, str) and value else None


def hit_out(hit: SearchHit) -> JobHitOut:
    source = hit.source
    titles = hit.highlights.get("title")
    title = str(source.get("title", ""))
    return JobHitOut(
        id=int(hit.id),
        title=title,
        title_html=safe_fragment(titles[0]) if titles else html.escape(title),
        snippet_html=_snippet(hit),
        employer=EmployerBriefOut(
            id=int(source["employer_id"]),
            name=str(source.get("employer_name", "")),
            employer_type=CodeName(
                code=str(source.get("employer_type") or ""),
                name=str(source.get("employer_type_name") or ""),
            ),
        ),
        city=CodeName(code=source["city_code"], name=source.get("city_name") or ""),
        province=CodeName(code=source["province_code"], name=source.get("province_name") or ""),
        industry=CodeName(code=source["industry_code"], name=source.get("industry_name") or ""),
        degree=CodeName(code=source["degree_level"], name=source.get("degree_name") or ""),
        occupation_code=source.get("occupation_code"),
        major_codes=list(source.get("major_codes") or []),
        skills=list(source.get("skills") or []),
        benefits=list(source.get("benefits") or []),
        salary_min=int(source["salary_min"]),
        salary_max=int(source["salary_max"]),
        salary_months=int(source.get("salary_months") or 12),
        salary_text=salary_text(
            int(source["salary_min"]),
            int(source["salary_max"]),
            int(source.get("salary_months") or 12),
        ),
        headcount=source.get("headcount"),
        published_at=_date(source.get("published_at")),
        deadline=_date(source.get("deadline")),
        score=hit.score,
    )


_NAME_COLUMNS: Final[dict[str, tuple[Any, Any]]] = {
    "province": (Region.code, Region.name),
    "city": (Region.code, Region.name),
    "industry_section": (Industry.code, Industry.name),
    "degree": (DegreeLevel.code, DegreeLevel.name_zh),
    "employer_type": (EmployerType.code, EmployerType.name_zh),
}


def _names(session: Session, key: str, codes: list[str]) -> dict[str, str]:
    columns = _NAME_COLUMNS.get(key)
    if columns is None or not codes:
        return {code: code for code in codes}  # benefits are their own names
    code, name = columns
    rows = session.execute(select(code, name).where(code.in_(codes)))
    return {str(c): str(n) for c, n in rows}


def facets_out(session: Session, page: SearchPage) -> JobSearchFacetsOut:
    found: dict[str, list[FacetValueOut]] = {}
    for key, field in FACET_FIELDS.items():
        counts = page.facets.get(field, [])
        names = _names(session, key, [c.value for c in counts])
        found[key] = [
            FacetValueOut(value=c.value, name=names.get(c.value, c.value), count=c.count)
            for c in counts
        ]
    return JobSearchFacetsOut(**found)


def search_jobs(
    session: Session,
    search: SearchBackend,
    params: JobSearchParams,
    *,
    now: datetime | None = None,
) -> JobSearchPageOut:
    """One page of open, searchable jobs for a checked request (anyone may search)."""
    query = build_query(params, now=now)
    try:
        page = search.search(JOB_INDEX, query)
    except SearchIndexNotFound:  # nothing indexed yet
        page = SearchPage(total=0, hits=[], facets={}, next_cursor=None)
    except InvalidSearchCursor as error:
        raise _invalid("cursor", "分页游标无效或与当前排序不符，请从第一页重新搜索") from error
    except SearchUnavailable as error:
        raise JobSearchUnavailable("搜索服务暂不可用，请稍后再试 (search unavailable)") from error
    return JobSearchPageOut(
        total=page.total,
        items=[hit_out(hit) for hit in page.hits],
        facets=facets_out(session, page) if params.facets else None,
        next_cursor=page.next_cursor,
        sort=effective_sort(params),
    )


def suggest(search: SearchBackend, prefix: str, size: int = SUGGEST_SIZE) -> JobSuggestionsOut:
    """Job titles and employer names starting with ``prefix`` (most frequent first)."""
    prefix = prefix.strip()
    if len(prefix) > MAX_SUGGEST_PREFIX:
        raise _invalid("prefix", f"输入过长（最多 {MAX_SUGGEST_PREFIX} 个字符）")
    if not prefix:
        return JobSuggestionsOut(titles=[], employers=[])
    try:
        titles = search.suggest(JOB_INDEX, "title", prefix, size)
        employers = search.suggest(JOB_INDEX, "employer_name", prefix, size)
    except SearchIndexNotFound:
        return JobSuggestionsOut(titles=[], employers=[])
    except SearchUnavailable as error:
        raise JobSearchUnavailable("搜索服务暂不可用，请稍后再试 (search unavailable)") from error
    return JobSuggestionsOut(titles=titles, employers=employers)
