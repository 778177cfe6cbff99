"""The texts that represent a job and a graduate for embeddings and lexical similarity.

A passage (what is stored in a vector index, embedded with ``embed_passages``) and a query (the
side that searches, embedded with ``embed_queries``) are built from the structured fields
first and the free text last, as ``字段：值`` parts joined by ``；``. The e5 models truncate at
512 tokens, so the most informative fields come first (title or major, occupation, majors,
skills) and free text is capped (:data:`MAX_DESCRIPTION_CHARS`, :data:`MAX_SUMMARY_CHARS`):
a cut description costs little, a cut title would cost the match.

The query side holds what the searcher *is* and *wants* (a graduate's major, skills and
intended occupation; a job's title, majors and skills) and leaves out what the other side's
passage cannot contain (salary, headcount, employer names), which only add noise to a cosine.
"""

from __future__ import annotations

from collections.abc import Iterable

from matching.documents import DEGREE_NAMES_ZH, JobDoc, ProfileDoc

MAX_DESCRIPTION_CHARS = 400
"""Characters of a job description kept in its texts (about 250–300 e5 tokens)."""
MAX_SUMMARY_CHARS = 300
"""Characters of a graduate's self-introduction kept in its texts."""
MAX_LINES = 3
"""Internship and project lines kept (the first ones, most recent by convention)."""
MAX_LINE_CHARS = 80


def _cap(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _join(values: Iterable[str]) -> str:
    return "、".join(v.strip() for v in values if v and v.strip())


def _parts(*pairs: tuple[str, str]) -> str:
    return "；".join(f"{label}：{value}" for label, value in pairs if value)


def degree_phrase(level: str) -> str:
    """``本科及以上`` for a job's minimum degree."""
    name = DEGREE_NAMES_ZH.get(level, "")
    return f"{name}及以上" if name else ""


def job_passage(job: JobDoc) -> str:
    """A job as stored in the job index."""
    return _parts(
        ("职位", job.title.strip()),
        ("职业", job.occupation),
        ("专业", _join(job.majors) or "专业不限"),
        ("技能", _join(job.skills)),
        ("行业", job.industry),
        ("城市", job.city),
        ("学历", degree_phrase(job.degree_level)),
        ("单位", job.employer),
        ("描述", _cap(job.description, MAX_DESCRIPTION_CHARS)),
    )


def job_query(job: JobDoc) -> str:
    """A job searching for graduates (its side of ``rank_profiles_for_job``)."""
    return _parts(
        ("招聘职位", job.title.strip()),
        ("职业", job.occupation),
        ("专业", _join(job.majors)),
        ("技能", _join(job.skills)),
        ("学历", degree_phrase(job.degree_level)),
        ("城市", job.city),
        ("要求", _cap(job.description, MAX_DESCRIPTION_CHARS // 2)),
    )


def _profile_core(p: ProfileDoc) -> list[tuple[str, str]]:
    category = p.major_category if p.major_category and p.major_category != p.major else ""
    return [
        ("专业", p.major.strip()),
        ("专业类", category),
        ("学历", DEGREE_NAMES_ZH.get(p.degree_level, "")),
        ("技能", _join(p.skills)),
        ("证书", _join(p.certificates)),
    ]


def _experience(p: ProfileDoc) -> list[tuple[str, str]]:
    return [
        ("实习", _join(_cap(line, MAX_LINE_CHARS) for line in p.internships[:MAX_LINES])),
        ("项目", _join(_cap(line, MAX_LINE_CHARS) for line in p.projects[:MAX_LINES])),
        ("自我介绍", _cap(p.summary, MAX_SUMMARY_CHARS)),
    ]


def profile_passage(p: ProfileDoc) -> str:
    """A graduate as stored in the graduate index."""
    return _parts(
        *_profile_core(p),
        ("意向城市", _join(p.intended_cities) or "不限"),
        ("意向行业", _join(p.intended_industries)),
        ("学校", p.university),
        *_experience(p),
    )


def profile_query(p: ProfileDoc) -> str:
    """A graduate searching for jobs (its side of ``rank_jobs_for_profile``)."""
    return _parts(
        ("求职", f"{p.major.strip()}专业对口的工作" if p.major.strip() else ""),
        *_profile_core(p),
        ("意向城市", _join(p.intended_cities)),
        ("意向行业", _join(p.intended_industries)),
        *_experience(p),
    )
