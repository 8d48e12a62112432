"""Warehouse load throughput: the product's upsert path against a bare PostgreSQL COPY.

    PYTHONPATH=include .venv/bin/python bench/warehouse.py [--rows 20000] [--batch 200] [--rounds 3]

Rows are mentions as the crawl stages them (Vietnamese texts of data/telecom, a few hundred
bytes each). Each method loads all rows in batches of ``--batch``, one transaction per batch,
as ``gate_raw`` loads one source's batch:

- ``pipeline._load_mentions``: the product path, one ``mention_upsert_batch`` statement (JSON
  rows through ``jsonb_to_recordset``, with its ``ON CONFLICT`` rules) and one
  ``snapshot_upsert_batch`` statement per batch;
- ``COPY``: the same rows and snapshots copied into same-shaped tables (same columns, unique
  keys and indexes, no conflict handling): the floor a loader cannot beat.

Each method starts on empty tables; "re-upsert" loads the same rows again (an Airflow retry or
a re-run: every row conflicts). The database is the embedded pgserver, or a fresh database on
the server of SMCC_DATABASE_URL. Best round of each method counts (wall time).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from benchlib import embedded_postgres, fresh_warehouse, print_machine, print_table
from smcc.db import Tx, Warehouse, json_param
from smcc.models import Interval, Mention
from smcc.pipeline import _load_mentions, _mention_payload
from smcc.replay.synthetic import _corpus

END = datetime(2026, 12, 1, 2, 15, tzinfo=timezone.utc)
INTERVAL = Interval(END - timedelta(minutes=15), END)
RUN_ID = "bench__warehouse"
SOURCES = [f"bench-{n:02d}" for n in range(20)]

Loader = Callable[[Tx, list[dict[str, Any]]], None]


def staged_rows(count: int) -> list[dict[str, Any]]:
    """``crawl_item`` rows as ``gate_raw`` reads them: a JSON payload per mention."""
    rng = random.Random(7)
    texts = _corpus()
    rows = []
    for n in range(count):
        source = SOURCES[n % len(SOURCES)]
        mention = Mention(
            source=source, external_id=str(10_000_000 + n), source_type="forum_post",
            url=f"https://voz.example/t/chu-de.{n // 20}/post-{n}", published_at=END - timedelta(seconds=n % 900 + 1),
            text=texts[n % len(texts)], title=texts[(n // 20) % len(texts)][:80], author=f"thanhvien_{n % 997}",
            author_followers=rng.randint(0, 5000), quoted_text=texts[(n + 1) % len(texts)] if n % 5 == 0 else None,
            reactions=rng.randint(0, 300), comments=rng.randint(0, 40), shares=rng.randint(0, 10),
            raw={"thread_id": str(n // 20), "page": 1 + n % 3})
        rows.append({"refreshed": False, "payload": json.loads(json.dumps(_mention_payload(mention)))})
    return rows


def product(tx: Tx, batch: list[dict[str, Any]]) -> None:
    _load_mentions(tx, batch, INTERVAL, RUN_ID)


def _copy_line(values: list[Any]) -> str:
    def field(value: Any) -> str:
        if value is None:
            return r"\N"
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        text = str(value)
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    return "\t".join(field(v) for v in values) + "\n"


MENTION_COLUMNS = ("source", "external_id", "source_type", "url", "title", "author",
                   "author_followers", "published_at", "text", "quoted_text",
                   "parent_external_id", "reactions", "comments", "shares", "raw")


def bare_copy(tx: Tx, batch: list[dict[str, Any]]) -> None:
    """COPY the same values into ``bench_mention`` (ids from its own sequence), then the snapshots."""
    payloads = [row["payload"] for row in batch]
    tx.cur.execute("SELECT nextval('bench_mention_id_seq') AS id FROM generate_series(1, %s)",
                   (len(payloads),))
    ids = [r["id"] for r in tx.cur.fetchall()]
    fixed = [INTERVAL.start.isoformat(), INTERVAL.end.isoformat(), RUN_ID, False]
    mentions = io.StringIO("".join(_copy_line([i, *(m[c] for c in MENTION_COLUMNS), *fixed])
                                   for i, m in zip(ids, payloads)))
    snapshots = io.StringIO("".join(_copy_line([i, INTERVAL.end.isoformat(), m["reactions"],
                                                m["comments"], m["shares"]])
                                    for i, m in zip(ids, payloads)))
    tx.cur.copy_expert(f"COPY bench_mention (id, {', '.join(MENTION_COLUMNS)}, interval_start, "
                       "interval_end, first_run_id, late) FROM STDIN", mentions)
    tx.cur.copy_expert("COPY bench_snapshot (mention_id, observed_at, reactions, comments, "
                       "shares) FROM STDIN", snapshots)


def prepare(wh: Warehouse) -> None:
    with wh.transaction() as tx:
        for name in SOURCES:
            tx.execute("source_upsert", {"name": name, "type": "forum", "enabled": True, "config": json_param({})})
        tx.cur.execute("CREATE TABLE bench_mention (LIKE mention INCLUDING ALL)")
        tx.cur.execute("CREATE SEQUENCE bench_mention_id_seq")
        tx.cur.execute("CREATE TABLE bench_snapshot (LIKE engagement_snapshot INCLUDING ALL)")


def empty(wh: Warehouse) -> None:
    with wh.transaction() as tx:
        tx.cur.execute("TRUNCATE engagement_snapshot, mention, bench_snapshot, bench_mention CASCADE")


def load(wh: Warehouse, loader: Loader, rows: list[dict[str, Any]], batch: int) -> float:
    """Rows per second of ``loader`` over ``rows``, one transaction per batch."""
    started = time.perf_counter()
    for first in range(0, len(rows), batch):
        with wh.transaction() as tx:
            loader(tx, rows[first: first + batch])
    return len(rows) / (time.perf_counter() - started)


def stored(wh: Warehouse, table: str) -> int:
    with wh.transaction() as tx:
        tx.cur.execute(f"SELECT count(*) AS n FROM {table}")
        return tx.cur.fetchone()["n"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=200, help="rows per transaction (one source's batch)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    rows = staged_rows(args.rows)
    methods: list[tuple[str, Loader, str]] = [
        ("pipeline._load_mentions", product, "mention"),
        ("bare COPY", bare_copy, "bench_mention"),
    ]
    best: dict[tuple[str, str], float] = {}
    with embedded_postgres() as server, fresh_warehouse(server, "smcc_bench_warehouse") as dsn:
        print_machine(dsn)
        with Warehouse(dsn) as wh:
            prepare(wh)
            for _ in range(args.rounds):
                for label, loader, table in methods:
                    empty(wh)
                    # A connection per method, as each Airflow task opens its own: no plan cached
                    # by one method (foreign-key checks included) serves another.
                    with Warehouse(dsn) as own:
                        fresh = load(own, loader, rows, args.batch)
                        again = load(own, loader, rows, args.batch) if table == "mention" else None
                    snapshots = "engagement_snapshot" if table == "mention" else "bench_snapshot"
                    assert stored(wh, table) == stored(wh, snapshots) == len(rows), f"{label} lost rows"
                    best[(label, "insert")] = max(best.get((label, "insert"), 0.0), fresh)
                    if again is not None:
                        best[(label, "re-upsert")] = max(best.get((label, "re-upsert"), 0.0), again)
    copy_rate = best[("bare COPY", "insert")]
    table = [(label, kind, f"{rate:,.0f}", f"{rate / copy_rate:.0%}") for (label, kind), rate in best.items()]
    print(f"{args.rows} mentions (+ one engagement snapshot each), batches of {args.batch}, best of {args.rounds}")
    print_table(("method", "load", "mentions/s", "vs COPY"), table)
    product_rate = best[("pipeline._load_mentions", "insert")]
    print(f"summary: the product upserts {product_rate:,.0f} mentions/s = {product_rate / copy_rate:.0%} of bare COPY "
          f"({copy_rate:,.0f}/s; target >= 50%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
