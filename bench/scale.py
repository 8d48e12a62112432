"""How the cost of one ``smcc_listen`` interval grows with the number of items.

    PYTHONPATH=include .venv/bin/python bench/scale.py [--sources 20] [--items 2,20,200] [--relevant-share 0.2]

The interval of ``bench/e2e.py`` (same synthetic sources, replay servers, embedded services and
``airflow dags test``) at each item count per source, each on a fresh warehouse: 1x, 10x and
100x items by default (40, 400 and 4,000). Growth is "no faster than linear" when the cost per
item does not rise from one scale to the next; the fixed cost of a run (Airflow start, DAG
parse, one task per source and stage) dominates the small scales. Each run is bounded by
``e2e.RUN_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from psycopg2.extensions import make_dsn

from benchlib import embedded_postgres, print_machine, print_table
from e2e import RunResult, migrated_airflow_home, run_interval


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--items", default="2,20,200", help="items per source at each scale, comma-separated")
    parser.add_argument("--relevant-share", type=float, default=0.2, help="as in bench/e2e.py")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.items.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="smcc-bench-scale-"))
    folder.chmod(0o755)
    results: list[RunResult] = []
    try:
        with embedded_postgres() as server:
            print_machine(make_dsn(**server))
            home = migrated_airflow_home(folder)
            for items in counts:
                results.append(run_interval(server, folder, home, args.sources, items, f"x{items}",
                                            args.relevant_share))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = results[0]
    rows = []
    for result in results:
        lat = sorted(result.latencies)
        tasks = result.task_seconds
        rows.append((f"{result.items // base.items}x", result.items, f"{result.wall_seconds:.1f}",
                     f"{result.per_item_ms:.1f}", f"{result.wall_seconds - base.wall_seconds:.1f}",
                     f"{sum(tasks.values()):.1f}", f"{max(tasks.values(), default=0):.1f} {max(tasks, key=tasks.get, default='-')}",
                     f"{statistics.median(lat) / 60:.1f}" if lat else "-", result.exit_code))
    print_table(("scale", "items", "wall s", "ms/item", "s over 1x", "task s", "slowest task s",
                 "latency med min", "exit"), rows)
    # Marginal cost per item between consecutive scales: flat or falling means no worse than linear.
    marginal = [1000 * (b.wall_seconds - a.wall_seconds) / (b.items - a.items) for a, b in zip(results, results[1:])]
    trend = " -> ".join(f"{m:.1f}" for m in marginal)
    verdict = "no faster than linear" if all(m2 <= m1 * 1.25 for m1, m2 in zip(marginal, marginal[1:])) else \
        "FASTER than linear"
    print(f"summary: per item {' -> '.join(f'{r.per_item_ms:.1f}' for r in results)} ms; marginal ms/item "
          f"between scales {trend}: {verdict}")
    return 0 if all(r.exit_code == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
