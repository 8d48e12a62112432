"""Backfill through the real scheduler: ``airflow backfill create`` over eight intervals, run
by a scheduler, a dag-processor and an api-server (LocalExecutor) against the replay server,
the warehouse on PostgreSQL and an SMTP sink. Every item once, one ticket per story, one
e-mail per ticket event, the late policy applied; repeating the backfill with
``--reprocess-behavior completed`` changes nothing."""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg2
import pytest
import requests

from deploy.processes import AIRFLOW, Processes, airflow_process_env, free_port
from smcc.db import Warehouse
from smcc.services import MailSink, scratch_database

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(900)]

Q = timedelta(minutes=15)
FIRST = datetime.fromisoformat("2026-12-01T07:15:00+07:00")  # logical date = interval start
LAST = datetime.fromisoformat("2026-12-01T09:00:00+07:00")
WINDOW_END = LAST + Q  # eight intervals: 07:15 .. 09:15


@pytest.fixture
def metadata_db(pg_server: dict[str, str]) -> Iterator[str]:
    """The Airflow metadata database (LocalExecutor needs PostgreSQL), dropped afterwards."""
    name = f"smcc_af_{os.getpid()}"
    with scratch_database(pg_server, name):
        yield name


def make_env(tmp: Path, pg: dict[str, str], meta: str, warehouse_dsn: str, api_port: int,
             sink: MailSink, replay_url: str) -> dict[str, str]:
    from psycopg2.extensions import parse_dsn

    wh = parse_dsn(warehouse_dsn)
    return airflow_process_env(
        tmp, api_port=api_port, smtp_conn_json=sink.smtp_conn_json(), replay_url=replay_url,
        warehouse={"host": wh["host"], "port": int(wh.get("port", 5432)), "login": wh["user"],
                   "schema": wh["dbname"]},
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__CORE__PARALLELISM="8",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=(
            f"postgresql+psycopg2://{pg['user']}@/{meta}?host={pg['host']}&port={pg.get('port', 5432)}"),
        AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1",
    )


def airflow_cli(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([AIRFLOW, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"airflow {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def runs(env: dict[str, str]) -> list[dict]:
    meta = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg2://", "postgresql://")
    with psycopg2.connect(meta) as conn, conn.cursor() as cur:
        cur.execute("SELECT run_id, run_type, state, data_interval_start, data_interval_end "
                    "FROM dag_run WHERE dag_id = 'smcc_listen' AND run_type = 'backfill'")
        cols = ["run_id", "run_type", "state", "start", "end"]
        return [dict(zip(cols, row)) for row in cur.fetchall()]


def dag_parsed(env: dict[str, str]) -> bool:
    meta = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg2://", "postgresql://")
    with psycopg2.connect(meta) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM serialized_dag WHERE dag_id = 'smcc_listen'")
        return cur.fetchone() is not None


def backfills_completed(env: dict[str, str], count: int) -> bool:
    """``count`` backfills exist, the scheduler marked each completed, and their runs ended."""
    meta = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg2://", "postgresql://")
    with psycopg2.connect(meta) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), count(completed_at) FROM backfill WHERE dag_id = 'smcc_listen'")
        made, completed = cur.fetchone()
    return made == count == completed and all(
        r["state"] in ("success", "failed") for r in runs(env))


def healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=2).ok
    except requests.RequestException:
        return False


def snapshot(wh: Warehouse) -> dict[str, object]:
    with wh.transaction() as tx:
        out: dict[str, object] = {}
        for table in ("mention", "score", "story", "ticket", "ticket_event", "outbox"):
            tx.cur.execute(f"SELECT count(*) AS n FROM {table}")
            out[table] = tx.cur.fetchone()["n"]
        tx.cur.execute("SELECT number, level, state, deadline FROM ticket ORDER BY number")
        out["tickets"] = [tuple(r.values()) for r in tx.cur.fetchall()]
    return out


def test_backfill_eight_intervals_exactly_once_then_reprocess_changes_nothing(
        pg_server: dict[str, str], metadata_db: str, warehouse_dsn: str,
        warehouse: Warehouse, tmp_path: Path) -> None:
    from smcc.replay import ReplayServer

    api_port = free_port()
    with MailSink(tmp_path / "mail") as sink, ReplayServer(clock=WINDOW_END) as replay, \
            Processes(tmp_path / "logs") as procs:
        env = make_env(tmp_path, pg_server, metadata_db, warehouse_dsn, api_port, sink, replay.url)
        airflow_cli(["db", "migrate"], env)
        procs.airflow("api-server", ["api-server", "--port", str(api_port), "--host",
                                     "127.0.0.1", "--workers", "1"], env)
        procs.airflow("scheduler", ["scheduler"], env)
        procs.airflow("dag-processor", ["dag-processor"], env)
        procs.wait_until(lambda: healthy(api_port), 120, "the api-server")
        procs.wait_until(lambda: dag_parsed(env), 120, "the dag-processor to parse smcc_listen")

        # The scheduler runs backfills of unpaused DAGs only; the live schedule then runs too.
        airflow_cli(["dags", "unpause", "smcc_listen"], env)
        backfill = ["backfill", "create", "--dag-id", "smcc_listen",
                    "--from-date", FIRST.isoformat(), "--to-date", LAST.isoformat()]
        airflow_cli(backfill, env)
        procs.wait_until(lambda: backfills_completed(env, 1), 600, "the backfill's eight runs")

        done = runs(env)
        assert len(done) == 8 and {r["state"] for r in done} == {"success"}, done
        covered = sorted((r["start"], r["end"]) for r in done)
        assert covered[0][0] == FIRST and covered[-1][1] == WINDOW_END
        assert all(a[1] == b[0] for a, b in zip(covered, covered[1:])), "contiguous, no overlap"

        expected = Counter((i["source"], i["external_id"]) for i in replay.published_items()
                           if FIRST <= i["published_at"] < WINDOW_END)
        with warehouse.transaction() as tx:
            tx.cur.execute("SELECT source, external_id, late FROM mention")
            mentions = tx.cur.fetchall()
            tx.cur.execute("SELECT s.id, count(t.id) AS n FROM story s LEFT JOIN ticket t "
                           "ON t.story_id = s.id WHERE s.level >= 1 GROUP BY s.id")
            per_story = [r["n"] for r in tx.cur.fetchall()]
            tx.cur.execute("SELECT late, level, (SELECT count(*) FROM outbox o "
                           "WHERE o.ticket_id = t.id) AS mails FROM ticket t")
            tickets = tx.cur.fetchall()
            tx.cur.execute("SELECT message_id FROM outbox WHERE state = 'sent'")
            sent = {r["message_id"] for r in tx.cur.fetchall()}
        stored = Counter((m["source"], m["external_id"]) for m in mentions)
        assert len(expected) > 20 and stored == expected, "every item of the window, once"
        assert all(m["late"] for m in mentions), "a backfill finds its mentions late"
        assert per_story and per_story == [1] * len(per_story), "one ticket per story"
        assert tickets and all(t["late"] for t in tickets)
        assert all(t["mails"] == 0 for t in tickets if t["level"] == 1), "level 1 → digest"
        assert all(t["mails"] >= 1 for t in tickets if t["level"] >= 2)
        received = Counter(m["Message-ID"] for m in sink.messages)
        assert set(received) == sent and set(received.values()) == {1}, "each e-mail once"

        before, mails_before = snapshot(warehouse), len(sink.messages)
        airflow_cli([*backfill, "--reprocess-behavior", "completed"], env)
        procs.wait_until(lambda: backfills_completed(env, 2), 600, "the reprocessing backfill")
        assert {r["state"] for r in runs(env)} == {"success"}
        assert snapshot(warehouse) == before, "reprocessing the window changed nothing"
        assert len(sink.messages) == mails_before
