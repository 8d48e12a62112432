"""Vietnamese scoring of mentions: normalisation, relevance per brand, sentiment, topic, level."""

from __future__ import annotations

from smcc.nlp.evaluation import evaluate_jsonl
from smcc.nlp.scorer import BrandScore, Scorer, score_jsonl

__all__ = ["BrandScore", "Scorer", "evaluate_jsonl", "score_jsonl"]
