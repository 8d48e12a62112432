"""What must hold once the pipeline has recovered from a fault, and how to read a run."""

from __future__ import annotations

from typing import Any

from smcc.db import Warehouse
from smcc.models import Interval
from smcc.services import MailSink
from listen import END, START

INTERVAL = Interval.parse(START, END)
FAILURE_SUBJECT = "[SMCC] Task thất bại"


def rows(wh: Warehouse, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    with wh.transaction() as tx:
        tx.cur.execute(sql, params or {})
        return [dict(r) for r in tx.cur.fetchall()]


def state_name(state: Any) -> str:
    return str(state).rsplit(".", 1)[-1].lower()


def task_instances(run) -> dict[tuple[str, str], Any]:
    """Task instances by (task id, source name or "" for unmapped tasks)."""
    return {(ti.task_id, ti.rendered_map_index or ""): ti for ti in run.get_task_instances()}


def states(run) -> dict[tuple[str, str], str]:
    return {key: state_name(ti.state) for key, ti in task_instances(run).items()}


def failed(run) -> set[tuple[str, str]]:
    return {key for key, state in states(run).items() if state == "failed"}


def succeeded(run) -> bool:
    return state_name(run.state) == "success"


def published(replay, interval: Interval = INTERVAL) -> set[tuple[str, str]]:
    """Every (source, external id) the replay server published inside the interval."""
    return {(i["source"], i["external_id"]) for i in replay.published_items()
            if interval.contains(i["published_at"])}


def outbox_mail(sink: MailSink) -> list[Any]:
    """Messages from the outbox (ticket and gate e-mails), not Airflow's failure notices."""
    return [m for m in sink.messages if m["X-SMCC-Kind"]]


def failure_notices(sink: MailSink) -> list[Any]:
    return [m for m in sink.messages if str(m["Subject"]).startswith(FAILURE_SUBJECT)]


def assert_recovered(wh: Warehouse, replay, sink: MailSink) -> None:
    """No mention lost or doubled, one ticket per story, every e-mail delivered exactly once."""
    keys = [(r["source"], r["external_id"])
            for r in rows(wh, "SELECT source, external_id FROM mention")]
    assert len(keys) == len(set(keys)), "a mention is stored twice"
    expected = published(replay)
    assert expected and set(keys) == expected, {
        "lost": sorted(expected - set(keys)), "unexpected": sorted(set(keys) - expected)}

    stories = rows(wh, "SELECT s.id, s.level, count(t.id) AS tickets FROM story s "
                       "LEFT JOIN ticket t ON t.story_id = s.id GROUP BY s.id")
    assert any(s["level"] >= 1 for s in stories), "the sample complaints open a ticket"
    assert all(s["tickets"] == (1 if s["level"] >= 1 else 0) for s in stories), stories

    outbox = {r["message_id"]: r["state"] for r in rows(wh, "SELECT message_id, state FROM outbox")}
    assert outbox and set(outbox.values()) == {"sent"}, outbox
    received = [str(m["Message-ID"]) for m in outbox_mail(sink)]
    assert len(received) == len(set(received)), "an e-mail was delivered twice"
    assert set(received) == set(outbox), "each outbox e-mail arrived"
