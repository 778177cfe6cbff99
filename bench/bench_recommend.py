"""How fast recommendations answer: jobs for a graduate, suggested candidates for a job.

    .venv/bin/python -m bench.bench_recommend --jobs 20000 --graduates 20000 --queries 30

Builds, in a throwaway SQLite database with the embedded keyword engine and FAISS: ``--jobs``
published jobs of 200 verified employers drawn from 40 job templates (titles, skills, majors,
cities, degrees; a share ``--flooded`` of them has 40–200 applications per opening) and
``--graduates`` graduates with a profile and every consent, drawn from 12 profile templates
with varied skills. Vectors are the real model's embeddings of each template's passage plus a
little Gaussian noise per entity (re-normalised), stored as ``MatchVector`` rows and added
to the FAISS indexes, so nothing but the templates is embedded. Then times, for ``--queries``
graduates / jobs:

* ``recommend_for_graduate`` (limit 20) with the model — cold (the graduate's query text is
  embedded) and warm (cached) — and without a model (the keyword-and-signals fallback);
* ``suggest_candidates`` (limit 50, ``share_with_employers``) warm;
* the share of flooded jobs among each graduate's top 5, with the congestion step and (the
  baseline, from the same rankings) by the match score alone.

Writes bench/results/recommend.json.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bench.common import peak_rss_mib, write_results
from jobs_api.core.db import build_engine, build_session_factory, job_session, utcnow
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.search import build_search_backend
from jobs_api.core.settings import Settings
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.graduates.models import ConsentPurpose, ConsentRecord, GraduateProfile
from jobs_api.identity.models import AccountStatus, User
from jobs_api.identity.principal import Principal, Role
from jobs_api.jobs.models import Job, JobStatus
from jobs_api.jobs.search_index import index_searchable_jobs
from jobs_api.reference.service import load_reference
from jobs_api.registry.models import StudentRecord
from jobs_api.universities.models import University
from matching.embeddings.embedder import load_embedder
from matching.models import MatchGraduateProvince
from matching.recommend.for_graduate import recommend_for_graduate
from matching.recommend.for_job import suggest_candidates
from matching.regions import province_of
from matching.runtime import MatchingRuntime
from matching.sources import load_job_docs, load_profile_docs
from matching.store import StoredVector, content_hash, index_hash, pack, upsert
from matching.texts import job_passage, profile_passage

BATCH = 5_000
NOISE = 0.015

JOB_TEMPLATES: list[tuple[str, list[str], list[str], str]] = [
    ("Java开发工程师", ["Java", "Spring Boot", "MySQL"], ["080902", "080901"], "后端服务开发"),
    ("前端开发工程师", ["JavaScript", "Vue", "CSS"], ["080902", "080901"], "网页前端开发"),
    ("数据分析师", ["SQL", "Python", "Excel"], ["071201", "020102"], "业务数据分析与报表"),
    ("算法工程师", ["Python", "PyTorch", "机器学习"], ["080717T", "080901"], "推荐与搜索算法"),
    ("测试工程师", ["自动化测试", "Python", "Linux"], ["080902"], "软件测试与质量保障"),
    ("运维工程师", ["Linux", "Docker", "Kubernetes"], ["080903"], "服务器与集群运维"),
    ("财务会计", ["财务报表", "用友", "Excel"], ["120203K", "120204"], "日常账务与报表"),
    ("审计助理", ["审计", "Excel"], ["120207"], "年报审计与内控"),
    ("市场专员", ["市场调研", "新媒体运营"], ["120202"], "品牌推广与活动策划"),
    ("人力资源专员", ["招聘", "员工关系"], ["120206"], "招聘与培训"),
    ("机械设计工程师", ["SolidWorks", "AutoCAD"], ["080202"], "机械结构设计"),
    ("电气工程师", ["PLC", "电路设计"], ["080601"], "电气控制系统设计"),
    ("土木工程师", ["AutoCAD", "结构设计"], ["081001"], "建筑结构设计与施工管理"),
    ("临床医生", ["临床诊疗"], ["100201K"], "门诊与住院诊疗"),
    ("护士", ["护理"], ["101101K"], "临床护理"),
    ("中学语文教师", ["教学设计", "普通话"], ["050101"], "初中语文教学"),
    ("英语翻译", ["英语", "口译"], ["050201"], "商务文件翻译"),
    ("法务专员", ["合同审查", "法律咨询"], ["030101K"], "合同与合规"),
    ("产品经理", ["需求分析", "Axure"], [], "互联网产品设计"),
    ("销售代表", ["客户开发", "谈判"], [], "区域销售"),
]
CITIES = ["330100", "310100", "110100", "440300", "320100", "510100", "420100", "610100"]
DEGREES = ["junior_college", "bachelor", "bachelor", "bachelor", "master"]
PROFILE_TEMPLATES: list[tuple[str, list[str]]] = [
    ("080902", ["Java", "MySQL", "Spring Boot", "Redis", "Linux"]),
    ("080901", ["Python", "机器学习", "PyTorch", "SQL"]),
    ("080903", ["Linux", "Docker", "网络安全"]),
    ("071201", ["Python", "SQL", "R", "Excel"]),
    ("120203K", ["财务报表", "Excel", "用友", "初级会计"]),
    ("120202", ["市场调研", "新媒体运营", "文案"]),
    ("080202", ["SolidWorks", "AutoCAD", "机械制图"]),
    ("080601", ["PLC", "电路设计", "单片机"]),
    ("081001", ["AutoCAD", "结构设计", "BIM"]),
    ("050201", ["英语", "口译", "笔译"]),
    ("030101K", ["合同审查", "法律检索"]),
    ("101101K", ["护理", "急救"]),
]


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def _noisy(base: npt.NDArray[np.float32], rng: np.random.Generator) -> npt.NDArray[np.float32]:
    row = base + rng.normal(0.0, NOISE, base.shape).astype(np.float32)
    return np.asarray(row / np.linalg.norm(row), dtype=np.float32)


def build(session: Session, args: argparse.Namespace, runtime: MatchingRuntime) -> None:
    rng = random.Random(args.seed)
    nrng = np.random.default_rng(args.seed)
    load_reference(session)
    employers = [
        Employer(
            name=f"基准测试单位{i:03d}有限公司",
            uscc=f"91330100MA{i:07d}X",
            employer_type_code="private_enterprise",
            industry_code="I",
            city_code=CITIES[i % len(CITIES)],
            size="100-499",
            verification_status=VerificationStatus.VERIFIED,
        )
        for i in range(200)
    ]
    session.add_all(employers)
    session.flush()
    now = utcnow()
    jobs: list[dict[str, Any]] = []
    templates: list[int] = []
    for i in range(args.jobs):
        t = rng.randrange(len(JOB_TEMPLATES) * 2)  # 40 variants: template x city pair
        title, skills, majors, description = JOB_TEMPLATES[t % len(JOB_TEMPLATES)]
        headcount = rng.choice([1, 2, 3, 5])
        flooded = rng.random() < args.flooded
        jobs.append(
            {
                "employer_id": employers[rng.randrange(len(employers))].id,
                "title": title,
                "industry_code": "I",
                "city_code": CITIES[(t + i % 2) % len(CITIES)],
                "degree_level": rng.choice(DEGREES),
                "major_codes": majors,
                "skills": skills,
                "salary_min": 6000 + 1000 * rng.randrange(8),
                "salary_max": 12000 + 1000 * rng.randrange(10),
                "salary_months": 13,
                "headcount": headcount,
                "description": f"负责{description}。",
                "status": JobStatus.PUBLISHED.value,
                "published_at": now,
                "application_count": headcount * rng.randrange(40, 200) if flooded else 0,
            }
        )
        templates.append(t)
    _insert(session, Job, jobs)
    job_ids = list(session.scalars(select(Job.id).order_by(Job.id)))
    university = University(
        code="19999", name="基准大学", province_code="330000", city_code="330100", level="x"
    )
    session.add(university)
    session.flush()
    records = [
        {
            "university_id": university.id,
            "student_number": f"B{i:08d}",
            "name": "测试" + "甲乙丙丁戊己庚辛"[i % 8],
            "id_number_hash": f"h{i}",
            "id_number_cipher": "c",
            "id_number_masked": "m",
            "gender": "女",
            "major_code": PROFILE_TEMPLATES[i % len(PROFILE_TEMPLATES)][0],
            "degree_level": "bachelor",
            "enrollment_date": now.date(),
            "expected_graduation_date": now.date(),
            "graduation_year": 2026,
            "status": "在籍",
        }
        for i in range(args.graduates)
    ]
    _insert(session, StudentRecord, records)
    record_ids = list(session.scalars(select(StudentRecord.id).order_by(StudentRecord.id)))
    _insert(
        session,
        User,
        [
            {
                "username": f"bench-{r}",
                "display_name": "g",
                "role": Role.GRADUATE.value,
                "status": AccountStatus.ACTIVE.value,
                "student_record_id": r,
            }
            for r in record_ids
        ],
    )
    users = dict(session.execute(select(User.student_record_id, User.id)).all())
    profiles = []
    for n, r in enumerate(record_ids):
        _, skills = PROFILE_TEMPLATES[n % len(PROFILE_TEMPLATES)]
        chosen = rng.sample(skills, k=max(1, len(skills) - rng.randrange(2)))
        profiles.append(
            {
                "student_record_id": r,
                "skills": chosen,
                "intended_city_codes": [CITIES[n % len(CITIES)]],
                "expected_salary": 8000 + 1000 * rng.randrange(6),
                "summary": "",
            }
        )
    _insert(session, GraduateProfile, profiles)
    _insert(  # what index_graduates writes with each vector (matching.regions)
        session,
        MatchGraduateProvince,
        [
            {"student_record_id": r, "province_code": province_of(CITIES[n % len(CITIES)])}
            for n, r in enumerate(record_ids)
        ],
    )
    _insert(
        session,
        ConsentRecord,
        [
            {"user_id": users[r], "purpose": p.value, "text_version": "2025-01", "granted_at": now}
            for r in record_ids
            for p in ConsentPurpose
        ],
    )
    session.flush()
    embedder = runtime.embedder
    # one embedding per job template and per profile template, noise per entity
    job_docs = load_job_docs(session, job_ids)
    by_template: dict[int, int] = {}
    for job_id, t in zip(job_ids, templates, strict=True):
        by_template.setdefault(t, job_id)
    job_base = dict(
        zip(
            by_template,
            embedder.embed_passages([job_passage(job_docs[j]) for j in by_template.values()]),
            strict=True,
        )
    )
    profile_docs = load_profile_docs(session, record_ids[: len(PROFILE_TEMPLATES)])
    profile_base = embedder.embed_passages(
        [profile_passage(profile_docs[r]) for r in record_ids[: len(PROFILE_TEMPLATES)]]
    )
    model = embedder.model_id
    for kind, ids, bases in (
        ("job", job_ids, [job_base[t] for t in templates]),
        (
            "graduate",
            record_ids,
            [profile_base[n % len(PROFILE_TEMPLATES)] for n in range(len(record_ids))],
        ),
    ):
        vectors = np.vstack([_noisy(np.asarray(b), nrng) for b in bases]).astype(np.float32)
        hashes = [content_hash(model, f"{kind}-{i}") for i in ids]
        upsert(
            session,
            kind,  # type: ignore[arg-type]
            [
                StoredVector(i, model, h, pack(v))
                for i, h, v in zip(ids, hashes, vectors, strict=True)
            ],
        )
        runtime.index(kind).add(ids, vectors, [index_hash(h) for h in hashes])


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--graduates", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--flooded", type=float, default=0.3, help="share of jobs flooded with applications"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings(
            environment="test",
            data_dir=root / "data",
            database_url=f"sqlite:///{root / 'bench.db'}",
            elasticsearch_url="embedded://",
            search_index_prefix="bench",
        )
        engine = build_engine(settings.resolved_database_url())
        upgrade_schema(engine)
        factory = build_session_factory(engine)
        search = build_search_backend(settings)
        runtime = MatchingRuntime(settings, embedder=load_embedder(Settings()), autosave=False)
        no_model = MatchingRuntime(
            settings.model_copy(update={"embedding_model_dir": root / "none"}), autosave=False
        )
        started = time.perf_counter()
        with job_session(factory) as session:
            build(session, args, runtime)
        with job_session(factory) as session:
            index_searchable_jobs(session, search)
        build_seconds = round(time.perf_counter() - started, 1)

        figures: dict[str, Any] = {
            "jobs": args.jobs,
            "graduates": args.graduates,
            "queries": args.queries,
            "flooded_share": args.flooded,
            "build_seconds": build_seconds,
        }
        rng = random.Random(args.seed + 1)
        with factory() as session:
            rows = session.execute(select(User.id, User.student_record_id)).all()
            sample = rng.sample(rows, args.queries)
            principals = [
                Principal(user_id=u, role=Role.GRADUATE, session_id="b", student_record_id=r)
                for u, r in sample
            ]
            cold, warm, fallback = [], [], []
            congested_top, congested_raw = 0.0, 0.0
            for p in principals:
                cold.append(
                    _timed(partial(recommend_for_graduate, session, runtime, p, search=search))
                )
                found = recommend_for_graduate(session, runtime, p, search=search)
                if found.items:
                    top = found.items[:5]
                    raw = sorted(found.items, key=lambda r: (-r.match.score, r.job_id))[:5]
                    congested_top += sum(r.crowd.congested for r in top) / len(top)
                    congested_raw += sum(r.crowd.congested for r in raw) / len(raw)
                warm.append(
                    _timed(partial(recommend_for_graduate, session, runtime, p, search=search))
                )
                fallback.append(
                    _timed(partial(recommend_for_graduate, session, no_model, p, search=search))
                )
            figures["recommend_jobs_cold"] = _summary(cold)
            figures["recommend_jobs_warm"] = _summary(warm)
            figures["recommend_jobs_without_model"] = _summary(fallback)
            figures["flooded_share_of_top5"] = round(congested_top / len(principals), 3)
            figures["flooded_share_of_top5_by_match_score_only"] = round(
                congested_raw / len(principals), 3
            )
            job_ids = rng.sample(list(session.scalars(select(Job.id))), args.queries)
            for job_id in job_ids:  # embed each job's query once
                suggest_candidates(session, runtime, job_id)
            suggest = [_timed(partial(suggest_candidates, session, runtime, j)) for j in job_ids]
            figures["suggest_candidates_warm"] = _summary(suggest)
        figures["peak_rss_mib"] = peak_rss_mib()
        runtime.close()
        no_model.close()
        search.close()
        engine.dispose()
    path = write_results("recommend", figures)
    print(path.read_text())


if __name__ == "__main__":
    main()
