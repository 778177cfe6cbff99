"""Job-post screening: discriminatory conditions, fraud signals, salary outliers and
off-platform contact details, with the rules kept as data (``data/screening_rules.json``)."""

from employer_verification.screening.engine import (
    JobPost,
    RuleMatch,
    SalaryBand,
    ScreeningResult,
    highlight,
    screen_job,
)
from employer_verification.screening.normalize import NormalisedText, normalise
from employer_verification.screening.rules import (
    RuleFileError,
    RuleSet,
    Severity,
    default_rules,
    load_rules,
    parse_rules,
)

__all__ = [
    "JobPost",
    "NormalisedText",
    "RuleFileError",
    "RuleMatch",
    "RuleSet",
    "SalaryBand",
    "ScreeningResult",
    "Severity",
    "default_rules",
    "highlight",
    "load_rules",
    "normalise",
    "parse_rules",
    "screen_job",
]
