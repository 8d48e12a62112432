"""Tickets: one per story, opened or raised with the e-mails that announce them.

The ticket change and its outbox rows are written in one transaction (transactional outbox),
and every row has a deterministic Message-ID, so a retried task neither loses nor doubles an
e-mail.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from smcc.db import json_param

MESSAGE_DOMAIN = "smcc.local"


@dataclass(frozen=True)
class LinkSettings:
    """Where the acknowledge/resolve links point and the secret that signs them."""

    base_url: str
    secret: bytes = field(repr=False)
    valid_after_deadline: timedelta = timedelta(days=7)

    @classmethod
    def from_env(cls) -> "LinkSettings":
        secret = os.environ.get("SMCC_LINK_SECRET", "")
        if len(secret) < 16:
            raise RuntimeError(
                "SMCC_LINK_SECRET must be set to a random string of at least 16 characters "
                "(it signs the acknowledge/resolve links in ticket e-mails)")
        base = os.environ.get("SMCC_PUBLIC_URL", "http://localhost:8080/smcc").rstrip("/")
        return cls(base_url=base, secret=secret.encode())

    def action_url(self, number: str, action: str, deadline: datetime) -> str:
        from smcc.escalation.tokens import sign_action

        token = sign_action(number, action, self.secret, deadline + self.valid_after_deadline)
        return f"{self.base_url}/tickets/{number}/{action}?token={token}"


def ticket_number(story_id: int, opened_at: datetime) -> str:
    from zoneinfo import ZoneInfo

    from smcc.settings import TIMEZONE

    return f"SMCC-{opened_at.astimezone(ZoneInfo(TIMEZONE)):%Y%m%d}-{story_id:06d}"


def message_id(number: str, event: str, level: int) -> str:
    return f"<{number}.{event}.L{level}@{MESSAGE_DOMAIN}>"


def _mention_views(mentions: list[dict[str, Any]]) -> list[Any]:
    from smcc.escalation.render import MentionView

    return [MentionView(
        source=m["source"], source_type=m["source_type"], url=m["url"], title=m["title"],
        text=m["text"], author=m["author"], author_followers=m["author_followers"],
        interactions=m["interactions"], growth_per_hour=m["growth_per_hour"],
        published_at=m["published_at"]) for m in mentions]


def _recipients(routing: Any, departments: list[str]) -> list[str]:
    # Level-3 routes already coordinate PR and leadership (routing.yaml: always_coordinating).
    return routing.recipients(departments)


def announce(tx: Any, ticket: dict[str, Any], event: str, recipients: list[str],
             reasons: list[str], mentions: list[dict[str, Any]], routing: Any,
             links: LinkSettings, at: datetime, *, previous_level: int | None = None,
             key: str = "") -> str:
    """Render the ticket e-mail for ``event`` and put it into the outbox (same transaction)."""
    from smcc.escalation.render import TicketEmail, render_ticket_email

    email = render_ticket_email(TicketEmail(
        event=event, number=ticket["number"], level=ticket["level"],
        previous_level=previous_level, topic=ticket["topic"], owner=ticket["owner"],
        coordinating=list(ticket["coordinating"]), opened_at=ticket["level_since"],
        deadline=ticket["deadline"], late=ticket["late"], reasons=reasons,
        mentions=_mention_views(mentions),
        ack_url=links.action_url(ticket["number"], "ack", ticket["deadline"]),
        resolve_url=links.action_url(ticket["number"], "resolve", ticket["deadline"]),
    ), routing)
    mid = message_id(ticket["number"], event + key, ticket["level"])
    tx.execute("outbox_insert", {
        "message_id": mid, "ticket_id": ticket["id"], "kind": event,
        "recipients": json_param(recipients), "subject": email.subject,
        "body_text": email.text, "body_html": email.html, "created_at": at})
    return mid


def current_tickets(tx: Any, story_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The tickets of the stories that have one, by story id, read in one query."""
    return {t["story_id"]: t for t in tx.fetch_all("tickets_of_stories", {"story_ids": story_ids})}


def sync_ticket(tx: Any, story: dict[str, Any], topic: str, mentions: list[dict[str, Any]],
                routing: Any, links: LinkSettings, at: datetime,
                discovered_at: datetime | None = None,
                tickets: dict[int, dict[str, Any]] | None = None) -> str | None:
    """Open the story's ticket, or raise it when the story's level rose; returns the event.

    A late story (``story["late"]``) opens a late ticket whose deadline counts from
    ``discovered_at``; at level 1 it is left to the daily digest instead of its own e-mail.
    ``tickets`` is :func:`current_tickets` of the stories being synced, when the caller read
    them at once; otherwise the story's ticket is read here.
    """
    level = story["level"]
    if level < 1:
        return None
    route = routing.route(topic, level)
    if tickets is None:
        tickets = current_tickets(tx, [story["story_id"]])
    current = tickets.get(story["story_id"])
    late = bool(story.get("late"))
    # The open or raise records its event (at, level, reasons, late) in the same statement.
    recorded = {"at": at, "reasons": json_param(story["reasons"])}
    if current is None:
        opened_at = max(discovered_at or at, story["detected_at"]) if late else story["detected_at"]
        ticket = tx.fetch_one("ticket_insert", {
            "number": ticket_number(story["story_id"], opened_at),
            "story_id": story["story_id"], "level": level, "topic": topic,
            "owner": route.owner, "coordinating": json_param(route.coordinating),
            "late": late, "opened_at": opened_at,
            "deadline": opened_at + routing.sla(level), **recorded})
        event, previous = "created", None
        recipients = _recipients(routing, [route.owner, *route.coordinating])
    elif level > current["level"]:
        since = max(at, current["level_since"])
        ticket = tx.fetch_one("ticket_raise", {
            "ticket_id": current["id"], "level": level, "owner": route.owner,
            "coordinating": json_param(route.coordinating), "level_since": since,
            "sla": routing.sla(level), **recorded})
        event, previous = "level_raised", current["level"]
        before = _recipients(routing, [current["owner"], *current["coordinating"]])
        now_all = _recipients(routing, [route.owner, *route.coordinating])
        # Everyone is told of the raise; nobody new is left out.
        recipients = list(dict.fromkeys([*now_all, *before]))
    else:
        if level < current["level"]:
            tx.execute("ticket_event_insert", {
                "ticket_id": current["id"], "kind": "level_lowered",
                "event_key": f"L{current['level']}->L{level}", "at": at, "actor": "smcc",
                "detail": json_param({"story_level": level, "reasons": story["reasons"]})})
        return None
    if ticket is None:
        return None
    if ticket["late"] and level == 1 and routing.late_policy.level1_to_digest:
        return event  # announced in the next daily digest
    announce(tx, ticket, event, recipients, story["reasons"], mentions, routing, links, at,
             previous_level=previous)
    return event


class TicketActionError(ValueError):
    """The ticket does not exist or is not in a state that allows the action."""


ACTION_NAMES = {"acknowledged": "xác nhận tiếp nhận", "resolved": "đánh dấu đã xử lý",
                "false_positive": "đánh dấu báo nhầm"}


def _act(wh: Any, number: str, query: str, params: dict[str, Any], kind: str, actor: str,
         at: datetime, detail: dict[str, Any]) -> dict[str, Any]:
    with wh.transaction() as tx:
        current = tx.fetch_one("ticket_by_number", {"number": number})
        if current is None:
            raise TicketActionError(f"không có phiếu {number} / no such ticket")
        ticket = tx.fetch_one(query, {"number": number, "at": at, **params})
        if ticket is None:
            from smcc.escalation.render import STATE_NAMES

            state = STATE_NAMES.get(current["state"], current["state"])
            raise TicketActionError(
                f"phiếu {number} đang ở trạng thái “{state}”, không thể "
                f"{ACTION_NAMES.get(kind, kind)}")
        tx.execute("ticket_event_insert", {
            "ticket_id": ticket["id"], "kind": kind, "event_key": kind, "at": at,
            "actor": actor, "detail": json_param(detail)})
    return ticket


def acknowledge(wh: Any, number: str, actor: str, at: datetime) -> dict[str, Any]:
    """The owner has seen the ticket and is handling it."""
    return _act(wh, number, "ticket_acknowledge", {}, "acknowledged", actor, at, {})


def resolve(wh: Any, number: str, outcome: str, actor: str, at: datetime,
            false_positive: bool = False) -> dict[str, Any]:
    """Close the ticket with the recorded outcome (required)."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise TicketActionError("cần ghi kết quả xử lý / an outcome is required to resolve")
    state = "false_positive" if false_positive else "resolved"
    return _act(wh, number, "ticket_resolve", {"state": state, "outcome": outcome[:4000]},
                state, actor, at, {"outcome": outcome[:4000]})
