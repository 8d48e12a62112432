"""Normalisation and scoring take any text: no crash, bounded time (hypothesis deadlines), and
decomposed (NFD) Vietnamese, as old pages and some phones send it, scores like composed text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given

from smcc.nlp import Scorer
from smcc.nlp.text import fold, normalize

from .strategies import HUGE_PROFILE, PROFILE, any_text, huge_text, hostile_text

VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load()


def _item(text: str, title: str | None = None) -> dict:
    return {"id": 1, "text": text, "title": title, "context": None, "page_brand": None,
            "source_type": "forum_post", "author_followers": 10, "reactions": 3,
            "comments": 1, "shares": 0, "replies": 0, "age_hours": 1.0}


@PROFILE
@given(text=any_text)
def test_normalize_and_fold_take_any_text(text: str) -> None:
    normalized = normalize(text)
    assert unicodedata.is_normalized("NFC", normalized)
    assert normalize(unicodedata.normalize("NFD", text)) == normalized, "NFD and NFC agree"
    folded = fold(normalized)
    assert fold(folded) == folded
    assert not VIETNAMESE_LETTERS & set(folded), "keyword matching sees no accents"


@PROFILE
@given(text=hostile_text, title=hostile_text)
def test_scoring_takes_hostile_text_and_ignores_unicode_form(scorer: Scorer, text: str,
                                                             title: str) -> None:
    scores = scorer.score(_item(text, title or None))
    assert [s.brand for s in scores] == scorer.brands
    for s in scores:
        assert s.level in (0, 1, 2, 3) and 0.0 <= s.sentiment_score <= 1.0
        assert s.sentiment in ("negative", "neutral", "positive")
    decomposed = scorer.score(_item(unicodedata.normalize("NFD", text),
                                    unicodedata.normalize("NFD", title) or None))
    assert decomposed == scores


@HUGE_PROFILE
@given(text=huge_text)
def test_huge_texts_are_scored_within_the_deadline(scorer: Scorer, text: str) -> None:
    assert len(scorer.score(_item(text))) == len(scorer.brands)
