"""Readers of the evaluation sample's JSON Lines files (``jobs.jsonl``, ``profiles.jsonl``).

The formats are those of the sample's README: one JSON object per line, UTF-8, Chinese names
(city without 市, degree 大专/本科/硕士/博士, majors from the 本科 catalogue or 高职 names).
Each line becomes a :class:`~matching.documents.JobDoc` or
:class:`~matching.documents.ProfileDoc`; a malformed line raises :class:`EvalSampleError`
naming the file and the line (``jobs.jsonl:12: "degree" must be one of 大专, 本科, 硕士,
博士``). Blank lines are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from matching.documents import DEGREE_BY_NAME, JobDoc, ProfileDoc

T = TypeVar("T")

DEGREE_NAMES = ("大专", "本科", "硕士", "博士")


class EvalSampleError(ValueError):
    """A line of an evaluation file that does not have the documented shape."""


class _Line:
    def __init__(self, path: Path, number: int, data: dict[str, Any]) -> None:
        self.path = path
        self.number = number
        self.data = data

    def fail(self, message: str) -> EvalSampleError:
        return EvalSampleError(f"{self.path.name}:{self.number}: {message}")

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f'"{key}" must be a non-empty string')
        return value.strip()

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f'"{key}" must be a list of strings')
        return tuple(v.strip() for v in value if v.strip())

    def integer(self, key: str, *, required: bool = True) -> int | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f'"{key}" must be a non-negative integer')
        return value

    def degree(self) -> str:
        value = self.data.get("degree")
        if value not in DEGREE_NAMES:
            raise self.fail(f'"degree" must be one of {", ".join(DEGREE_NAMES)}, got {value!r}')
        return DEGREE_BY_NAME[value]


def _lines(path: Path) -> Iterator[_Line]:
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise EvalSampleError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise EvalSampleError(f"{path.name}:{number}: invalid JSON: {exc.msg}") from exc
            if not isinstance(data, dict):
                raise EvalSampleError(f"{path.name}:{number}: expected a JSON object")
            yield _Line(path, number, data)


def _read(path: Path, build: Callable[[_Line], T], kind: str) -> list[T]:
    seen: set[str] = set()
    found: list[T] = []
    for line in _lines(path):
        identifier = line.text("id")
        if identifier in seen:
            raise line.fail(f"duplicate id {identifier!r}")
        seen.add(identifier)
        found.append(build(line))
    if not found:
        raise EvalSampleError(f"{path}: no {kind} found")
    return found


def _job(line: _Line) -> JobDoc:
    salary_min = line.integer("salary_min", required=False) or 0
    salary_max = line.integer("salary_max", required=False) or 0
    if salary_max and salary_min > salary_max:
        raise line.fail('"salary_min" is above "salary_max"')
    return JobDoc(
        id=line.text("id"),
        title=line.text("title"),
        employer=line.text("employer", required=False),
        employer_type=line.text("employer_type", required=False),
        industry=line.text("industry", required=False),
        city=line.text("city").removesuffix("市"),
        degree_level=line.degree(),
        majors=line.strings("majors"),
        skills=line.strings("skills"),
        salary_min=salary_min,
        salary_max=salary_max,
        headcount=line.integer("headcount", required=False) or 1,
        description=line.text("description", required=False),
    )


def _profile(line: _Line) -> ProfileDoc:
    return ProfileDoc(
        id=line.text("id"),
        major=line.text("major"),
        degree_level=line.degree(),
        university=line.text("university", required=False),
        graduation_year=line.integer("graduation_year", required=False),
        skills=line.strings("skills"),
        certificates=line.strings("certificates"),
        intended_cities=tuple(c.removesuffix("市") for c in line.strings("intended_cities")),
        intended_industries=line.strings("intended_industries"),
        expected_salary=line.integer("expected_salary", required=False),
        summary=line.text("summary", required=False),
    )


def read_jobs(path: Path) -> list[JobDoc]:
    """The jobs of a ``jobs.jsonl`` file, in file order."""
    return _read(Path(path), _job, "jobs")


def read_profiles(path: Path) -> list[ProfileDoc]:
    """The graduate profiles of a ``profiles.jsonl`` file, in file order."""
    return _read(Path(path), _profile, "profiles")
