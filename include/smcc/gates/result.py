"""What a gate returns: outcomes per failed expectation, rows to quarantine, log line, HTML report."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from smcc.gates.spec import Severity

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ r.suite }} / {{ r.batch }}</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
.pass { color: #176917; } .fail { color: #b00020; } .warning { color: #9a6700; }
code, pre { font-size: 90%; white-space: pre-wrap; word-break: break-all; }
</style>
</head>
<body>
<h1>Gate {{ r.suite }} &mdash; <span class="{{ 'pass' if r.passed else 'fail' }}">{{ 'PASSED' if r.passed else 'FAILED' }}</span></h1>
<table>
<tr><th>Stage</th><td>{{ r.stage }}</td></tr>
<tr><th>Batch</th><td>{{ r.batch }}</td></tr>
<tr><th>Rows</th><td>{{ r.row_count }}</td></tr>
<tr><th>Rows to quarantine</th><td>{{ r.failing_rows | length }}</td></tr>
<tr><th>Validation time</th><td>{{ '%.3f' | format(r.validation_seconds) }} s</td></tr>
</table>
{% for title, css, outcomes in [("Critical failures", "fail", r.critical_failures), ("Warnings", "warning", r.warnings)] %}
<h2 class="{{ css }}">{{ title }} ({{ outcomes | length }})</h2>
{% if outcomes %}
<table>
<tr><th>Expectation</th><th>Column</th><th>Rule</th><th>Unexpected</th><th>Sample</th></tr>
{% for o in outcomes %}
<tr>
<td><code>{{ o.name }}</code></td>
<td>{{ o.column or '' }}</td>
<td>{{ o.description }}{% if o.error %}<br><b>error:</b> {{ o.error }}{% endif %}</td>
<td>{{ o.unexpected_count }}{% if o.unexpected_percent is not none %} ({{ '%.1f' | format(o.unexpected_percent) }}%){% endif %}
{% if o.observed_value is not none %}<br>observed: {{ o.observed_value }}{% endif %}</td>
<td>{% for s in o.sample %}<code>{{ s.key }}</code>: {{ s.value }}<br>{% endfor %}</td>
</tr>
{% endfor %}
</table>
{% else %}<p>None.</p>{% endif %}
{% endfor %}
{% if r.failing_rows %}
<h2>Rows to quarantine</h2>
<table>
<tr><th>Row key</th><th>Reasons</th></tr>
{% for key, reasons in r.failing_rows.items() %}
<tr><td><code>{{ key }}</code></td><td>{% for reason in reasons %}{{ reason }}<br>{% endfor %}</td></tr>
{% endfor %}
</table>
{% endif %}
<details><summary>Great Expectations validation result (JSON)</summary>
<pre>{{ result_json }}</pre>
</details>
</body>
</html>
"""


@dataclass
class ExpectationOutcome:
    """A failed expectation (or volume check).

    ``sample`` lists up to ``GateParams.sample_size`` offending rows as ``{"key", "value"}``
    (value: the fields the rule is about, shortened). ``error`` is set when GX could not
    evaluate the rule at all (e.g. a column of mixed types); that counts as a failure.
    """

    name: str
    severity: Severity
    column: str | None
    description: str
    unexpected_count: int
    sample: list[dict[str, str]] = field(default_factory=list)
    unexpected_percent: float | None = None
    observed_value: Any = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class GateResult:
    """Outcome of one gate on one batch.

    ``failing_rows`` maps the ``key`` of each row that broke a critical row-level rule to the
    reasons (``"<expectation>: <field>=<value>"``); the caller quarantines those rows. Volume
    warnings from ``check_volume`` may be appended to ``warnings`` before rendering.
    """

    suite: str
    stage: str
    batch: str
    passed: bool
    row_count: int
    critical_failures: list[ExpectationOutcome]
    warnings: list[ExpectationOutcome]
    failing_rows: dict[str, list[str]]
    result_json: dict[str, Any]
    validation_seconds: float

    def summary_line(self) -> str:
        def listed(outcomes: list[ExpectationOutcome]) -> str:
            return ", ".join(f"{o.name} x{o.unexpected_count}" for o in outcomes) or "none"

        verdict = "PASSED" if self.passed else "FAILED"
        return (
            f"{self.suite} [{self.stage}/{self.batch}] {verdict}: {self.row_count} rows; "
            f"critical: {listed(self.critical_failures)}; warnings: {listed(self.warnings)}; "
            f"quarantine {len(self.failing_rows)} rows; validated in {self.validation_seconds:.3f} s"
        )

    def render_html(self) -> str:
        from jinja2 import Environment

        template = Environment(autoescape=True).from_string(_TEMPLATE)
        return template.render(r=self, result_json=json.dumps(self.result_json, indent=2, ensure_ascii=False, default=str))

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (for XCom or a results table)."""
        return asdict(self)
