"""Fixtures: a clean batch per gate stage."""

from __future__ import annotations

from typing import Any

import pytest

from .factories import escalation_row, raw_row, scored_row


@pytest.fixture
def raw_rows() -> list[dict[str, Any]]:
    return [raw_row(i) for i in range(12)]


@pytest.fixture
def scored_rows() -> list[dict[str, Any]]:
    return [scored_row(i) for i in range(12)]


@pytest.fixture
def escalation_rows() -> list[dict[str, Any]]:
    return [escalation_row(i) for i in range(9)]
