"""docker-compose.yml, Dockerfile and .env.example: the production-like deployment is complete,
consistent and commits no secret. (No Docker engine runs here: the files are parsed and the
compose variable interpolation is applied the way ``docker compose`` does.)"""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from smcc import settings

ROOT = settings.REPO_ROOT
AIRFLOW_SERVICES = {"airflow-apiserver": "api-server", "airflow-scheduler": "scheduler",
                    "airflow-dag-processor": "dag-processor", "airflow-triggerer": "triggerer",
                    "airflow-worker": "celery worker"}
# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; "$$" is a literal "$".
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
SECRETS = ("AIRFLOW_DB_PASSWORD", "SMCC_DB_PASSWORD", "REDIS_PASSWORD", "AIRFLOW_FERNET_KEY",
           "AIRFLOW_JWT_SECRET", "AIRFLOW_API_SECRET_KEY", "SMCC_LINK_SECRET")


class MissingVariable(ValueError):
    pass


def interpolate(text: str, env: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        current = env.get(name)
        unset_or_empty = not current if op and op.startswith(":") else current is None
        if op and op.endswith("-") and unset_or_empty:
            return arg
        if op and op.endswith("?") and unset_or_empty:
            raise MissingVariable(f"{name}: {arg}")
        return current or ""

    parts = text.split("$$")
    return "$".join(VARIABLE.sub(value, part) for part in parts)


def resolve(node: Any, env: dict[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [resolve(item, env) for item in node]
    if isinstance(node, dict):
        return {key: resolve(item, env) for key, item in node.items()}
    return node


def env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#"))
    return {key.strip(): value for key, value in pairs}


@pytest.fixture(scope="module")
def raw_text() -> str:
    return (ROOT / "docker-compose.yml").read_text()


@pytest.fixture(scope="module")
def compose(raw_text: str) -> dict[str, Any]:
    """The compose file as ``docker compose config`` would see it with a filled-in .env."""
    env = {**env_example(), **{name: f"test-{name.lower()}" for name in SECRETS}}
    return resolve(yaml.safe_load(raw_text), env)


def command(service: dict[str, Any]) -> str:
    cmd = service.get("command", "")
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def environment(service: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in service.get("environment", {}).items()}


def test_every_part_of_the_stack_is_a_service(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, cmd in AIRFLOW_SERVICES.items():
        assert command(services[name]) == cmd, name
    assert {"postgres", "warehouse", "redis", "mailpit", "airflow-init", "replay"} <= set(services)
    assert services["replay"]["profiles"] == ["demo"]
    assert all("profiles" not in services[name] for name in AIRFLOW_SERVICES)


def test_init_migrates_both_databases_before_anything_starts(compose: dict[str, Any]) -> None:
    services = compose["services"]
    init = command(services["airflow-init"])
    assert "airflow db migrate" in init and "smcc db migrate" in init
    warehouse_url = urlsplit(environment(services["airflow-init"])["SMCC_DATABASE_URL"])
    assert warehouse_url.hostname == "warehouse" and warehouse_url.path == "/smcc"
    for name in AIRFLOW_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
        assert all(depends[s]["condition"] == "service_healthy"
                   for s in ("postgres", "redis", "warehouse")), name


def test_all_airflow_processes_share_one_configuration(compose: dict[str, Any]) -> None:
    services = compose["services"]
    envs = {name: environment(services[name]) for name in [*AIRFLOW_SERVICES, "airflow-init"]}
    shared = ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
              "AIRFLOW__CORE__EXECUTOR", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
              "AIRFLOW__CELERY__BROKER_URL", "AIRFLOW__CORE__FERNET_KEY",
              "AIRFLOW_CONN_SMCC_WAREHOUSE", "AIRFLOW_CONN_SMTP_DEFAULT", "SMCC_LINK_SECRET",
              "SMCC_PUBLIC_URL", "SMCC_SOURCES_FILE", "SMCC_ENGINEER_EMAILS", "SMCC_VAR_DIR")
    for key in shared:
        values = {name: env.get(key) for name, env in envs.items()}
        assert len(set(values.values())) == 1 and None not in values.values(), (key, values)
    env = envs["airflow-worker"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == "test-airflow_jwt_secret"
    execution = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
    assert (execution.hostname, execution.port, execution.path) == (
        "airflow-apiserver", 8080, "/execution/")
    assert urlsplit(env["AIRFLOW__CELERY__BROKER_URL"]).hostname == "redis"
    assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert urlsplit(env["AIRFLOW_CONN_SMCC_WAREHOUSE"]).hostname == "warehouse"
    assert urlsplit(env["AIRFLOW_CONN_SMTP_DEFAULT"]).hostname == "mailpit"


def test_public_url_reaches_the_smcc_view_of_the_api_server(compose: dict[str, Any]) -> None:
    sys.path.insert(0, str(ROOT / "plugins"))
    try:
        from smcc_plugin import URL_PREFIX
    finally:
        sys.path.remove(str(ROOT / "plugins"))
    public = urlsplit(environment(compose["services"]["airflow-worker"])["SMCC_PUBLIC_URL"])
    assert public.path == URL_PREFIX
    assert f"{public.port}:8080" in compose["services"]["airflow-apiserver"]["ports"]


def test_code_is_baked_into_the_image_and_dags_plugins_are_mounted(compose: dict[str, Any]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM apache/airflow:3\.3\.2-python3\.11$", dockerfile, re.M)
    assert re.search(r"-r \S*requirements\.txt -c \S*constraints\.txt", dockerfile)
    for folder in ("include", "sql", "config", "dags", "plugins"):
        assert re.search(rf"^COPY .*\b{folder} ", dockerfile, re.M), folder
    assert re.search(r"^RUN pip install .*-e /opt/smcc$", dockerfile, re.M)
    for name in AIRFLOW_SERVICES:
        service = compose["services"][name]
        targets = {volume.split(":")[1] for volume in service["volumes"]}
        assert {"/opt/airflow/dags", "/opt/airflow/plugins"} <= targets, name
        # Workers write gate reports that the api-server serves: the same volume everywhere.
        var_dir = environment(service)["SMCC_VAR_DIR"]
        assert f"smcc-var:{var_dir}" in service["volumes"], name
        assert service["build"] == "." and service["image"] == "smcc-airflow:latest"


def test_every_long_running_service_has_a_health_check(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if name == "airflow-init":
            continue
        check = service.get("healthcheck", {}).get("test")
        assert check and check[0] in ("CMD", "CMD-SHELL"), name


def test_workers_can_be_scaled(compose: dict[str, Any]) -> None:
    worker = compose["services"]["airflow-worker"]
    assert "container_name" not in worker and "ports" not in worker


def test_replay_server_command_is_one_the_replay_server_accepts(compose: dict[str, Any]) -> None:
    replay = compose["services"]["replay"]["command"]
    assert replay[:2] == ["smcc", "replay-server"]
    flags = dict(zip(replay[2::2], replay[3::2]))
    assert flags == {"--host": "0.0.0.0", "--port": "8765"}
    usage = subprocess.run([sys.executable, "-m", "smcc.replay", "--help"], capture_output=True,
                           text=True, check=True, timeout=60).stdout
    assert all(flag in usage for flag in flags)
    env = environment(compose["services"]["airflow-worker"])
    assert urlsplit(env["SMCC_REPLAY_URL"]).netloc == "replay:8765"


def strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    items = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return [text for item in items for text in strings(item)]


def test_every_variable_is_documented_and_no_secret_is_committed(raw_text: str) -> None:
    used = {m.group(1) for text in strings(yaml.safe_load(raw_text))
            for m in VARIABLE.finditer(text.replace("$$", ""))}
    documented = env_example()
    assert used - set(documented) == set()
    for name in SECRETS:
        assert name in used and documented[name] == "", name
        # Compose refuses to start without each secret rather than running with a blank one.
        assert re.search(rf"\$\{{{name}:\?", raw_text), name
    with pytest.raises(MissingVariable, match="SMCC_LINK_SECRET"):
        resolve(yaml.safe_load(raw_text),
                {**env_example(), **{n: "x" for n in SECRETS if n != "SMCC_LINK_SECRET"}})
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".venv" in ignored
