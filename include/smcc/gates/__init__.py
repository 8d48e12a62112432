"""Data quality gates between pipeline stages (raw mentions, scored mentions, escalations).

``run_gate`` validates a batch with great_expectations; a failed critical expectation fails
the gate and names the rows to quarantine, a failed warning is only reported. Importing this
package does not import great_expectations (that happens on the first ``run_gate``).
"""

from __future__ import annotations

from smcc.gates.engine import run_gate, warm_up
from smcc.gates.params import GateParams
from smcc.gates.result import ExpectationOutcome, GateResult
from smcc.gates.spec import GATE_STAGES, Expectation, stage_expectations, suite_name
from smcc.gates.volume import check_volume

__all__ = [
    "GATE_STAGES",
    "Expectation",
    "ExpectationOutcome",
    "GateParams",
    "GateResult",
    "check_volume",
    "run_gate",
    "stage_expectations",
    "suite_name",
    "warm_up",
]
