"""Automatic employer verification at scale, on the embedded defaults.

    .venv/bin/python -m bench.bench_verification --employers 10000 --planted 50

Generates ``--employers`` valid employers with the demo generators and a local enterprise
registry holding their records, then plants bad ones (``--planted`` of each kind): bad check
digit, cancelled (注销) or revoked (吊销) registration, a name that is not the registered one,
a blacklisted code or name, and a second account of an organisation already present
(same name in another spelling). Every employer then goes through the outbox handler of
``employers.registered`` (one transaction per employer, as the worker runs it).

Reports employers verified per second, the share of the valid demo employers verified
automatically (and why the others went to review), and how many planted bad employers were
accepted (must be 0). Writes bench/results/verification.json.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench.common import peak_rss_mib, write_results
from employer_verification.config import VerificationSettings, build_runtime
from employer_verification.handlers import on_employer_registered
from employer_verification.models import (
    BlacklistEntry,
    BlacklistKind,
    EnterpriseRegistryEntry,
    VerificationCase,
)
from employer_verification.names import normalize_name
from employer_verification.uscc import check_digit
from jobs_api.core.db import build_engine, build_session_factory, job_session
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.settings import Settings
from jobs_api.demo.catalog import load_catalog
from jobs_api.demo.employers import EmployerDraft, EmployerFactory
from jobs_api.employers.models import Employer, VerificationStatus
from jobs_api.reference.service import load_reference

PLANTED_KINDS = (
    "bad_check_digit",
    "cancelled",
    "revoked",
    "name_mismatch",
    "blacklisted_code",
    "blacklisted_name",
    "duplicate",
)
ACCEPTED = {VerificationStatus.AUTO_VERIFIED.value, VerificationStatus.VERIFIED.value}


def _employer_row(
    draft: EmployerDraft, *, name: str | None = None, uscc: str | None = None
) -> dict[str, Any]:
    return {
        "name": name or draft.name,
        "uscc": uscc or draft.uscc,
        "employer_type_code": draft.employer_type_code,
        "industry_code": draft.industry_code,
        "city_code": draft.city_code,
        "size": draft.size,
        "description": draft.description,
        "verification_status": VerificationStatus.SUBMITTED.value,
    }


def _registry_row(code: str, name: str, status: str, rng: random.Random) -> dict[str, Any]:
    return {
        "uscc": code,
        "name": name,
        "status": status,
        "legal_representative": rng.choice("张王李赵陈刘杨黄")
        + rng.choice(["伟", "芳", "磊", "静"]),
        "registered_capital": f"{rng.choice([50, 100, 500, 1000, 5000])}万人民币",
        "established_on": None,
        "updated_at": datetime.now(UTC),
    }


def _bad_check(code: str) -> str:
    right = check_digit(code[:17])
    wrong = "0" if right != "0" else "1"
    return code[:17] + wrong


def build_population(
    factory: EmployerFactory, total: int, planted: int, rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(employer rows, registry rows, blacklist rows, kind of each employer row)."""
    employers: list[dict[str, Any]] = []
    registry: list[dict[str, Any]] = []
    blacklist: list[dict[str, Any]] = []
    kinds: list[str] = []
    valid = [factory.make() for _ in range(total)]
    for draft in valid:
        employers.append(_employer_row(draft))
        registry.append(_registry_row(draft.uscc, draft.name, rng.choice(["存续", "在业"]), rng))
        kinds.append("valid")
    originals = rng.sample(valid, planted)
    for kind in PLANTED_KINDS:
        for index in range(planted):
            draft = factory.make()
            if kind == "bad_check_digit":
                employers.append(_employer_row(draft, uscc=_bad_check(draft.uscc)))
            elif kind in ("cancelled", "revoked"):
                employers.append(_employer_row(draft))
                status = "注销" if kind == "cancelled" else "吊销"
                registry.append(_registry_row(draft.uscc, draft.name, status, rng))
            elif kind == "name_mismatch":
                employers.append(_employer_row(draft))
                other = factory.make()  # the code belongs to another organisation
                registry.append(_registry_row(draft.uscc, other.name, "存续", rng))
            elif kind == "blacklisted_code":
                employers.append(_employer_row(draft))
                registry.append(_registry_row(draft.uscc, draft.name, "存续", rng))
                blacklist.append({"kind": BlacklistKind.USCC.value, "value": draft.uscc,
                                  "pattern_display": draft.uscc, "reason": "冒用资质"})  # fmt: skip
            elif kind == "blacklisted_name":
                employers.append(_employer_row(draft))
                registry.append(_registry_row(draft.uscc, draft.name, "存续", rng))
                pattern = normalize_name(draft.name)
                blacklist.append({"kind": BlacklistKind.NAME_PATTERN.value, "value": pattern,
                                  "pattern_display": draft.name, "reason": "虚假招聘"})  # fmt: skip
            else:  # duplicate: a second account of an organisation already present
                original = originals[index]
                name = original.name.replace("有限公司", "有限责任公司")
                employers.append(_employer_row(original, name=name, uscc=draft.uscc))
                registry.append(_registry_row(draft.uscc, name, "存续", rng))
            kinds.append(kind)
    return employers, registry, blacklist, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employers", type=int, default=10_000)
    parser.add_argument("--planted", type=int, default=50, help="bad employers of each kind")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="gradmatch-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), elasticsearch_url="embedded://")
        engine = build_engine(settings.resolved_database_url())
        upgrade_schema(engine)
        factory = build_session_factory(engine)
        with job_session(factory) as session:
            load_reference(session)
            catalog = load_catalog(session)
        employer_factory = EmployerFactory(catalog, random.Random(args.seed), datetime.now(UTC))
        employers, registry, blacklist, kinds = build_population(
            employer_factory, args.employers, args.planted, rng
        )
        with job_session(factory) as session:
            session.execute(insert(Employer), employers)
            session.execute(insert(EnterpriseRegistryEntry), registry)
            if blacklist:
                session.execute(insert(BlacklistEntry), blacklist)
            ids = list(session.scalars(select(Employer.id).order_by(Employer.id)))
        kind_of = dict(zip(ids, kinds, strict=True))

        runtime = build_runtime(VerificationSettings(registry_url=""))
        started = time.perf_counter()
        for employer_id in ids:  # one delivery, one transaction per employer
            with job_session(factory) as session:
                on_employer_registered(session, {"employer_id": employer_id}, runtime=runtime)
        seconds = time.perf_counter() - started

        outcome: dict[str, Counter[str]] = {}
        review_reasons: Counter[str] = Counter()
        with factory() as session:
            for employer_id, state, reasons in session.execute(
                select(VerificationCase.employer_id, VerificationCase.state,
                       VerificationCase.reason_codes)
            ):  # fmt: skip
                kind = kind_of[employer_id]
                outcome.setdefault(kind, Counter())[state] += 1
                if kind == "valid" and state != "auto_verified":
                    review_reasons.update(reasons)
        db_mib = round(Path(tmp, "gradmatch.db").stat().st_size / 2**20, 1)
        engine.dispose()

    valid_total = sum(outcome["valid"].values())
    planted_total = sum(sum(c.values()) for k, c in outcome.items() if k != "valid")
    accepted_bad = {
        kind: sum(n for state, n in counts.items() if state in ACCEPTED)
        for kind, counts in outcome.items()
        if kind != "valid"
    }
    figures = {
        "backend": "sqlite (embedded), local enterprise registry",
        "requested": vars(args),
        "employers_checked": valid_total + planted_total,
        "seconds": round(seconds, 2),
        "employers_verified_per_second": round((valid_total + planted_total) / seconds, 1),
        "auto_verified_share_of_valid_demo_employers": round(
            outcome["valid"]["auto_verified"] / valid_total, 4
        ),
        "valid_demo_employers_by_state": dict(outcome["valid"]),
        "review_reasons_of_valid_demo_employers": dict(review_reasons.most_common()),
        "planted_by_kind_and_state": {k: dict(c) for k, c in outcome.items() if k != "valid"},
        "planted_bad_employers_accepted": sum(accepted_bad.values()),
        "database_mib": db_mib,
        "peak_rss_mib": peak_rss_mib(),
    }
    path = write_results("verification", figures)
    for key, value in figures.items():
        print(f"{key:>45}: {value}")
    print(f"written to {path}")
    if figures["planted_bad_employers_accepted"]:
        raise SystemExit("planted bad employers were accepted")


if __name__ == "__main__":
    main()
