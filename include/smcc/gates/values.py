"""Small value helpers shared by frame building and reporting (no pandas import)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def is_missing(value: Any) -> bool:
    """None, NaN or NaT (both unequal to themselves), as rows converted from pandas may carry."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def show(value: Any, limit: int) -> str:
    """A value as an engineer reads it in a report, cut to ``limit`` characters."""
    text = "null" if is_missing(value) else value.isoformat() if isinstance(value, datetime) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
