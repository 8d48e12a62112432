"""Warehouse content for the UI tests, made with the product's own queries and functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from smcc.db import Warehouse, json_param
from smcc.models import Interval
from smcc.pipeline import store_mentions
from smcc.tickets import LinkSettings, sync_ticket


@dataclass(frozen=True)
class SeededStory:
    title: str
    topic: str
    level: int
    mention_text: str


STORIES = (
    SeededStory("Mất sóng MobiFone diện rộng ở Cầu Giấy", "network", 3,
                "Mạng MobiFone mất sóng cả tối ở Cầu Giấy, gọi tổng đài không được."),
    SeededStory("Bị trừ tiền dịch vụ không đăng ký", "billing", 1,
                "Tài khoản MobiFone của mình bị trừ 30 nghìn cho dịch vụ không hề đăng ký."),
    SeededStory("Tổng đài MobiFone không nghe máy", "customer_service", 2,
                "Gọi tổng đài MobiFone cả tiếng đồng hồ không ai nghe máy, quá thất vọng."),
)
SOURCE = "dien-dan-test"


def _story(tx: Any, seeded: SeededStory, n: int, interval: Interval) -> dict[str, Any]:
    published = interval.end - timedelta(minutes=5 + n)
    mention, = store_mentions(tx, [{
        "source": SOURCE, "external_id": f"p{n}", "source_type": "forum_post",
        "url": f"https://forum.example/t/{n}#post-{n}", "title": seeded.title,
        "author": f"thanhvien{n}", "author_followers": 100, "published_at": published.isoformat(),
        "text": seeded.mention_text, "quoted_text": None, "parent_external_id": None,
        "reactions": 40 + n, "comments": 3, "shares": 1, "raw": {}}], interval, "seed")
    story_id = tx.fetch_one("story_insert", {
        "brand": "MobiFone", "topic": seeded.topic, "signature": n, "title": seeded.title,
        "published_at": published, "at": interval.end, "own_brand": True})["id"]
    tx.execute("score_upsert_batch", {"rows": json_param([{
        "mention_id": mention["id"], "brand": "MobiFone", "relevant": True,
        "sentiment": "negative", "sentiment_score": 0.9, "topic": seeded.topic,
        "level": seeded.level, "reasons": ["tiêu cực"],
        "normalized_text": seeded.mention_text.lower()}]),
        "model_version": "seed", "scored_at": interval.end})
    tx.execute("score_set_story", {"story_id": story_id, "mention_id": mention["id"],
                                   "brand": "MobiFone"})
    reasons = [f"mức {seeded.level}"]
    tx.execute("story_update", {
        "story_id": story_id, "first_published_at": published, "last_published_at": published,
        "mention_count": 1, "interactions": 44 + n, "level": seeded.level,
        "reasons": json_param(reasons), "at": interval.end})
    return {"story_id": story_id, "detected_at": interval.end, "level": seeded.level,
            "reasons": reasons}


def _crawl(tx: Any, interval: Interval) -> None:
    tx.execute("source_upsert", {"name": SOURCE, "type": "forum", "enabled": True,
                                 "config": json_param({})})
    window = {"source": SOURCE, "start": interval.start, "end": interval.end}
    tx.execute("crawl_run_start", {**window, "run_id": "seed"})
    tx.execute("crawl_run_finish", {**window, "state": "success", "items_found": 7,
                                    "items_new": 2, "items_refreshed": 5, "pages_fetched": 3,
                                    "warnings": json_param([]), "error": None})


def seed_tickets(wh: Warehouse, routing: Any, links: LinkSettings, interval: Interval) -> list[str]:
    """Stories with tickets (levels 3, 2 and 1) and the source's crawl; returns ticket numbers."""
    from smcc.stories import mentions_with_growth

    with wh.transaction() as tx:
        _crawl(tx, interval)
        for n, seeded in enumerate(STORIES, start=1):
            story = _story(tx, seeded, n, interval)
            sync_ticket(tx, story, seeded.topic, mentions_with_growth(tx, story["story_id"],
                        interval.end), routing, links, interval.end)
        tx.cur.execute("SELECT number FROM ticket ORDER BY level DESC")
        return [row["number"] for row in tx.cur.fetchall()]


def seed_gate(wh: Warehouse, reports: Path, interval: Interval, rows: list[dict[str, Any]]) -> Any:
    """Run the real raw gate on ``rows``, save its HTML report and record the result."""
    from smcc.gates import run_gate

    result = run_gate("raw", rows, batch=SOURCE, interval=interval)
    report = reports / "gates" / "raw" / SOURCE / f"{interval.start:%Y%m%dT%H%M}_seed.html"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(result.render_html(), encoding="utf-8")
    with wh.transaction() as tx:
        tx.execute("gate_result_insert", {
            "suite": result.suite, "stage": result.stage, "batch": result.batch,
            "run_id": "seed", "start": interval.start, "end": interval.end,
            "passed": result.passed, "row_count": result.row_count,
            "failing_row_count": len(result.failing_rows),
            "critical_failures": json_param([o.as_dict() for o in result.critical_failures]),
            "warnings": json_param([o.as_dict() for o in result.warnings]),
            "result_json": json_param(result.result_json), "report_path": str(report)})
    return result


def raw_rows(interval: Interval, broken: bool) -> list[dict[str, Any]]:
    """Crawled rows as the raw gate sees them; ``broken`` ones have no text (a critical failure)."""
    return [{
        "key": f"{SOURCE}:{i}", "source": SOURCE, "external_id": str(i),
        "source_type": "forum_post", "url": f"https://forum.example/t/{i}",
        "published_at": interval.start + timedelta(minutes=i),
        "text": "" if broken else STORIES[i].mention_text, "title": "MobiFone",
        "author": f"thanhvien{i}", "author_followers": 10, "reactions": i, "comments": 1,
        "shares": 0} for i in range(3)]
