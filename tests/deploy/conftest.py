"""A running ``airflow api-server`` with the SMCC plugin, SimpleAuthManager users ``admin`` and
``viewer``, and a seeded warehouse of its own (shared by the UI tests of the session)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from smcc import settings
from smcc.db import Warehouse
from smcc.models import Interval
from smcc.services import scratch_database
from smcc.tickets import LinkSettings

from .processes import Processes, free_port
from .seed import raw_rows, seed_gate, seed_tickets

PASSWORDS = {"admin": "admin", "viewer": "viewer"}
LINK_SECRET = "ui-test-link-secret-0123456789"
# Deadlines are computed from this interval; keep it recent so tickets are not long overdue.
INTERVAL_END = datetime.now(timezone.utc).replace(second=0, microsecond=0)
INTERVAL = Interval(INTERVAL_END - timedelta(minutes=15), INTERVAL_END)


@dataclass
class UiServer:
    url: str
    dsn: str
    tickets: list[str]
    links: LinkSettings
    gates: dict[str, bool]
    artifacts: Path

    def token(self, user: str) -> str:
        """A JWT from Airflow's own login endpoint."""
        response = requests.post(f"{self.url}/auth/token",
                                 json={"username": user, "password": PASSWORDS[user]}, timeout=30)
        response.raise_for_status()
        return response.json()["access_token"]

    def ticket_state(self, number: str) -> str:
        with Warehouse(self.dsn) as wh:
            return wh.fetch_one("ticket_by_number", {"number": number})["state"]

    def ticket_actor(self, number: str, kind: str) -> str | None:
        """Who the ticket's ``kind`` event was recorded for."""
        with Warehouse(self.dsn) as wh:
            ticket = wh.fetch_one("ticket_by_number", {"number": number})
            events = wh.fetch_all("ticket_events", {"ticket_id": ticket["id"]})
        return next((e["actor"] for e in events if e["kind"] == kind), None)


@pytest.fixture(scope="session")
def ui_warehouse_dsn(pg_server: dict[str, str], template_db: str) -> Iterator[str]:
    with scratch_database(pg_server, f"smcc_ui_{os.getpid()}", template=template_db) as dsn:
        yield dsn


def _conn_json(dsn: str) -> str:
    from psycopg2.extensions import parse_dsn

    pg = parse_dsn(dsn)
    return json.dumps({"conn_type": "postgres", "host": pg["host"],
                       "port": int(pg.get("port", 5432)), "login": pg.get("user"),
                       "password": pg.get("password", ""), "schema": pg["dbname"]})


@pytest.fixture(scope="session")
def ui_server(airflow_home: Path, ui_warehouse_dsn: str,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    from smcc.escalation.routing import load_routing

    tmp = tmp_path_factory.mktemp("ui")
    reports = tmp / "reports"
    links = LinkSettings(base_url="", secret=LINK_SECRET.encode())
    with Warehouse(ui_warehouse_dsn) as wh:
        tickets = seed_tickets(wh, load_routing(), links, INTERVAL)
        gates = {"passed": seed_gate(wh, reports, INTERVAL, raw_rows(INTERVAL, False)).passed,
                 "failed": seed_gate(wh, reports, INTERVAL, raw_rows(INTERVAL, True)).passed}
    (tmp / "passwords.json").write_text(json.dumps(PASSWORDS))
    port = free_port()
    env = {
        **os.environ,
        "AIRFLOW__CORE__AUTH_MANAGER":
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,viewer:viewer",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(tmp / "passwords.json"),
        "AIRFLOW__API_AUTH__JWT_SECRET": "ui-test-jwt-secret-0123456789abcdef",
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(settings.REPO_ROOT / "plugins"),
        "AIRFLOW_CONN_SMCC_WAREHOUSE": _conn_json(ui_warehouse_dsn),
        "SMCC_LINK_SECRET": LINK_SECRET,
        "SMCC_PUBLIC_URL": f"http://127.0.0.1:{port}/smcc",
        "SMCC_REPORTS_DIR": str(reports),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.REPO_ROOT / "include"),
                                                    os.environ.get("PYTHONPATH")])),
    }
    url = f"http://127.0.0.1:{port}"
    with Processes(tmp / "logs") as procs:
        procs.airflow("api-server", ["api-server", "--port", str(port), "--host", "127.0.0.1",
                                     "--workers", "1"], env)
        procs.wait_until(lambda: _answers(f"{url}/api/v2/monitor/health"), 120, "the api-server")
        artifacts = settings.REPO_ROOT / "artifacts"
        artifacts.mkdir(exist_ok=True)
        yield UiServer(url, ui_warehouse_dsn, tickets,
                       LinkSettings(base_url=f"{url}/smcc", secret=LINK_SECRET.encode()),
                       gates, artifacts)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False
