"""Process-wide settings read from environment variables (one place for all of them)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _path(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser().resolve() if value else default


def shared_dir() -> Path:
    """Folder with the shared corpora and saved pages (``SMCC_SHARED_DIR``, default ``../shared``)."""
    return _path("SMCC_SHARED_DIR", REPO_ROOT.parent / "shared")


def config_dir() -> Path:
    """Folder holding the YAML configuration (``SMCC_CONFIG_DIR``, default ``config/``)."""
    return _path("SMCC_CONFIG_DIR", REPO_ROOT / "config")


def sql_dir() -> Path:
    return _path("SMCC_SQL_DIR", REPO_ROOT / "sql")


def var_dir() -> Path:
    """Writable state of local runs: embedded database, mail sink, reports (``SMCC_VAR_DIR``)."""
    return _path("SMCC_VAR_DIR", REPO_ROOT / "var")


def reports_dir() -> Path:
    return _path("SMCC_REPORTS_DIR", var_dir() / "reports")


def config_file(name: str, env: str) -> Path:
    """A config file, overridable one by one (e.g. ``SMCC_SOURCES_FILE``)."""
    return _path(env, config_dir() / name)


WAREHOUSE_CONN_ID = os.environ.get("SMCC_WAREHOUSE_CONN_ID", "smcc_warehouse")
SMTP_CONN_ID = os.environ.get("SMCC_SMTP_CONN_ID", "smtp_default")
TIMEZONE = "Asia/Ho_Chi_Minh"
