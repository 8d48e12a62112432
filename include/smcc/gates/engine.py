"""Run a gate: build the frame, validate it with great_expectations, translate the result.

GX is imported on first use only (it takes seconds) and its ephemeral context, data source
and batch definitions are built once per process and reused by every later gate.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from typing import Any

from smcc.gates.params import GateParams
from smcc.gates.result import ExpectationOutcome, GateResult
from smcc.gates.spec import GATE_STAGES, Expectation, stage_expectations, suite_name
from smcc.gates.values import is_missing, show
from smcc.models import Interval


@functools.cache
def _batch_definitions() -> dict[str, Any]:
    """One whole-dataframe batch definition per stage, on a cached ephemeral context."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("smcc_gates")
    return {stage: source.add_dataframe_asset(stage).add_batch_definition_whole_dataframe(f"{stage}_whole")
            for stage in GATE_STAGES}


def warm_up() -> None:
    """Import GX and build its context now (seconds), e.g. before timing a gate."""
    _batch_definitions()


def _suite(stage: str, expectations: list[Expectation]) -> Any:
    import great_expectations as gx

    return gx.ExpectationSuite(name=suite_name(stage), expectations=[
        getattr(gx.expectations, spec.gx_type)(
            **spec.kwargs, severity=spec.severity, description=spec.description, meta={"smcc_name": spec.name})
        for spec in expectations
    ])


def _row_key(row: dict[str, Any], index: int) -> str:
    key = row.get("key")
    return f"#{index}" if is_missing(key) or key == "" else str(key)


def _evidence(spec: Expectation, row: dict[str, Any], params: GateParams) -> str:
    return ", ".join(f"{name}={show(row.get(name), params.sample_value_chars)}" for name in spec.shown_fields)


def _error(exception_info: dict[str, Any]) -> str | None:
    """GX reports exceptions either flat or keyed by metric; return the first message."""
    infos = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    messages = [info.get("exception_message") or "error" for info in infos if info.get("raised_exception")]
    return messages[0] if messages else None


def _outcome(spec: Expectation, gx_result: Any, rows: list[dict[str, Any]], params: GateParams) -> tuple[ExpectationOutcome, list[int]]:
    details = gx_result.result or {}
    indices = [int(i) for i in details.get("unexpected_index_list") or [] if isinstance(i, int)]
    sample = [{"key": _row_key(rows[i], i), "value": _evidence(spec, rows[i], params)}
              for i in indices[: params.sample_size]]
    outcome = ExpectationOutcome(
        name=spec.name, severity=spec.severity, column=spec.column, description=spec.description,
        unexpected_count=int(details.get("unexpected_count") or 0), sample=sample,
        unexpected_percent=details.get("unexpected_percent"), observed_value=details.get("observed_value"),
        error=_error(gx_result.exception_info or {}),
    )
    return outcome, indices


def _quarantine(failing_rows: dict[str, list[str]], spec: Expectation, indices: list[int],
                rows: list[dict[str, Any]], params: GateParams) -> None:
    for i in indices:
        reasons = failing_rows.setdefault(_row_key(rows[i], i), [])
        reason = f"{spec.name}: {_evidence(spec, rows[i], params)}"
        if reason not in reasons:  # duplicate rows share a key and would repeat the reason
            reasons.append(reason)


def run_gate(stage: str, rows: list[dict[str, Any]], *, batch: str, interval: Interval,
             params: GateParams | None = None) -> GateResult:
    """Validate one batch of a stage's rows; ``passed`` is False iff a critical expectation failed."""
    from smcc.gates.frames import build_frame  # pandas, only when a gate runs

    params = params or GateParams()
    expectations = stage_expectations(stage, params)
    definitions = _batch_definitions()
    started = time.perf_counter()
    frame = build_frame(stage, rows, interval, params)
    validation = definitions[stage].get_batch(batch_parameters={"dataframe": frame}).validate(
        _suite(stage, expectations), result_format={"result_format": "COMPLETE"})
    by_name = {r.expectation_config.meta["smcc_name"]: r for r in validation.results}
    critical: list[ExpectationOutcome] = []
    warnings: list[ExpectationOutcome] = []
    failing_rows: dict[str, list[str]] = {}
    for spec in expectations:
        gx_result = by_name[spec.name]
        if gx_result.success:
            continue
        outcome, indices = _outcome(spec, gx_result, rows, params)
        if spec.severity == "critical":
            critical.append(outcome)
            _quarantine(failing_rows, spec, indices, rows, params)
        else:
            warnings.append(outcome)
    # Unexpected values are whatever the rows held; str() anything GX left unserialisable.
    result_json = json.loads(json.dumps(validation.to_json_dict(), default=str))
    return GateResult(
        suite=suite_name(stage), stage=stage, batch=batch, passed=not critical, row_count=len(rows),
        critical_failures=critical, warnings=warnings, failing_rows=failing_rows, result_json=result_json,
        validation_seconds=time.perf_counter() - started,
    )
