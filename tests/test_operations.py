"""Operator tools: pausing sources and finding crawl gaps with the backfill that fills them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from smcc.cli import main
from smcc.db import Warehouse, json_param

T0 = datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
Q = timedelta(minutes=15)


def add_source(wh: Warehouse, name: str) -> None:
    with wh.transaction() as tx:
        tx.execute("source_upsert", {"name": name, "type": "rss", "enabled": True,
                                     "config": json_param({})})


def crawl(wh: Warehouse, name: str, k: int, state: str = "success") -> None:
    with wh.transaction() as tx:
        window = {"source": name, "start": T0 + k * Q, "end": T0 + (k + 1) * Q}
        tx.execute("crawl_run_start", {**window, "run_id": f"r{k}"})
        tx.execute("crawl_run_finish", {**window, "state": state, "items_found": 1,
                                        "items_new": 1, "items_refreshed": 0,
                                        "pages_fetched": 1, "warnings": json_param([]),
                                        "error": None if state == "success" else "boom"})


def test_gaps_lists_failed_and_missing_intervals_with_backfill_commands(
        warehouse: Warehouse, warehouse_dsn: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    add_source(warehouse, "news")
    add_source(warehouse, "forum")
    for k in range(8):
        crawl(warehouse, "forum", k)
        if k not in (2, 3, 6):
            crawl(warehouse, "news", k, "failed" if k == 5 else "success")
    monkeypatch.setenv("SMCC_DATABASE_URL", warehouse_dsn)
    assert main(["sources", "gaps", "--since", T0.isoformat(), "--to", (T0 + 8 * Q).isoformat()]) == 0
    out = capsys.readouterr().out
    assert "forum: last successful interval ends 2026-12-01T02:00:00+00:00; 0 gap(s)" in out
    assert "news: last successful interval ends 2026-12-01T02:00:00+00:00; 2 gap(s)" in out
    # Intervals 2-3 form one gap; 5 (failed) and 6 (never crawled) form another.
    assert ("airflow backfill create --dag-id smcc_listen --from-date 2026-12-01T00:30:00+00:00 "
            "--to-date 2026-12-01T00:45:00+00:00 --reprocess-behavior failed") in out
    assert ("--from-date 2026-12-01T01:15:00+00:00 --to-date 2026-12-01T01:30:00+00:00") in out


def test_pause_and_resume_take_a_source_out_of_the_crawl_list(
        warehouse: Warehouse, warehouse_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    add_source(warehouse, "news")
    monkeypatch.setenv("SMCC_DATABASE_URL", warehouse_dsn)
    assert main(["sources", "pause", "news"]) == 0
    assert warehouse.fetch_all("source_active_names", {"names": ["news"]}) == []
    assert main(["sources", "resume", "news"]) == 0
    assert warehouse.fetch_all("source_active_names", {"names": ["news"]}) == [{"name": "news"}]
    assert main(["sources", "pause", "nope"]) == 1
