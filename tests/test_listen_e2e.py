"""smcc_listen end to end through the real Airflow (``dag.test()``), against the replay server,
a real PostgreSQL and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from psycopg2.extensions import parse_dsn

from smcc import settings
from smcc.db import Warehouse
from smcc.models import Interval
from smcc.services import MailSink

pytestmark = pytest.mark.integration

END = datetime.fromisoformat("2026-12-01T09:15:00+07:00")
START = END - timedelta(minutes=15)
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


@pytest.fixture
def replay():
    from smcc.replay import ReplayServer

    with ReplayServer(clock=END) as server:
        yield server


@pytest.fixture
def listen_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, warehouse_dsn: str,
               mail_sink: MailSink, replay, airflow_home: Path) -> dict[str, str]:
    pg = parse_dsn(warehouse_dsn)
    env = {
        "AIRFLOW_CONN_SMCC_WAREHOUSE": json.dumps({
            "conn_type": "postgres", "host": pg["host"], "port": int(pg.get("port", 5432)),
            "login": pg.get("user"), "password": pg.get("password", ""),
            "schema": pg["dbname"]}),
        "AIRFLOW_CONN_SMTP_DEFAULT": mail_sink.smtp_conn_json(),
        "AIRFLOW_CONN_SMCC_FACEBOOK_SAMPLE": '{"conn_type": "generic", "password": "t"}',
        "SMCC_SOURCES_FILE": str(settings.config_dir() / "sources.sample.yaml"),
        "SMCC_REPLAY_URL": replay.url,
        "SMCC_LINK_SECRET": "test-secret-0123456789abcdef",
        "SMCC_VAR_DIR": str(tmp_path / "var"),
        "SMCC_RETRY_DELAY_SECONDS": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def run_listen(interval_end: datetime):
    """A manual run at ``interval_end`` covers the 15 minutes that just ended."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(settings.REPO_ROOT / "dags"))
    assert bag.import_errors == {}
    run = bag.dags["smcc_listen"].test(logical_date=interval_end)
    assert (run.data_interval_start, run.data_interval_end) == (START, END)
    return run


def table_counts(wh: Warehouse) -> dict[str, int]:
    counts = {}
    with wh.transaction() as tx:
        for table in ("mention", "score", "story", "ticket", "ticket_event", "outbox"):
            tx.cur.execute(f"SELECT count(*) AS n FROM {table}")
            counts[table] = tx.cur.fetchone()["n"]
    return counts


def test_one_interval_end_to_end_and_rerun_adds_nothing(
        listen_env: dict[str, str], warehouse: Warehouse, mail_sink: MailSink, replay) -> None:
    run = run_listen(END)
    assert str(run.state) in ("success", "DagRunState.SUCCESS"), run.state

    interval = Interval.parse(START, END)
    expected = {(i["source"], i["external_id"]) for i in replay.published_items()
                if interval.contains(i["published_at"])}
    with warehouse.transaction() as tx:
        tx.cur.execute("SELECT source, external_id FROM mention")
        stored = {(r["source"], r["external_id"]) for r in tx.cur.fetchall()}
        tx.cur.execute("SELECT s.id, s.level, count(t.id) AS tickets FROM story s "
                       "LEFT JOIN ticket t ON t.story_id = s.id GROUP BY s.id")
        stories = tx.cur.fetchall()
        tx.cur.execute("SELECT message_id, state FROM outbox")
        outbox = {r["message_id"]: r["state"] for r in tx.cur.fetchall()}
        tx.cur.execute("SELECT stage, batch, passed FROM gate_result")
        gates = tx.cur.fetchall()

    assert expected and stored == expected, "every item of the interval stored, nothing else"
    assert any(s["level"] >= 1 for s in stories), "the sample complaints open a ticket"
    assert all(s["tickets"] == (1 if s["level"] >= 1 else 0) for s in stories)
    assert gates and all(g["passed"] for g in gates)
    assert set(outbox.values()) == {"sent"}

    received = {m["Message-ID"]: m for m in mail_sink.messages}
    assert set(received) == set(outbox), "each outbox e-mail arrived exactly once"
    assert len(mail_sink.messages) == len(received)
    ticket_mail = next(m for m in mail_sink.messages if m["X-SMCC-Kind"] == "created")
    assert ticket_mail.get_content_type() == "multipart/alternative"
    assert VIETNAMESE.search(str(ticket_mail["Subject"]))
    text = ticket_mail.get_body(("plain",)).get_content()
    html = ticket_mail.get_body(("html",)).get_content()
    assert VIETNAMESE.search(text) and "<table" in html and "<script" not in html
    assert "/tickets/" in html and "token=" in html

    before = table_counts(warehouse)
    messages_before = len(mail_sink.messages)
    rerun = run_listen(END)
    assert str(rerun.state) in ("success", "DagRunState.SUCCESS"), rerun.state
    assert table_counts(warehouse) == before
    assert len(mail_sink.messages) == messages_before
