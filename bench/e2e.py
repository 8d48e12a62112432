"""One ``smcc_listen`` interval end to end through the real Airflow, and the detection latency.

    PYTHONPATH=include .venv/bin/python bench/e2e.py [--sources 20] [--items 200] [--relevant-share 0.2]

``--sources`` synthetic sources (types in turn: rss, news_sitemap, forum, facebook_graph), each
with ``--items`` Vietnamese items published in the 15-minute interval (``--relevant-share`` of
them about the brand, the rest everyday chatter), each on its own replay server; a sources file generated into a temporary folder (``SMCC_SOURCES_FILE``); embedded
PostgreSQL (or a fresh database on SMCC_DATABASE_URL's server) and an SMTP sink that notes when
each e-mail arrives. The run is ``airflow dags test smcc_listen <interval end>``, as ``smcc demo``
runs it (tasks one after another in one process), after an untimed ``airflow db migrate``.

Detection latency of an item that ended in a ticket: (interval end - its publication at the
replay server) + (wall time from the start of the run to its ticket's first e-mail arriving at the
SMTP server); the run can start when the interval ends. Targets: 4,000 items in one interval
under 60 s on 2 cores; latency <= 15 + 2 min.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from psycopg2.extensions import make_dsn, parse_dsn

from benchlib import embedded_postgres, fresh_warehouse, print_machine, print_table
from smcc.db import Warehouse
from smcc.localrun import airflow, airflow_env
from smcc.models import Interval
from smcc.replay import ReplayServer
from smcc.replay.synthetic import KINDS, synthetic_source
from smcc.services import MailSink, PostgresEndpoint

END = datetime.fromisoformat("2026-12-01T09:15:00+07:00")
INTERVAL = Interval(END - timedelta(minutes=15), END)
RUN_TIMEOUT_SECONDS = 900
HTTP_DEFAULTS = {"contact_url": "https://github.com/smcc-project/smcc", "min_delay_seconds": 0,
                 "connect_timeout_seconds": 2, "read_timeout_seconds": 10, "max_retries": 2,
                 "backoff_seconds": 0.2, "max_retry_after_seconds": 2}


@dataclass
class RunResult:
    """What one interval cost and produced."""

    sources: int
    items: int
    exit_code: int
    wall_seconds: float
    stored: int
    tickets: int
    emails: int
    gates_failed: int
    latencies: list[float] = field(default_factory=list)  # seconds, one per ticketed item e-mailed
    unmailed: int = 0  # ticketed items whose ticket e-mail did not leave in this run
    task_seconds: dict[str, float] = field(default_factory=dict)  # summed over mapped instances

    @property
    def per_item_ms(self) -> float:
        return 1000 * self.wall_seconds / max(1, self.items)


def migrated_airflow_home(folder: Path) -> Path:
    """An AIRFLOW_HOME whose metadata database is migrated once and copied into each run."""
    home = folder / "airflow-template"
    if not (home / "airflow.db").exists():
        env = {**airflow_env(folder / "template-var", _no_pg(), MailSink(), "http://127.0.0.1:1"),
               "AIRFLOW_HOME": str(home)}
        home.mkdir(parents=True, exist_ok=True)
        if airflow(["db", "migrate"], env, folder / "airflow-migrate.log"):
            raise RuntimeError(f"airflow db migrate failed: see {folder / 'airflow-migrate.log'}")
    return home


def _no_pg() -> PostgresEndpoint:
    return PostgresEndpoint("127.0.0.1", 1, "nobody", "", "none")


def _endpoint(dsn: str) -> PostgresEndpoint:
    parts = parse_dsn(dsn)
    return PostgresEndpoint(parts["host"], int(parts.get("port", 5432)), parts["user"], parts.get("password", ""),
                            parts["dbname"])


def run_interval(server: dict[str, str], folder: Path, template_home: Path, sources: int, items: int,
                 label: str, relevant_share: float) -> RunResult:
    """Start the replay servers and the sink, run one interval, measure it; stop everything."""
    var = folder / label
    built = [synthetic_source(KINDS[n % len(KINDS)], n, items, relevant_share=relevant_share)
             for n in range(sources)]
    with ExitStack() as stack:
        dsn = stack.enter_context(fresh_warehouse(server, f"smcc_bench_{label}"))
        sink = stack.enter_context(MailSink(var / "mail"))
        servers = [stack.enter_context(ReplayServer(clock=END, content=s.content)) for s in built]
        sources_file = var / "sources.yaml"
        sources_file.parent.mkdir(parents=True, exist_ok=True)
        sources_file.write_text(yaml.safe_dump({"http": HTTP_DEFAULTS, "sources": [
            s.config(r.url) for s, r in zip(built, servers)]}, allow_unicode=True), encoding="utf-8")
        env = {**airflow_env(var, _endpoint(dsn), sink, servers[0].url), "SMCC_SOURCES_FILE": str(sources_file)}
        shutil.copy2(template_home / "airflow.db", Path(env["AIRFLOW_HOME"]) / "airflow.db")
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{env['AIRFLOW_HOME']}/airflow.db"
        log = var / "airflow.log"
        started = time.time()
        code = _dags_test(env, log)
        wall = time.time() - started
        result = RunResult(sources, sources * items, code, wall, *_outcome(dsn, sink))
        result.latencies, result.unmailed = _latencies(dsn, sink, started)
        result.task_seconds = _task_seconds(log)
    return result


def _dags_test(env: dict[str, str], log_path: Path) -> int:
    """``airflow dags test`` as ``localrun`` runs it, bounded so a bench cannot hang (-1: timed out)."""
    exe = Path(sys.executable).with_name("airflow")
    with log_path.open("a", encoding="utf-8") as log:
        try:
            return subprocess.run([str(exe), "dags", "test", "smcc_listen", END.isoformat()], env=env, stdout=log,
                                  stderr=subprocess.STDOUT, timeout=RUN_TIMEOUT_SECONDS, check=False).returncode
        except subprocess.TimeoutExpired:
            return -1


def _outcome(dsn: str, sink: MailSink) -> tuple[int, int, int, int]:
    with Warehouse(dsn) as wh, wh.transaction() as tx:
        counts = []
        for sql in ("SELECT count(*) AS n FROM mention", "SELECT count(*) AS n FROM ticket",
                    "SELECT count(*) AS n FROM gate_result WHERE NOT passed"):
            tx.cur.execute(sql)
            counts.append(tx.cur.fetchone()["n"])
    return counts[0], counts[1], len(sink.arrivals), counts[2]


def _latencies(dsn: str, sink: MailSink, run_started: float) -> tuple[list[float], int]:
    """Per ticketed item: seconds from publication to the interval end, plus run time to its
    ticket's first e-mail; and how many ticketed items had no e-mail in this run."""
    with Warehouse(dsn) as wh, wh.transaction() as tx:
        tx.cur.execute("SELECT o.ticket_id, o.message_id FROM outbox o WHERE o.ticket_id IS NOT NULL")
        first_mail: dict[int, float] = {}
        for row in tx.cur.fetchall():
            arrived = sink.arrivals.get(row["message_id"])
            if arrived is not None:
                first_mail[row["ticket_id"]] = min(arrived, first_mail.get(row["ticket_id"], arrived))
        tx.cur.execute("SELECT DISTINCT t.id AS ticket_id, m.id, m.published_at FROM ticket t "
                       "JOIN score s ON s.story_id = t.story_id JOIN mention m ON m.id = s.mention_id")
        rows = tx.cur.fetchall()
    latencies = [(END - row["published_at"]).total_seconds() + first_mail[row["ticket_id"]] - run_started
                 for row in rows if row["ticket_id"] in first_mail]
    return latencies, len(rows) - len(latencies)


_TASK_MARK = re.compile(r"^(\S+) .*\[DAG TEST\] (starting|end task) task_id=(\S+) map_index=(\S+)")


def _task_seconds(log_path: Path) -> dict[str, float]:
    """Seconds per task, summed over its mapped instances, from the ``[DAG TEST]`` log marks."""
    started: dict[tuple[str, str], datetime] = {}
    totals: dict[str, float] = defaultdict(float)
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not (mark := _TASK_MARK.match(line)):
            continue
        stamp, what, task_id, map_index = mark.groups()
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if what == "starting":
            started[(task_id, map_index)] = moment
        elif (task_id, map_index) in started:
            totals[task_id.split(".")[-1]] += (moment - started.pop((task_id, map_index))).total_seconds()
    return dict(totals)


def describe(result: RunResult) -> str:
    lat = sorted(result.latencies)
    latency = (f"latency median {statistics.median(lat) / 60:.1f} min, max {lat[-1] / 60:.1f} min over {len(lat)} "
               f"ticketed items, {result.unmailed} more without an e-mail in this run" if lat else "no ticketed item")
    return (f"{result.items} items from {result.sources} sources in {result.wall_seconds:.1f} s "
            f"(exit {result.exit_code}; {result.stored} stored, {result.tickets} tickets, {result.emails} e-mails, "
            f"{result.gates_failed} failed gates); {latency}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--items", type=int, default=200, help="items per source in the interval")
    parser.add_argument("--relevant-share", type=float, default=0.2,
                        help="share of texts from the telecom corpus (about the brand, mostly complaints)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="smcc-bench-e2e-"))
    folder.chmod(0o755)
    try:
        with embedded_postgres() as server:
            print_machine(make_dsn(**server))
            result = run_interval(server, folder, migrated_airflow_home(folder), args.sources, args.items, "e2e",
                                  args.relevant_share)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print_table(("task", "seconds (sum over sources)"),
                [(task, f"{seconds:.1f}") for task, seconds in sorted(result.task_seconds.items(),
                                                                     key=lambda kv: -kv[1])])
    lat = sorted(result.latencies)
    print_table(("figure", "value", "target", "verdict"), [
        ("items in the interval", result.items, "", ""),
        ("run wall time (s)", f"{result.wall_seconds:.1f}", "< 60 for 4,000 items",
         ("pass" if result.exit_code == 0 and result.wall_seconds < 60 else "FAIL") if result.items >= 4000
         else "n/a (< 4,000 items)"),
        ("latency median (min)", f"{statistics.median(lat) / 60:.1f}" if lat else "-", "<= 17", ""),
        ("latency max (min)", f"{lat[-1] / 60:.1f}" if lat else "-", "<= 17",
         "pass" if lat and lat[-1] <= 17 * 60 and not result.unmailed else "FAIL"),
        ("ticketed items not e-mailed in the run", result.unmailed, "0", "pass" if not result.unmailed else "FAIL"),
    ])
    print("summary: " + describe(result))
    return 0 if result.exit_code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
