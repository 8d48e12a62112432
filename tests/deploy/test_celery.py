"""The Celery deployment path without Docker: scheduler, dag-processor, api-server and a Celery
worker as separate processes on the machine's Redis and PostgreSQL run one ``smcc_listen``
interval against the replay server and an SMTP sink, as docker-compose.yml runs them."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg2
import pytest
import requests
from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

from smcc.db import Warehouse, migrate
from smcc.models import Interval
from smcc.services import MailSink

from .processes import AIRFLOW, Processes, airflow_process_env, free_port, port_open

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(300)]

REDIS = ("127.0.0.1", 6379)
POSTGRES = ("127.0.0.1", 5432)
END = datetime.fromisoformat("2026-12-01T09:15:00+07:00")
START = END - timedelta(minutes=15)
RUN_TIMEOUT = 200
ADMIN_PASSWORD = "celery-test-admin"


def _pg(dbname: str = "postgres") -> str:
    return f"postgresql://postgres@{POSTGRES[0]}:{POSTGRES[1]}/{dbname}"


@pytest.fixture
def databases() -> Iterator[dict[str, str]]:
    """A fresh Airflow metadata database and warehouse on the machine's PostgreSQL."""
    for host, port in (REDIS, POSTGRES):
        if not port_open(host, port):
            pytest.skip(f"needs Redis on {REDIS[0]}:{REDIS[1]} and PostgreSQL on "
                        f"{POSTGRES[0]}:{POSTGRES[1]} (nothing listens on {host}:{port})")
    pytest.importorskip("airflow.providers.celery",
                        reason="apache-airflow-providers-celery is not installed")
    names = {"airflow": f"smcc_celery_af_{os.getpid()}", "warehouse": f"smcc_celery_wh_{os.getpid()}"}
    admin = psycopg2.connect(_pg())
    admin.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    try:
        with admin.cursor() as cur:
            for name in names.values():
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{name}"')
        yield names
    finally:
        with admin.cursor() as cur:
            for name in names.values():
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def celery_env(tmp: Path, dbs: dict[str, str], api_port: int, sink: MailSink,
               replay_url: str) -> tuple[dict[str, str], str]:
    """The environment shared by every process (as in docker-compose.yml) and the queue."""
    queue = f"smcc-test-{os.getpid()}"  # keeps this test's tasks away from any other worker
    passwords = tmp / "passwords.json"
    passwords.write_text(json.dumps({"admin": ADMIN_PASSWORD}))
    env = airflow_process_env(
        tmp, api_port=api_port, smtp_conn_json=sink.smtp_conn_json(), replay_url=replay_url,
        warehouse={"host": POSTGRES[0], "port": POSTGRES[1], "login": "postgres",
                   "schema": dbs["warehouse"]},
        AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=_pg(dbs["airflow"]).replace(
            "postgresql://", "postgresql+psycopg2://"),
        AIRFLOW__CELERY__BROKER_URL=f"redis://{REDIS[0]}:{REDIS[1]}/0",
        AIRFLOW__CELERY__RESULT_BACKEND="db+" + _pg(dbs["airflow"]),
        AIRFLOW__CELERY__WORKER_CONCURRENCY="4",
        AIRFLOW__OPERATORS__DEFAULT_QUEUE=queue,
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(passwords),
        # Only the run this test triggers: no scheduled run for the current interval.
        AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE="False",
    )
    return env, queue


def trigger_interval(api: str) -> None:
    """Unpause ``smcc_listen`` and trigger the run of [START, END) through the REST API.

    ``airflow dags trigger --logical-date`` infers the data interval from the wall clock (the
    run's ``run_after``), so an explicit interval needs the API.
    """
    token = requests.post(f"{api}/auth/token", json={"username": "admin",
                                                      "password": ADMIN_PASSWORD}, timeout=30)
    token.raise_for_status()
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    unpause = requests.patch(f"{api}/api/v2/dags/smcc_listen", json={"is_paused": False},
                             headers=auth, timeout=30)
    assert unpause.ok, unpause.text
    run = requests.post(f"{api}/api/v2/dags/smcc_listen/dagRuns", headers=auth, timeout=30, json={
        "logical_date": START.isoformat(), "data_interval_start": START.isoformat(),
        "data_interval_end": END.isoformat()})
    assert run.ok, run.text


def airflow_cli(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([AIRFLOW, *args], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"airflow {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def metadata(dbs: dict[str, str], sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg2.connect(_pg(dbs["airflow"])) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def dag_parsed(dbs: dict[str, str]) -> bool:
    return bool(metadata(dbs, "SELECT 1 FROM serialized_dag WHERE dag_id = 'smcc_listen'"))


def run_finished(dbs: dict[str, str]) -> bool:
    rows = metadata(dbs, "SELECT state FROM dag_run WHERE dag_id = 'smcc_listen'")
    return bool(rows) and all(state in ("success", "failed") for (state,) in rows)


def test_one_interval_through_scheduler_and_celery_worker(databases: dict[str, str],
                                                          tmp_path: Path) -> None:
    from smcc.replay import ReplayServer

    api_port = free_port()
    with MailSink(tmp_path / "mail") as sink, ReplayServer(clock=END) as replay, \
            Processes(tmp_path / "logs") as procs:
        env, queue = celery_env(tmp_path, databases, api_port, sink, replay.url)
        airflow_cli(["db", "migrate"], env)
        migrate(_pg(databases["warehouse"]))
        procs.airflow("api-server", ["api-server", "--port", str(api_port), "--host", "127.0.0.1",
                                     "--workers", "1"], env)
        procs.airflow("scheduler", ["scheduler"], env)
        procs.airflow("dag-processor", ["dag-processor"], env)
        procs.airflow("worker", ["celery", "worker", "--queues", queue, "--concurrency", "4"], env)
        procs.wait_until(lambda: _healthy(api_port), 120, "the api-server")
        procs.wait_until(lambda: dag_parsed(databases), 120, "the dag-processor to parse smcc_listen")

        trigger_interval(f"http://127.0.0.1:{api_port}")
        procs.wait_until(lambda: run_finished(databases), RUN_TIMEOUT, "the smcc_listen run")

        states = metadata(databases, "SELECT task_id, map_index, state, queue, hostname "
                                     "FROM task_instance WHERE dag_id = 'smcc_listen'")
        (run_state, interval_start, interval_end), = metadata(
            databases, "SELECT state, data_interval_start, data_interval_end FROM dag_run")
        assert run_state == "success", _failed_tasks(states, procs)
        assert (interval_start, interval_end) == (START, END)
        # Nothing failed, and every task that ran went through the Celery queue to the worker
        # (a task may be skipped by its trigger rule, e.g. a failure watcher).
        assert all(s[2] in ("success", "skipped") for s in states), states
        ran = [s for s in states if s[2] == "success"]
        assert len(ran) > len(states) / 2 and all(s[3] == queue and s[4] for s in ran), ran

        expected = {(i["source"], i["external_id"]) for i in replay.published_items()
                    if Interval.parse(START, END).contains(i["published_at"])}
        with Warehouse(_pg(databases["warehouse"])) as wh, wh.transaction() as tx:
            tx.cur.execute("SELECT source, external_id FROM mention")
            stored = {(r["source"], r["external_id"]) for r in tx.cur.fetchall()}
            tx.cur.execute("SELECT number, state FROM ticket")
            tickets = tx.cur.fetchall()
            tx.cur.execute("SELECT message_id, state FROM outbox WHERE ticket_id IS NOT NULL")
            outbox = {r["message_id"]: r["state"] for r in tx.cur.fetchall()}
        assert expected and stored == expected
        assert tickets and {t["state"] for t in tickets} == {"open"}
        assert outbox and set(outbox.values()) == {"sent"}
        received = {m["Message-ID"] for m in sink.messages}
        assert set(outbox) <= received
        assert any(t["number"] in str(m["Subject"]) or t["number"] in m.get_body(("plain",))
                   .get_content() for t in tickets for m in sink.messages)


def _healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=2).ok
    except requests.RequestException:
        return False


def _failed_tasks(states: list[tuple], procs: Processes) -> str:
    bad = [s for s in states if s[2] != "success"]
    return f"tasks not successful: {bad}\n--- worker\n{procs.log_tail('worker', 60)}"
