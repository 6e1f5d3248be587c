"""Cache tables in an SQLite file: rows by key, fetched in batches; a damaged file is started afresh."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

logger = logging.getLogger(__name__)
_BATCH = 500
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_T = TypeVar("_T")


def lookup(db: sqlite3.Connection, table: str, column: str, keys: list[str]) -> dict[str, bytes]:
    """{key: column value} for the keys present in `table` (whose primary key is `key`)."""
    found: dict[str, bytes] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), _BATCH):
        part = unique[start:start + _BATCH]
        found.update(db.execute(f"SELECT key, {column} FROM {table} WHERE key IN ({','.join('?' * len(part))})", part))
    return found


class _DamagedFile(Exception):
    """PRAGMA quick_check found the file damaged."""


class CacheTable:
    """One table `(key TEXT PRIMARY KEY, <column> BLOB)` of a cache file.

    The file only saves recomputing, so a damaged one (garbled pages, not a database) is moved aside
    to `<name>.damaged` and a fresh one started — otherwise every ingest, even `--rebuild`, would fail
    on it. Other database errors (disk full, no permission, locked) are raised as they are."""

    def __init__(self, path: Path, table: str, column: str) -> None:
        self._path, self._table, self._column = path, table, column
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._connect()
        except (sqlite3.DatabaseError, _DamagedFile) as error:
            if not _damaged(error):
                raise
            self._db = self._start_afresh(error)

    def lookup(self, keys: list[str]) -> dict[str, bytes]:
        return self._run(lambda db: lookup(db, self._table, self._column, keys))

    def insert(self, rows: list[tuple[str, bytes]]) -> None:
        def write(db: sqlite3.Connection) -> None:
            with db:
                db.executemany(f"INSERT OR REPLACE INTO {self._table} VALUES (?, ?)", rows)

        self._run(write)

    def close(self) -> None:
        self._db.close()

    def _run(self, action: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            return action(self._db)
        except sqlite3.DatabaseError as error:  # damage quick_check did not see at opening
            if not _damaged(error):
                raise
            self._db.close()
            self._db = self._start_afresh(error)
            return action(self._db)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self._path))
        try:
            # Reads every page once (~0.5 s for 40 000 chunks' vectors): damage found now costs a fresh
            # cache, found half-way it would also lose what this ingest already stored.
            problems = [row[0] for row in db.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise _DamagedFile("; ".join(problems[:3]))
            db.execute(f"CREATE TABLE IF NOT EXISTS {self._table} (key TEXT PRIMARY KEY, {self._column} BLOB NOT NULL)")
        except BaseException:
            db.close()
            raise
        return db

    def _start_afresh(self, error: Exception) -> sqlite3.Connection:
        aside = self._path.with_name(self._path.name + ".damaged")
        logger.warning("缓存文件 %s 已损坏（%s），已移到 %s 并新建缓存；本次未缓存的内容将重新计算。",
                       self._path, error, aside)
        os.replace(self._path, aside)  # keeps one damaged copy for inspection, never more
        for leftover in ("-journal", "-wal", "-shm"):  # a stale journal would be replayed into the new file
            Path(f"{self._path}{leftover}").unlink(missing_ok=True)
        return self._connect()


def _damaged(error: Exception) -> bool:
    return isinstance(error, _DamagedFile) or (getattr(error, "sqlite_errorcode", 0) & 0xFF) in _DAMAGED
