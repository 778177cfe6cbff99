"""Screening rules: the rule file's schema, and the loader that validates and compiles it.

The rules live in ``data/screening_rules.json`` (see ``data/README.md``). A rule file that is
malformed in any way — bad JSON, unknown keys, a duplicate id, an undeclared category, a regex
that does not compile or matches the empty string, a pattern with characters that
normalisation removes, an example the rule does not classify as stated — fails at load with a
``RuleFileError`` naming the file and the rule, never at screening time.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from employer_verification.screening.normalize import (
    CLAUSE_DELIMITERS,
    SENTENCE_DELIMITERS,
    NormalisedText,
    normalise,
)

Severity = Literal["block", "review"]
ExceptionScope = Literal["overlap", "clause", "sentence"]
SalaryCheck = Literal["min_above_max", "min_below_floor", "max_below_p10", "min_above_p90"]
TextField = Literal["title", "description", "requirements", "benefits"]

TEXT_FIELDS: tuple[TextField, ...] = ("title", "description", "requirements", "benefits")
DEFAULT_RULES_PATH = Path(__file__).with_name("data") / "screening_rules.json"

_RULE_ID = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
_MACRO_REF = re.compile(r"\{@([a-z_][a-z0-9_]*)\}")
_MACRO_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# Regex escapes whose letter is upper case (\D, \S, \W, \B, \A, \Z) are fine in a pattern.
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_SALARY_PLACEHOLDERS = {
    "salary_min": 0,
    "salary_max": 0,
    "floor": 0,
    "limit": 0,
    "p10": 0,
    "p90": 0,
}
_CHECK_PARAMETER: dict[str, str | None] = {
    "min_above_max": None,
    "min_below_floor": "floor",
    "max_below_p10": "factor",
    "min_above_p90": "factor",
}


class RuleFileError(ValueError):
    """The rule file cannot be used; the message names the file and the offending rule."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CategorySpec(_Spec):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class ExceptionSpec(_Spec):
    pattern: str = Field(min_length=1)
    scope: ExceptionScope = "overlap"
    note: str = ""


class RuleExamples(_Spec):
    match: list[str] = Field(default_factory=list)
    no_match: list[str] = Field(default_factory=list)


class TextRuleSpec(_Spec):
    id: str = Field(pattern=_RULE_ID)
    category: str = Field(min_length=1)
    severity: Severity
    patterns: list[str] = Field(min_length=1)
    exceptions: list[ExceptionSpec] = Field(default_factory=list)
    fields: list[TextField] | None = None
    message_zh: str = Field(min_length=1)
    message_en: str = Field(min_length=1)
    basis: str = ""
    examples: RuleExamples = Field(default_factory=RuleExamples)


class SalaryRuleSpec(_Spec):
    id: str = Field(pattern=_RULE_ID)
    category: str = Field(min_length=1)
    severity: Severity
    check: SalaryCheck
    factor: float | None = Field(default=None, gt=0)
    floor: int | None = Field(default=None, gt=0)
    message_zh: str = Field(min_length=1)
    message_en: str = Field(min_length=1)
    basis: str = ""

    @model_validator(mode="after")
    def _parameters_fit_the_check(self) -> SalaryRuleSpec:
        needed = _CHECK_PARAMETER[self.check]
        for name in ("factor", "floor"):
            present = getattr(self, name) is not None
            if present and name != needed:
                raise ValueError(f"check {self.check!r} takes no {name!r}")
            if not present and name == needed:
                raise ValueError(f"check {self.check!r} needs {name!r}")
        for message in (self.message_zh, self.message_en):
            try:
                message.format(**_SALARY_PLACEHOLDERS)
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(
                    f"message {message!r} uses an unknown placeholder or bad braces "
                    f"(known: {', '.join(sorted(_SALARY_PLACEHOLDERS))})"
                ) from exc
        return self


class RuleFileSpec(_Spec):
    version: Literal[1]
    description: str = ""
    macros: dict[str, str] = Field(default_factory=dict)
    categories: dict[str, CategorySpec] = Field(min_length=1)
    text_rules: list[TextRuleSpec] = Field(min_length=1)
    salary_rules: list[SalaryRuleSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids_unique_and_categories_declared(self) -> RuleFileSpec:
        seen: set[str] = set()
        rules: list[TextRuleSpec | SalaryRuleSpec] = [*self.text_rules, *self.salary_rules]
        for rule in rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
            if rule.category not in self.categories:
                raise ValueError(f"rule {rule.id!r}: category {rule.category!r} is not declared")
        return self


@dataclass(frozen=True, slots=True)
class CompiledException:
    pattern: re.Pattern[str]
    scope: ExceptionScope


@dataclass(frozen=True, slots=True)
class TextRule:
    id: str
    category: str
    severity: Severity
    patterns: tuple[re.Pattern[str], ...]
    exceptions: tuple[CompiledException, ...]
    fields: frozenset[str]
    message_zh: str
    message_en: str
    basis: str
    examples: RuleExamples

    def find(self, text: NormalisedText) -> list[tuple[int, int]]:
        """Spans of the normalised text this rule flags, exceptions applied, overlaps merged."""
        found = sorted(
            {(m.start(), m.end()) for p in self.patterns for m in p.finditer(text.text)},
            key=lambda span: (span[0], -span[1]),
        )
        if not found:
            return []
        cancelling = [
            (exception.scope, m.start(), m.end())
            for exception in self.exceptions
            for m in exception.pattern.finditer(text.text)
            if m.end() > m.start()
        ]
        spans: list[tuple[int, int]] = []
        for start, end in found:
            if start == end or any(
                _cancels(text, scope, s, e, start, end) for scope, s, e in cancelling
            ):
                continue
            if spans and start < spans[-1][1]:  # overlapping matches of one rule merge
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((start, end))
        return spans


def _cancels(
    text: NormalisedText, scope: ExceptionScope, ex_start: int, ex_end: int, start: int, end: int
) -> bool:
    """Whether an exception found at ``[ex_start, ex_end)`` cancels the match ``[start, end)``."""
    if scope != "overlap":
        delimiters = CLAUSE_DELIMITERS if scope == "clause" else SENTENCE_DELIMITERS
        start = text.bounds(start, delimiters)[0]
        end = max(end, text.bounds(end - 1, delimiters)[1])
    return ex_start < end and ex_end > start


@dataclass(frozen=True, slots=True)
class SalaryRule:
    id: str
    category: str
    severity: Severity
    check: SalaryCheck
    factor: float | None
    floor: int | None
    message_zh: str
    message_en: str
    basis: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    source: str
    categories: Mapping[str, CategorySpec]
    text_rules: tuple[TextRule, ...]
    salary_rules: tuple[SalaryRule, ...]

    @property
    def all_rules(self) -> tuple[TextRule | SalaryRule, ...]:
        return (*self.text_rules, *self.salary_rules)

    def rule(self, rule_id: str) -> TextRule | SalaryRule:
        for rule in self.all_rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _expand_macros(raw: Mapping[str, str]) -> dict[str, str]:
    """Expand macros in file order; a macro may use the macros defined before it."""
    expanded: dict[str, str] = {}
    for name, value in raw.items():
        if not _MACRO_NAME.match(name):
            raise ValueError(f"macro name {name!r} must match {_MACRO_NAME.pattern}")
        expanded[name] = _substitute(value, expanded, f"macro {name!r}")
        _compile(expanded[name], f"macro {name!r}", allow_empty=True)
    return expanded


def _substitute(pattern: str, macros: Mapping[str, str], where: str) -> str:
    def replace(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in macros:
            raise ValueError(f"{where}: unknown macro {{@{name}}} (define it above its first use)")
        return f"(?:{macros[name]})"

    return _MACRO_REF.sub(replace, pattern)


def _compile(pattern: str, where: str, *, allow_empty: bool = False) -> re.Pattern[str]:
    bare = _ESCAPE.sub("", pattern)
    upper = sorted({char for char in bare if "A" <= char <= "Z"})
    if upper:
        raise ValueError(
            f"{where}: upper-case letters {''.join(upper)} never match (text is lower-cased)"
        )
    for char in bare:
        normalised = unicodedata.normalize("NFKC", char)
        if normalised != char:
            raise ValueError(
                f"{where}: {char!r} never matches (normalisation turns it into {normalised!r})"
            )
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{where}: invalid regular expression {pattern!r}: {exc}") from exc
    if not allow_empty and compiled.search("") is not None:
        raise ValueError(f"{where}: pattern {pattern!r} matches the empty string")
    return compiled


def _compile_text_rule(spec: TextRuleSpec, macros: Mapping[str, str]) -> TextRule:
    where = f"rule {spec.id!r}"
    patterns = tuple(
        _compile(_substitute(p, macros, where), f"{where} pattern {i}")
        for i, p in enumerate(spec.patterns)
    )
    exceptions = tuple(
        CompiledException(
            _compile(_substitute(e.pattern, macros, where), f"{where} exception {i}"), e.scope
        )
        for i, e in enumerate(spec.exceptions)
    )
    rule = TextRule(
        id=spec.id,
        category=spec.category,
        severity=spec.severity,
        patterns=patterns,
        exceptions=exceptions,
        fields=frozenset(spec.fields if spec.fields is not None else TEXT_FIELDS),
        message_zh=spec.message_zh,
        message_en=spec.message_en,
        basis=spec.basis,
        examples=spec.examples,
    )
    for example in spec.examples.match:
        if not rule.find(normalise(example)):
            raise ValueError(f"{where}: example {example!r} should match but does not")
    for example in spec.examples.no_match:
        if rule.find(normalise(example)):
            raise ValueError(f"{where}: example {example!r} should not match but does")
    return rule


def parse_rules(data: object, *, source: str = "<memory>") -> RuleSet:
    """Validate and compile a rule file's parsed JSON; raises ``RuleFileError``."""
    try:
        spec = RuleFileSpec.model_validate(data)
        macros = _expand_macros(spec.macros)
        text_rules = tuple(_compile_text_rule(rule, macros) for rule in spec.text_rules)
    except ValidationError as exc:
        raise RuleFileError(f"{source}: invalid rule file:\n{exc}") from exc
    except ValueError as exc:
        raise RuleFileError(f"{source}: {exc}") from exc
    salary_rules = tuple(
        SalaryRule(
            id=rule.id,
            category=rule.category,
            severity=rule.severity,
            check=rule.check,
            factor=rule.factor,
            floor=rule.floor,
            message_zh=rule.message_zh,
            message_en=rule.message_en,
            basis=rule.basis,
        )
        for rule in spec.salary_rules
    )
    return RuleSet(
        source=source,
        categories=dict(spec.categories),
        text_rules=text_rules,
        salary_rules=salary_rules,
    )


def load_rules(path: Path | str | None = None) -> RuleSet:
    """Read, validate and compile a rule file (the bundled one by default)."""
    file = Path(path) if path is not None else DEFAULT_RULES_PATH
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleFileError(f"{file}: cannot read the rule file: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"{file}: not valid JSON: {exc}") from exc
    return parse_rules(data, source=str(file))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The bundled rule set, loaded and compiled on first use and then cached."""
    return load_rules(DEFAULT_RULES_PATH)
