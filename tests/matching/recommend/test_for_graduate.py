"""Jobs for a graduate: hybrid candidates, what is kept out, the fallback without a model,
consent, and congestion on real rows and vectors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from jobs_api.applications.models import ApplicationStatus
from jobs_api.core.container import Container
from jobs_api.employers.models import VerificationStatus
from jobs_api.graduates.consent import withdraw_consent
from jobs_api.graduates.errors import GraduateNotVerified
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.identity.principal import Role
from jobs_api.jobs.models import JobStatus
from jobs_api.jobs.search_index import index_jobs as index_search
from matching.recommend.for_graduate import (
    LEXICAL_CANDIDATES,
    NOTICE_NO_CONSENT,
    NOTICE_NO_PROFILE,
    NOTICE_NO_VECTOR,
    VECTOR_CANDIDATES,
    nearest_jobs,
    recommend_for_graduate,
)
from matching.recommend.service import recommend_jobs
from matching.regions import local_job_allow_list
from matching.runtime import MatchingRuntime
from matching.sources import load_profile_docs
from tests.factories.applications import make_application
from tests.factories.identity import make_actor
from tests.factories.jobs import make_employer
from tests.matching.recommend.conftest import index_everything, make_graduate, make_posting


def test_fitting_jobs_come_first_with_reasons(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    employer = make_employer(session)
    java = make_posting(session, employer)
    accounting = make_posting(
        session,
        employer,
        title="财务会计",
        description="负责日常账务处理与报表编制。",
        major_codes=("120203K",),
        skills=("财务报表",),
        city_code="110100",
    )
    graduate = make_graduate(session, container.settings)
    index_everything(session, container, runtime, jobs=[java, accounting])

    found = recommend_for_graduate(
        session, runtime, graduate.actor.principal, search=container.search
    )

    assert found.vector_used
    assert found.notice is None
    assert [r.job_id for r in found.items] == [java.id, accounting.id]
    best = found.items[0]
    assert best.score > found.items[1].score
    major = next(r for r in best.reasons if r.code == "major")
    assert major.matched
    assert any(not r.matched for r in found.items[1].reasons)


def test_jobs_where_the_graduate_wants_to_work_are_found_past_the_national_nearest(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    employer = make_employer(session)
    local = make_posting(session, employer, city_code="330100")  # 杭州, wanted
    far = make_posting(session, employer, city_code="440300")  # 深圳
    graduate = make_graduate(session, container.settings, cities=("330100",))
    index_everything(
        session, container, runtime, jobs=[local, far], record_ids=[graduate.record_id]
    )
    query = runtime.query_vector_for_profile(session, graduate.record_id)
    assert query is not None
    # A national crowd of jobs nearer to the graduate than any real one (more than k).
    crowd = range(10_000_000, 10_000_000 + 2 * VECTOR_CANDIDATES)
    runtime.index("job").add(crowd, np.tile(query, (len(crowd), 1)), [1] * len(crowd))
    profile = load_profile_docs(session, [graduate.record_id])[graduate.record_id]

    nearest = nearest_jobs(session, runtime.index("job"), profile, query)

    assert local.id in nearest and far.id not in nearest
    found = recommend_for_graduate(session, runtime, graduate.actor.principal)
    assert found.items[0].job_id == local.id


def test_the_local_jobs_are_those_in_the_wanted_cities_and_provinces(
    session: Session, container: Container
) -> None:
    employer = make_employer(session)
    hangzhou, ningbo, beijing = (
        make_posting(session, employer, city_code=code).id
        for code in ("330100", "330200", "110100")
    )
    make_posting(session, employer, city_code="330100", status=JobStatus.DRAFT)

    def local(*codes: str, indexed: int = 100) -> list[int] | None:
        ids = local_job_allow_list(session, codes, indexed)
        return None if ids is None else ids.tolist()

    assert local("330100") == [hangzhou]
    assert sorted(local("330000") or []) == [hangzhou, ningbo]  # a province: all its cities
    assert sorted(local("110000", "330200") or []) == [ningbo, beijing]
    assert local("440300") is None  # no jobs there
    assert local() is None and local("bad") is None
    assert local("330000", indexed=7) is None  # over a quarter of the pool: national is enough


def test_applied_closed_and_unverified_jobs_are_left_out(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    employer = make_employer(session)
    shown = make_posting(session, employer)
    applied = make_posting(session, employer, title="Java后端工程师")
    closed = make_posting(session, employer, title="Java架构师", status=JobStatus.CLOSED)
    lapsed_employer = make_employer(session, name="杭州失效科技有限公司")
    lapsed = make_posting(session, lapsed_employer, title="Java实习生")
    graduate = make_graduate(session, container.settings)
    index_everything(session, container, runtime, jobs=[shown, applied, closed, lapsed])
    make_application(session, graduate.actor, applied, status=ApplicationStatus.WITHDRAWN)
    lapsed_employer.verification_status = VerificationStatus.EXPIRED
    session.flush()

    ids = [r.job_id for r in recommend_jobs(session, runtime, graduate.actor.principal)]

    assert ids == [shown.id]


def test_without_the_model_keywords_and_signals_rank_with_a_notice(
    session: Session, container: Container, tmp_path: Path
) -> None:
    employer = make_employer(session)
    java = make_posting(session, employer)
    accounting = make_posting(
        session,
        employer,
        title="财务会计",
        description="负责日常账务处理。",
        major_codes=("120203K",),
        skills=("财务报表",),
    )
    graduate = make_graduate(session, container.settings)
    settings = container.settings.model_copy(update={"embedding_model_dir": tmp_path / "none"})
    no_model = MatchingRuntime(settings, autosave=False)
    index_search(session, container.search, [java.id, accounting.id])
    session.commit()

    found = recommend_for_graduate(
        session, no_model, graduate.actor.principal, search=container.search
    )

    assert not found.vector_used
    assert found.notice == NOTICE_NO_VECTOR
    assert [r.job_id for r in found.items] == [java.id, accounting.id]
    no_model.close()


def test_without_the_model_local_jobs_past_the_national_keyword_hits_are_found(
    session: Session, container: Container, tmp_path: Path
) -> None:
    employer = make_employer(session)
    # 杭州, as fitting as the others; the oldest, so the newest-first filter queries miss it
    local = make_posting(
        session, employer, description="负责软件工程项目的后端开发。", city_code="330100"
    )
    far = [  # more national keyword hits than one query returns, all in 深圳
        make_posting(session, employer, title=f"软件工程师{n}", city_code="440300").id
        for n in range(LEXICAL_CANDIDATES + 5)
    ]
    graduate = make_graduate(session, container.settings, cities=("330100",))
    settings = container.settings.model_copy(update={"embedding_model_dir": tmp_path / "none"})
    no_model = MatchingRuntime(settings, autosave=False)
    index_search(session, container.search, [*far, local.id])
    session.commit()

    found = recommend_for_graduate(
        session, no_model, graduate.actor.principal, search=container.search
    )
    no_model.close()

    assert found.items[0].job_id == local.id


def test_without_a_profile_the_registry_facts_are_matched(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    java = make_posting(session, make_employer(session))
    graduate = make_graduate(session, container.settings, profile=False)
    index_everything(session, container, runtime, jobs=[java])

    found = recommend_for_graduate(
        session, runtime, graduate.actor.principal, search=container.search
    )

    assert found.notice == NOTICE_NO_PROFILE
    assert [r.job_id for r in found.items] == [java.id]


def test_no_recommendations_without_consent_to_profile_matching(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    java = make_posting(session, make_employer(session))
    graduate = make_graduate(session, container.settings)
    withdraw_consent(session, graduate.actor.user.id, ConsentPurpose.PROFILE_MATCHING)
    index_everything(session, container, runtime, jobs=[java])

    found = recommend_for_graduate(session, runtime, graduate.actor.principal)

    assert found.items == []
    assert found.notice == NOTICE_NO_CONSENT


def test_an_account_without_a_registry_record_is_refused(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    actor = make_actor(session, Role.GRADUATE, container.settings)
    unlinked = actor.principal.__class__(
        user_id=actor.principal.user_id, role=Role.GRADUATE, session_id="x"
    )
    with pytest.raises(GraduateNotVerified):
        recommend_for_graduate(session, runtime, unlinked)


def test_identical_graduates_are_spread_over_flooded_jobs(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    """Twelve graduates with the same profile; one open job and four flooded jobs with the
    same text. Everyone gets the open job first; the flooded one that comes next differs."""
    employer = make_employer(session)
    open_job = make_posting(session, employer, applications=3, headcount=3)
    flooded = [make_posting(session, employer, applications=600, headcount=3) for _ in range(4)]
    graduates = [make_graduate(session, container.settings) for _ in range(12)]
    index_everything(session, container, runtime, jobs=[open_job, *flooded])

    firsts: list[int] = []
    seconds: Counter[int] = Counter()
    for graduate in graduates:
        found = recommend_for_graduate(
            session, runtime, graduate.actor.principal, search=container.search
        )
        assert len(found.items) == 5
        firsts.append(found.items[0].job_id)
        seconds[found.items[1].job_id] += 1
        assert all(item.crowd.congested for item in found.items[1:])
        assert any(r.text_zh == "该职位申请人数较多" for r in found.items[1].reasons)

    assert set(firsts) == {open_job.id}
    assert len(seconds) >= 2
    assert max(seconds.values()) < len(graduates)
