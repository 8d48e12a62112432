"""Secrets stay secret on the demo path: the link secret, the SMTP password, the Facebook
token and the warehouse password are given to a real ``airflow dags test`` run (``smcc.localrun``)
and then looked for everywhere the run leaves text: the Airflow log, task logs and metadata
database under AIRFLOW_HOME, the gate reports, the delivered e-mails, every warehouse table."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from smcc.db import Warehouse, migrate
from smcc.localrun import DEMO_INTERVAL_END, airflow_env, run_interval
from smcc.replay import ReplayServer
from smcc.services import EmbeddedPostgres, MailSink

pytestmark = pytest.mark.integration

SECRETS = {
    "link secret": "LinkSecret-7f3a9c1e5b2d4f60a8",
    "SMTP password": "SmtpPass-0c8e41d7a2b95f36",
    "Facebook token": "FbToken-EAAB93kd02hdk3490sl",
    "warehouse password": "PgPass-5d1b7e9a0c3f2468",
}
SMTP_USER = "smcc-mailer"


class AuthenticatingSink(MailSink):
    """The SMTP sink, but it wants a login (over plain SMTP, as on a trusted relay)."""

    def __init__(self, mail_dir: Path, password: str) -> None:
        super().__init__(mail_dir)
        self.password = password
        self.logins: list[bool] = []

    def start(self) -> "AuthenticatingSink":
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = data.login == SMTP_USER.encode() and data.password == self.password.encode()
            self.logins.append(ok)
            return AuthResult(success=ok)

        super().start()
        handler = self._controller.handler
        self._controller.stop()
        self._controller = Controller(handler, hostname=self.host, port=self.port,
                                      authenticator=check, auth_require_tls=False,
                                      auth_required=True)
        self._controller.start()
        return self


@pytest.fixture
def var() -> Iterator[Path]:
    # pgserver runs postgres unprivileged when we are root: the folder must be reachable.
    folder = Path(tempfile.mkdtemp(prefix="smcc-secrets-"))
    folder.chmod(0o755)
    yield folder / "var"
    shutil.rmtree(folder, ignore_errors=True)


def _warehouse_text(dsn: str) -> str:
    with Warehouse(dsn) as wh, wh.transaction() as tx:
        tx.cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [r["tablename"] for r in tx.cur.fetchall()]
        dump = []
        for table in tables:
            tx.cur.execute(f'SELECT row_to_json(t)::text AS j FROM "{table}" t')
            dump += [r["j"] for r in tx.cur.fetchall()]
    return "\n".join(dump)


def _files_with(folder: Path, secret: str) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.is_file() and "pg" not in p.relative_to(folder).parts[:1]
            and secret.encode() in p.read_bytes()]


def test_demo_run_leaks_no_secret(var: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMCC_LINK_SECRET", SECRETS["link secret"])
    log = var / "demo" / "airflow.log"
    with ExitStack() as stack:
        pg = stack.enter_context(EmbeddedPostgres(var / "pg"))
        pg.password = SECRETS["warehouse password"]  # trust auth: sent, never needed
        sink = stack.enter_context(AuthenticatingSink(var / "mail", SECRETS["SMTP password"]))
        replay = stack.enter_context(ReplayServer(clock=DEMO_INTERVAL_END))
        migrate(pg.dsn)
        env = airflow_env(var, pg, sink, replay.url)
        smtp = json.loads(sink.smtp_conn_json())
        env["AIRFLOW_CONN_SMTP_DEFAULT"] = json.dumps(
            {**smtp, "login": SMTP_USER, "password": SECRETS["SMTP password"]})
        env["AIRFLOW_CONN_SMCC_FACEBOOK_SAMPLE"] = json.dumps(
            {"conn_type": "generic", "password": SECRETS["Facebook token"]})
        code = run_interval(env, DEMO_INTERVAL_END, log)
        tokens_sent = [r["path"] for r in replay.requests if SECRETS["Facebook token"] in r["path"]]
        warehouse = _warehouse_text(pg.dsn)

    assert code == 0, log.read_text(encoding="utf-8")[-3000:]
    assert sink.messages and sink.logins and all(sink.logins), "mail went out, logged in"
    assert tokens_sent, "the Facebook token was really used"
    assert "[deliver]" in log.read_text(encoding="utf-8"), "the tasks' own log lines are scanned"
    leaks = {name: _files_with(var, secret) for name, secret in SECRETS.items()}
    leaks.update({f"{name} (warehouse)": secret in warehouse for name, secret in SECRETS.items()})
    assert not any(leaks.values()), leaks
