"""Embedded services for the demo and the tests: PostgreSQL (pgserver) and an SMTP sink.

Both are real servers: pgserver runs PostgreSQL 16 from a wheel in a folder of ours, and the
sink is aiosmtpd speaking SMTP on 127.0.0.1. The sink can also misbehave on purpose (refuse
with 4xx/5xx, drop the connection mid-message) so delivery can be tested against it.
"""

from __future__ import annotations

import email
import email.policy
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class PostgresEndpoint:
    """Where a PostgreSQL server listens: a DSN for psycopg2 and the pieces of an Airflow connection."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @property
    def dsn(self) -> str:
        parts = {"host": self.host, "port": self.port, "user": self.user, "dbname": self.database}
        if self.password:
            parts["password"] = self.password
        return " ".join(f"{k}='{v}'" for k, v in parts.items())

    def airflow_conn_json(self) -> str:
        import json

        return json.dumps({"conn_type": "postgres", "host": self.host, "port": self.port,
                           "login": self.user, "password": self.password,
                           "schema": self.database})


class EmbeddedPostgres:
    """A pgserver-managed PostgreSQL with its data (and socket) in ``data_dir``."""

    def __init__(self, data_dir: Path, database: str = "smcc") -> None:
        self.data_dir = Path(data_dir)
        self.database = database
        self._server: Any = None

    def start(self) -> PostgresEndpoint:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if not os.environ.get("XDG_RUNTIME_DIR"):
            # pgserver (platformdirs) wants a private runtime folder; give it one of ours.
            runtime = self.data_dir.parent / ".runtime"
            runtime.mkdir(mode=0o700, exist_ok=True)
            os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        import pgserver

        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        exists = self._server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{self.database}';"
        )
        if "(1 row)" not in exists:
            self._server.psql(f"CREATE DATABASE {self.database};")
        return PostgresEndpoint(host=str(self.data_dir), port=5432, user="postgres",
                                password="", database=self.database)

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def __enter__(self) -> PostgresEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _SinkHandler:
    def __init__(self, sink: "MailSink") -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mode = self.sink.mode
        if mode == "4xx":
            return "451 4.3.0 Temporary failure, try again later"
        if mode == "5xx":
            return "554 5.7.1 Message rejected"
        if mode == "drop":
            # Close the connection without answering: the client cannot know the outcome.
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        self.sink.store(envelope.content, envelope.rcpt_tos)
        return "250 OK"


class MailSink:
    """An SMTP server on 127.0.0.1 that keeps every message (and saves ``.eml`` files)."""

    def __init__(self, mail_dir: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.mail_dir = Path(mail_dir) if mail_dir else None
        self.host = host
        self.port = port
        self.mode = "accept"  # accept | 4xx | 5xx | drop
        self.raw: list[bytes] = []
        self.envelopes: list[list[str]] = []
        self.arrivals: dict[str, float] = {}  # Message-ID -> wall time of its first arrival
        self._parsed: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller: Any = None

    def start(self) -> "MailSink":
        from aiosmtpd.controller import Controller

        if self.port == 0:
            import socket

            with socket.socket() as probe:
                probe.bind((self.host, 0))
                self.port = probe.getsockname()[1]
        self._controller = Controller(_SinkHandler(self), hostname=self.host, port=self.port)
        self._controller.start()
        if self.mail_dir:
            self.mail_dir.mkdir(parents=True, exist_ok=True)
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def store(self, content: bytes, rcpt_tos: list[str]) -> None:
        # Headers only: a full parse of every message would cost the sender's CPU in benches.
        arrived = time.time()
        message_id = self.message_id(content)
        with self._lock:
            self.arrivals.setdefault(str(message_id), arrived)
            self.raw.append(content)
            self.envelopes.append(list(rcpt_tos))
            if self.mail_dir:
                name = (message_id or f"msg-{len(self.raw)}").strip("<>")
                safe = "".join(c if c.isalnum() or c in "-._@" else "_" for c in name)
                (self.mail_dir / f"{safe}.eml").write_bytes(content)

    @staticmethod
    def message_id(content: bytes) -> str | None:
        return BytesHeaderParser().parsebytes(content)["Message-ID"]

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received so far, parsed (on first access to each)."""
        with self._lock:
            self._parsed += [email.message_from_bytes(c, policy=email.policy.default)  # type: ignore[misc]
                             for c in self.raw[len(self._parsed):]]
            return list(self._parsed)

    def smtp_conn_json(self) -> str:
        import json

        return json.dumps({"conn_type": "smtp", "host": self.host, "port": self.port,
                           "extra": {"from_email": "smcc@localhost", "disable_tls": True,
                                     "disable_ssl": True, "timeout": 10}})

    def __enter__(self) -> "MailSink":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def postgres_server(url_env: str) -> Iterator[dict[str, str]]:
    """Admin connection parameters of a PostgreSQL server to create scratch databases on: the
    server named by the environment variable ``url_env``, else an embedded one in a temporary
    folder (removed afterwards)."""
    from psycopg2.extensions import parse_dsn

    url = os.environ.get(url_env)
    if url:
        yield parse_dsn(url)
        return
    # As root, pgserver runs postgres as an unprivileged user, who must reach the folder
    # (which private 0700 temporary folders forbid).
    folder = Path(tempfile.mkdtemp(prefix="smcc-pg-"))
    folder.chmod(0o755)
    try:
        with EmbeddedPostgres(folder / "data", database="postgres") as endpoint:
            yield parse_dsn(endpoint.dsn)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def scratch_database(server: dict[str, str], name: str, template: str | None = None,
                     migrated: bool = False) -> Iterator[str]:
    """A new database on ``server`` (a copy of ``template``, or migrated when asked); yields
    its DSN and drops it afterwards."""
    import psycopg2
    from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT, make_dsn

    admin = psycopg2.connect(**server)
    admin.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    try:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        dsn = make_dsn(**{**server, "dbname": name})
        if migrated:
            from smcc.db import migrate

            migrate(dsn)
        yield dsn
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
