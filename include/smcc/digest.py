"""The daily digest: one e-mail per department and one for leadership.

Counts by level, topic and sentiment, SLA compliance, the top stories, late (backfilled)
level-1 tickets that were not announced one by one, gate health, and a 7-day chart of mention
volume and negative share as an inline PNG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from smcc.db import Warehouse, json_param
from smcc.models import Interval
from smcc.pipeline import StageSummary
from smcc.tickets import MESSAGE_DOMAIN

CHART_CID = "chart7d"


@dataclass
class DigestData:
    audience: str                      # department id, or "leadership"
    audience_name: str
    period: Interval
    tickets_by_level: dict[int, int] = field(default_factory=dict)
    tickets_by_state: dict[str, int] = field(default_factory=dict)
    sla_met: int = 0
    sla_breached: int = 0
    mentions_by_topic: dict[str, int] = field(default_factory=dict)
    mentions_by_sentiment: dict[str, int] = field(default_factory=dict)
    top_stories: list[dict[str, Any]] = field(default_factory=list)
    late_tickets: list[dict[str, Any]] = field(default_factory=list)
    gates: list[dict[str, Any]] = field(default_factory=list)
    daily: list[dict[str, Any]] = field(default_factory=list)


def gather(wh: Warehouse, period: Interval, brand: str, audience: str, audience_name: str,
           owner: str | None) -> DigestData:
    p = {"start": period.start, "end": period.end, "owner": owner, "brand": brand}
    data = DigestData(audience, audience_name, period)
    with wh.transaction() as tx:
        for row in tx.fetch_all("digest_tickets", p):
            data.tickets_by_level[row["level"]] = data.tickets_by_level.get(row["level"], 0) + row["n"]
            data.tickets_by_state[row["state"]] = data.tickets_by_state.get(row["state"], 0) + row["n"]
        sla = tx.fetch_one("digest_sla", p)
        data.sla_met, data.sla_breached = sla["met"], sla["breached"]
        for row in tx.fetch_all("digest_mentions", p):
            data.mentions_by_topic[row["topic"]] = data.mentions_by_topic.get(row["topic"], 0) + row["n"]
            data.mentions_by_sentiment[row["sentiment"]] = (
                data.mentions_by_sentiment.get(row["sentiment"], 0) + row["n"])
        data.top_stories = tx.fetch_all("digest_top_stories", p)
        data.late_tickets = tx.fetch_all("digest_late_tickets", p)
        data.gates = tx.fetch_all("digest_gates", p)
        data.daily = tx.fetch_all("digest_daily_volume", p)
    return data


def chart_png(daily: list[dict[str, Any]], last_day: date) -> bytes:
    """Bars of mentions per day over 7 days, with the negative share as a line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = [last_day - timedelta(days=6 - i) for i in range(7)]
    by_day = {row["day"]: row for row in daily}
    volume = [by_day[d]["mentions"] if d in by_day else 0 for d in days]
    negative = [100.0 * by_day[d]["negative"] / by_day[d]["mentions"] if by_day.get(d) and
                by_day[d]["mentions"] else 0.0 for d in days]
    fig, ax = plt.subplots(figsize=(6.4, 2.6), dpi=100)
    ax.bar([d.strftime("%d/%m") for d in days], volume, color="#2563eb")
    ax.set_ylabel("Đề cập")
    share = ax.twinx()
    share.plot([d.strftime("%d/%m") for d in days], negative, color="#dc2626", marker="o")
    share.set_ylim(0, 100)
    share.set_ylabel("% tiêu cực")
    ax.set_title("7 ngày: số đề cập và tỷ lệ tiêu cực")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def queue_digests(wh: Warehouse, period: Interval, routing: Any, brand: str) -> StageSummary:
    """Write the day's digests into the outbox (one per department with an e-mail list,
    one for leadership); the Message-ID names the day, so a re-run adds nothing."""
    from zoneinfo import ZoneInfo

    from smcc.escalation.render import render_digest
    from smcc.settings import TIMEZONE

    local_day = (period.end - timedelta(seconds=1)).astimezone(ZoneInfo(TIMEZONE)).date()
    audiences = [(d, routing.department(d).name, d) for d in routing.departments
                 if d != routing.leadership_department]
    audiences.append(("leadership", routing.department(routing.leadership_department).name, None))
    summary = StageSummary("digest", local_day.isoformat(), {"queued": 0})
    for audience, name, owner in audiences:
        data = gather(wh, period, brand, audience, name, owner)
        recipients = (routing.leadership if owner is None else routing.recipients([owner]))
        if not recipients:
            continue
        png = chart_png(data.daily, local_day)
        email = render_digest(data, routing, chart_cid=CHART_CID)
        mid = f"<digest.{local_day:%Y%m%d}.{audience}@{MESSAGE_DOMAIN}>"
        with wh.transaction() as tx:
            inserted = tx.fetch_one("outbox_insert", {
                "message_id": mid, "ticket_id": None, "kind": "digest",
                "recipients": json_param(recipients), "subject": email.subject,
                "body_text": email.text, "body_html": email.html, "created_at": period.end})
            tx.execute("outbox_attachment_insert", {"message_id": mid, "cid": CHART_CID,
                                                    "content_type": "image/png", "data": png})
        summary.counts["queued"] += int(inserted is not None)
    return summary
