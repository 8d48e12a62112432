"""smcc_listen end to end through the real Airflow (``dag.test()``), against the replay server,
a real PostgreSQL and a real SMTP server on 127.0.0.1."""

from __future__ import annotations


import pytest

from smcc.db import Warehouse
from smcc.models import Interval
from smcc.services import MailSink

from listen import END, START, VIETNAMESE, run_listen

pytestmark = pytest.mark.integration

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
    shown = {ti.rendered_map_index for ti in run.get_task_instances() if ti.task_id == "per_source.crawl"}
    assert shown == {"tinnhanh-rss", "baocongnghe-sitemap", "diendan-forum", "mobifone-facebook"}, \
        "mapped tasks show the source name in the UI"

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
