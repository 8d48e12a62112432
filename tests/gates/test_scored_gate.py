from __future__ import annotations

from typing import Any

import pytest

from smcc.gates import GateResult, run_gate

from .factories import INTERVAL

Rows = list[dict[str, Any]]


def gate(rows: Rows) -> GateResult:
    return run_gate("scored", rows, batch="voz", interval=INTERVAL)


def test_clean_batch_passes(scored_rows: Rows) -> None:
    result = gate(scored_rows)
    assert result.passed and not result.critical_failures and not result.failing_rows


def test_empty_batch_passes() -> None:
    assert gate([]).passed


@pytest.mark.parametrize(("index", "changes", "expectation"), [
    pytest.param(1, {"sentiment": "angry"}, "sentiment_known", id="unknown-sentiment"),
    pytest.param(1, {"topic": "weather"}, "topic_known", id="unknown-topic"),
    pytest.param(2, {"level": 5}, "level_known", id="level-5"),
    pytest.param(2, {"level": "high"}, "level_known", id="level-text"),
    pytest.param(3, {"sentiment_score": 1.3}, "sentiment_score_probability", id="probability-1.3"),
    pytest.param(3, {"sentiment_score": -0.1}, "sentiment_score_probability", id="negative-probability"),
    pytest.param(4, {"sentiment": None}, "relevant_scored", id="relevant-without-sentiment"),
    pytest.param(4, {"level": None, "reasons": []}, "relevant_scored", id="relevant-without-level"),
    pytest.param(5, {"reasons": []}, "reasons_given", id="level-1-without-reasons"),
    pytest.param(6, {"reasons": ["  "]}, "reasons_given", id="blank-reason"),
    pytest.param(7, {"reasons": None}, "reasons_given", id="level-3-reasons-null"),
    pytest.param(8, {"brand": None}, "brand_present", id="missing-brand"),
])
def test_bad_row_fails_the_right_critical_expectation(
        scored_rows: Rows, index: int, changes: dict[str, Any], expectation: str) -> None:
    scored_rows[index].update(changes)
    result = gate(scored_rows)
    assert not result.passed
    assert [(o.name, o.severity) for o in result.critical_failures] == [(expectation, "critical")]
    assert set(result.failing_rows) == {scored_rows[index]["key"]}


def test_irrelevant_mentions_need_no_scores(scored_rows: Rows) -> None:
    scored_rows[1].update(relevant=False, sentiment=None, sentiment_score=None, topic=None, level=None, reasons=[])
    assert gate(scored_rows).passed


def test_level_0_needs_no_reasons(scored_rows: Rows) -> None:
    assert scored_rows[0]["level"] == 0 and scored_rows[0]["reasons"] == []
    assert gate(scored_rows[:1]).passed
