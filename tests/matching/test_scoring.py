"""The hybrid ranking: fitting jobs first, misfits pushed down, every result explained."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from matching.documents import JobDoc, ProfileDoc
from matching.scoring import (
    GapHint,
    Reason,
    ScoredMatch,
    rank_jobs_for_profile,
    rank_profiles_for_job,
    rescale_vectors,
)

TODAY = date(2026, 5, 1)

GRADUATE = ProfileDoc(
    id="g",
    major="软件工程",
    degree_level="bachelor",
    skills=("Java", "MySQL", "Linux"),
    intended_cities=("北京",),
    expected_salary=12000,
    summary="做过订单系统后端实习，希望在北京做Java后端开发。",
)
BACKEND = JobDoc(
    id="backend",
    title="Java后端开发工程师",
    city="北京",
    majors=("计算机科学与技术", "软件工程"),
    skills=("Java", "Spring Boot", "MySQL", "Redis"),
    salary_min=12000,
    salary_max=20000,
    description="负责交易系统后端服务开发，熟悉Java与MySQL。",
)
BACKEND_ELSEWHERE = JobDoc(
    id="elsewhere",
    title="Java开发工程师",
    city="成都",
    majors=("软件工程",),
    skills=("Java", "MySQL"),
    salary_min=9000,
    salary_max=14000,
    description="负责后端服务开发。",
)
MASTERS_ONLY = JobDoc(
    id="masters",
    title="Java后端开发工程师（算法平台）",
    city="北京",
    degree_level="master",
    majors=("软件工程",),
    skills=("Java", "MySQL", "Linux"),
    description="负责算法平台后端开发，熟悉Java、MySQL与Linux。",
)
COFFEE = JobDoc(
    id="coffee",
    title="咖啡师（Java单品咖啡店）",
    city="北京",
    degree_level="junior_college",
    majors=(),
    skills=("手冲咖啡", "拉花"),
    description="门店售卖Java、耶加雪菲等单品咖啡豆，负责出品与顾客服务。Java Java Java",
)
SALES = JobDoc(
    id="sales",
    title="软件销售代表",
    city="北京",
    majors=("市场营销",),
    skills=("客户开发", "商务谈判"),
    description="销售企业软件（Java平台），开拓客户。",
)
JOBS = [COFFEE, SALES, MASTERS_ONLY, BACKEND_ELSEWHERE, BACKEND]


def ids(matches: list[ScoredMatch]) -> list[str]:
    return [str(m.job_id) for m in matches]


def test_without_vectors_the_fitting_job_comes_first_and_look_alikes_last() -> None:
    ranked = rank_jobs_for_profile(GRADUATE, JOBS, query_vector=None, job_vectors=None, today=TODAY)
    order = ids(ranked)
    assert order[0] == "backend"
    # a major from another field sinks below every job the major fits, whatever words it shares
    assert order.index("coffee") > order.index("elsewhere")
    assert order.index("sales") > order.index("elsewhere")
    assert order.index("masters") > order.index("backend")
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)
    assert all(m.vector == 0.0 for m in ranked)


def test_a_degree_misfit_ranks_below_the_same_job_open_to_the_degree() -> None:
    open_to_bachelors = replace(MASTERS_ONLY, id="bachelors", degree_level="bachelor")
    ranked = rank_jobs_for_profile(
        GRADUATE, [MASTERS_ONLY, open_to_bachelors], query_vector=None, job_vectors=None
    )
    assert ids(ranked) == ["bachelors", "masters"]
    assert ranked[1].score < 0.8 * ranked[0].score


def test_every_match_explains_itself_in_both_languages() -> None:
    ranked = rank_jobs_for_profile(GRADUATE, JOBS, query_vector=None, job_vectors=None, today=TODAY)
    best = ranked[0]
    codes = [r.code for r in best.reasons]
    assert codes[:4] == ["major", "degree", "city", "skills"]
    assert all(isinstance(r, Reason) and r.text_zh and r.text_en for r in best.reasons)
    texts = [r.text_zh for r in best.reasons]
    assert "专业对口：软件工程" in texts and "城市符合：北京" in texts
    assert "技能 2/4 匹配：Java、MySQL" in texts
    gaps = [g.text_zh for g in best.gaps]
    assert gaps[:2] == ["补充技能：Spring Boot", "补充技能：Redis"]
    assert all(isinstance(g, GapHint) and g.link.startswith("/") for g in best.gaps)
    assert best.signals["major"] == pytest.approx(1.0, abs=0.2)
    assert 0.0 <= best.lexical <= 1.0

    coffee = next(m for m in ranked if m.job_id == "coffee")
    assert not next(r for r in coffee.reasons if r.code == "major").matched
    sales = next(m for m in ranked if m.job_id == "sales")
    assert next(r for r in sales.reasons if r.code == "major").text_zh == "专业不符：要求市场营销"
    masters = next(m for m in ranked if m.job_id == "masters")
    assert "学历不足：要求硕士及以上" in [r.text_zh for r in masters.reasons]
    assert any(g.code == "degree" for g in masters.gaps)
    elsewhere = next(m for m in ranked if m.job_id == "elsewhere")
    assert "不在意向城市：成都" in [r.text_zh for r in elsewhere.reasons]


def test_a_passed_deadline_sinks_to_the_bottom() -> None:
    closed = replace(BACKEND, id="closed", deadline=TODAY - timedelta(days=1))
    ranked = rank_jobs_for_profile(
        GRADUATE, [closed, *JOBS], query_vector=None, job_vectors=None, today=TODAY
    )
    assert ids(ranked)[-1] == "closed" and ranked[-1].score == 0.0
    assert "已截止" in [r.text_zh for r in ranked[-1].reasons]


def test_vectors_move_candidates_the_signals_leave_tied() -> None:
    twin_a = JobDoc(id="a", title="开发工程师", city="北京", majors=("软件工程",))
    twin_b = JobDoc(id="b", title="开发工程师", city="北京", majors=("软件工程",))
    query = np.array([1.0, 0.0], dtype=np.float32)
    vectors = np.array([[0.80, 0.60], [0.90, 0.4359]], dtype=np.float32)
    ranked = rank_jobs_for_profile(
        GRADUATE, [twin_a, twin_b], query_vector=query, job_vectors=vectors
    )
    assert ids(ranked) == ["b", "a"]
    assert ranked[0].vector == pytest.approx(0.9, abs=1e-4)
    without = rank_jobs_for_profile(GRADUATE, [twin_a, twin_b], query_vector=None, job_vectors=None)
    assert ids(without) == ["a", "b"]  # a tie falls back to the id order
    assert without[0].score == without[1].score


def test_a_candidate_without_a_vector_does_not_squash_the_others() -> None:
    twin_a = JobDoc(id="a", title="开发工程师", city="北京", majors=("软件工程",))
    twin_b = JobDoc(id="b", title="开发工程师", city="北京", majors=("软件工程",))
    fresh = JobDoc(id="c", title="开发工程师", city="北京", majors=("软件工程",))
    query = np.array([1.0, 0.0], dtype=np.float32)
    vectors = np.array([[0.80, 0.60], [0.90, 0.4359], [0.0, 0.0]], dtype=np.float32)
    ranked = rank_jobs_for_profile(
        GRADUATE, [twin_a, twin_b, fresh], query_vector=query, job_vectors=vectors
    )
    by_id = {str(m.job_id): m for m in ranked}
    assert by_id["c"].vector == 0.0
    assert ids(ranked)[0] == "b"
    # a's vector part is the set's lowest (0), not 0.89 of a spread stretched down to 0
    assert by_id["a"].score < by_id["c"].score < by_id["b"].score


def test_vector_rescaling_within_the_set_or_by_the_fixed_map() -> None:
    spread = rescale_vectors(np.array([0.80, 0.85, 0.90]))
    assert spread.tolist() == pytest.approx([0.0, 0.5, 1.0])
    narrow = rescale_vectors(np.array([0.875, 0.875, 0.99]))  # spread 0.115: within the set
    assert narrow.tolist() == pytest.approx([0.0, 0.0, 1.0])
    same = rescale_vectors(np.array([0.875, 0.88]))  # no spread: the fixed map 0.80–0.95
    assert same.tolist() == pytest.approx([0.5, 0.5333], abs=1e-3)
    assert rescale_vectors(np.array([])).size == 0
    gap = rescale_vectors(np.array([0.80, np.nan, 0.90]))
    assert gap[0] == 0.0 and np.isnan(gap[1]) and gap[2] == 1.0


def test_graduates_ranked_for_a_job() -> None:
    other_field = ProfileDoc(
        id="acct",
        major="会计学",
        degree_level="bachelor",
        skills=("会计核算",),
        intended_cities=("北京",),
    )
    vocational = ProfileDoc(
        id="voc",
        major="软件技术",
        degree_level="junior_college",
        skills=("Java", "MySQL"),
        intended_cities=("北京",),
    )
    ranked = rank_profiles_for_job(
        BACKEND, [other_field, vocational, GRADUATE], query_vector=None, profile_vectors=None
    )
    assert [str(m.profile_id) for m in ranked] == ["g", "voc", "acct"]
    assert all(m.job_id == "backend" for m in ranked)
    voc = ranked[1]
    assert "专业对口：软件技术" in [r.text_zh for r in voc.reasons]
    assert "学历不足：要求本科及以上" in [r.text_zh for r in voc.reasons]


def test_empty_candidate_sets() -> None:
    assert rank_jobs_for_profile(GRADUATE, [], query_vector=None, job_vectors=None) == []
    assert rank_profiles_for_job(BACKEND, [], query_vector=None, profile_vectors=None) == []
