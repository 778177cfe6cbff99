"""Administrative division codes (GB/T 2260) for ID numbers and credit codes, plus city tiers.

County-level codes come from the division table that python-stdnum ships for resident ID
validation (``stdnum/cn/loc.dat``, with the years each code was in use), so every code used in a
generated ID number was in force in the holder's birth year, and every district code used in a
credit code is in force today. Prefecture and province codes stored in tables always come from
``ref_regions``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# fmt: off
# Province-level population in millions (7th census, 2020): where graduates come from.
PROVINCE_POPULATION: dict[str, float] = {
    "11": 21.9, "12": 13.9, "13": 74.6, "14": 34.9, "15": 24.0, "21": 42.6, "22": 24.1, "23": 31.9,
    "31": 24.9, "32": 84.7, "33": 64.6, "34": 61.0, "35": 41.5, "36": 45.2, "37": 101.5,
    "41": 99.4, "42": 57.8, "43": 66.4, "44": 126.0, "45": 50.1, "46": 10.1, "50": 32.1,
    "51": 83.7, "52": 38.6, "53": 47.2, "54": 3.6, "61": 39.5, "62": 25.0, "63": 5.9, "64": 7.2,
    "65": 25.9,
}

# Provincial capitals (prefecture codes) by province prefix.
CAPITALS: dict[str, str] = {
    "11": "110100", "12": "120100", "13": "130100", "14": "140100", "15": "150100", "21": "210100",
    "22": "220100", "23": "230100", "31": "310100", "32": "320100", "33": "330100", "34": "340100",
    "35": "350100", "36": "360100", "37": "370100", "41": "410100", "42": "420100", "43": "430100",
    "44": "440100", "45": "450100", "46": "460100", "50": "500100", "51": "510100", "52": "520100",
    "53": "530100", "54": "540100", "61": "610100", "62": "620100", "63": "630100", "64": "640100",
    "65": "650100",
}

TIER_1 = ("110100", "310100", "440100", "440300")
NEW_TIER_1 = (
    "330100", "510100", "420100", "320100", "500100", "610100", "320500", "120100", "430100",
    "410100", "441900", "370200", "340100", "330200", "440600",
)
TIER_2 = (
    "370100", "350200", "350100", "320200", "210100", "210200", "530100", "360100", "220100",
    "230100", "130100", "450100", "520100", "140100", "330300", "330700", "320400", "320600",
    "330400", "330600", "370600", "441300", "442000", "440400", "620100", "650100", "150100",
    "460100", "320300", "321000", "370700", "130200", "340200",
)
_TIER_OF: dict[str, int] = {
    **{c: 1 for c in TIER_1}, **{c: 2 for c in NEW_TIER_1}, **{c: 3 for c in TIER_2},
}
# Salary multiplier per tier (1 = 北上广深, 4 = everywhere else).
TIER_SALARY_FACTOR: dict[int, float] = {1: 1.0, 2: 0.82, 3: 0.68, 4: 0.55}
# Relative number of employers per prefecture of each tier.
TIER_EMPLOYER_WEIGHT: dict[int, float] = {1: 60.0, 2: 22.0, 3: 7.0, 4: 1.0}


# fmt: on
def city_tier(prefecture_code: str) -> int:
    return _TIER_OF.get(prefecture_code, 4)


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    periods: tuple[tuple[int | None, int | None], ...]

    def in_force(self, year: int) -> bool:
        return any(
            (start is None or start <= year) and (end is None or year <= end)
            for start, end in self.periods
        )

    @property
    def current(self) -> bool:
        return any(end is None for _, end in self.periods)


_PERIOD = re.compile(r"^\[(\d*)-(\d*)\](.*)$")
_NOT_A_COUNTY = frozenset({"市辖区", "市区", "县", "郊区"})


def _parse_value(value: str) -> tuple[str, tuple[tuple[int | None, int | None], ...]]:
    periods: list[tuple[int | None, int | None]] = []
    name = ""
    for part in value.split(","):
        match = _PERIOD.match(part)
        if match:
            start, end, name = match.groups()
            periods.append((int(start) if start else None, int(end) if end else None))
        else:
            name = part
            periods.append((None, None))
    return name, tuple(periods)


@lru_cache(maxsize=1)
def county_divisions() -> tuple[Division, ...]:
    """Every county-level division (last two digits not 00) ever listed, with its periods."""
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    province = ""
    found: list[Division] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, props = line.strip().partition(" ")
        if not line.startswith(" "):
            province = key
            continue
        code = province + key
        value = props.partition("=")[2].strip().strip('"')
        name, periods = _parse_value(value)
        if code.endswith("00") or name in _NOT_A_COUNTY:
            continue
        found.append(Division(code, name, periods))
    return tuple(found)


@lru_cache(maxsize=1024)
def counties_in_force(province_prefix: str, year: int) -> tuple[str, ...]:
    """County-level codes of a province that were in force in ``year`` (an ID's birth year)."""
    return tuple(
        d.code
        for d in county_divisions()
        if d.code.startswith(province_prefix) and d.in_force(year)
    )


@lru_cache(maxsize=512)
def current_districts(prefecture_code: str) -> tuple[str, ...]:
    """County-level codes in force today under a prefecture (``330100`` -> 330102, 330105 ...).

    For a municipality given by its province code (``110000``) the districts of ``110100``.
    """
    prefix = prefecture_code[:4]
    if prefecture_code.endswith("0000"):
        prefix = prefecture_code[:2] + "01"
    return tuple(d.code for d in county_divisions() if d.code.startswith(prefix) and d.current)
