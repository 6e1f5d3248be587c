"""Rows of a cache table by key, fetched in batches (SQLite limits the parameters of one query)."""

from __future__ import annotations

import sqlite3

_BATCH = 500


def lookup(db: sqlite3.Connection, table: str, column: str, keys: list[str]) -> dict[str, bytes]:
    """{key: column value} for the keys present in `table` (whose primary key is `key`)."""
    found: dict[str, bytes] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), _BATCH):
        part = unique[start:start + _BATCH]
        found.update(db.execute(f"SELECT key, {column} FROM {table} WHERE key IN ({','.join('?' * len(part))})", part))
    return found
