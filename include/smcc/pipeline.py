"""The stages of ``smcc_listen``, each a plain function over the warehouse for one data interval.

Every stage is idempotent for its interval: re-running it (an Airflow retry, a cleared task,
a backfill with ``--reprocess-behavior completed``) upserts onto natural keys and adds nothing
new. Time inside the stages is the data interval, never the wall clock; only e-mail delivery,
which happens in real time, reads the clock.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from smcc import settings
from smcc.db import Warehouse, json_param
from smcc.models import Interval, Mention

log = logging.getLogger(__name__)


class GateFailed(Exception):
    """A critical expectation failed: the batch stops here (its rows are quarantined)."""


@dataclass
class StageSummary:
    stage: str
    batch: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts.items())
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        return f"[{self.stage}] {self.batch}: {counts}{notes}"


# --- sources -------------------------------------------------------------------------------


def sync_sources(wh: Warehouse, configs: list[Any]) -> list[str]:
    """Record the configured sources; return the names to crawl (enabled and not paused)."""
    with wh.transaction() as tx:
        for cfg in configs:
            tx.execute("source_upsert", {
                "name": cfg.name, "type": cfg.type, "enabled": cfg.enabled,
                "config": json_param(cfg.model_dump(mode="json")),
            })
        rows = tx.fetch_all("source_active_names", {"names": [c.name for c in configs]})
    return [row["name"] for row in rows]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """Text PostgreSQL can hold: NUL dropped, lone surrogates (broken JSON escapes) as U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value.replace("\x00", ""))
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def _mention_payload(mention: Mention) -> dict[str, Any]:
    """A mention as JSON-ready data that PostgreSQL can store, whatever the page contained."""
    data = _storable(mention.as_dict())
    data["published_at"] = mention.published_at.isoformat()
    return data


def crawl_source(wh: Warehouse, source: Any, interval: Interval, run_id: str) -> StageSummary:
    """Collect one source for the interval into the staging table (replacing an earlier attempt).

    ``source`` is a built source (``smcc.sources.build_source``). A failure is recorded on the
    crawl run with its error and re-raised, so the mapped task fails after its retries.
    """
    window = {"source": source.name, "start": interval.start, "end": interval.end}
    with wh.transaction() as tx:
        tx.execute("crawl_run_start", {**window, "run_id": run_id})
    try:
        result = source.collect(interval)
    except Exception as exc:
        with wh.transaction() as tx:
            tx.execute("crawl_run_finish", {
                **window, "state": "failed", "items_found": 0, "items_new": 0,
                "items_refreshed": 0, "pages_fetched": 0, "warnings": json_param([]),
                "error": f"{type(exc).__name__}: {exc}"[:2000],
            })
        raise
    with wh.transaction() as tx:
        tx.execute("crawl_items_clear", window)
        items = [(m, False) for m in result.mentions] + [(m, True) for m in result.refreshed]
        tx.execute("crawl_items_insert", {**window, "rows": json_param([
            {"seq": seq, "external_id": mention.external_id, "refreshed": refreshed,
             "payload": _mention_payload(mention)}
            for seq, (mention, refreshed) in enumerate(items)])})
        tx.execute("crawl_run_finish", {
            **window, "state": "success", "items_found": len(result.mentions), "items_new": 0,
            "items_refreshed": len(result.refreshed), "pages_fetched": result.pages_fetched,
            "warnings": json_param(result.warnings), "error": None,
        })
    summary = StageSummary("crawl", source.name, {
        "items": len(result.mentions), "refreshed": len(result.refreshed),
        "pages": result.pages_fetched})
    summary.notes.extend(result.warnings[:3])
    return summary


# --- gates ---------------------------------------------------------------------------------


def _write_report(result: Any, interval: Interval, run_id: str) -> Path:
    folder = settings.reports_dir() / "gates" / result.stage / result.batch
    folder.mkdir(parents=True, exist_ok=True)
    stamp = interval.start.strftime("%Y%m%dT%H%M")
    safe_run = "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)
    path = folder / f"{stamp}_{safe_run}.html"
    path.write_text(result.render_html(), encoding="utf-8")
    return path


def _record_gate(tx: Any, result: Any, interval: Interval, run_id: str, report: Path) -> None:
    tx.execute("gate_result_insert", {
        "suite": result.suite, "stage": result.stage, "batch": result.batch,
        "run_id": run_id, "start": interval.start, "end": interval.end,
        "passed": result.passed, "row_count": result.row_count,
        "failing_row_count": len(result.failing_rows),
        "critical_failures": json_param([o.as_dict() for o in result.critical_failures]),
        "warnings": json_param([o.as_dict() for o in result.warnings]),
        "result_json": json_param(result.result_json), "report_path": str(report),
    })


def _parse_payload(payload: dict[str, Any]) -> dict[str, Any]:
    row = dict(payload)
    row["published_at"] = datetime.fromisoformat(row["published_at"])
    return row


def gate_raw(wh: Warehouse, source: str, interval: Interval, run_id: str, *,
             alert: Callable[[Any, Path], None] | None = None, late: bool = False
             ) -> StageSummary:
    """Judge the staged crawl batch; load it into ``mention`` only when no critical check fails.

    ``late`` marks mentions first found by a late run (a backfill), for the late-ticket policy.
    """
    from smcc.gates import check_volume, run_gate

    window = {"source": source, "start": interval.start, "end": interval.end}
    staged = wh.fetch_all("crawl_items", window)
    new_rows = [_parse_payload(r["payload"]) for r in staged if not r["refreshed"]]
    for row in new_rows:
        row["key"] = f"{row['source']}:{row['external_id']}"
    result = run_gate("raw", new_rows, batch=source, interval=interval)
    history = [r["items_found"] for r in wh.fetch_all(
        "crawl_counts_history", {"source": source, "start": interval.start, "limit": 24})]
    result.warnings.extend(check_volume(source, len(new_rows), history, None))
    report = _write_report(result, interval, run_id)
    summary = StageSummary("gate_raw", source, {"rows": len(new_rows),
                                                "failing": len(result.failing_rows)})
    by_key = {row["key"]: row for row in new_rows}
    with wh.transaction() as tx:
        _record_gate(tx, result, interval, run_id, report)
        if not result.passed:
            for key, reasons in result.failing_rows.items():
                tx.execute("quarantine_insert", {
                    "stage": "raw", "batch": source, "start": interval.start,
                    "end": interval.end, "row_key": key, "mention_id": None,
                    "payload": json_param(_payload_of(by_key.get(key))),
                    "reasons": json_param(reasons), "run_id": run_id})
        else:
            tx.execute("quarantine_release", {"stage": "raw", "batch": source,
                                              "start": interval.start, "end": interval.end})
            loaded = _load_mentions(tx, staged, interval, run_id, late)
            summary.counts.update(loaded)
            tx.execute("crawl_run_items_new", {**window, "items_new": loaded["new"]})
    log.info(result.summary_line())
    if not result.passed:
        if alert:
            alert(result, report)
        raise GateFailed(result.summary_line())
    return summary


def _payload_of(row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None:
        return {}
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def store_mentions(tx: Any, rows: list[dict[str, Any]], interval: Interval, run_id: str,
                   late: bool = False) -> list[dict[str, Any]]:
    """Upsert mention payloads (``_mention_payload`` shape) in one statement; returns
    ``id``, ``source``, ``external_id`` and ``inserted`` per row."""
    if not rows:
        return []
    return tx.fetch_all("mention_upsert_batch", {
        "rows": json_param(rows), "interval_start": interval.start,
        "interval_end": interval.end, "run_id": run_id, "late": late})


def _load_mentions(tx: Any, staged: list[dict[str, Any]], interval: Interval,
                   run_id: str, late: bool = False) -> dict[str, int]:
    """Upsert the staged batch into ``mention`` and snapshot engagement at the interval's end."""
    new = [item["payload"] for item in staged if not item["refreshed"]]
    refreshed = [item["payload"] for item in staged if item["refreshed"]]
    stored = store_mentions(tx, new, interval, run_id, late)
    updated = tx.fetch_all("mention_refresh_batch", {"rows": json_param(refreshed)}) if refreshed else []
    tx.execute("snapshot_upsert_batch", {"rows": json_param(new + refreshed),
                                         "observed_at": interval.end})
    return {"new": sum(1 for row in stored if row["inserted"]), "refreshed": len(updated)}


# --- scoring -------------------------------------------------------------------------------


# Scoring reads at most this much of a text: the verdict is in the first pages, and a
# megabyte-long thread must not stall a batch (the whole text stays stored).
SCORED_TEXT_LIMIT = 20_000


def _score_mentions(tx: Any, ids: list[int], scorer: Any, at: datetime,
                    summary: StageSummary) -> None:
    """Score (or re-score) mentions for every configured brand, as of ``at``."""
    rows = tx.fetch_all("score_input", {"ids": ids})
    items = [{
        "id": row["id"], "text": row["text"][:SCORED_TEXT_LIMIT],
        # A forum post's title is its thread's: context, not the post's own words.
        "title": None if row["source_type"] == "forum_post" else row["title"],
        "context": row["context"], "page_brand": row["page_brand"],
        "source_type": row["source_type"], "author_followers": row["author_followers"],
        "reactions": row["reactions"], "comments": row["comments"],
        "shares": row["shares"], "replies": row["replies"],
        "age_hours": max(0.0, (at - row["published_at"]).total_seconds() / 3600),
    } for row in rows]
    scores: list[dict[str, Any]] = []
    for row, item, brand_scores in zip(rows, items, scorer.score_many(items)):
        normalized = scorer.normalize(" ".join(filter(None, [item["title"], item["text"]])))
        for score in brand_scores:
            scores.append({
                "mention_id": row["id"], "brand": score.brand, "relevant": score.relevant,
                "sentiment": score.sentiment, "sentiment_score": score.sentiment_score,
                "topic": score.topic, "level": score.level, "reasons": score.reasons,
                "normalized_text": _storable(normalized)})
            if score.brand == scorer.default_brand:
                summary.counts["relevant"] += int(score.relevant)
                summary.counts["level>=1"] += int(score.relevant and score.level >= 1)
    if scores:
        tx.execute("score_upsert_batch", {"rows": json_param(scores),
                                          "model_version": scorer.model_version, "scored_at": at})
    tx.execute("mention_mark_scored", {"ids": [r["id"] for r in rows if r["state"] == "new"]})
    summary.counts["mentions"] = len(rows)


def score_batch(wh: Warehouse, source: str, interval: Interval, run_id: str,
                scorer: Any) -> StageSummary:
    """Score the batch's unscored mentions for every configured brand."""
    summary = StageSummary("score", source, {"mentions": 0, "relevant": 0, "level>=1": 0})
    with wh.transaction() as tx:
        ids = [r["id"] for r in tx.fetch_all("batch_ids_to_score", {
            "source": source, "start": interval.start, "end": interval.end})]
        _score_mentions(tx, ids, scorer, interval.end, summary)
    return summary


def rescore_period(wh: Warehouse, period: Interval, scorer: Any, at: datetime
                   ) -> tuple[StageSummary, list[int]]:
    """Re-score the stored mentions published in ``period`` with the current model and rules."""
    summary = StageSummary("rescore", period.key(), {"mentions": 0, "relevant": 0, "level>=1": 0})
    with wh.transaction() as tx:
        ids = [r["id"] for r in tx.fetch_all("period_ids_to_rescore", {
            "start": period.start, "end": period.end})]
        _score_mentions(tx, ids, scorer, at, summary)
    summary.notes.append(f"model {scorer.model_version}")
    return summary, ids


def gate_scored(wh: Warehouse, source: str, interval: Interval, run_id: str, *,
                alert: Callable[[Any, Path], None] | None = None,
                ids: list[int] | None = None) -> StageSummary:
    """Judge the scores of a batch (a source's interval, or the given mention ``ids`` of a
    re-scoring run); quarantine the mentions whose scores are invalid."""
    from smcc.gates import run_gate

    if ids is None:
        ids = [r["id"] for r in wh.fetch_all("batch_ids_scored", {
            "source": source, "start": interval.start, "end": interval.end})]
    rows = wh.fetch_all("scored_rows", {"ids": ids})
    for row in rows:
        row["mention_key"] = f"{row['source']}:{row['external_id']}"
        row["key"] = f"{row['mention_key']}:{row['brand']}"
    result = run_gate("scored", rows, batch=source, interval=interval)
    report = _write_report(result, interval, run_id)
    by_key = {row["key"]: row for row in rows}
    with wh.transaction() as tx:
        _record_gate(tx, result, interval, run_id, report)
        if result.passed:
            released = tx.fetch_all("quarantine_release", {
                "stage": "scored", "batch": source, "start": interval.start, "end": interval.end})
            tx.execute("mention_release", {"ids": [r["mention_id"] for r in released]})
        else:
            bad_ids = []
            for key, reasons in result.failing_rows.items():
                row = by_key[key]
                bad_ids.append(row["mention_id"])
                tx.execute("quarantine_insert", {
                    "stage": "scored", "batch": source, "start": interval.start,
                    "end": interval.end, "row_key": key, "mention_id": row["mention_id"],
                    "payload": json_param(_payload_of(row)), "reasons": json_param(reasons),
                    "run_id": run_id})
            tx.execute("mention_quarantine", {"ids": bad_ids})
    log.info(result.summary_line())
    if not result.passed:
        if alert:
            alert(result, report)
        raise GateFailed(result.summary_line())
    return StageSummary("gate_scored", source, {"rows": len(rows)})


# --- escalation ----------------------------------------------------------------------------


def escalate(wh: Warehouse, interval: Interval, run_id: str, scorer: Any, routing: Any,
             links: Any, discovered_at: datetime | None = None,
             mention_ids: list[int] | None = None) -> tuple[StageSummary, list[int]]:
    """Group new relevant mentions into stories, recompute levels, open or raise tickets.

    ``discovered_at`` is when this run actually found its mentions; a story found only late
    (all mentions late, none still growing) gets a late ticket whose deadline counts from it.
    Runs under a warehouse-wide advisory lock, so a live run and a backfill run finishing at
    the same time cannot both open a ticket for one story. ``mention_ids`` (a re-scoring run)
    also refreshes the stories those mentions belong to: levels that rise raise the ticket,
    levels that fall are recorded on it, never applied silently.
    """
    from smcc.db import ESCALATION_LOCK
    from smcc.stories import assign_stories, refresh_stories
    from smcc.tickets import current_tickets, sync_ticket

    summary = StageSummary("escalate", "all", {"stories": 0, "created": 0, "level_raised": 0})
    with wh.transaction() as tx:
        tx.lock(ESCALATION_LOCK)
        touched = assign_stories(tx, interval.end, scorer.default_brand)
        touched |= {row["id"] for row in tx.fetch_all("stories_missing_ticket")}
        if mention_ids:
            touched |= {row["story_id"] for row in tx.fetch_all(
                "stories_of_mentions", {"ids": mention_ids})}
        stories = tx.fetch_all("stories_meta", {"story_ids": sorted(touched)})
        refreshed = refresh_stories(tx, stories, interval.end, scorer.level_thresholds())
        current = current_tickets(tx, sorted(refreshed))
        for meta in stories:
            if meta["id"] not in refreshed:
                continue  # re-scoring left the story without relevant mentions
            if not meta["own_brand"]:
                continue  # a competitor's story: followed, never ticketed
            story, mentions = refreshed[meta["id"]]
            event = sync_ticket(tx, story, meta["topic"], mentions, routing, links, interval.end,
                                discovered_at=discovered_at or interval.end, tickets=current)
            if event:
                summary.counts[event] += 1
    summary.counts["stories"] = len(touched)
    return summary, sorted(touched)


def gate_escalation(wh: Warehouse, story_ids: list[int], interval: Interval, run_id: str, *,
                    routing: Any, alert: Callable[[Any, Path], None] | None = None
                    ) -> StageSummary:
    """Every level >= 1 story touched by this run has one ticket, a correct deadline, an e-mail."""
    from smcc.gates import run_gate

    rows = wh.fetch_all("escalation_rows", {
        "story_ids": story_ids,
        "digest_late_level1": routing.late_policy.level1_to_digest})
    for row in rows:
        row["key"] = str(row["story_id"])
        level = row["ticket_level"] or row["level"]
        row["sla_hours"] = routing.sla(level).total_seconds() / 3600
    result = run_gate("escalation", rows, batch="all", interval=interval)
    report = _write_report(result, interval, run_id)
    with wh.transaction() as tx:
        _record_gate(tx, result, interval, run_id, report)
    log.info(result.summary_line())
    if not result.passed:
        if alert:
            alert(result, report)
        raise GateFailed(result.summary_line())
    return StageSummary("gate_escalation", "all", {"stories": len(rows)})


def queue_gate_alert(wh: Warehouse, result: Any, report: Path, run_id: str, routing: Any,
                     at: datetime) -> str:
    """Put the engineers' alert for a failed gate into the outbox; returns its Message-ID."""
    from smcc.escalation.render import render_gate_alert
    from smcc.tickets import MESSAGE_DOMAIN

    lines = [result.summary_line(), *[
        f"{o.name} ({getattr(o, 'column', '') or '-'}): {getattr(o, 'description', '')}"
        for o in result.critical_failures]]
    email = render_gate_alert(result.stage, result.batch, run_id, lines, report.as_uri(), routing)
    safe_run = "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)
    mid = f"<gate.{result.stage}.{result.batch}.{at:%Y%m%dT%H%M}.{safe_run}@{MESSAGE_DOMAIN}>"
    with wh.transaction() as tx:
        tx.execute("outbox_insert", {
            "message_id": mid, "ticket_id": None, "kind": "gate_alert",
            "recipients": json_param(routing.engineers), "subject": email.subject,
            "body_text": email.text, "body_html": email.html, "created_at": at})
    return mid
