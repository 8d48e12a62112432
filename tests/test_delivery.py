"""Outbox delivery against a real SMTP server on 127.0.0.1, including its bad days."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from smcc.db import Warehouse, json_param
from smcc.delivery import SmtpSettings, deliver_pending
from smcc.services import MailSink

T0 = datetime(2026, 12, 1, 2, 15, tzinfo=timezone.utc)


def queue(wh: Warehouse, n: int) -> list[str]:
    ids = []
    with wh.transaction() as tx:
        for i in range(n):
            mid = f"<test.{i}@smcc.local>"
            tx.execute("outbox_insert", {
                "message_id": mid, "ticket_id": None, "kind": "created",
                "recipients": json_param([f"noc{i}@mobifone.example"]),
                "subject": f"[SMCC] Mất sóng diện rộng số {i}",
                "body_text": "Xin chào, đây là cảnh báo.", "body_html": "<p>Xin chào</p>",
                "created_at": T0})
            ids.append(mid)
    return ids


def smtp(sink: MailSink) -> SmtpSettings:
    return SmtpSettings(host=sink.host, port=sink.port, from_email="smcc@localhost", timeout=5)


def outbox_states(wh: Warehouse) -> dict[str, str]:
    with wh.transaction() as tx:
        tx.cur.execute("SELECT message_id, state FROM outbox")
        return {r["message_id"]: r["state"] for r in tx.cur.fetchall()}


def test_sends_each_pending_message_once_as_multipart_vietnamese(
        warehouse: Warehouse, mail_sink: MailSink) -> None:
    ids = queue(warehouse, 3)
    report = deliver_pending(warehouse, smtp(mail_sink), T0)
    assert report.sent == 3
    again = deliver_pending(warehouse, smtp(mail_sink), T0 + timedelta(hours=1))
    assert again.sent == 0
    assert sorted(m["Message-ID"] for m in mail_sink.messages) == sorted(ids)
    msg = mail_sink.messages[0]
    assert msg.get_content_type() == "multipart/alternative"
    assert "Mất sóng" in str(msg["Subject"])
    assert msg.get_body(("plain",)).get_content().strip() == "Xin chào, đây là cảnh báo."
    assert set(outbox_states(warehouse).values()) == {"sent"}


@pytest.mark.parametrize("mode", ["refuse", "4xx", "5xx", "drop"])
def test_smtp_trouble_keeps_messages_and_recovery_delivers_exactly_once(
        warehouse: Warehouse, mail_sink: MailSink, mode: str) -> None:
    ids = queue(warehouse, 2)
    settings = smtp(mail_sink)
    if mode == "refuse":
        mail_sink.stop()
    else:
        mail_sink.mode = mode
    report = deliver_pending(warehouse, settings, T0)
    assert report.sent == 0 and report.errors
    assert set(outbox_states(warehouse).values()) == {"pending"}, "nothing lost, nothing failed early"
    assert mail_sink.messages == []

    if mode == "refuse":
        mail_sink.start()
    mail_sink.mode = "accept"
    later = T0 + timedelta(hours=2)
    total = 0
    for _ in range(3):
        total += deliver_pending(warehouse, settings, later).sent
        later += timedelta(hours=2)
    assert total == 2
    assert sorted(m["Message-ID"] for m in mail_sink.messages) == sorted(ids)


def test_permanent_refusal_marks_failed_after_max_attempts(
        warehouse: Warehouse, mail_sink: MailSink) -> None:
    queue(warehouse, 1)
    mail_sink.mode = "5xx"
    now = T0
    for _ in range(3):
        deliver_pending(warehouse, smtp(mail_sink), now, max_attempts=3)
        now += timedelta(hours=2)
    assert list(outbox_states(warehouse).values()) == ["failed"]
