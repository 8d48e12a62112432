from __future__ import annotations

import json
from typing import Any

from smcc.gates import check_volume, run_gate

from .factories import INTERVAL

Rows = list[dict[str, Any]]
SCRIPT = "<script>alert('x')</script>"


def test_html_report_escapes_scraped_text(raw_rows: Rows) -> None:
    raw_rows[0].update(text=SCRIPT, url="javascript:alert(1)")
    result = run_gate("raw", raw_rows[:1], batch="voz", interval=INTERVAL)
    assert {o.name for o in result.warnings} == {"vietnamese_share"}
    html = result.render_html()
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html
    assert "url_http" in html and raw_rows[0]["key"] in html


def test_results_are_json_serialisable_for_storage(raw_rows: Rows) -> None:
    raw_rows[2]["published_at"] = INTERVAL.end.replace(year=2030)
    result = run_gate("raw", raw_rows, batch="voz", interval=INTERVAL)
    stored = json.loads(json.dumps(result.as_dict()))
    assert stored["result_json"]["success"] is False
    assert stored["failing_rows"] == {raw_rows[2]["key"]: result.failing_rows[raw_rows[2]["key"]]}


def test_summary_line_names_stage_batch_verdict_and_failures(escalation_rows: Rows) -> None:
    escalation_rows[1]["outbox_count"] = 0
    line = run_gate("escalation", escalation_rows, batch="all", interval=INTERVAL).summary_line()
    assert "\n" not in line
    assert "escalation/all" in line and "FAILED" in line and "ticket_mailed" in line


def test_volume_warning_added_to_a_result_shows_in_reports(raw_rows: Rows) -> None:
    result = run_gate("raw", raw_rows, batch="voz", interval=INTERVAL)
    result.warnings.extend(check_volume("voz", 4000, [10, 12, 11]))
    assert result.passed
    assert "volume_not_flooded" in result.summary_line() and "volume_not_flooded" in result.render_html()
