"""The SMTP server misbehaving across real smcc_listen runs: stopped (connection refused),
answering 4xx, answering 5xx, dropping the connection mid-message. The runs stay green, every
e-mail stays queued in the outbox, and once the server is back each is delivered exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from smcc import airflow_tasks
from smcc.db import Warehouse
from smcc.services import MailSink
from listen import END, run_listen

from .invariants import assert_recovered, failed, rows, states, succeeded

pytestmark = [pytest.mark.integration, pytest.mark.faults]

OUTAGES = ("stopped", "4xx", "5xx", "drop")


class Clock:
    """The wall clock of e-mail delivery, moved past each retry's backoff between runs."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self) -> None:
        self.now += timedelta(hours=2)


def _outage(sink: MailSink, kind: str) -> None:
    if kind == "stopped":
        sink.stop()
    else:
        sink.mode = kind


def _restore(sink: MailSink, kind: str) -> None:
    if kind == "stopped":
        sink.start()
    sink.mode = "accept"


def test_smtp_outages_keep_emails_queued_and_recovery_sends_each_once(
        listen_env, warehouse: Warehouse, mail_sink: MailSink, replay,
        monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(airflow_tasks, "_now", clock)
    queued: set[str] = set()
    for kind in OUTAGES:
        _outage(mail_sink, kind)
        run = run_listen(END)
        _restore(mail_sink, kind)
        assert succeeded(run), (kind, failed(run))
        assert states(run)[("deliver", "")] == "success", "SMTP trouble never fails a task"
        assert mail_sink.messages == [], kind
        outbox = rows(warehouse, "SELECT message_id, state, attempts, last_error FROM outbox")
        assert outbox and {r["state"] for r in outbox} == {"pending"}, (kind, outbox)
        assert any(r["last_error"] for r in outbox), f"{kind}: the attempt is recorded"
        assert queued <= {r["message_id"] for r in outbox}, "no queued e-mail disappears"
        queued = {r["message_id"] for r in outbox}
        clock.advance()

    first = rows(warehouse, "SELECT max(attempts) AS n FROM outbox")[0]["n"]
    assert first == len(OUTAGES), "the oldest e-mail was tried once per outage"
    run = run_listen(END)
    assert succeeded(run), failed(run)
    assert_recovered(warehouse, replay, mail_sink)
    assert {r["message_id"] for r in rows(warehouse, "SELECT message_id FROM outbox")} == queued
