"""SLA watch: a reminder at the reminder point, escalation steps once the deadline passes.

Driven by the data interval of ``smcc_sla``: whatever fell due before the interval's end is
sent, each exactly once (the event key is part of the ticket event's unique key and of the
e-mail's Message-ID), so a late or repeated run catches up without repeating itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from smcc.db import Warehouse, json_param
from smcc.models import Interval
from smcc.pipeline import StageSummary
from smcc.stories import mentions_with_growth
from smcc.tickets import LinkSettings, announce


def _due_events(ticket: dict[str, Any], routing: Any, end: datetime) -> list[tuple[str, str, datetime, list[str]]]:
    """(kind, key, due, recipients) of every reminder/escalation due before ``end``."""
    level, since = ticket["level"], ticket["level_since"]
    events = []
    if ticket["state"] == "open":
        due = routing.reminder_at(since, level)
        if due < ticket["deadline"] and due <= end:
            events.append(("reminded", f"L{level}", due,
                           routing.recipients([ticket["owner"]])))
    # Breach: each further SLA period without resolution climbs one step of the chain.
    for step, recipients in enumerate(routing.escalation_chain(ticket["owner"]), start=1):
        due = ticket["deadline"] + (step - 1) * routing.sla(level)
        if due <= end and recipients:
            events.append(("escalated", f"L{level}:step{step}", due, recipients))
    return events


def check_sla(wh: Warehouse, interval: Interval, routing: Any, links: LinkSettings) -> StageSummary:
    summary = StageSummary("sla", "all", {"reminded": 0, "escalated": 0})
    with wh.transaction() as tx:
        for ticket in tx.fetch_all("tickets_unresolved", {"end": interval.end}):
            events = _due_events(ticket, routing, interval.end)
            if not events:
                continue
            story: tuple[list[str], list[dict[str, Any]]] | None = None  # read once, if needed
            for kind, key, due, recipients in events:
                recorded = tx.fetch_one("ticket_event_insert", {
                    "ticket_id": ticket["id"], "kind": kind, "event_key": key, "at": due,
                    "actor": "smcc", "detail": json_param({"recipients": recipients})})
                if recorded is None:
                    continue  # already reminded/escalated by an earlier run
                if story is None:
                    meta = tx.fetch_one("story_meta", {"story_id": ticket["story_id"]})
                    story = (list(meta["reasons"]),
                             mentions_with_growth(tx, ticket["story_id"], interval.end))
                announce(tx, ticket, "reminder" if kind == "reminded" else "escalated",
                         recipients, story[0], story[1], routing, links, due,
                         key=f".{key.replace(':', '.')}")
                summary.counts[kind] += 1
    return summary
