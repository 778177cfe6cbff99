"""Congestion: spreading graduates over jobs instead of sending everyone to the same few.

A job that already has many applications per opening (``application_count / headcount``
above :data:`CONGESTION_THRESHOLD`) gets two treatments when it is recommended:

* a **penalty** subtracted from the score (scores are about 0–1): :data:`BASE_PENALTY` as
  soon as the job is congested, plus :data:`PENALTY_PER_DOUBLING` for each doubling of the
  ratio past the threshold, capped at :data:`MAX_PENALTY`; so an equally good job with fewer
  applicants ranks above it;
* a **rotation** among congested jobs of near-equal score: each gets a jitter in
  ``[-ROTATION_BAND/2, ROTATION_BAND/2)`` from a hash of (graduate, job), so graduates with
  identical profiles see different congested jobs first. Uncongested jobs are never
  jittered, and half the band is smaller than the smallest penalty, so an uncongested job that
  scored as high as a congested one stays above it for every graduate.

Everything is deterministic: the same graduate sees the same order until the figures change.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Final

CONGESTION_THRESHOLD: Final = 30.0
"""Applications per opening above which a job counts as congested."""
PENALTY_PER_DOUBLING: Final = 0.04
"""Score taken off for each doubling of the ratio past the threshold."""
BASE_PENALTY: Final = 0.05
"""Score taken off as soon as a job is congested (more than half the rotation band, which
keeps a congested job below an equally good uncongested one)."""
MAX_PENALTY: Final = 0.25
ROTATION_BAND: Final = 0.08
"""Width of the per-graduate jitter among congested jobs, in score units (scores are ~0–1)."""

CONGESTED_CODE: Final = "congested"
CONGESTED_ZH: Final = "该职位申请人数较多"
CONGESTED_EN: Final = "Many graduates have already applied for this job"


@dataclass(frozen=True, slots=True)
class Congestion:
    ratio: float
    """Applications per opening."""
    penalty: float
    """Score taken off (0 when not congested)."""

    @property
    def congested(self) -> bool:
        return self.penalty > 0


def congestion(application_count: int, headcount: int) -> Congestion:
    """How congested a job is from its application count and its number of openings."""
    ratio = max(application_count, 0) / max(headcount, 1)
    if ratio <= CONGESTION_THRESHOLD:
        return Congestion(ratio, 0.0)
    doublings = math.log2(ratio / CONGESTION_THRESHOLD)
    return Congestion(ratio, min(MAX_PENALTY, BASE_PENALTY + PENALTY_PER_DOUBLING * doublings))


def rotation(graduate_key: int | str, job_id: int | str) -> float:
    """A stable value in ``[-0.5, 0.5)`` for one (graduate, job) pair."""
    digest = hashlib.blake2b(f"{graduate_key}:{job_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2**64 - 0.5


def adjusted_score(score: float, crowd: Congestion, graduate_key: int | str, job_id: int) -> float:
    """``score`` after the congestion penalty and, for congested jobs, the rotation jitter."""
    if not crowd.congested:
        return score
    return score - crowd.penalty + ROTATION_BAND * rotation(graduate_key, job_id)
