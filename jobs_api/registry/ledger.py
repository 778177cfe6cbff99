"""Which line of the file first used a student number or an ID number (in-file duplicates).

A 500k-row file has 500k of each key; kept in Python dicts that is ~90 MB, so the keys live in
a private temporary SQLite database on disk (``sqlite3.connect("")``, deleted when closed; a
few MB of page cache). Keys are stored as 64-bit digests: of the student number, and of the
ID number's keyed hash — never an ID number in clear.

The first line to use a key owns it; :meth:`KeyLedger.claim` returns, for every key of a batch
owned by an earlier line, that line. Claiming the same (key, line) again is harmless, so a
batch that is retried after a rollback claims its own keys again without false duplicates.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from typing import Final

STUDENT_NUMBER: Final = 1
ID_NUMBER: Final = 2
_CHUNK: Final = 900  # bound parameters per SELECT, well under SQLite's limit


def digest(text: str) -> int:
    raw = hashlib.blake2b(text.encode(), digest_size=8, person=b"gm-ledger").digest()
    return int.from_bytes(raw, "big", signed=True)


class KeyLedger:
    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(
            "CREATE TABLE keys (kind INTEGER NOT NULL, digest INTEGER NOT NULL,"
            " line INTEGER NOT NULL, PRIMARY KEY (kind, digest)) WITHOUT ROWID"
        )

    def claim(self, kind: int, keys: Sequence[tuple[str, int]]) -> dict[int, int]:
        """Register ``(key, line)`` pairs in file order; return {line: first line} for every
        pair whose key an earlier line already used."""
        if not keys:
            return {}
        pairs = [(kind, digest(key), line) for key, line in keys]
        self._db.execute("BEGIN")
        self._db.executemany(
            "INSERT OR IGNORE INTO keys (kind, digest, line) VALUES (?,?,?)", pairs
        )
        self._db.execute("COMMIT")
        owners: dict[int, int] = {}
        digests = list({d for _, d, _ in pairs})
        for start in range(0, len(digests), _CHUNK):
            chunk = digests[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT digest, line FROM keys WHERE kind = ? AND digest IN ({marks})"
            for key_digest, line in self._db.execute(query, (kind, *chunk)):
                owners[key_digest] = line
        return {line: owners[d] for _, d, line in pairs if owners[d] != line}

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> KeyLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
