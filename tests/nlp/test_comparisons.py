"""When a text compares brands, each brand is judged on the clauses that name it."""

from __future__ import annotations

from smcc.nlp import Scorer


def by_brand(scorer: Scorer, text: str) -> dict:
    return {s.brand: s for s in scorer.score({"id": "x", "source_type": "facebook_comment", "text": text})}


def test_crisis_term_in_other_brands_clause_does_not_touch_mobifone(scorer: Scorer) -> None:
    scores = by_brand(scorer, "Viettel mất sóng diện rộng cả Hà Nội, còn MobiFone vẫn dùng ổn")
    assert scores["Viettel"].sentiment == "negative" and scores["Viettel"].level == 3
    assert scores["MobiFone"].sentiment != "negative" and scores["MobiFone"].level == 0


def test_angry_emoji_stay_with_the_clause_they_end(scorer: Scorer) -> None:
    scores = by_brand(scorer, "MobiFone hỗ trợ nhanh 👍, Viettel thì chán 😡😡")
    assert scores["MobiFone"].sentiment == "positive"
    assert scores["Viettel"].sentiment == "negative"


def test_boycott_of_another_brand_is_not_a_mobifone_crisis(scorer: Scorer) -> None:
    scores = by_brand(scorer, "Viettel bị tẩy chay, mobi thì vẫn tốt")
    assert scores["Viettel"].level == 3
    assert scores["MobiFone"].level == 0 and scores["MobiFone"].sentiment != "negative"


def test_overrides_still_apply_to_a_single_brand_text(scorer: Scorer) -> None:
    assert by_brand(scorer, "Dịch vụ MobiFone đỉnh thật, gọi 10 lần không ai nghe 🙄🙄")["MobiFone"].sentiment == "negative"
    assert by_brand(scorer, "MobiFone mất sóng diện rộng, nhưng đội kỹ thuật làm việc rất tốt")["MobiFone"].sentiment == "negative"


def test_clause_naming_both_brands_shares_its_override(scorer: Scorer) -> None:
    scores = by_brand(scorer, "Cả MobiFone lẫn Viettel đều bị tẩy chay")
    assert scores["MobiFone"].sentiment == scores["Viettel"].sentiment == "negative"
