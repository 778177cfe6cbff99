from __future__ import annotations

import logging

import pytest

from jobs_api.core.logging import RedactingFilter, redact
from jobs_api.core.pii import PiiVault, mask_id_number, mask_phone


def test_masks() -> None:
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_id_number("11010119900307123X") == "110101********123X"
    assert mask_phone("13812345678") == "138****5678"


def test_vault_hash_is_keyed_and_normalised() -> None:
    vault = PiiVault("secret-a")
    assert vault.lookup_hash("11010119900307123x") == vault.lookup_hash(" 11010119900307123X")
    assert vault.lookup_hash("110101199003071234") != PiiVault("secret-b").lookup_hash(
        "110101199003071234"
    )


def test_vault_encrypts_with_fresh_nonce_and_authenticates() -> None:
    vault = PiiVault("secret-a")
    a, b = vault.encrypt("110101199003071234"), vault.encrypt("110101199003071234")
    assert a != b
    assert vault.decrypt(a) == "110101199003071234"
    with pytest.raises(Exception):  # noqa: B017 - any authentication failure
        PiiVault("other").decrypt(a)


def test_redaction_of_log_records(caplog: pytest.LogCaptureFixture) -> None:
    assert redact("id 110101199003071234 phone 13812345678") == (
        "id 110101********1234 phone 138****5678"
    )
    assert redact("order 20261124000123456789 stays") == "order 20261124000123456789 stays"
    logger = logging.getLogger("test.pii")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="test.pii"):
        logger.info("imported %s", "11010119900307123X")
    assert "11010119900307123X" not in caplog.text
    assert "110101********123X" in caplog.text
