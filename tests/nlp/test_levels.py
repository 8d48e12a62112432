from __future__ import annotations

import pytest

from smcc.nlp import Scorer
from smcc.nlp.levels import story_level


def record(scorer: Scorer, text: str, **extra: object) -> dict:
    return scorer.score_record({"id": "x", "text": text, "source_type": "facebook_comment", **extra})


def test_small_complaint_is_level_1_with_reason(scorer: Scorer) -> None:
    r = record(scorer, "Mạng mobifone mất sóng cả buổi sáng, chán quá", reactions=3)
    assert (r["relevant"], r["sentiment"], r["level"]) == (True, "negative", 1)
    assert r["reasons"] and "3 tương tác < 100" in r["reasons"][0]


def test_question_is_level_1_and_praise_is_level_0(scorer: Scorer) -> None:
    assert record(scorer, "Mobifone có 5G ở Đà Nẵng chưa mọi người?")["level"] == 1
    praise = record(scorer, "5G mobifone nhanh thật, tải game vèo vèo 👍", reactions=5000)
    assert praise["level"] == 0 and praise["reasons"] == []


def test_widely_read_question_states_its_reach_truthfully(scorer: Scorer) -> None:
    r = record(scorer, "Mobifone có 5G ở Đà Nẵng chưa mọi người?", reactions=1190)
    assert r["level"] == 1 and r["reasons"] == ["câu hỏi của khách hàng (trung lập); 1.190 tương tác"]


def test_irrelevant_is_level_0(scorer: Scorer) -> None:
    assert record(scorer, "Viettel mất sóng toàn quốc", reactions=9000)["level"] == 0


def test_viral_negative_is_level_3_with_vietnamese_thousands(scorer: Scorer) -> None:
    r = record(scorer, "Mạng mobifone chập chờn cả tuần, chán", reactions=1000, comments=200, shares=50, age_hours=48)
    assert r["level"] == 3
    assert "tiêu cực; 1.250 tương tác ≥ 1.000" in r["reasons"]


def test_velocity_makes_level_3(scorer: Scorer) -> None:
    r = record(scorer, "Mạng mobifone mất sóng cả buổi sáng, chán quá", reactions=150, age_hours=0.5)
    assert r["level"] == 3 and any("tương tác/giờ" in reason for reason in r["reasons"])


@pytest.mark.parametrize("extra", [{"reactions": 150}, {"author_followers": 25000}])
def test_moderate_reach_or_influencer_is_level_2(scorer: Scorer, extra: dict) -> None:
    assert record(scorer, "Mạng mobifone mất sóng cả buổi sáng, chán quá", **extra)["level"] == 2


def test_serious_terms_are_level_2(scorer: Scorer) -> None:
    r = record(scorer, "Bị lừa mất 5 triệu vì kẻ gian giả danh nhân viên MobiFone")
    assert r["level"] == 2 and r["sentiment"] == "negative"


def test_busy_negative_forum_thread_is_level_2(scorer: Scorer) -> None:
    r = scorer.score_record({"id": "x", "text": "Mạng Mobifone dạo này tệ quá, anh em có bị không",
                             "source_type": "forum_post", "replies": 40})
    assert r["level"] == 2


def test_negative_news_boycott_and_outage_are_level_3(scorer: Scorer) -> None:
    news = scorer.score_record({"id": "x", "source_type": "news_article", "title": "Khách hàng tố MobiFone trừ tiền sai",
                                "text": "Nhiều thuê bao phản ánh bị trừ tiền."})
    assert news["level"] == 3
    assert record(scorer, "Kêu gọi tẩy chay MobiFone")["level"] == 3
    assert record(scorer, "MobiFone mất sóng diện rộng cả Hà Nội")["level"] == 3


def test_story_level_never_below_mentions_and_upgrades_on_growth(scorer: Scorer) -> None:
    rules = scorer.level_thresholds()
    assert story_level([2, 1], 10, 1.0, 1.0, rules)[0] == 2
    level, reasons = story_level([1, 1], 1500, 10.0, 1.0, rules)
    assert level == 3 and any("1.500" in r for r in reasons)
    assert story_level([1], 20, 350.0, 1.0, rules)[0] == 3
    assert story_level([1], 20, 5.0, 4.0, rules)[0] == 2
    assert story_level([0, 0], 50000, 900.0, 10.0, rules)[0] == 0
