"""Operator views of the sources: last successful interval, gaps, and the backfill that fills them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from smcc.db import Warehouse

LISTEN_INTERVAL = timedelta(minutes=15)


@dataclass
class SourceGaps:
    source: str
    paused: bool
    last_success: datetime | None  # end of the last successfully crawled interval
    gaps: list[tuple[datetime, datetime]]  # [start, end) runs of intervals never crawled OK


def _grid(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    epoch = datetime(2000, 1, 1, tzinfo=start.tzinfo)
    first = epoch + ((start - epoch) // step) * step
    if first < start:
        first += step
    moments = []
    while first + step <= end:
        moments.append(first)
        first += step
    return moments


def find_gaps(wh: Warehouse, start: datetime, end: datetime,
              step: timedelta = LISTEN_INTERVAL) -> list[SourceGaps]:
    """Per enabled source, the intervals of ``[start, end)`` without a successful crawl."""
    result = []
    for src in wh.fetch_all("sources_enabled"):
        done = {r["interval_start"] for r in wh.fetch_all(
            "crawl_successes", {"source": src["name"], "start": start, "end": end})}
        missing = [s for s in _grid(start, end, step) if s not in done]
        runs: list[tuple[datetime, datetime]] = []
        for s in missing:
            if runs and runs[-1][1] == s:
                runs[-1] = (runs[-1][0], s + step)
            else:
                runs.append((s, s + step))
        last = wh.fetch_one("crawl_last_success", {"source": src["name"]})
        result.append(SourceGaps(src["name"], src["paused"],
                                 last["interval_end"] if last else None, runs))
    return result


def backfill_command(gap: tuple[datetime, datetime], step: timedelta = LISTEN_INTERVAL) -> str:
    """The ``airflow backfill create`` that re-runs every interval of the gap.

    A run's logical date is its interval's start, so the dates span the first to the last
    interval start of the gap.
    """
    first, last = gap[0], gap[1] - step
    return (f"airflow backfill create --dag-id smcc_listen --from-date {first.isoformat()} "
            f"--to-date {last.isoformat()} --reprocess-behavior failed")
