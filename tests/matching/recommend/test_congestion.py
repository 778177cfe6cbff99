"""Congestion: the penalty, the per-graduate rotation, and the spread it makes measurable.

The documents here are plain values ranked by the real hybrid scorer (keywords and hard
signals, no vectors), so the congestion step is tested on the scores it really gets."""

from __future__ import annotations

from collections import Counter

import pytest

from matching.documents import JobDoc, ProfileDoc
from matching.recommend.congestion import (
    BASE_PENALTY,
    CONGESTION_THRESHOLD,
    MAX_PENALTY,
    ROTATION_BAND,
    adjusted_score,
    congestion,
    rotation,
)
from matching.recommend.for_graduate import spread
from matching.scoring import rank_jobs_for_profile

PROFILE = ProfileDoc(
    id=1,
    major="软件工程",
    major_code="080902",
    degree_level="bachelor",
    skills=("Java", "MySQL"),
    intended_cities=("杭州",),
    intended_city_codes=("330100",),
    expected_salary=10000,
)


def java_job(job_id: int, *, applications: int = 0, headcount: int = 2) -> JobDoc:
    return JobDoc(
        id=job_id,
        title="Java开发工程师",
        employer="杭州云帆网络科技有限公司",
        city="杭州",
        city_code="330100",
        degree_level="bachelor",
        majors=("软件工程",),
        major_codes=("080902",),
        skills=("Java", "MySQL"),
        salary_min=12000,
        salary_max=18000,
        headcount=headcount,
        description="负责后端服务开发，熟悉 Spring Boot 与 MySQL。",
        application_count=applications,
    )


def test_no_penalty_up_to_the_threshold() -> None:
    assert not congestion(0, 1).congested
    assert not congestion(int(CONGESTION_THRESHOLD) * 3, 3).congested
    assert congestion(int(CONGESTION_THRESHOLD) * 3 + 1, 3).congested


def test_penalty_grows_with_the_ratio_and_is_capped() -> None:
    ratios = [31, 60, 120, 480, 10_000]
    penalties = [congestion(r, 1).penalty for r in ratios]
    assert penalties == sorted(penalties)
    assert penalties[0] >= BASE_PENALTY
    assert penalties[1] > penalties[0]
    assert penalties[-1] == MAX_PENALTY


def test_headcount_of_zero_counts_as_one_opening() -> None:
    assert congestion(100, 0).ratio == 100


def test_rotation_is_stable_and_bounded() -> None:
    values = [rotation(g, 7) for g in range(500)]
    assert all(-0.5 <= v < 0.5 for v in values)
    assert rotation(3, 7) == rotation(3, 7)
    assert len(set(values)) > 450  # spread, not a handful of values


def test_half_the_rotation_band_is_below_the_smallest_penalty() -> None:
    """What keeps an uncongested job above an equally good congested one for everyone."""
    assert ROTATION_BAND / 2 < BASE_PENALTY


def test_uncongested_scores_are_untouched() -> None:
    assert adjusted_score(0.8, congestion(10, 1), 1, 1) == 0.8


def test_identical_graduates_are_spread_over_flooded_jobs() -> None:
    """40 graduates with the same profile; one open job and five flooded ones of the same
    content. The open job stays first for everyone; the flooded job each one sees next is
    not the same for all."""
    jobs = [java_job(1)] + [java_job(i, applications=400) for i in range(2, 7)]
    ranked = rank_jobs_for_profile(PROFILE, jobs, query_vector=None, job_vectors=None)
    assert len({round(m.score, 6) for m in ranked}) == 1  # the scorer sees equal jobs
    docs = {int(j.id): j for j in jobs}
    firsts: list[int] = []
    next_flooded: Counter[int] = Counter()
    for graduate in range(1, 41):
        spread_out = spread(ranked, docs, graduate)
        firsts.append(spread_out[0].job_id)
        assert spread_out[1].crowd.congested
        next_flooded[spread_out[1].job_id] += 1
    assert set(firsts) == {1}
    assert len(next_flooded) >= 4
    assert max(next_flooded.values()) <= 20  # no flooded job is everybody's second


def test_same_graduate_sees_the_same_order() -> None:
    jobs = [java_job(i, applications=400) for i in range(1, 6)]
    ranked = rank_jobs_for_profile(PROFILE, jobs, query_vector=None, job_vectors=None)
    docs = {int(j.id): j for j in jobs}
    first = [r.job_id for r in spread(ranked, docs, 9)]
    assert first == [r.job_id for r in spread(ranked, docs, 9)]


def test_congested_job_says_so_in_its_reasons() -> None:
    jobs = [java_job(1, applications=200, headcount=1), java_job(2)]
    ranked = rank_jobs_for_profile(PROFILE, jobs, query_vector=None, job_vectors=None)
    by_id = {r.job_id: r for r in spread(ranked, {1: jobs[0], 2: jobs[1]}, 5)}
    crowded = [r for r in by_id[1].reasons if r.code == "congested"]
    assert len(crowded) == 1
    assert crowded[0].text_zh == "该职位申请人数较多"
    assert not crowded[0].matched
    assert all(r.code != "congested" for r in by_id[2].reasons)


def test_a_much_better_congested_job_still_beats_a_poor_open_one() -> None:
    poor = JobDoc(
        id=2,
        title="会计",
        city="北京",
        city_code="110100",
        degree_level="bachelor",
        majors=("会计学",),
        major_codes=("120203K",),
        skills=("财务报表",),
        salary_min=6000,
        salary_max=8000,
        description="负责日常账务处理。",
    )
    jobs = [java_job(1, applications=300, headcount=1), poor]
    ranked = rank_jobs_for_profile(PROFILE, jobs, query_vector=None, job_vectors=None)
    out = spread(ranked, {1: jobs[0], 2: poor}, 11)
    assert [r.job_id for r in out] == [1, 2]
    assert out[0].score < ranked[0].score  # the penalty was applied all the same


@pytest.mark.parametrize("applications", [0, 30, 31, 1000])
def test_adjusted_score_never_rises_by_more_than_half_the_band(applications: int) -> None:
    crowd = congestion(applications, 1)
    for graduate in range(50):
        assert adjusted_score(0.5, crowd, graduate, 3) <= 0.5 + ROTATION_BAND / 2
