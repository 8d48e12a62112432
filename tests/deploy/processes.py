"""Start Airflow processes for the deployment tests and always stop them (whole process groups)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class Processes:
    """Processes started in their own session; ``stop()`` ends each group, then kills leftovers."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.started[name] = proc
        return proc

    def airflow(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        return self.start(name, [AIRFLOW, *args], env)

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.log_dir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        for name, proc in self.started.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")

    def wait_until(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if ready():
                return
            time.sleep(0.5)
        logs = "\n".join(f"--- {n}\n{self.log_tail(n)}" for n in self.started)
        raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")

    def stop(self) -> None:
        for proc in self.started.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.started.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for proc in self.started.values():
            # Children (gunicorn/uvicorn workers, celery pool, task supervisors) share the group.
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=10)

    def __enter__(self) -> "Processes":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def airflow_process_env(tmp: Path, *, api_port: int, warehouse: dict[str, object],
                        smtp_conn_json: str, replay_url: str, **extra: str) -> dict[str, str]:
    """What every Airflow process of a multi-process test shares (as docker-compose.yml sets
    it): one home, one JWT secret, the execution API, the product's connections and settings.
    ``warehouse`` holds the Airflow connection fields (host, port, login, schema)."""
    import json

    from smcc import settings

    return {
        **os.environ,
        "AIRFLOW_HOME": str(tmp / "airflow"),
        "AIRFLOW__API_AUTH__JWT_SECRET": "process-test-jwt-secret-0123456789abcdef",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__CORE__DAGS_FOLDER": str(settings.REPO_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(settings.REPO_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW_CONN_SMCC_WAREHOUSE": json.dumps({"conn_type": "postgres", **warehouse}),
        "AIRFLOW_CONN_SMTP_DEFAULT": smtp_conn_json,
        "AIRFLOW_CONN_SMCC_FACEBOOK_SAMPLE": '{"conn_type": "generic", "password": "t"}',
        "SMCC_SOURCES_FILE": str(settings.config_dir() / "sources.sample.yaml"),
        "SMCC_REPLAY_URL": replay_url,
        "SMCC_LINK_SECRET": "process-test-link-secret-0123456789",
        "SMCC_VAR_DIR": str(tmp / "var"),
        "SMCC_RETRY_DELAY_SECONDS": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.REPO_ROOT / "include"),
                                                    os.environ.get("PYTHONPATH")])),
        **extra,
    }
