"""The plain SQL checks of ``sql/checks.yaml``, validated like every other config file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from smcc import settings
from smcc.config import StrictModel, load_config


class SqlCheck(StrictModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    table: str = Field(pattern=r"^[a-z_]+$")
    partition: str | None = None
    # Table rules: name -> boolean SQL that must hold for every row.
    rules: dict[str, str] = Field(default_factory=dict)
    # Column checks in the common-sql operator's own shape (null_check, min, max, ...).
    columns: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


class SqlChecks(StrictModel):
    checks: list[SqlCheck]


def load_checks(path: Path | None = None) -> list[SqlCheck]:
    checks = load_config(path or settings.sql_dir() / "checks.yaml", SqlChecks).checks
    for check in checks:
        if bool(check.rules) == bool(check.columns):
            raise ValueError(f"sql/checks.yaml: checks[{check.name}]: give either rules or columns")
    return checks
