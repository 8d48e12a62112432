"""What the warehouse holds right now, for `smcc status` and the demo's summary."""

from __future__ import annotations

from typing import Any

from smcc.db import Warehouse


def collect(wh: Warehouse) -> dict[str, Any]:
    with wh.transaction() as tx:
        counts = tx.fetch_one("status_counts")
        tickets = tx.fetch_all("status_tickets")
        outbox = tx.fetch_all("status_outbox")
        gates = tx.fetch_all("gate_latest")
        crawls = tx.fetch_all("status_last_crawls")
    return {
        **counts,
        "tickets_by_level": {str(level): sum(r["n"] for r in tickets if r["level"] == level)
                             for level in (1, 2, 3)},
        "tickets_by_state": _group(tickets, "state"),
        "outbox": _group(outbox, "state"),
        "gates": [{k: _plain(v) for k, v in g.items()} for g in gates],
        "sources": [{k: _plain(v) for k, v in c.items()} for c in crawls],
    }


def _group(rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        out[row[key]] = out.get(row[key], 0) + row["n"]
    return out


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def render_text(status: dict[str, Any]) -> str:
    lines = [
        f"Mentions stored:   {status['mentions']} ({status['mentions_quarantined']} quarantined)",
        f"Stories:           {status['stories']}",
        "Tickets by level:  " + ", ".join(
            f"level {lvl}: {n}" for lvl, n in status["tickets_by_level"].items()),
        "Tickets by state:  " + (", ".join(
            f"{k}: {v}" for k, v in status["tickets_by_state"].items()) or "none"),
        "E-mail outbox:     " + (", ".join(
            f"{k}: {v}" for k, v in status["outbox"].items()) or "empty"),
        "Gates (latest):",
    ]
    for gate in status["gates"]:
        verdict = "PASS" if gate["passed"] else "FAIL"
        warn = f", {len(gate['warnings'])} warning(s)" if gate["warnings"] else ""
        lines.append(f"  {verdict} {gate['stage']:<10} {gate['batch']:<24} "
                     f"{gate['row_count']} rows{warn}")
    lines.append("Sources (last crawl):")
    for src in status["sources"]:
        error = f" error: {src['error'][:80]}" if src["error"] else ""
        lines.append(f"  {src['source']:<24} {src['state']:<8} {src['items_found']} items, "
                     f"{src['pages_fetched']} pages{error}")
    return "\n".join(lines)
