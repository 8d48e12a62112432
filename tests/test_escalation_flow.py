"""Tickets, SLA reminders/escalations, acknowledge/resolve and the digest, on a real
PostgreSQL and a real SMTP server, driven by data intervals (never the wall clock)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from smcc.db import Warehouse, json_param
from smcc.delivery import SmtpSettings, deliver_pending
from smcc.escalation.routing import load_routing
from smcc.models import Interval
from smcc.pipeline import store_mentions
from smcc.services import MailSink
from smcc.sla import check_sla
from smcc.tickets import LinkSettings, TicketActionError, acknowledge, resolve, sync_ticket

T0 = datetime(2026, 12, 1, 2, 15, tzinfo=timezone.utc)  # 09:15 in Hanoi
LINKS = LinkSettings(base_url="http://smcc.test/smcc", secret=b"0123456789abcdef0123")


@pytest.fixture
def routing():
    return load_routing()


def make_story(wh: Warehouse, topic: str = "network", interactions: int = 40,
               late: bool = False) -> dict:
    """A story with one scored mention, as the pipeline leaves it."""
    with wh.transaction() as tx:
        tx.execute("source_upsert", {"name": "forum", "type": "forum", "enabled": True,
                                     "config": json_param({})})
        mention, = store_mentions(tx, [{
            "source": "forum", "external_id": "p1", "source_type": "forum_post",
            "url": "https://forum.example/t/1#post-1", "title": "Mất sóng MobiFone ở Cầu Giấy",
            "author": "hoangnam", "author_followers": 120,
            "published_at": (T0 - timedelta(minutes=10)).isoformat(),
            "text": "Mạng MobiFone mất sóng cả tối, gọi tổng đài không được.",
            "quoted_text": None, "parent_external_id": None, "reactions": interactions,
            "comments": 0, "shares": 0, "raw": {}}],
            Interval(T0 - timedelta(minutes=15), T0), "r1", late=late)
        story_id = tx.fetch_one("story_insert", {
            "brand": "MobiFone", "topic": topic, "signature": 1, "title": "Mất sóng",
            "published_at": T0 - timedelta(minutes=10), "at": T0, "own_brand": True})["id"]
        tx.execute("score_upsert_batch", {"rows": json_param([{
            "mention_id": mention["id"], "brand": "MobiFone", "relevant": True,
            "sentiment": "negative", "sentiment_score": 0.9, "topic": topic, "level": 1,
            "reasons": ["tiêu cực"], "normalized_text": "mất sóng"}]),
            "model_version": "test", "scored_at": T0})
        tx.execute("score_set_story", {"story_id": story_id, "mention_id": mention["id"],
                                       "brand": "MobiFone"})
    return {"story_id": story_id, "detected_at": T0}


def sync(wh: Warehouse, routing, story: dict, level: int, at: datetime,
         discovered_at: datetime | None = None) -> str | None:
    from smcc.stories import mentions_with_growth

    with wh.transaction() as tx:
        mentions = mentions_with_growth(tx, story["story_id"], at)
        late = all(m["late"] for m in mentions)
        return sync_ticket(tx, {**story, "level": level, "reasons": [f"mức {level}"],
                                "late": late}, "network", mentions, routing, LINKS, at,
                           discovered_at=discovered_at)


def ticket(wh: Warehouse) -> dict:
    with wh.transaction() as tx:
        tx.cur.execute("SELECT * FROM ticket")
        rows = tx.cur.fetchall()
    assert len(rows) == 1
    return rows[0]


def outbox(wh: Warehouse) -> list[dict]:
    with wh.transaction() as tx:
        tx.cur.execute("SELECT message_id, kind, recipients FROM outbox ORDER BY id")
        return tx.cur.fetchall()


def test_one_ticket_per_story_raised_in_place_with_new_recipients(warehouse: Warehouse, routing) -> None:
    story = make_story(warehouse)
    assert sync(warehouse, routing, story, 1, T0) == "created"
    assert sync(warehouse, routing, story, 1, T0 + timedelta(minutes=15)) is None
    first = ticket(warehouse)
    assert first["deadline"] == T0 + routing.sla(1)
    assert sync(warehouse, routing, story, 3, T0 + timedelta(minutes=30)) == "level_raised"
    raised = ticket(warehouse)
    assert raised["id"] == first["id"] and raised["level"] == 3
    assert raised["deadline"] == T0 + timedelta(minutes=30) + routing.sla(3)
    mails = outbox(warehouse)
    assert [m["kind"] for m in mails] == ["created", "level_raised"]
    new_people = set(routing.leadership) - set(mails[0]["recipients"])
    assert new_people and new_people <= set(mails[1]["recipients"])
    # A lower level later is recorded, never silently applied.
    assert sync(warehouse, routing, story, 1, T0 + timedelta(hours=1)) is None
    assert ticket(warehouse)["level"] == 3
    with warehouse.transaction() as tx:
        tx.cur.execute("SELECT kind FROM ticket_event ORDER BY id")
        assert [r["kind"] for r in tx.cur.fetchall()] == ["created", "level_raised", "level_lowered"]


def test_reminder_and_escalation_fire_once_at_the_right_interval(warehouse: Warehouse, routing) -> None:
    story = make_story(warehouse)
    sync(warehouse, routing, story, 2, T0)  # SLA 4 h: reminder at 3 h, breach at 4 h
    five = timedelta(minutes=5)

    def run_until(end: datetime) -> dict[str, int]:
        return check_sla(warehouse, Interval(end - five, end), routing, LINKS).counts

    assert run_until(T0 + timedelta(hours=2, minutes=55)) == {"reminded": 0, "escalated": 0}
    assert run_until(T0 + timedelta(hours=3)) == {"reminded": 1, "escalated": 0}
    assert run_until(T0 + timedelta(hours=3, minutes=5)) == {"reminded": 0, "escalated": 0}
    assert run_until(T0 + timedelta(hours=4)) == {"reminded": 0, "escalated": 1}
    assert run_until(T0 + timedelta(hours=4)) == {"reminded": 0, "escalated": 0}
    assert run_until(T0 + timedelta(hours=8)) == {"reminded": 0, "escalated": 1}
    kinds = [m["kind"] for m in outbox(warehouse)]
    assert kinds == ["created", "reminder", "escalated", "escalated"]
    chain = routing.escalation_chain(ticket(warehouse)["owner"])
    assert outbox(warehouse)[2]["recipients"] == chain[0]
    assert outbox(warehouse)[3]["recipients"] == chain[1]


def test_resolved_tickets_are_not_chased_and_need_an_outcome(warehouse: Warehouse, routing) -> None:
    story = make_story(warehouse)
    sync(warehouse, routing, story, 3, T0)
    number = ticket(warehouse)["number"]
    assert acknowledge(warehouse, number, "noc", T0)["state"] == "acknowledged"
    with pytest.raises(TicketActionError):
        acknowledge(warehouse, number, "noc", T0)
    with pytest.raises(TicketActionError, match="kết quả"):
        resolve(warehouse, number, "  ", "noc", T0)
    assert resolve(warehouse, number, "Đã khắc phục trạm BTS", "noc", T0)["state"] == "resolved"
    assert check_sla(warehouse, Interval(T0, T0 + timedelta(days=1)), routing, LINKS).counts == {
        "reminded": 0, "escalated": 0}
    with pytest.raises(TicketActionError, match="no such ticket"):
        acknowledge(warehouse, "SMCC-NOPE", "noc", T0)


def test_ticket_emails_reach_the_right_people_once(warehouse: Warehouse, routing,
                                                   mail_sink: MailSink) -> None:
    story = make_story(warehouse)
    sync(warehouse, routing, story, 2, T0)
    smtp = SmtpSettings(host=mail_sink.host, port=mail_sink.port)
    deliver_pending(warehouse, smtp, T0)
    deliver_pending(warehouse, smtp, T0 + timedelta(hours=1))
    assert len(mail_sink.messages) == 1
    expected = routing.recipients([routing.route("network", 2).owner,
                                   *routing.route("network", 2).coordinating])
    assert sorted(mail_sink.envelopes[0]) == sorted(expected)


def test_daily_digest_per_department_and_leadership_with_inline_chart(
        warehouse: Warehouse, routing, mail_sink: MailSink) -> None:
    from smcc.digest import queue_digests

    story = make_story(warehouse)
    sync(warehouse, routing, story, 2, T0)
    day = Interval(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc),
                   datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc))  # 08:00 → 08:00 GMT+7
    first = queue_digests(warehouse, day, routing, "MobiFone").counts["queued"]
    assert queue_digests(warehouse, day, routing, "MobiFone").counts["queued"] == 0
    audiences = [d for d in routing.departments if d != routing.leadership_department]
    assert first == len(audiences) + 1
    deliver_pending(warehouse, SmtpSettings(host=mail_sink.host, port=mail_sink.port), day.end)
    digests = [m for m in mail_sink.messages if m["X-SMCC-Kind"] == "digest"]
    assert len(digests) == first
    owner = routing.route("network", 2).owner
    owner_mail = next(m for m in digests
                      if routing.department(owner).name in str(m["Subject"]))
    html = owner_mail.get_body(("html",)).get_content()
    assert "cid:chart7d" in html and ticket(warehouse)["number"] in html
    images = [p for p in owner_mail.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content().startswith(b"\x89PNG")


def test_late_story_gets_a_late_ticket_timed_from_discovery_and_goes_to_the_digest(
        warehouse: Warehouse, routing, mail_sink: MailSink) -> None:
    from smcc.digest import queue_digests
    from smcc.gates import run_gate

    story = make_story(warehouse, late=True)
    found = T0 + timedelta(days=2)  # a backfill run two days after the interval
    assert sync(warehouse, routing, story, 1, T0, discovered_at=found) == "created"
    late = ticket(warehouse)
    assert late["late"] and late["opened_at"] == found
    assert late["deadline"] == found + routing.sla(1), "the deadline counts from discovery"
    assert outbox(warehouse) == [], "late level-1 tickets wait for the digest"

    rows = warehouse.fetch_all("escalation_rows", {"story_ids": [story["story_id"]],
                                                   "digest_late_level1": True})
    for row in rows:
        row["key"], row["sla_hours"] = str(row["story_id"]), 24.0
    assert run_gate("escalation", rows, batch="all", interval=Interval(T0, found)).passed

    day = Interval(found - timedelta(hours=12), found + timedelta(hours=12))
    queue_digests(warehouse, day, routing, "MobiFone")
    deliver_pending(warehouse, SmtpSettings(host=mail_sink.host, port=mail_sink.port), day.end)
    owner = routing.department(late["owner"]).name
    digest = next(m for m in mail_sink.messages if owner in str(m["Subject"]))
    text = digest.get_body(("plain",)).get_content()
    assert "PHÁT HIỆN MUỘN" in text and late["number"] in text

    # When the late story grows to level 2, it is announced like any other.
    assert sync(warehouse, routing, story, 2, found + timedelta(hours=1)) == "level_raised"
    assert [m["kind"] for m in outbox(warehouse) if m["kind"] != "digest"] == ["level_raised"]


def test_only_the_customers_brand_is_ticketed_competitors_are_followed(
        warehouse: Warehouse, routing) -> None:
    from smcc.nlp import Scorer
    from smcc.pipeline import escalate, score_batch

    scorer = Scorer.load()
    interval = Interval(T0 - timedelta(minutes=15), T0)
    posts = {"v1": "Viettel mất sóng diện rộng cả Hà Nội tối nay, hàng nghìn thuê bao bị ảnh hưởng",
             "m1": "MobiFone trừ tiền oan 50k gói cước tôi không hề đăng ký, gọi tổng đài không ai nghe"}
    with warehouse.transaction() as tx:
        tx.execute("source_upsert", {"name": "forum", "type": "forum", "enabled": True,
                                     "config": json_param({})})
        store_mentions(tx, [{
            "source": "forum", "external_id": key, "source_type": "forum_post",
            "url": f"https://forum.example/t/{key}", "title": None, "author": "a",
            "author_followers": 10, "published_at": (T0 - timedelta(minutes=5)).isoformat(),
            "text": text, "quoted_text": None, "parent_external_id": None, "reactions": 5,
            "comments": 1, "shares": 0, "raw": {}} for key, text in posts.items()],
            interval, "r1")
    score_batch(warehouse, "forum", interval, "r1", scorer)
    escalate(warehouse, interval, "r1", scorer, routing, LINKS)
    with warehouse.transaction() as tx:
        tx.cur.execute("SELECT s.brand, s.level, s.own_brand, count(t.id) AS tickets FROM story s "
                       "LEFT JOIN ticket t ON t.story_id = s.id GROUP BY s.id ORDER BY s.brand")
        stories = {r["brand"]: r for r in tx.cur.fetchall()}
    assert stories["Viettel"]["level"] >= 1 and not stories["Viettel"]["own_brand"]
    assert stories["Viettel"]["tickets"] == 0, "a competitor's crisis is not our ticket"
    assert stories["MobiFone"]["tickets"] == 1
