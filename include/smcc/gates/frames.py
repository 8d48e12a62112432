"""Turn a stage's rows into the pandas frame a gate validates, helper columns included."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from smcc.gates.params import GateParams
from smcc.gates.spec import COLUMNS, LEVELS, NUMERIC
from smcc.gates.values import is_missing
from smcc.models import Interval

# Vowels with Vietnamese diacritics: the Latin-1 ones Vietnamese shares with French or Spanish
# (à á â ã è é ê ì í ò ó ô õ ù ú ý; other Latin-script languages are rare in this feed, English
# is the drift that matters) plus ă đ ĩ ũ ơ ư and the tone-marked vowels of Latin Extended Additional.
_VIETNAMESE_LETTER = re.compile(
    "[\u00c0-\u00c3\u00c8-\u00ca\u00cc\u00cd\u00d2-\u00d5\u00d9\u00da\u00dd"
    "\u00e0-\u00e3\u00e8-\u00ea\u00ec\u00ed\u00f2-\u00f5\u00f9\u00fa\u00fd"
    "\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)
# Frequent words of Vietnamese typed without diacritics (common on forums and in comments);
# two different ones are needed, as a few of them are also English or brand words.
_UNACCENTED_WORDS = frozenset(
    "khong ko duoc dc nhung nguoi minh roi thi cua voi nay mot cac lam nhe nha vay sao qua bi gi "
    "mang tien goi nhieu cung dang ve cho oi dep dau biet luon xem chua nen vi".split()
)
_WORD = re.compile(r"[a-z]+")


def looks_vietnamese(text: str) -> bool:
    """True when a text has Vietnamese diacritics or at least two common unaccented Vietnamese words."""
    text = unicodedata.normalize("NFC", text)
    if _VIETNAMESE_LETTER.search(text):
        return True
    hits = {word for word in _WORD.findall(text.lower()) if word in _UNACCENTED_WORDS}
    return len(hits) >= 2


def _number(value: Any) -> float | None:
    if is_missing(value) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _aware(value: Any) -> datetime | None:
    if isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() is not None:
        return value
    return None


def _in_interval(interval: Interval, params: GateParams) -> Callable[[dict[str, Any]], bool | None]:
    tolerance = timedelta(seconds=params.interval_tolerance_seconds)
    low, high = interval.start - tolerance, interval.end + tolerance

    def check(row: dict[str, Any]) -> bool | None:
        value = row.get("published_at")
        if is_missing(value):
            return None
        moment = _aware(value)
        return moment is not None and low <= moment < high

    return check


def _text_length(row: dict[str, Any]) -> int | None:
    text = row.get("text")
    return None if is_missing(text) else len(str(text).strip())


def _is_vietnamese(row: dict[str, Any]) -> bool | None:
    text = row.get("text")
    return None if is_missing(text) else looks_vietnamese(str(text))


def _scored_complete(row: dict[str, Any]) -> bool | None:
    if row.get("relevant") is not True:
        return None
    return not any(is_missing(row.get(column)) for column in ("sentiment", "sentiment_score", "topic", "level"))


def _level(row: dict[str, Any]) -> int | None:
    level = _number(row.get("level"))
    return int(level) if level is not None and level in LEVELS else None


def _reasons_ok(row: dict[str, Any]) -> bool | None:
    level = _level(row)
    if level is None or level < 1:
        return None
    reasons = row.get("reasons")
    return isinstance(reasons, (list, tuple)) and any(str(reason).strip() for reason in reasons)


def _has_ticket(row: dict[str, Any]) -> bool:
    count = _number(row.get("ticket_count"))
    return count is not None and count >= 1


def _deadline_ok(params: GateParams) -> Callable[[dict[str, Any]], bool | None]:
    def check(row: dict[str, Any]) -> bool | None:
        if not _has_ticket(row):
            return None
        opened, deadline, hours = _aware(row.get("opened_at")), _aware(row.get("deadline")), _number(row.get("sla_hours"))
        if opened is None or deadline is None or hours is None:
            return False
        drift = abs((deadline - (opened + timedelta(hours=hours))).total_seconds())
        return drift <= params.deadline_tolerance_seconds

    return check


def _mailed(row: dict[str, Any]) -> bool | None:
    outbox = _number(row.get("outbox_count"))
    if not _has_ticket(row) or outbox is None:
        return None
    # A late level-1 ticket is announced by the daily digest, by policy, not by its own e-mail.
    return outbox >= 1 or bool(row.get("digest_only"))


def _helpers(stage: str, interval: Interval, params: GateParams) -> dict[str, Callable[[dict[str, Any]], Any]]:
    if stage == "raw":
        return {"in_interval": _in_interval(interval, params), "text_length": _text_length,
                "is_vietnamese": _is_vietnamese}
    if stage == "scored":
        return {"scored_complete": _scored_complete, "reasons_ok": _reasons_ok}
    return {"deadline_ok": _deadline_ok(params), "mailed": _mailed}


def build_frame(stage: str, rows: list[dict[str, Any]], interval: Interval, params: GateParams) -> pd.DataFrame:
    """One frame row per input row (same order, so GX's row indices map back to ``rows``)."""
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS[stage])) if rows else pd.DataFrame(
        columns=list(COLUMNS[stage]), dtype=object)
    for column in NUMERIC[stage]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    for column, helper in _helpers(stage, interval, params).items():
        frame[column] = pd.Series([helper(row) for row in rows], index=frame.index, dtype=object)
    return frame
