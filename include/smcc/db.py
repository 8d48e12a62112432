"""The one warehouse access layer: PostgreSQL through psycopg2, SQL from ``sql/``.

Queries live in ``sql/queries/*.sql``, each introduced by a ``-- name: <query_name>`` line
(the yesql/aiosql convention), and are called by name with named parameters (``%(param)s``);
scraped text only ever travels as a parameter, never pasted into SQL.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg2
import psycopg2.extras
from psycopg2.extensions import connection as PgConnection

from smcc import settings

log = logging.getLogger(__name__)

# Serialises migrations (and other whole-warehouse steps) across concurrent processes.
MIGRATION_LOCK = 7_310_001
ESCALATION_LOCK = 7_310_002


_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


@functools.cache
def named_queries() -> dict[str, str]:
    """All named queries under ``sql/queries/``; a name defined twice is an error."""
    found: dict[str, str] = {}
    for path in sorted((settings.sql_dir() / "queries").glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        marks = list(_NAME_LINE.finditer(text))
        for mark, nxt in zip(marks, marks[1:] + [None]):
            name = mark.group(1)
            if name in found:
                raise ValueError(f"{path}: query {name} is defined twice")
            found[name] = text[mark.end(): nxt.start() if nxt else len(text)].strip()
    return found


def query(name: str) -> str:
    """The text of the named query."""
    try:
        return named_queries()[name]
    except KeyError:
        raise KeyError(f"no such query: {name} (in {settings.sql_dir() / 'queries'})") from None


class Warehouse:
    """A connection to the SMCC warehouse. Each ``transaction()`` commits or rolls back whole."""

    def __init__(self, dsn: str, connect_timeout: int = 10) -> None:
        self._dsn = dsn
        self._connect_timeout = connect_timeout
        self._conn: PgConnection | None = None

    def _connection(self) -> PgConnection:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg2.connect(
                self._dsn, connect_timeout=self._connect_timeout, application_name="smcc"
            )
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator["Tx"]:
        conn = self._connection()
        try:
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                yield Tx(cur)
            conn.commit()
        except BaseException:
            if not conn.closed:
                conn.rollback()
            raise

    def fetch_all(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self.transaction() as tx:
            return tx.fetch_all(name, params)

    def fetch_one(self, name: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        with self.transaction() as tx:
            return tx.fetch_one(name, params)

    def close(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Tx:
    """A cursor inside one transaction, running named queries."""

    def __init__(self, cur: psycopg2.extras.RealDictCursor) -> None:
        self.cur = cur

    def execute(self, name: str, params: dict[str, Any] | None = None) -> int:
        self.cur.execute(query(name), params or {})
        return self.cur.rowcount

    def fetch_all(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.cur.execute(query(name), params or {})
        return [dict(row) for row in self.cur.fetchall()]

    def fetch_one(self, name: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        self.cur.execute(query(name), params or {})
        row = self.cur.fetchone()
        return dict(row) if row is not None else None

    def lock(self, key: int) -> None:
        """Hold a transaction-scoped advisory lock (released at commit or rollback)."""
        self.cur.execute("SELECT pg_advisory_xact_lock(%(key)s)", {"key": key})


def dsn_from_connection(conn: Any) -> str:
    """A psycopg2 DSN from an Airflow connection's fields (host may be a socket folder)."""
    from psycopg2.extensions import make_dsn

    return make_dsn(host=conn.host, port=conn.port or 5432, user=conn.login,
                    password=conn.password or None, dbname=conn.schema or "smcc")


def json_param(value: Any) -> psycopg2.extras.Json:
    return psycopg2.extras.Json(value, dumps=_dumps)


def _dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def migrations() -> list[Path]:
    return sorted((settings.sql_dir() / "migrations").glob("[0-9][0-9][0-9]_*.sql"))


def migrate(dsn: str) -> list[str]:
    """Apply pending migrations in order, all in one transaction; returns their names."""
    applied: list[str] = []
    with Warehouse(dsn) as wh, wh.transaction() as tx:
        tx.lock(MIGRATION_LOCK)
        tx.cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migration ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        tx.cur.execute("SELECT version FROM schema_migration")
        done = {row["version"] for row in tx.cur.fetchall()}
        for path in migrations():
            if path.stem in done:
                continue
            log.info("applying migration %s", path.name)
            tx.cur.execute(path.read_text(encoding="utf-8"))
            tx.cur.execute("INSERT INTO schema_migration (version) VALUES (%(v)s)", {"v": path.stem})
            applied.append(path.stem)
    return applied
