"""What the bench scripts share: the machine they ran on, a throw-away warehouse, a table printer.

Imported as ``benchlib`` by the scripts next to it (``python bench/<name>.py`` puts ``bench/`` on
the path). Nothing here runs in the test suite.
"""

from __future__ import annotations

import logging
import os
import platform
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path

import psycopg2

from smcc.services import postgres_server, scratch_database

# pgserver logs from an atexit hook; its chatter is not a figure.
logging.getLogger("pgserver").setLevel(logging.WARNING)


def machine(dsn: str | None = None) -> dict[str, str]:
    """nproc, CPU model, RAM, Python and (given a DSN) PostgreSQL version."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
    info = {"nproc": str(len(os.sched_getaffinity(0))), "cpu": cpu, "ram": f"{mem_kib / 2**20:.1f} GiB",
            "python": platform.python_version()}
    if dsn:
        with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
            cur.execute("SHOW server_version")
            info["postgresql"] = cur.fetchone()[0]
        conn.close()
    return info


def print_machine(dsn: str | None = None) -> None:
    print("machine: " + ", ".join(f"{k}={v}" for k, v in machine(dsn).items()))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain fixed-width table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for row in cells:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))


def embedded_postgres() -> AbstractContextManager[dict[str, str]]:
    """Connection parameters of an admin connection: SMCC_DATABASE_URL's server, or a pgserver."""
    return postgres_server("SMCC_DATABASE_URL")


def fresh_warehouse(server: dict[str, str], name: str) -> AbstractContextManager[str]:
    """DSN of a new, migrated warehouse database on ``server``, dropped afterwards."""
    return scratch_database(server, name, migrated=True)
