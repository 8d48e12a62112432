"""Thresholds of the data quality gates, with the defaults the pipeline runs with."""

from __future__ import annotations

from pydantic import Field

from smcc.config import StrictModel


class GateParams(StrictModel):
    """Every threshold a gate or the volume check uses; load it from YAML with ``load_config``."""

    interval_tolerance_seconds: float = Field(
        300.0,
        ge=0,
        description="How far outside the data interval [start, end) a publication time may fall "
        "(clock skew between sources and the scheduler) before the row is rejected.",
    )
    text_min_chars: int = Field(1, ge=0, description="Shortest accepted text, after trimming whitespace.")
    text_max_chars: int = Field(100_000, ge=1, description="Longest accepted text; longer is a parser error.")
    vietnamese_min_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Warn when fewer than this share of a batch's texts look Vietnamese "
        "(a source drifting to another language or a parser reading the wrong block).",
    )
    deadline_tolerance_seconds: float = Field(
        1.0, ge=0, description="Allowed difference between a ticket's deadline and opened_at + SLA."
    )
    sample_size: int = Field(5, ge=0, description="Offending rows shown per expectation in reports.")
    sample_value_chars: int = Field(120, ge=10, description="Longest value shown in a sample, in characters.")
    volume_min_history: int = Field(
        3, ge=1, description="Past runs a source needs before its volume is judged at all."
    )
    volume_min_median: float = Field(
        5.0,
        ge=0,
        description="A source 'usually yields items' when its median over past runs is at least this; "
        "only then is a run with 0 items suspicious.",
    )
    volume_flood_factor: float = Field(
        10.0, gt=1, description="Warn when a run yields at least this multiple of the source's median."
    )
