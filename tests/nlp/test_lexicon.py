"""Lexicon rules: negation scope, intensifiers, questions, sarcasm cues, accents; and the scorer
rules built on them (sarcasm, plain questions, comparisons)."""

from __future__ import annotations

import pytest
from underthesea import word_tokenize

from smcc.nlp import Scorer
from smcc.nlp.lexicon import lexicon_features
from smcc.nlp.text import fold, normalize


def lex(text: str) -> list[str]:
    norm = normalize(text)
    syllables = [s for t in word_tokenize(norm) for s in t.lower().split()]
    return lexicon_features(syllables, fold(" ".join(syllables)).split(), norm)


def sentiment(scorer: Scorer, text: str, brand: str = "MobiFone") -> str:
    scores = scorer.score({"id": "x", "source_type": "facebook_comment", "text": text})
    return next(s.sentiment for s in scores if s.brand == brand)


@pytest.mark.parametrize("text", ["mạng không tệ", "chẳng hề tệ chút nào", "mang ko te", "chả có gì phải chê"])
def test_negated_complaint_is_not_a_complaint(text: str) -> None:
    feats = lex(text)
    assert "lex:nneg" in feats and "lex:neg" not in feats and "lex:last_pos" in feats


@pytest.mark.parametrize("text", ["sóng chẳng tốt", "mạng không ổn định", "gọi không được", "chưa ai trả lời",
                                  "không có sóng", "khong on ti nao"])
def test_negated_praise_or_ability_is_a_complaint(text: str) -> None:
    feats = lex(text)
    assert "lex:npos" in feats and "lex:pos" not in feats and "lex:last_neg" in feats


def test_negation_stops_at_a_clause_break() -> None:
    assert "lex:npos" not in lex("không sao, mạng ổn")
    assert "lex:pos" in lex("không sao, mạng ổn")


@pytest.mark.parametrize("text, polarity", [("yếu quá", "neg"), ("quá tệ", "neg"), ("chậm vl", "neg"),
                                            ("rất hài lòng", "pos"), ("nhanh ghê", "pos")])
def test_intensifiers_next_to_a_hit_are_marked(text: str, polarity: str) -> None:
    assert f"lex:{polarity}!" in lex(text)


def test_plain_hit_is_not_intensified() -> None:
    assert lex("mạng yếu") == ["lex:neg", "lex:last_neg"]


def test_accents_keep_homographs_apart_but_unaccented_text_still_matches() -> None:
    assert "lex:neg" in lex("chán thật") and "lex:neg" in lex("chan that")
    assert lex("nhờ chặn số làm phiền") == lex("nho chan so lam phien") == ["lex:neg", "lex:last_neg"]
    assert lex("gọi quốc tế") == []


@pytest.mark.parametrize("text, feature", [
    ("Gói này đăng ký kiểu gì ad?", "lex:q_plain"),
    ("mobi có gói nào rẻ không", "lex:q_plain"),
    ("sóng yếu lắm, có cách nào khắc phục không?", "lex:q_neg"),
    ("sao gọi không được vậy", "lex:q_neg"),
])
def test_questions_with_and_without_a_complaint(text: str, feature: str) -> None:
    assert feature in lex(text)


def test_never_is_not_a_question() -> None:
    assert not any(f.startswith("lex:q") for f in lex("chưa bao giờ phải phàn nàn"))


@pytest.mark.parametrize("text", ["sóng giỏi thật, vào thang máy là mất sóng", "mạng quá đỉnh, load ảnh cũng lag",
                                  "lại mất sóng 😂"])
def test_sarcasm_cues_meet_a_complaint(text: str) -> None:
    assert "lex:sarcasm" in lex(text)


@pytest.mark.parametrize("text", ["nhân viên giỏi, xử lý nhanh", "mạng chậm", "cảm ơn đã khắc phục mất sóng"])
def test_no_sarcasm_without_both_cue_and_complaint(text: str) -> None:
    assert "lex:sarcasm" not in lex(text)


@pytest.mark.parametrize("text", ["mobi giỏi thật, cứ mưa là mất sóng", "mobi quá đỉnh, trừ tiền còn nhanh hơn nạp",
                                  "Mạng mobi lại rớt giữa cuộc gọi 😂"])
def test_scorer_reads_sarcasm_as_negative(scorer: Scorer, text: str) -> None:
    assert sentiment(scorer, text) == "negative"


@pytest.mark.parametrize("text", ["Cho mình hỏi gói data nào của mobi rẻ mà nhiều nhất?",
                                  "Ai dùng mobi ở Cà Mau thấy sóng ổn không ạ?"])
def test_plain_question_with_praise_words_is_neutral(scorer: Scorer, text: str) -> None:
    assert sentiment(scorer, text) == "neutral"


def test_complaining_question_stays_negative(scorer: Scorer) -> None:
    assert sentiment(scorer, "Sao mạng mobi chậm thế, có ai bị giống mình không?") == "negative"


@pytest.mark.parametrize("text, mobifone, viettel", [
    ("Viettel sóng khỏe hơn mobi nhiều", "negative", "positive"),
    ("mobi nhanh hơn Viettel nhiều", "positive", "negative"),
    ("Viettel chậm hơn mobi", "positive", "negative"),
])
def test_comparison_gives_the_brand_after_than_the_opposite_verdict(scorer: Scorer, text: str, mobifone: str,
                                                                    viettel: str) -> None:
    assert sentiment(scorer, text, "MobiFone") == mobifone
    assert sentiment(scorer, text, "Viettel") == viettel
