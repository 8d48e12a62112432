"""DAG parse time per file, and peak memory of each task type of ``smcc_listen``.

    PYTHONPATH=include .venv/bin/python bench/parse_and_memory.py [--kind forum] [--items 200]

Parse: each file of dags/ in a fresh interpreter (as tests/test_dags.py does), timing
``DagBag(file)`` alone and the whole process (interpreter start and imports included): what a
DAG processor pays per file and per loop.

Memory: the stages of one source's batch (a synthetic ``--kind`` source with ``--items`` items
on a replay server) run one after another as plain functions of ``smcc.pipeline`` against an
embedded PostgreSQL and SMTP sink, each in a fresh interpreter as an Airflow task runs: peak
RSS of that process (``ru_maxrss``: interpreter, imports, models and the stage), its RSS before
the stage ran (imports only), and the peak of Python allocations during the stage
(``tracemalloc``; loading the scorer and the routing is part of the stage, as in the task).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import yaml
from psycopg2.extensions import make_dsn

from benchlib import embedded_postgres, fresh_warehouse, print_machine, print_table
from smcc.models import Interval
from smcc.settings import REPO_ROOT

END = datetime.fromisoformat("2026-12-01T09:15:00+07:00")
INTERVAL = Interval(END - timedelta(minutes=15), END)
RUN_ID = "bench__memory"
STAGES = ("crawl", "gate_raw", "score", "gate_scored", "escalate", "deliver")
_PARSE_PROBE = """
import json, sys, time
from airflow.dag_processing.dagbag import DagBag
start = time.perf_counter()
bag = DagBag(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - start, "dags": len(bag.dags), "errors": len(bag.import_errors)}))
"""


def parse_times(env: dict[str, str]) -> list[tuple[str, int, float, float]]:
    rows = []
    for path in sorted((REPO_ROOT / "dags").glob("*.py")):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _PARSE_PROBE, str(path)], env=env, capture_output=True,
                             text=True, timeout=300, check=True)
        process = time.perf_counter() - started
        probe = json.loads(out.stdout.strip().splitlines()[-1])
        if probe["errors"]:
            raise RuntimeError(f"{path.name} has import errors: {out.stderr[-2000:]}")
        rows.append((path.name, probe["dags"], probe["seconds"], process))
    return rows


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _stage(name: str, source: str, sink_port: int) -> Callable[[Any], Any]:
    """The work of one task, given a warehouse (imports happen before, loading inside)."""
    from smcc import pipeline
    from smcc.delivery import SmtpSettings, deliver_pending
    from smcc.escalation.routing import load_routing
    from smcc.nlp import Scorer
    from smcc.sources import build_source, load_sources
    from smcc.tickets import LinkSettings

    stages: dict[str, Callable[[Any], Any]] = {
        "crawl": lambda wh: pipeline.crawl_source(
            wh, build_source(next(c for c in load_sources() if c.name == source)), INTERVAL, RUN_ID),
        "gate_raw": lambda wh: pipeline.gate_raw(wh, source, INTERVAL, RUN_ID),
        "score": lambda wh: pipeline.score_batch(wh, source, INTERVAL, RUN_ID, Scorer.load()),
        "gate_scored": lambda wh: pipeline.gate_scored(wh, source, INTERVAL, RUN_ID),
        "escalate": lambda wh: pipeline.escalate(wh, INTERVAL, RUN_ID, Scorer.load(), load_routing(),
                                                 LinkSettings.from_env()),
        "deliver": lambda wh: deliver_pending(wh, SmtpSettings("127.0.0.1", sink_port), datetime.now(timezone.utc)),
    }
    return stages[name]


def child(name: str, dsn: str, source: str, sink_port: int) -> None:
    """Run one stage in this (fresh) process and print its memory figures as JSON."""
    import tracemalloc

    from smcc.db import Warehouse

    work = _stage(name, source, sink_port)
    before = _rss_mib()
    tracemalloc.start()
    started = time.perf_counter()
    with Warehouse(dsn) as wh:
        work(wh)
    seconds = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"before": before, "peak": _rss_mib(), "traced": traced_peak / 2**20, "seconds": seconds}))


def memory(kind: str, items: int, folder: Path, server: dict[str, str]) -> list[tuple[str, dict[str, float]]]:
    from smcc.db import Warehouse
    from smcc.pipeline import sync_sources
    from smcc.replay import ReplayServer
    from smcc.replay.synthetic import synthetic_source
    from smcc.services import MailSink
    from smcc.sources import load_sources

    built = synthetic_source(kind, 0, items)
    rows = []
    with fresh_warehouse(server, "smcc_bench_memory") as dsn, MailSink() as sink, \
            ReplayServer(clock=END, content=built.content) as replay:
        sources_file = folder / "sources.yaml"
        sources_file.write_text(yaml.safe_dump({"http": {"min_delay_seconds": 0}, "sources": [built.config(replay.url)]},
                                               allow_unicode=True), encoding="utf-8")
        env = {**os.environ, "SMCC_SOURCES_FILE": str(sources_file), "SMCC_VAR_DIR": str(folder / "var"),
               "SMCC_LINK_SECRET": "bench-secret-0123456789abcdef",
               "AIRFLOW_CONN_SMCC_FACEBOOK_SAMPLE": '{"conn_type": "generic", "password": "replay-token"}'}
        with Warehouse(dsn) as wh:
            sync_sources(wh, load_sources(sources_file))
        for stage in STAGES:
            out = subprocess.run([sys.executable, __file__, "--child", stage, "--dsn", dsn, "--source", built.name,
                                  "--sink-port", str(sink.port)], env=env, capture_output=True, text=True,
                                 timeout=600, check=False)
            if out.returncode:
                raise RuntimeError(f"stage {stage} failed:\n{out.stderr[-3000:]}")
            rows.append((stage, json.loads(out.stdout.strip().splitlines()[-1])))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="forum", help="source type of the measured batch")
    parser.add_argument("--items", type=int, default=200, help="items in the batch")
    parser.add_argument("--child", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--dsn", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--sink-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.dsn, args.source, args.sink_port)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="smcc-bench-mem-"))
    folder.chmod(0o755)
    env = {**os.environ, "AIRFLOW_HOME": str(folder / "airflow"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags")}
    try:
        with embedded_postgres() as server:
            print_machine(make_dsn(**server))
            parsed = parse_times(env)
            stages = memory(args.kind, args.items, folder, server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print_table(("DAG file", "dags", "DagBag s", "fresh process s"),
                [(name, dags, f"{bag:.2f}", f"{proc:.2f}") for name, dags, bag, proc in parsed])
    print(f"task memory: one {args.kind} source, {args.items} items, each stage in a fresh interpreter")
    print_table(("task", "RSS before MiB", "peak RSS MiB", "traced peak MiB", "seconds"),
                [(stage, f"{m['before']:.0f}", f"{m['peak']:.0f}", f"{m['traced']:.1f}", f"{m['seconds']:.2f}")
                 for stage, m in stages])
    slowest = max(parsed, key=lambda row: row[2])
    heaviest = max(stages, key=lambda row: row[1]["peak"])
    print(f"summary: slowest DAG parse {slowest[0]} {slowest[2]:.2f} s (target < 1 s as tests/test_dags.py); "
          f"heaviest task {heaviest[0]} peaks at {heaviest[1]['peak']:.0f} MiB RSS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
