from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

import pytest

from smcc.gates import GateParams, GateResult, run_gate

from .factories import INTERVAL

Rows = list[dict[str, Any]]


def gate(rows: Rows, params: GateParams | None = None) -> GateResult:
    return run_gate("escalation", rows, batch="all", interval=INTERVAL, params=params)


def test_clean_batch_passes(escalation_rows: Rows) -> None:
    result = gate(escalation_rows)
    assert result.passed and not result.failing_rows and result.suite == "smcc_escalation_v1"


def test_empty_batch_passes() -> None:
    assert gate([]).passed


def _late(seconds: float) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda row: {"deadline": row["deadline"] + timedelta(seconds=seconds)}


def _set(**changes: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda row: changes


@pytest.mark.parametrize(("index", "change", "expectation"), [
    pytest.param(2, _set(ticket_count=0, opened_at=None, deadline=None, sla_hours=None, outbox_count=0),
                 "one_ticket", id="missing-ticket"),
    pytest.param(3, _set(ticket_count=2), "one_ticket", id="two-tickets"),
    pytest.param(4, _late(7200), "deadline_matches_sla", id="wrong-deadline"),
    pytest.param(4, _late(2), "deadline_matches_sla", id="deadline-2s-off"),
    pytest.param(4, _set(deadline=None), "deadline_matches_sla", id="ticket-without-deadline"),
    pytest.param(5, _set(outbox_count=0), "ticket_mailed", id="ticket-without-email"),
    pytest.param(6, _set(level=0), "level_escalated", id="level-0-story"),
])
def test_bad_story_fails_the_right_critical_expectation(
        escalation_rows: Rows, index: int, change: Callable[[dict[str, Any]], dict[str, Any]], expectation: str) -> None:
    row = escalation_rows[index]
    row.update(change(row))
    result = gate(escalation_rows)
    assert not result.passed
    assert [(o.name, o.severity) for o in result.critical_failures] == [(expectation, "critical")]
    assert set(result.failing_rows) == {row["key"]}


def test_deadline_within_tolerance_passes(escalation_rows: Rows) -> None:
    escalation_rows[0].update(_late(0.5)(escalation_rows[0]))
    assert gate(escalation_rows).passed
    assert not gate(escalation_rows, GateParams(deadline_tolerance_seconds=0.1)).passed


def test_deadline_compared_across_time_zones(escalation_rows: Rows) -> None:
    from zoneinfo import ZoneInfo

    row = escalation_rows[0]
    row["deadline"] = row["deadline"].astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert gate(escalation_rows).passed
