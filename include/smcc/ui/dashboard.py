"""What the SMCC view in the Airflow UI shows, read from the warehouse and labelled in Vietnamese.

Plain functions over a :class:`~smcc.db.Warehouse`, so the page content is testable without
Airflow; ``smcc.ui.app`` only authenticates, renders and acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from smcc import settings
from smcc.db import Warehouse
from smcc.escalation.render import STATE_NAMES, clean_text, duration, local_time, safe_url
from smcc.escalation.routing import Routing

CRAWL_STATES = {"success": "Thành công", "failed": "Lỗi", "running": "Đang chạy"}
SOURCE_TYPES = {"news_article": "Bài báo", "forum_post": "Diễn đàn",
                "facebook_post": "Bài Facebook", "facebook_comment": "Bình luận Facebook"}
STAGES = {"raw": "Dữ liệu thô", "scored": "Chấm điểm", "escalation": "Leo thang"}


@dataclass(frozen=True)
class TimeLeft:
    text: str
    overdue: bool


@dataclass(frozen=True)
class Dashboard:
    tickets: list[dict[str, Any]]
    open_by_level: dict[int, int]
    stories: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    gates: list[dict[str, Any]]
    generated_at: str


def time_left(deadline: datetime, now: datetime) -> TimeLeft:
    """``Còn lại`` of a ticket: the time until its deadline, or how long it is overdue."""
    if now >= deadline:
        return TimeLeft(f"Quá hạn {duration(now - deadline)}", True)
    return TimeLeft(duration(deadline - now), False)


def _department_name(routing: Routing, department_id: str) -> str:
    try:
        return routing.department(department_id).name
    except KeyError:  # a department removed from routing.yaml after the ticket was opened
        return department_id


def _topic_name(routing: Routing, topic: str) -> str:
    try:
        return routing.topic_name(topic)
    except KeyError:
        return topic


def _level(routing: Routing, level: int) -> dict[str, Any]:
    return {"level": level, "level_name": f"Mức {level} - {routing.level_name(level)}",
            "colour": routing.level_colour(level)}


def ticket_view(row: dict[str, Any], routing: Routing, now: datetime) -> dict[str, Any]:
    left = time_left(row["deadline"], now)
    return {
        **_level(routing, row["level"]),
        "number": row["number"], "state": row["state"],
        "state_label": STATE_NAMES.get(row["state"], row["state"]),
        "topic": _topic_name(routing, row["topic"]),
        "owner": _department_name(routing, row["owner"]),
        "coordinating": [_department_name(routing, d) for d in row["coordinating"]],
        "late": row["late"], "deadline": local_time(row["deadline"]),
        "time_left": left.text, "overdue": left.overdue,
        "story_title": clean_text(row["story_title"], 160),
        "mention_count": row["mention_count"], "interactions": row["interactions"],
        "can_acknowledge": row["state"] == "open",
    }


def _mention(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": row["source"], "kind": SOURCE_TYPES.get(row["source_type"], row["source_type"]),
        "url": safe_url(row["url"]), "title": clean_text(row["title"] or "", 160),
        "text": clean_text(row["text"], 280), "author": row["author"],
        "published_at": local_time(row["published_at"]), "interactions": row["interactions"],
        "sentiment": row["sentiment"], "level": row["level"],
    }


def _stories(wh: Warehouse, routing: Routing, limit: int, per_story: int) -> list[dict[str, Any]]:
    rows = wh.fetch_all("ui_recent_stories", {"limit": limit})
    mentions = wh.fetch_all("ui_story_mentions", {"story_ids": [r["id"] for r in rows],
                                                  "per_story": per_story})
    by_story: dict[int, list[dict[str, Any]]] = {}
    for m in mentions:
        by_story.setdefault(m["story_id"], []).append(_mention(m))
    return [{
        **_level(routing, r["level"]),
        "id": r["id"], "brand": r["brand"], "topic": _topic_name(routing, r["topic"]),
        "title": clean_text(r["title"], 160), "reasons": list(r["reasons"]),
        "mention_count": r["mention_count"], "interactions": r["interactions"],
        "last_published_at": local_time(r["last_published_at"]),
        "ticket_number": r["ticket_number"],
        "ticket_state": STATE_NAMES.get(r["ticket_state"] or "", ""),
        "mentions": by_story.get(r["id"], []),
    } for r in rows]


def _gate_status(row: dict[str, Any]) -> tuple[str, str]:
    if not row["gates_run"]:
        return "Chưa kiểm tra", "none"
    if row["gates_failed"]:
        return f"Không đạt ({row['gates_failed']}/{row['gates_run']})", "fail"
    return "Đạt", "pass"


def _source(row: dict[str, Any]) -> dict[str, Any]:
    gate_text, gate_class = _gate_status(row)
    crawled = row["crawl_state"] is not None
    return {
        "name": row["name"], "type": row["type"], "enabled": row["enabled"],
        "paused": row["paused"],
        "crawl_state": CRAWL_STATES.get(row["crawl_state"], "Chưa thu thập") if crawled
        else "Chưa thu thập",
        "crawl_ok": row["crawl_state"] == "success",
        "interval_end": local_time(row["interval_end"]) if crawled else "",
        "items_found": row["items_found"], "items_new": row["items_new"],
        "pages_fetched": row["pages_fetched"],
        "error": clean_text(row["error"], 200) if row["error"] else None,
        "gate": gate_text, "gate_class": gate_class,
    }


def report_file(report_path: str | None) -> Path | None:
    """The gate report to serve, only when it is an existing file under the reports folder."""
    if not report_path:
        return None
    path = Path(report_path).resolve()
    root = settings.reports_dir().resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _gate(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"], "suite": row["suite"], "stage": STAGES.get(row["stage"], row["stage"]),
        "batch": row["batch"], "passed": row["passed"], "row_count": row["row_count"],
        "failing_row_count": row["failing_row_count"],
        "critical_failures": len(row["critical_failures"]), "warnings": len(row["warnings"]),
        "interval": f"{local_time(row['interval_start'], with_zone=False)} → "
                    f"{local_time(row['interval_end'])}",
        "has_report": report_file(row["report_path"]) is not None,
    }


def load_dashboard(wh: Warehouse, routing: Routing, now: datetime, *, ticket_limit: int = 100,
                   story_limit: int = 20, mentions_per_story: int = 3,
                   gate_limit: int = 30) -> Dashboard:
    tickets = [ticket_view(r, routing, now)
               for r in wh.fetch_all("ui_open_tickets", {"limit": ticket_limit})]
    by_level = {level: sum(1 for t in tickets if t["level"] == level) for level in (3, 2, 1)}
    return Dashboard(
        tickets=tickets, open_by_level=by_level,
        stories=_stories(wh, routing, story_limit, mentions_per_story),
        sources=[_source(r) for r in wh.fetch_all("ui_sources")],
        gates=[_gate(r) for r in wh.fetch_all("ui_gate_results", {"limit": gate_limit})],
        generated_at=local_time(now),
    )
