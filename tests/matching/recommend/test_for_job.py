"""Graduates for a job: the employer's applicants ranked by fit (own jobs only) and the
suggested candidates — who may appear for employers and for push, and who never does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.audit import AuditEvent
from jobs_api.core.container import Container
from jobs_api.employers.errors import EmployerNotVerified
from jobs_api.employers.models import VerificationStatus
from jobs_api.graduates.consent import withdraw_consent
from jobs_api.graduates.models import ConsentPurpose, Visibility
from jobs_api.jobs.errors import JobNotFound
from matching.embeddings.base import Embedder
from matching.recommend.common import Purpose
from matching.recommend.service import (
    rank_applicants,
    suggest_candidates,
    suggested_for_employer,
    suggestion_ranking,
)
from matching.runtime import MatchingRuntime
from tests.factories.applications import make_application, make_employer_actor
from tests.factories.jobs import make_employer
from tests.matching.recommend.conftest import index_everything, make_graduate, make_posting


def test_applicants_are_ranked_by_fit_for_the_own_employer_only(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    settings = container.settings
    employer = make_employer(session)
    member = make_employer_actor(session, settings, employer)
    job = make_posting(session, employer)
    misfit = make_graduate(
        session, settings, name="王芳", major_code="120203K", skills=("财务报表",), cities=()
    )
    fit = make_graduate(session, settings, name="李雷")
    hidden = make_graduate(session, settings, name="赵敏", visibility=Visibility.HIDDEN)
    for graduate in (misfit, fit, hidden):
        make_application(session, graduate.actor, job)
    index_everything(session, container, runtime, jobs=[job], record_ids=[misfit.record_id])

    ranked = rank_applicants(session, runtime, member.principal, job.id)

    assert ranked[0].student_record_id in {fit.record_id, hidden.record_id}
    assert ranked[-1].student_record_id == misfit.record_id
    assert len(ranked) == 3
    hidden_fit = next(a for a in ranked if a.student_record_id == hidden.record_id)
    skills = next(r for r in hidden_fit.match.reasons if r.code == "skills")
    assert not skills.matched  # the hidden profile's skills were not used

    stranger = make_employer_actor(session, settings, make_employer(session, name="另一家公司"))
    with pytest.raises(JobNotFound):
        rank_applicants(session, runtime, stranger.principal, job.id)


def test_suggestions_keep_only_graduates_who_may_be_shown(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    settings = container.settings
    employer = make_employer(session)
    job = make_posting(session, employer)
    shown = make_graduate(session, settings, name="张伟")
    withdrew = make_graduate(session, settings, name="李娜")
    applied_only = make_graduate(session, settings, name="王强", visibility=Visibility.APPLIED_ONLY)
    applied = make_graduate(session, settings, name="陈静")
    too_junior = make_graduate(session, settings, name="刘洋", degree_level="junior_college")
    no_push = make_graduate(
        session,
        settings,
        name="周杰",
        consents=(ConsentPurpose.PROFILE_MATCHING, ConsentPurpose.SHARE_WITH_EMPLOYERS),
    )
    everyone = [shown, withdrew, applied_only, applied, too_junior, no_push]
    index_everything(
        session, container, runtime, jobs=[job], record_ids=[g.record_id for g in everyone]
    )
    withdraw_consent(session, withdrew.actor.user.id, ConsentPurpose.SHARE_WITH_EMPLOYERS)
    make_application(session, applied.actor, job)
    session.flush()

    for_employers = {c.student_record_id for c in suggest_candidates(session, runtime, job.id)}
    assert for_employers == {shown.record_id, no_push.record_id}

    with_applied = suggest_candidates(session, runtime, job.id, exclude_applied=False)
    assert applied.record_id in {c.student_record_id for c in with_applied}

    for_push = {
        c.student_record_id
        for c in suggest_candidates(session, runtime, job.id, purpose="push_notifications")
    }
    # push needs the push consent, not the employers' one nor a visible profile
    assert for_push == {shown.record_id, withdrew.record_id, applied_only.record_id}


@pytest.mark.parametrize("purpose", ["share_with_employers", "push_notifications"])
def test_graduates_who_want_the_job_province_are_found_past_the_national_nearest(
    session: Session, container: Container, model: Embedder, platform: str, purpose: Purpose
) -> None:
    settings = container.settings
    if platform == "servers":  # the Elasticsearch vector index, end to end
        settings = settings.model_copy(update={"vector_index_url": settings.elasticsearch_url})
    runtime = MatchingRuntime(settings, embedder=model, autosave=False)
    job = make_posting(session, make_employer(session), city_code="330100")
    nearby = make_graduate(session, settings, name="张伟", cities=("330200",))  # 宁波, 浙江
    far = make_graduate(session, settings, name="李娜", cities=("440300",))  # 深圳
    index_everything(
        session, container, runtime, jobs=[job], record_ids=[nearby.record_id, far.record_id]
    )
    # A national crowd nearer to the job than anyone real (more than the search's k).
    query = runtime.query_vector_for_job(session, job.id)
    assert query is not None
    crowd = range(10_000_000, 10_000_000 + 1_200)
    runtime.index("graduate").add(crowd, np.tile(query, (len(crowd), 1)), [1] * len(crowd))

    found = suggest_candidates(session, runtime, job.id, limit=1_000, purpose=purpose)
    runtime.close()

    assert {c.student_record_id for c in found} == {nearby.record_id}


def test_withdrawing_profile_matching_removes_a_graduate_from_every_suggestion(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    job = make_posting(session, make_employer(session))
    graduate = make_graduate(session, container.settings)
    index_everything(session, container, runtime, jobs=[job], record_ids=[graduate.record_id])
    assert [c.student_record_id for c in suggest_candidates(session, runtime, job.id)] == [
        graduate.record_id
    ]

    withdraw_consent(session, graduate.actor.user.id, ConsentPurpose.PROFILE_MATCHING)
    session.flush()

    assert suggest_candidates(session, runtime, job.id) == []
    assert suggest_candidates(session, runtime, job.id, purpose="push_notifications") == []


def test_priority_group_comes_from_the_registry_flags(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    job = make_posting(session, make_employer(session))
    flagged = make_graduate(session, container.settings, low_income_family=True)
    plain = make_graduate(session, container.settings)
    index_everything(
        session, container, runtime, jobs=[job], record_ids=[flagged.record_id, plain.record_id]
    )

    found = suggest_candidates(session, runtime, job.id, purpose="push_notifications")

    groups = {c.student_record_id: c.priority_group for c in found}
    assert groups == {flagged.record_id: True, plain.record_id: False}
    assert {c.user_id for c in found} == {flagged.actor.user.id, plain.actor.user.id}


def test_fitting_graduates_are_suggested_first(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    job = make_posting(session, make_employer(session))
    misfit = make_graduate(
        session,
        container.settings,
        major_code="120203K",
        skills=("财务报表", "会计电算化"),
        cities=("110100",),
    )
    fit = make_graduate(session, container.settings)
    index_everything(
        session, container, runtime, jobs=[job], record_ids=[misfit.record_id, fit.record_id]
    )

    found = suggest_candidates(session, runtime, job.id)

    assert [c.student_record_id for c in found] == [fit.record_id, misfit.record_id]
    assert found[0].score > found[1].score


def test_employer_view_needs_verification_and_is_audited(
    session: Session, container: Container, runtime: MatchingRuntime
) -> None:
    employer = make_employer(session)
    member = make_employer_actor(session, container.settings, employer)
    job = make_posting(session, employer)
    graduate = make_graduate(session, container.settings)
    index_everything(session, container, runtime, jobs=[job], record_ids=[graduate.record_id])

    ranking = suggested_for_employer(session, runtime, member.principal, job.id)
    assert [c.student_record_id for c in ranking.items] == [graduate.record_id]
    audit = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "matching.candidates_suggested")
    ).one()
    assert audit.subject_id == str(job.id)

    employer.verification_status = VerificationStatus.EXPIRED
    session.flush()
    with pytest.raises(EmployerNotVerified):
        suggested_for_employer(session, runtime, member.principal, job.id)


def test_without_the_model_suggestions_come_from_the_job_majors(
    session: Session, container: Container, tmp_path: Path
) -> None:
    """No model: the pool is the opted-in graduates of the job's majors, ranked by keywords
    and signals."""
    job = make_posting(session, make_employer(session))
    same_major = make_graduate(session, container.settings)
    other_major = make_graduate(session, container.settings, major_code="120203K")
    session.commit()
    settings = container.settings.model_copy(update={"embedding_model_dir": tmp_path / "none"})
    no_model = MatchingRuntime(settings, autosave=False)

    found = suggestion_ranking(session, no_model, job.id)

    assert not found.vector_used
    assert [c.student_record_id for c in found.items] == [same_major.record_id]
    assert other_major.record_id not in {c.student_record_id for c in found.items}
    no_model.close()
