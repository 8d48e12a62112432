"""Shared fixtures: a real PostgreSQL (embedded pgserver, or SMCC_TEST_DATABASE_URL), a real
SMTP server on 127.0.0.1, and the shared data folder."""

from __future__ import annotations

import itertools
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg2.extensions import parse_dsn

from smcc import settings
from smcc.db import Warehouse
from smcc.services import MailSink, postgres_server, scratch_database

from listen import END

_counter = itertools.count()
# pgserver logs from an atexit hook, after pytest has closed the streams.
logging.getLogger("pgserver").setLevel(logging.WARNING)

# Airflow reads its configuration at import: give each test process (each xdist worker) a
# private home, with its own SQLite metadata database, before anything imports it.
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="smcc-airflow-")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(settings.REPO_ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(settings.REPO_ROOT / "plugins")


@pytest.fixture(scope="session")
def airflow_home() -> Path:
    """A migrated Airflow metadata database (SQLite) in the session's private AIRFLOW_HOME."""
    home = Path(os.environ["AIRFLOW_HOME"])
    if not (home / "airflow.db").exists():
        import subprocess
        import sys

        airflow = Path(sys.executable).with_name("airflow")
        subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True,
                       timeout=300)
    return home


@pytest.fixture(scope="session")
def pg_server() -> Iterator[dict[str, str]]:
    """Connection parameters of a PostgreSQL server the tests may create databases on:
    ``SMCC_TEST_DATABASE_URL`` (needs CREATEDB), else an embedded pgserver."""
    with postgres_server("SMCC_TEST_DATABASE_URL") as server:
        yield server


@pytest.fixture(scope="session")
def template_db(pg_server: dict[str, str]) -> Iterator[str]:
    """A migrated warehouse used as the template of each test's own database."""
    name = f"smcc_tpl_{os.getpid()}"
    with scratch_database(pg_server, name, migrated=True):
        yield name


@pytest.fixture
def warehouse_dsn(pg_server: dict[str, str], template_db: str) -> Iterator[str]:
    """DSN of a fresh, migrated warehouse database for one test."""
    with scratch_database(pg_server, f"smcc_t_{os.getpid()}_{next(_counter)}",
                          template=template_db) as dsn:
        yield dsn


@pytest.fixture
def warehouse(warehouse_dsn: str) -> Iterator[Warehouse]:
    with Warehouse(warehouse_dsn) as wh:
        yield wh


@pytest.fixture
def mail_sink(tmp_path: Path) -> Iterator[MailSink]:
    with MailSink(tmp_path / "mail") as sink:
        yield sink


@pytest.fixture
def shared_dir() -> Path:
    path = settings.shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared data folder not found at {path} (set SMCC_SHARED_DIR)")
    return path


@pytest.fixture
def replay():
    from smcc.replay import ReplayServer

    with ReplayServer(clock=END) as server:
        yield server


@pytest.fixture
def listen_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, warehouse_dsn: str,
               mail_sink: MailSink, replay, airflow_home: Path) -> dict[str, str]:
    pg = parse_dsn(warehouse_dsn)
    env = {
        "AIRFLOW_CONN_SMCC_WAREHOUSE": json.dumps({
            "conn_type": "postgres", "host": pg["host"], "port": int(pg.get("port", 5432)),
            "login": pg.get("user"), "password": pg.get("password", ""),
            "schema": pg["dbname"]}),
        "AIRFLOW_CONN_SMTP_DEFAULT": mail_sink.smtp_conn_json(),
        "AIRFLOW_CONN_SMCC_FACEBOOK_SAMPLE": '{"conn_type": "generic", "password": "t"}',
        "SMCC_SOURCES_FILE": str(settings.config_dir() / "sources.sample.yaml"),
        "SMCC_REPLAY_URL": replay.url,
        "SMCC_LINK_SECRET": "test-secret-0123456789abcdef",
        "SMCC_VAR_DIR": str(tmp_path / "var"),
        "SMCC_RETRY_DELAY_SECONDS": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env
