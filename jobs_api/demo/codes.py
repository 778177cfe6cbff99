"""Check-digit arithmetic for the two national identifiers the demo generates.

* Resident ID number (GB 11643-1999): 6-digit region + birth date + 3-digit sequence (odd for
  men, even for women) + ISO 7064 MOD 11-2 check character.
* Unified Social Credit Code (GB 32100-2015): registration authority + entity type + 6-digit
  region of the registering office + 9-character organisation code (GB 11714, with its own
  check character) + a MOD 31 check character over the alphabet without I, O, S, V, Z.
"""

from __future__ import annotations

import random
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a resident ID number's first 17 digits."""
    total = sum(int(char) * weight for char, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def make_id_number(county_code: str, birth: date, male: bool, rng: random.Random) -> str:
    sequence = f"{rng.randrange(100):02d}{rng.choice('13579' if male else '02468')}"
    first17 = f"{county_code}{birth:%Y%m%d}{sequence}"
    return first17 + id_check_digit(first17)


def _char_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    remainder = 11 - sum(_char_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def make_org_code(rng: random.Random) -> str:
    """An organisation code: new-style ``MA`` + 6 characters, or a legacy 8-digit body."""
    if rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(_ORG_BODY_CHARS) for _ in range(6))
    else:
        body = f"{rng.randrange(10_000_000, 100_000_000)}"
    return body + org_code_check(body)


def uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(authority: str, entity: str, region: str, rng: random.Random) -> str:
    """``authority`` 9 = 市场监管 (enterprises), 1 = 机构编制 (public bodies), 3 = 司法行政
    (law firms: entity 1), 5 = 民政 (social organisations)."""
    first17 = f"{authority}{entity}{region}{make_org_code(rng)}"
    return first17 + uscc_check(first17)
