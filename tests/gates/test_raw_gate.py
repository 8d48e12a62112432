from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

import pytest

from smcc.gates import GateParams, GateResult, run_gate
from .factories import INTERVAL

Rows = list[dict[str, Any]]


def gate(rows: Rows, params: GateParams | None = None) -> GateResult:
    return run_gate("raw", rows, batch="voz", interval=INTERVAL, params=params)


def failed(result: GateResult) -> set[str]:
    return {o.name for o in result.critical_failures}


def test_clean_batch_passes(raw_rows: Rows) -> None:
    result = gate(raw_rows)
    assert result.passed and not result.critical_failures and not result.warnings and not result.failing_rows
    assert result.row_count == len(raw_rows) and result.suite == "smcc_raw_v1" and result.batch == "voz"


def test_empty_batch_is_a_quiet_interval_not_an_error() -> None:
    result = gate([])
    assert result.passed and result.row_count == 0 and not result.warnings


def _set(index: int, **changes: Any) -> Callable[[Rows], list[str]]:
    def breaks(rows: Rows) -> list[str]:
        rows[index].update(changes)
        return [rows[index]["key"]]
    return breaks


def _duplicate_id(rows: Rows) -> list[str]:
    rows[5].update(external_id=rows[4]["external_id"], key=rows[4]["key"])
    return [rows[4]["key"]]


def _drop(index: int, field: str) -> Callable[[Rows], list[str]]:
    def breaks(rows: Rows) -> list[str]:
        del rows[index][field]
        return [rows[index]["key"]]
    return breaks


@pytest.mark.parametrize(("breaks", "expectation"), [
    pytest.param(_duplicate_id, "id_unique_per_source", id="duplicate-id"),
    pytest.param(_set(2, published_at=INTERVAL.end + timedelta(minutes=6)), "published_in_interval", id="after-interval"),
    pytest.param(_set(2, published_at=INTERVAL.start - timedelta(hours=3)), "published_in_interval", id="before-interval"),
    pytest.param(_set(2, published_at=INTERVAL.start.replace(tzinfo=None) + timedelta(minutes=1)),
                 "published_in_interval", id="naive-time"),
    pytest.param(_set(3, text=""), "text_length", id="empty-text"),
    pytest.param(_set(3, text=" \n\t "), "text_length", id="blank-text"),
    pytest.param(_set(3, text="Mạng yếu " * 20_000), "text_length", id="huge-text"),
    pytest.param(_set(6, url="htp://voz.vn/t/1"), "url_http", id="bad-scheme"),
    pytest.param(_set(6, url="https://voz.vn/t/có dấu cách"), "url_http", id="url-with-space"),
    pytest.param(_set(6, url="/t/relative-link"), "url_http", id="relative-url"),
    pytest.param(_set(7, reactions=-1), "reactions_non_negative", id="negative-reactions"),
    pytest.param(_set(7, shares=-3), "shares_non_negative", id="negative-shares"),
    pytest.param(_set(7, author_followers=-10), "author_followers_non_negative", id="negative-followers"),
    pytest.param(_set(8, source_type="tweet"), "source_type_known", id="unknown-source-type"),
    pytest.param(_set(9, text=None), "text_present", id="null-text"),
    pytest.param(_drop(9, "url"), "url_present", id="missing-url"),
])
def test_bad_batch_fails_one_critical_expectation_and_flags_the_offending_rows(
        raw_rows: Rows, breaks: Callable[[Rows], list[str]], expectation: str) -> None:
    offending = breaks(raw_rows)
    result = gate(raw_rows)
    assert not result.passed
    assert failed(result) == {expectation}
    assert all(o.severity == "critical" for o in result.critical_failures)
    assert set(result.failing_rows) == set(offending)
    assert all(reason.startswith(expectation + ":") for reason in result.failing_rows[offending[0]])


def test_publication_time_just_outside_interval_is_within_tolerance(raw_rows: Rows) -> None:
    raw_rows[0]["published_at"] = INTERVAL.end + timedelta(minutes=4)
    raw_rows[1]["published_at"] = INTERVAL.start - timedelta(minutes=4)
    assert gate(raw_rows).passed
    assert not gate(raw_rows, GateParams(interval_tolerance_seconds=60)).passed


def test_row_breaking_several_rules_gets_every_reason(raw_rows: Rows) -> None:
    raw_rows[4].update(url="ftp://x", reactions=-2)
    result = gate(raw_rows)
    reasons = result.failing_rows[raw_rows[4]["key"]]
    assert sorted(r.split(":")[0] for r in reasons) == ["reactions_non_negative", "url_http"]


def test_row_without_key_is_named_by_position(raw_rows: Rows) -> None:
    del raw_rows[3]["key"]
    result = gate(raw_rows)
    assert failed(result) == {"key_present"}
    assert set(result.failing_rows) == {"#3"}


def test_mostly_foreign_text_is_a_warning_not_a_failure(raw_rows: Rows) -> None:
    for row in raw_rows[:8]:
        row["text"] = "Great phone deals this weekend, check the link"
    result = gate(raw_rows)
    assert result.passed and not result.failing_rows
    assert [(w.name, w.severity, w.unexpected_count) for w in result.warnings] == [("vietnamese_share", "warning", 8)]


def test_unaccented_and_decomposed_vietnamese_count_as_vietnamese(raw_rows: Rows) -> None:
    import unicodedata

    for row in raw_rows[:6]:
        row["text"] = "mang mobi hom nay lag qua, goi khong duoc"
    for row in raw_rows[6:]:
        row["text"] = unicodedata.normalize("NFD", "Sóng yếu, lỗi hết")
    assert not gate(raw_rows, GateParams(vietnamese_min_share=1.0)).warnings
    raw_rows[0]["text"] = "Nice coverage in town, mobile data is fine"
    assert gate(raw_rows, GateParams(vietnamese_min_share=1.0)).warnings


def test_sample_shows_offending_values(raw_rows: Rows) -> None:
    raw_rows[6]["url"] = "htp://broken"
    (outcome,) = gate(raw_rows).critical_failures
    assert outcome.unexpected_count == 1
    assert outcome.sample == [{"key": raw_rows[6]["key"], "value": "url=htp://broken"}]


def test_rule_gx_cannot_evaluate_fails_the_gate_and_says_why(raw_rows: Rows) -> None:
    raw_rows[1]["external_id"] = ["not", "hashable"]
    result = gate(raw_rows)
    assert not result.passed
    (outcome,) = result.critical_failures
    assert outcome.name == "id_unique_per_source" and outcome.error
