"""Password policy and the Argon2 wrapper (no database)."""

from __future__ import annotations

import pytest

from jobs_api.identity.errors import WeakPassword
from jobs_api.identity.passwords import PasswordHasher, check_password_policy

CHEAP = {"time_cost": 1, "memory_cost": 8 * 1024, "parallelism": 1}


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "密码至少 8 位"),
        ("abcdefghij", "密码需至少包含字母、数字、符号中的两类"),
        ("1234567890", "密码需至少包含字母、数字、符号中的两类"),
        ("!!!!@@@@####", "密码需至少包含字母、数字、符号中的两类"),
        ("Zhangwei2026", "密码不能与用户名相同"),
        ("13812345678", "密码不能与手机号相同"),
        ("x" * 129, "密码不能超过 128 位"),
    ],
)
def test_policy_refuses_with_a_chinese_reason(password: str, message: str) -> None:
    with pytest.raises(WeakPassword) as caught:
        check_password_policy(password, username="zhangwei2026", phone="13812345678")
    assert caught.value.message == message
    assert caught.value.fields == {"new_password": message}
    assert caught.value.status_code == 422
    assert caught.value.code == "weak_password"


@pytest.mark.parametrize(
    "password", ["abcd1234", "abcd-efgh", "1234-5678", "就业服务2026平台", "correct horse 9"]
)
def test_policy_accepts_two_kinds_of_characters(password: str) -> None:
    check_password_policy(password, username="zhangwei", phone="13812345678")


def test_policy_compares_against_a_stored_phone_hash() -> None:
    with pytest.raises(WeakPassword, match="手机号"):
        check_password_policy("13900001111", is_phone=lambda p: p == "13900001111")
    check_password_policy("13900001112a", is_phone=lambda p: p == "13900001111")


def test_hash_verify_and_wrong_password() -> None:
    hasher = PasswordHasher(**CHEAP)
    stored = hasher.hash("abcd-1234")
    assert stored.startswith("$argon2id$")
    assert hasher.verify(stored, "abcd-1234")
    assert not hasher.verify(stored, "abcd-1235")
    assert not hasher.verify("not a hash", "abcd-1234")


def test_needs_rehash_when_parameters_change() -> None:
    old = PasswordHasher(**CHEAP)
    new = PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    stored = old.hash("abcd-1234")
    assert not old.needs_rehash(stored)
    assert new.needs_rehash(stored)
    assert new.verify(stored, "abcd-1234")  # old hashes keep working until rehashed
    assert not new.needs_rehash(new.hash("abcd-1234"))


def test_dummy_verification_accepts_nothing() -> None:
    hasher = PasswordHasher(**CHEAP)
    hasher.verify_dummy("gradmatch-dummy-password-for-timing")  # returns without error
    hasher.verify_dummy("")
