"""The warehouse failing under real smcc_listen runs: PostgreSQL restarted between two tasks
(the next task's open connection dies; its retry reconnects), down for a whole run (the next
run recovers), and a task killed in the middle of its writes (its transaction leaves nothing
half-written; the retry completes the work once)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import smcc.tickets
from smcc import pipeline
from smcc.db import Warehouse, migrate
from smcc.services import EmbeddedPostgres, MailSink
from listen import END, run_listen

from .invariants import assert_recovered, failed, rows, states, succeeded, task_instances

pytestmark = [pytest.mark.integration, pytest.mark.faults]

VICTIM = "diendan-forum"  # the source whose load is killed: many items, so half is not none


class RestartablePostgres:
    """A private embedded PostgreSQL this test may stop and start (the session one is shared)."""

    def __init__(self, folder: Path) -> None:
        self.server = EmbeddedPostgres(folder / "data")
        self.endpoint = self.server.start()

    def restart(self) -> None:
        self.server.stop()
        self.server.start()


@pytest.fixture
def private_pg(listen_env, monkeypatch: pytest.MonkeyPatch) -> Iterator[RestartablePostgres]:
    # pgserver runs postgres unprivileged when we are root: the folder must be reachable.
    folder = Path(tempfile.mkdtemp(prefix="smcc-faults-pg-"))
    folder.chmod(0o755)
    pg = RestartablePostgres(folder)
    try:
        migrate(pg.endpoint.dsn)
        monkeypatch.setenv("AIRFLOW_CONN_SMCC_WAREHOUSE", pg.endpoint.airflow_conn_json())
        yield pg
    finally:
        pg.server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_warehouse_restarts_between_tasks_and_between_runs(
        private_pg: RestartablePostgres, mail_sink: MailSink, replay,
        monkeypatch: pytest.MonkeyPatch) -> None:
    original = pipeline.gate_raw
    restarted: list[str] = []

    def restart_under_the_stage(wh: Warehouse, source: str, *args, **kwargs):
        if not restarted:
            with wh.transaction() as tx:  # the task's connection is open ...
                tx.cur.execute("SELECT 1")
            private_pg.restart()          # ... when PostgreSQL goes away and comes back
            restarted.append(source)
        return original(wh, source, *args, **kwargs)

    monkeypatch.setattr(pipeline, "gate_raw", restart_under_the_stage)
    run = run_listen(END)
    assert restarted, "the restart happened"
    assert succeeded(run), failed(run)
    assert task_instances(run)[("per_source.gate_raw", restarted[0])].try_number == 2, \
        "the task hit the dead connection and its retry recovered"
    with Warehouse(private_pg.endpoint.dsn) as wh:
        assert_recovered(wh, replay, mail_sink)

    private_pg.server.stop()
    down = run_listen(END)
    assert not succeeded(down) and ("list_sources", "") in failed(down)
    assert not any(task.startswith("per_source.") and state == "success"
                   for (task, _), state in states(down).items())
    private_pg.server.start()
    rerun = run_listen(END)
    assert succeeded(rerun), failed(rerun)
    with Warehouse(private_pg.endpoint.dsn) as wh:
        assert_recovered(wh, replay, mail_sink)


def test_a_task_killed_mid_write_leaves_nothing_half_written(
        listen_env, warehouse: Warehouse, mail_sink: MailSink, replay,
        monkeypatch: pytest.MonkeyPatch) -> None:
    load, sync = pipeline._load_mentions, smcc.tickets.sync_ticket
    seen: dict[str, int] = {}

    def committed(sql: str) -> int:
        return rows(warehouse, sql, {"source": VICTIM})[0]["n"]

    def killed_mid_load(tx, staged, *args, **kwargs):
        if not staged or staged[0]["payload"]["source"] != VICTIM:
            return load(tx, staged, *args, **kwargs)
        if "written_before_kill" not in seen:
            load(tx, staged[: len(staged) // 2], *args, **kwargs)
            tx.cur.execute("SELECT count(*) AS n FROM mention WHERE source = %(source)s",
                           {"source": VICTIM})
            seen["written_before_kill"] = tx.cur.fetchone()["n"]
            raise RuntimeError("worker killed in the middle of the load")
        seen["committed_at_retry"] = committed(
            "SELECT count(*) AS n FROM mention WHERE source = %(source)s")
        return load(tx, staged, *args, **kwargs)

    def killed_after_first_ticket(tx, *args, **kwargs):
        event = sync(tx, *args, **kwargs)
        if event == "created" and "tickets_at_kill" not in seen:
            seen["tickets_at_kill"] = 1
            raise RuntimeError("worker killed after writing a ticket and its e-mail")
        if "tickets_at_retry" not in seen:
            seen["tickets_at_retry"] = committed("SELECT count(*) AS n FROM ticket")
        return event

    monkeypatch.setattr(pipeline, "_load_mentions", killed_mid_load)
    monkeypatch.setattr(smcc.tickets, "sync_ticket", killed_after_first_ticket)
    run = run_listen(END)

    assert succeeded(run), failed(run)
    tis = task_instances(run)
    assert tis[("per_source.gate_raw", VICTIM)].try_number == 2
    assert tis[("escalate", "")].try_number == 2
    assert seen["written_before_kill"] > 0, "the killed attempt had written rows"
    assert seen["committed_at_retry"] == 0, "none of them survived the kill"
    assert seen["tickets_at_retry"] == 0, "the killed escalation left no ticket behind"
    crawl = rows(warehouse, "SELECT items_new FROM crawl_run WHERE source = %(source)s",
                 {"source": VICTIM})
    stored = committed("SELECT count(*) AS n FROM mention WHERE source = %(source)s")
    assert crawl == [{"items_new": stored}], "the retry loaded the whole batch as new"
    assert_recovered(warehouse, replay, mail_sink)
