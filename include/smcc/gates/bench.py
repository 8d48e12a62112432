"""Time the raw gate on a synthetic batch: ``python -m smcc.gates.bench [rows]``.

Prints the one-off cost of importing GX and building its context, then the gate's own time
(frame + validation) on a clean batch and on a batch where every tenth row is bad.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from smcc.gates import run_gate, warm_up
from smcc.models import Interval

INTERVAL = Interval(datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 1, 1, 1, tzinfo=timezone.utc))
TEXT = "Mạng MobiFone ở quận 7 chập chờn từ sáng, gọi tổng đài mãi không ai nghe máy. " * 4


def synthetic_rows(count: int, bad_every: int = 0) -> list[dict[str, Any]]:
    rows = []
    for i in range(count):
        bad = bad_every and i % bad_every == 0
        rows.append({
            "key": f"voz:{i}", "source": "voz", "external_id": str(i), "source_type": "forum_post",
            "url": "htp:/broken" if bad else f"https://voz.vn/t/{i}",
            "published_at": INTERVAL.start + timedelta(seconds=i % 3600),
            "text": TEXT, "title": None, "author": f"user{i % 97}", "author_followers": None,
            "reactions": -1 if bad else i % 13, "comments": i % 5, "shares": 0,
        })
    return rows


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else 5000
    started = time.perf_counter()
    warm_up()
    print(f"gx import + context: {time.perf_counter() - started:.2f} s (once per process)")
    for label, rows in (("clean", synthetic_rows(count)), ("10% bad", synthetic_rows(count, bad_every=10))):
        timings = [run_gate("raw", rows, batch="voz", interval=INTERVAL).validation_seconds for _ in range(4)]
        print(f"raw gate, {label}: rows={count} seconds={min(timings):.3f} (best of 4; first run {timings[0]:.3f})")


if __name__ == "__main__":
    main(sys.argv[1:])
