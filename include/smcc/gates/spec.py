"""Which expectations each gate runs, as plain data (no great_expectations import here).

A rule GX cannot express directly is checked on a helper column that ``frames`` computes in
pandas (``in_interval``, ``is_vietnamese``, ``deadline_ok`` ...); the spec then expects that
column to be ``True``. Helper columns are ``None`` where the rule does not apply (e.g. no
ticket yet), and GX skips nulls, so one bad field is reported by one expectation only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from smcc.gates.params import GateParams
from smcc.models import SOURCE_TYPES

GATE_STAGES = ("raw", "scored", "escalation")
SUITE_VERSION = 1

SENTIMENTS = ("negative", "neutral", "positive")
TOPICS = ("network", "billing", "customer_service", "promotion", "fraud", "subscription", "other")
LEVELS = (0, 1, 2, 3)

Severity = Literal["critical", "warning"]

# http(s), a non-empty host, no whitespace anywhere (local replay servers use hosts without dots).
URL_PATTERN = r"^https?://[^\s/?#]+(?:[/?#]\S*)?$"

# Fields each stage cannot do without; missing keys count as null.
REQUIRED = {
    "raw": ("key", "source", "external_id", "source_type", "url", "published_at", "text",
            "reactions", "comments", "shares"),
    "scored": ("key", "mention_key", "brand", "relevant"),
    "escalation": ("key", "level", "ticket_count", "outbox_count"),
}

# Every column a stage's frame holds, in report order (extra keys in a row are ignored).
COLUMNS = {
    "raw": REQUIRED["raw"] + ("title", "author", "author_followers"),
    "scored": REQUIRED["scored"] + ("sentiment", "sentiment_score", "topic", "level", "reasons"),
    "escalation": REQUIRED["escalation"] + ("ticket_state", "opened_at", "deadline", "sla_hours"),
}

# Columns coerced to numbers before validation: a non-number becomes null (and so "missing").
NUMERIC = {
    "raw": ("reactions", "comments", "shares", "author_followers"),
    "scored": ("sentiment_score",),
    "escalation": ("ticket_count", "outbox_count", "sla_hours"),
}


@dataclass(frozen=True)
class Expectation:
    """One rule of a gate.

    ``name`` is stable and appears in quarantine reasons; ``column`` is the field the rule is
    about, ``evidence`` the fields shown for an offending row; ``gx_type`` and ``kwargs`` build
    the GX expectation (its column may be a helper column).
    """

    name: str
    severity: Severity
    column: str
    description: str
    gx_type: str
    kwargs: dict[str, Any]
    evidence: tuple[str, ...] = field(default=())

    @property
    def shown_fields(self) -> tuple[str, ...]:
        return self.evidence or (self.column,)


def suite_name(stage: str) -> str:
    return f"smcc_{stage}_v{SUITE_VERSION}"


def _present(column: str) -> Expectation:
    return Expectation(
        f"{column}_present", "critical", column, f"{column} must be present and not null",
        "ExpectColumnValuesToNotBeNull", {"column": column},
    )


def _is_true(name: str, severity: Severity, helper: str, column: str, description: str,
             evidence: tuple[str, ...] = (), mostly: float | None = None) -> Expectation:
    kwargs: dict[str, Any] = {"column": helper, "value_set": [True]}
    if mostly is not None:
        kwargs["mostly"] = mostly
    return Expectation(name, severity, column, description, "ExpectColumnValuesToBeInSet", kwargs, evidence)


def _in_set(name: str, column: str, values: tuple[Any, ...], description: str) -> Expectation:
    return Expectation(name, "critical", column, description, "ExpectColumnValuesToBeInSet",
                       {"column": column, "value_set": list(values)})


def _between(name: str, column: str, description: str, low: float | None, high: float | None,
             helper: str | None = None, evidence: tuple[str, ...] = ()) -> Expectation:
    return Expectation(name, "critical", column, description, "ExpectColumnValuesToBeBetween",
                       {"column": helper or column, "min_value": low, "max_value": high}, evidence)


def _raw(params: GateParams) -> list[Expectation]:
    tolerance = f"{params.interval_tolerance_seconds:g} s"
    return [
        *(_present(column) for column in REQUIRED["raw"]),
        _in_set("source_type_known", "source_type", SOURCE_TYPES, "source_type must be one of " + ", ".join(SOURCE_TYPES)),
        Expectation("id_unique_per_source", "critical", "external_id",
                    "(source, external_id) must be unique within the batch",
                    "ExpectCompoundColumnsToBeUnique", {"column_list": ["source", "external_id"]},
                    ("source", "external_id")),
        Expectation("url_http", "critical", "url", "url must be a well-formed http(s) URL",
                    "ExpectColumnValuesToMatchRegex", {"column": "url", "regex": URL_PATTERN}),
        _is_true("published_in_interval", "critical", "in_interval", "published_at",
                 f"published_at must be timezone-aware and inside the data interval (tolerance {tolerance})"),
        _between("text_length", "text",
                 f"text must have {params.text_min_chars}..{params.text_max_chars} characters after trimming",
                 params.text_min_chars, params.text_max_chars, helper="text_length"),
        _is_true("vietnamese_share", "warning", "is_vietnamese", "text",
                 f"at least {params.vietnamese_min_share:.0%} of texts should look Vietnamese",
                 mostly=params.vietnamese_min_share),
        *(_between(f"{column}_non_negative", column, f"{column} must not be negative", 0, None)
          for column in ("reactions", "comments", "shares", "author_followers")),
    ]


def _scored(params: GateParams) -> list[Expectation]:
    return [
        *(_present(column) for column in REQUIRED["scored"]),
        _in_set("sentiment_known", "sentiment", SENTIMENTS, "sentiment must be one of " + ", ".join(SENTIMENTS)),
        _in_set("topic_known", "topic", TOPICS, "topic must be one of " + ", ".join(TOPICS)),
        _in_set("level_known", "level", LEVELS, "level must be one of 0, 1, 2, 3"),
        _between("sentiment_score_probability", "sentiment_score", "sentiment_score must be in [0, 1]", 0, 1),
        _is_true("relevant_scored", "critical", "scored_complete", "relevant",
                 "a relevant mention must have sentiment, sentiment_score, topic and level",
                 evidence=("sentiment", "sentiment_score", "topic", "level")),
        _is_true("reasons_given", "critical", "reasons_ok", "reasons",
                 "a mention with level >= 1 must carry at least one reason",
                 evidence=("level", "reasons")),
    ]


def _escalation(params: GateParams) -> list[Expectation]:
    return [
        *(_present(column) for column in REQUIRED["escalation"]),
        _in_set("level_escalated", "level", LEVELS[1:], "an escalated story must have level 1, 2 or 3"),
        _in_set("one_ticket", "ticket_count", (1,), "every escalated story must have exactly one ticket"),
        _is_true("deadline_matches_sla", "critical", "deadline_ok", "deadline",
                 f"deadline must equal opened_at + sla_hours (tolerance {params.deadline_tolerance_seconds:g} s)",
                 evidence=("opened_at", "sla_hours", "deadline")),
        _is_true("ticket_mailed", "critical", "mailed", "outbox_count",
                 "every ticket must have at least one e-mail in the outbox (or be digest-only)"),
    ]


_BUILDERS = {"raw": _raw, "scored": _scored, "escalation": _escalation}


def stage_expectations(stage: str, params: GateParams) -> list[Expectation]:
    """The expectations of one stage's gate, in report order."""
    if stage not in _BUILDERS:
        raise ValueError(f"unknown gate stage {stage!r}; expected one of {', '.join(GATE_STAGES)}")
    return _BUILDERS[stage](params)
