"""Run ``smcc_listen`` locally through the real Airflow, on embedded services.

Used by ``make demo`` (``smcc demo``) and by the end-to-end tests: it starts an embedded
PostgreSQL, an SMTP sink and the replay server of bundled sample sources, points Airflow
connections at them through environment variables, and runs ``airflow dags test`` for one
data interval with an ``AIRFLOW_HOME`` under ``var/``.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from smcc import settings
from smcc.db import migrate
from smcc.services import EmbeddedPostgres, MailSink, PostgresEndpoint

# The demo's data interval; the replay server dates its sample items relative to its end.
DEMO_INTERVAL_END = datetime.fromisoformat("2026-12-01T09:15:00+07:00")


@dataclass
class LocalStack:
    """Running local services and the environment that points Airflow at them."""

    pg: PostgresEndpoint
    sink: MailSink
    replay_url: str
    env: dict[str, str]


def link_secret(var: Path) -> str:
    """A per-checkout secret for the demo's signed links, kept under var/ (never committed)."""
    if os.environ.get("SMCC_LINK_SECRET"):
        return os.environ["SMCC_LINK_SECRET"]
    path = var / "link_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def airflow_env(var: Path, pg: PostgresEndpoint, sink: MailSink, replay_url: str) -> dict[str, str]:
    home = var / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(settings.REPO_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(settings.REPO_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": os.environ.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO"),
        "AIRFLOW_CONN_SMCC_WAREHOUSE": pg.airflow_conn_json(),
        "AIRFLOW_CONN_SMTP_DEFAULT": sink.smtp_conn_json(),
        # The replay server's Graph API accepts any token; a real page needs a real one.
        "AIRFLOW_CONN_SMCC_FACEBOOK_SAMPLE": '{"conn_type": "generic", "password": "replay-token"}',
        "SMCC_SOURCES_FILE": os.environ.get(
            "SMCC_SOURCES_FILE", str(settings.config_dir() / "sources.sample.yaml")),
        "SMCC_REPLAY_URL": replay_url,
        "SMCC_LINK_SECRET": link_secret(var),
        "SMCC_VAR_DIR": str(var),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.REPO_ROOT / "include"),
                                                    os.environ.get("PYTHONPATH")])),
    }


def start_stack(stack: ExitStack, var: Path, clock: datetime) -> LocalStack:
    from smcc.replay import ReplayServer

    pg = stack.enter_context(EmbeddedPostgres(var / "pg"))
    sink = stack.enter_context(MailSink(var / "mail"))
    replay = stack.enter_context(ReplayServer(clock=clock))
    migrate(pg.dsn)
    return LocalStack(pg, sink, replay.url, airflow_env(var, pg, sink, replay.url))


def airflow(args: list[str], env: dict[str, str], log_path: Path) -> int:
    """Run an ``airflow`` CLI command, its output appended to ``log_path``."""
    exe = Path(sys.executable).with_name("airflow")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n$ airflow {' '.join(args)}\n")
        log.flush()
        return subprocess.call([str(exe), *args], env=env, stdout=log, stderr=subprocess.STDOUT)


def run_interval(env: dict[str, str], interval_end: datetime, log_path: Path) -> int:
    """``airflow dags test smcc_listen`` for the interval ending at ``interval_end``.

    A manual run's data interval is the last complete one before its date, so the run is
    dated at the interval's end.
    """
    home = Path(env["AIRFLOW_HOME"])
    if not (home / "airflow.db").exists():
        code = airflow(["db", "migrate"], env, log_path)
        if code:
            return code
    return airflow(["dags", "test", "smcc_listen", interval_end.isoformat()], env, log_path)
