"""Short, unaccented and negated complaints; accents do not change the verdict."""

from __future__ import annotations

import io

import pytest

from smcc.nlp import Scorer, evaluate_jsonl
from smcc.nlp.sentiment import base_features
from smcc.nlp.text import fold
from smcc.settings import REPO_ROOT


def sentiment(scorer: Scorer, text: str) -> str:
    return scorer.score_record({"id": "x", "text": text})["sentiment"]


@pytest.mark.parametrize("text, expected", [
    ("mobifone lam an chan qua, chuyen mang thoi", "negative"),
    ("Mạng mobifone chập chờn quá", "negative"),
    ("Viettel thì sóng khỏe", "positive"),
    ("mobi ko on chut nao", "negative"),
    ("mạng mobi dùng ổn định, không có gì phải chê", "positive"),
])
def test_short_complaints_and_praise(scorer: Scorer, text: str, expected: str) -> None:
    assert sentiment(scorer, text) == expected


@pytest.mark.parametrize("text", ["Sóng MobiFone yếu quá, gọi toàn rớt", "Nhân viên MobiFone tư vấn nhiệt tình, rất hài lòng",
                                  "Tổng đài MobiFone chờ máy cả tiếng không ai nghe"])
def test_same_verdict_with_and_without_accents(scorer: Scorer, text: str) -> None:
    assert sentiment(scorer, fold(text)) == sentiment(scorer, text)


def test_negation_features_are_shared_across_negators_and_accents() -> None:
    def negated(tokens: list[str]) -> set[str]:
        return {f for f in base_features(tokens, " ".join(tokens)) if f.startswith("n:")}

    assert negated(["không", "tệ"]) == negated(["chẳng", "hề", "tệ"]) == negated(["khong", "te"]) == {"n:te"}
    assert negated(["mạng", "tệ"]) == set()


@pytest.mark.parametrize("name, floors", [
    ("holdout4.jsonl", {"relevant_f1": 0.95, "sentiment": 0.88, "topic": 0.85, "level": 0.93, "level3_recall": 0.95}),
    ("dev6.jsonl", {"relevant_f1": 0.95, "sentiment": 0.87, "topic": 0.85, "level": 0.89, "level3_recall": 0.93}),
    ("holdout5.jsonl", {"relevant_f1": 0.95, "sentiment": 0.87, "topic": 0.90, "level": 0.91, "level3_recall": 0.95}),
    ("holdout7.jsonl", {"relevant_f1": 0.95, "sentiment": 0.90, "topic": 0.87, "level": 0.88, "level3_recall": 0.95}),
    ("holdout8.jsonl", {"relevant_f1": 0.90, "sentiment": 0.80, "topic": 0.78, "level": 0.83, "level3_recall": 0.90}),
    ("holdout9.jsonl", {"relevant_f1": 0.93, "sentiment": 0.83, "topic": 0.83, "level": 0.83, "level3_recall": 0.90}),
    ("holdout10.jsonl", {"relevant_f1": 0.95, "sentiment": 0.78, "topic": 0.86, "level": 0.86, "level3_recall": 0.95}),
    ("holdout11.jsonl", {"relevant_f1": 0.92, "sentiment": 0.82, "topic": 0.87, "level": 0.80, "level3_recall": 0.88}),
    ("holdout12.jsonl", {"relevant_f1": 0.95, "sentiment": 0.88, "topic": 0.85, "level": 0.89, "level3_recall": 0.95}),
    ("holdout13.jsonl", {"relevant_f1": 0.95, "sentiment": 0.87, "topic": 0.85, "level": 0.93, "level3_recall": 0.95}),
])
def test_tuning_files_do_not_regress(scorer: Scorer, name: str, floors: dict[str, float]) -> None:
    """The files the last pass was tuned on (data/MODEL_MANIFEST.md); the floors sit below the
    committed scorer's figures, to catch regressions only. The untouched holdout14 and holdout15
    stay out of the tests."""
    with open(REPO_ROOT / "data/telecom" / name, encoding="utf-8") as f:
        m = evaluate_jsonl(f, io.StringIO(), scorer)
    assert m["relevant_f1"] >= floors["relevant_f1"]
    assert m["sentiment"]["macro_f1"] >= floors["sentiment"]
    assert m["topic"]["macro_f1"] >= floors["topic"]
    assert m["level"]["accuracy"] >= floors["level"]
    assert m["level3_recall"] >= floors["level3_recall"]


def test_chatter_about_no_brand_is_scored_without_word_segmentation(scorer: Scorer, monkeypatch) -> None:
    import smcc.nlp.scorer as scorer_module

    calls: list[str] = []
    real = scorer_module.word_tokenize
    monkeypatch.setattr(scorer_module, "word_tokenize", lambda text, **kw: calls.append(text) or real(text, **kw))
    chatter = scorer.score_record({"id": "c", "text": "Trời Hà Nội hôm nay mưa to quá, kẹt xe khắp nơi 😩"})
    assert (chatter["relevant"], chatter["level"], chatter["sentiment"]) == (False, 0, "negative") and calls == []
    assert scorer.score_record({"id": "m", "text": "Mạng mobi hôm nay chậm quá"})["relevant"] and len(calls) == 1
