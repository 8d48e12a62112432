"""Crisis by content: the model raises a customer's negative post to level 3 when its words, not
its reach, make it a crisis; the term lists alone would leave it at level 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from smcc.nlp import Scorer
from smcc.nlp.crisis import training_label
from smcc.nlp.levels import Level3Rules
from smcc.settings import REPO_ROOT

# A call to leave together, in words no boycott term lists.
LEAVE_TOGETHER = "Mobi làm ăn vậy thì ai chịu nổi, tụi mình lập nhóm rồi, cuối tháng cả trăm người cắt hợp đồng"
SMALL_REACH = {"id": "x", "source_type": "facebook_comment", "reactions": 10, "comments": 3, "shares": 0,
               "age_hours": 5.0}


def test_a_call_to_leave_in_new_words_is_a_crisis_with_its_reason(scorer: Scorer) -> None:
    r = scorer.score_record({**SMALL_REACH, "text": LEAVE_TOGETHER})
    assert (r["sentiment"], r["level"]) == ("negative", 3)
    assert r["reasons"][0].startswith("nội dung khủng hoảng") and "≥ 70%" in r["reasons"][0]


def test_one_customers_complaint_stays_a_complaint(scorer: Scorer) -> None:
    r = scorer.score_record({**SMALL_REACH, "text": "Mạng Mobi chập chờn quá, gọi mãi không được"})
    assert (r["sentiment"], r["level"]) == ("negative", 1)


def test_the_model_is_off_when_its_threshold_is_null(tmp_path: Path) -> None:
    text = (REPO_ROOT / "config/levels.yaml").read_text(encoding="utf-8")
    assert "min_crisis_probability: 0.7" in text
    levels = tmp_path / "levels.yaml"
    levels.write_text(text.replace("min_crisis_probability: 0.7", "min_crisis_probability: null"), encoding="utf-8")
    r = Scorer.load(levels_path=levels).score_record({**SMALL_REACH, "text": LEAVE_TOGETHER})
    assert r["level"] == 1


@pytest.mark.parametrize("record, label", [
    ({"source_type": "facebook_post", "sentiment": "negative", "level": 3, "reactions": 40}, "crisis"),
    # Viral by its reach: its words teach nothing about content.
    ({"source_type": "facebook_post", "sentiment": "negative", "level": 3, "reactions": 1500}, None),
    ({"source_type": "facebook_post", "sentiment": "negative", "level": 3, "comments": 400, "shares": 150}, None),
    ({"source_type": "facebook_post", "sentiment": "negative", "level": 3, "reactions": 900, "age_hours": 2}, None),
    ({"source_type": "forum_post", "sentiment": "negative", "level": 2, "reactions": 300}, "none"),
    ({"source_type": "facebook_comment", "sentiment": "negative", "level": 1}, "none"),
    ({"source_type": "news_article", "sentiment": "negative", "level": 3}, None),
    ({"source_type": "facebook_comment", "sentiment": "positive", "level": 0}, None),
])
def test_training_labels_come_from_level_reach_and_source(record: dict, label: str | None) -> None:
    assert training_label(record, Level3Rules()) == label


@pytest.mark.parametrize("text", ["mobi mất sóng", "Mobi mat song roi"])
def test_a_bare_complaint_is_never_a_crisis_by_content(scorer: Scorer, text: str) -> None:
    """Too few words to tell a crisis (min_crisis_words): the model never learnt one this short."""
    assert scorer.score_record({**SMALL_REACH, "text": text})["level"] == 1
