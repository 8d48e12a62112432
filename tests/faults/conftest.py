"""Fixtures of the fault-injection suite: the e2e test's environment (replay server, SMTP sink,
warehouse, env-var connections), with sample sources that time out after one second so a
"slow" source costs seconds, not minutes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from smcc import settings

READ_TIMEOUT_SECONDS = 1


@pytest.fixture
def fault_env(listen_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
              tmp_path: Path) -> dict[str, str]:
    """``listen_env`` with the sample sources' HTTP timeouts cut to one second."""
    config = yaml.safe_load((settings.config_dir() / "sources.sample.yaml").read_text("utf-8"))
    config["http"].update(connect_timeout_seconds=READ_TIMEOUT_SECONDS,
                          read_timeout_seconds=READ_TIMEOUT_SECONDS)
    path = tmp_path / "sources.faults.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SMCC_SOURCES_FILE", str(path))
    return {**listen_env, "SMCC_SOURCES_FILE": str(path)}
