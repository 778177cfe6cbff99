"""Password hashing (Argon2id) and the password policy.

:class:`PasswordHasher` wraps ``argon2-cffi``. Hashes carry their own parameters, so raising
the cost later only needs a new hasher: :meth:`PasswordHasher.needs_rehash` tells the login
service to store a fresh hash the next time the user signs in with the right password.
:meth:`PasswordHasher.verify_dummy` spends the same time on a made-up hash, so an unknown
account answers as slowly as a wrong password.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from jobs_api.identity.errors import WeakPassword

MIN_LENGTH = 8
MAX_LENGTH = 128
_DUMMY_PASSWORD = "gradmatch-dummy-password-for-timing"


class PasswordHasher:
    """Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile) unless told
    otherwise; tests and benchmarks may pass cheaper parameters."""

    def __init__(
        self,
        *,
        time_cost: int = argon2.DEFAULT_TIME_COST,
        memory_cost: int = argon2.DEFAULT_MEMORY_COST,
        parallelism: int = argon2.DEFAULT_PARALLELISM,
    ) -> None:
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
        )
        self._dummy_hash: str | None = None
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def warm_up(self) -> None:
        """Make the dummy hash now, so the first unknown account does not answer slower."""
        self._dummy()

    def _dummy(self) -> str:
        with self._lock:
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash(_DUMMY_PASSWORD)
            return self._dummy_hash

    def verify_dummy(self, password: str) -> None:
        """Spend a verification's time and memory on a hash no account has."""
        self.verify(self._dummy(), password + "\x00")


_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")


def _has_symbol(password: str) -> bool:
    return any(not ch.isalnum() and not ch.isspace() for ch in password) or any(
        ch.isalpha() and not ch.isascii() for ch in password
    )


def check_password_policy(
    password: str,
    *,
    username: str | None = None,
    phone: str | None = None,
    is_phone: Callable[[str], bool] | None = None,
    field: str = "new_password",
) -> None:
    """Raise :class:`WeakPassword` with a zh-CN reason unless ``password`` is acceptable:
    8–128 characters, at least two of letters / digits / symbols, not the username or phone.
    ``phone`` is the clear number when known; for a stored account, whose phone is only kept
    as a keyed hash, ``is_phone`` compares a candidate against that hash."""
    problem: str | None = None
    kinds = sum(
        (bool(_LETTER.search(password)), bool(_DIGIT.search(password)), _has_symbol(password))
    )
    lowered = password.strip().lower()
    if len(password) < MIN_LENGTH:
        problem = f"密码至少 {MIN_LENGTH} 位"
    elif len(password) > MAX_LENGTH:
        problem = f"密码不能超过 {MAX_LENGTH} 位"
    elif username and lowered == username.strip().lower():
        problem = "密码不能与用户名相同"
    elif (phone and lowered == phone.strip()) or (is_phone is not None and is_phone(lowered)):
        problem = "密码不能与手机号相同"
    elif kinds < 2:
        problem = "密码需至少包含字母、数字、符号中的两类"
    if problem is not None:
        raise WeakPassword(problem, fields={field: problem})
