"""Check-digit arithmetic of resident ID numbers and credit codes, against python-stdnum."""

from __future__ import annotations

import random
from datetime import date

import pytest
from stdnum.cn import ric, uscc

from jobs_api.demo.codes import (
    id_check_digit,
    make_id_number,
    make_org_code,
    make_uscc,
    org_code_check,
    uscc_check,
)


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "440524188001010014", "360426199101010071"],
)
def test_id_check_digit_matches_published_examples(number: str) -> None:
    assert id_check_digit(number[:17]) == number[17]


def test_generated_id_numbers_are_valid_and_encode_birth_and_gender() -> None:
    rng = random.Random(1)
    for male in (True, False):
        for _ in range(500):
            number = make_id_number("330106", date(2003, 9, 1), male, rng)
            assert ric.is_valid(number), number
            assert ric.get_birth_date(number) == date(2003, 9, 1)
            assert int(number[16]) % 2 == (1 if male else 0)


@pytest.mark.parametrize(
    ("body", "check"),
    [("60003734", "1"), ("19220382", "1")],  # from 91110000600037341L, 914403001922038216
)
def test_org_code_check_matches_real_credit_codes(body: str, check: str) -> None:
    assert org_code_check(body) == check


def test_uscc_check_matches_real_codes() -> None:
    for code in ("91110000600037341L", "914403001922038216"):
        assert uscc_check(code[:17]) == code[17]


def test_generated_credit_codes_are_valid_and_carry_their_parts() -> None:
    rng = random.Random(2)
    for authority, entity in (("9", "1"), ("1", "2"), ("3", "1")):
        for _ in range(500):
            code = make_uscc(authority, entity, "440305", rng)
            assert uscc.is_valid(code), code
            assert code[:8] == f"{authority}{entity}440305"
            org = code[8:17]
            assert org_code_check(org[:8]) == org[8]


def test_org_codes_use_only_the_credit_code_alphabet() -> None:
    rng = random.Random(3)
    forbidden = set("IOSVZ")
    codes = [make_org_code(rng) for _ in range(2000)]
    assert not any(forbidden & set(code) for code in codes)
    assert any(code.startswith("MA") for code in codes)
    assert any(code[:8].isdigit() for code in codes)
