"""The warehouse layer: migrations and named queries."""

from __future__ import annotations

import pytest

from smcc import db
from smcc.db import Warehouse, migrate


def test_migrate_is_idempotent_and_recorded(warehouse_dsn: str) -> None:
    assert migrate(warehouse_dsn) == []  # the template already holds every migration
    with Warehouse(warehouse_dsn) as wh, wh.transaction() as tx:
        tx.cur.execute("SELECT version FROM schema_migration ORDER BY version")
        versions = [r["version"] for r in tx.cur.fetchall()]
    assert versions == [p.stem for p in db.migrations()]


def test_every_named_query_parses_against_the_schema(warehouse: Warehouse) -> None:
    with warehouse.transaction() as tx:
        for name, text in db.named_queries().items():
            # PREPARE checks syntax and every table/column without running the statement.
            sql = text.replace("%%", "%")
            import re

            params = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
            for i, param in enumerate(params, 1):
                sql = sql.replace(f"%({param})s", f"${i}")
            tx.cur.execute(f"PREPARE q_{name} AS {sql}")


def test_unknown_query_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no such query: nope"):
        db.query("nope")


def test_sql_checks_file_is_valid_and_names_real_tables(warehouse: Warehouse) -> None:
    from smcc.warehouse_checks import load_checks

    checks = load_checks()
    assert {c.name for c in checks} >= {"check_mentions", "check_tickets", "check_stories"}
    with warehouse.transaction() as tx:
        for check in checks:
            for rule in check.rules.values():
                tx.cur.execute(f"SELECT bool_and({rule}) FROM {check.table}")
            for column in check.columns:
                tx.cur.execute(f"SELECT {column} FROM {check.table} LIMIT 0")
