"""Volume check per source: a silent source or a flood is worth a warning, not a failed gate."""

from __future__ import annotations

import statistics

from smcc.gates.params import GateParams
from smcc.gates.result import ExpectationOutcome


def check_volume(source: str, count: int, history: list[int], params: GateParams | None = None) -> list[ExpectationOutcome]:
    """Warnings for one source's item count this run, judged against its past run counts.

    Silent: the source usually yields items (median >= ``volume_min_median`` over at least
    ``volume_min_history`` runs) but yielded 0 (blocked, layout changed). Flood: it yielded
    at least ``volume_flood_factor`` x its median, the median floored at ``volume_min_median``
    so a source that usually yields 0-1 items is not a flood at 10 (spam, duplicate loop).
    """
    params = params or GateParams()
    if len(history) < params.volume_min_history:
        return []
    median = float(statistics.median(history))
    baseline = f"median {median:g} over the last {len(history)} runs"
    if count == 0 and median >= params.volume_min_median:
        name, description = "volume_not_zero", f"source {source} yielded no items; {baseline}"
    elif count >= params.volume_flood_factor * max(median, params.volume_min_median):
        name, description = "volume_not_flooded", (
            f"source {source} yielded {count} items, at least {params.volume_flood_factor:g}x its {baseline}")
    else:
        return []
    return [ExpectationOutcome(
        name=name, severity="warning", column=None, description=description, unexpected_count=count,
        sample=[{"key": source, "value": f"count={count}, {baseline}"}], observed_value=count,
    )]
