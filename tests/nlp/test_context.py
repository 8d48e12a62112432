"""Replies that do not name a brand take it from the page they are on or the thread/post they answer."""

from __future__ import annotations

import pytest

from smcc.nlp import Scorer

OUTAGE_POST = ("MobiFone xin lỗi Quý khách tại một số khu vực ở Hà Nội đang gặp gián đoạn dịch vụ. "
               "Đội ngũ kỹ thuật đang khẩn trương khắc phục.")
OUTAGE_THREAD = "Mạng MobiFone chập chờn cả tối nay ở Cầu Giấy"


def on_page(scorer: Scorer, text: str, page: str = "MobiFone", context: str = OUTAGE_POST) -> dict:
    return {s.brand: s for s in scorer.score({"id": "x", "source_type": "facebook_comment", "text": text,
                                              "page_brand": page, "context": context, "reactions": 3})}


def in_thread(scorer: Scorer, text: str, title: str = OUTAGE_THREAD) -> dict:
    return {s.brand: s for s in scorer.score({"id": "x", "source_type": "forum_post", "text": text,
                                              "context": title, "reactions": 2})}


@pytest.mark.parametrize("text", ["Mất sóng 3 tiếng rồi, xin lỗi suông thế thôi à? Bồi thường cho khách hàng đi",
                                  "Khu Thanh Xuân bao giờ có sóng lại ạ?"])
def test_comment_on_brand_page_is_relevant_with_reason(scorer: Scorer, text: str) -> None:
    mobi = on_page(scorer, text)["MobiFone"]
    assert mobi.relevant and mobi.level == 1
    assert mobi.reasons[-1] == "bình luận trên trang của MobiFone"
    # The level reason stays first: e-mails use the first reason as a headline.
    assert "tương tác" in mobi.reasons[0]


def test_comment_on_page_is_not_relevant_to_other_brands(scorer: Scorer) -> None:
    scores = on_page(scorer, "Mất sóng cả buổi rồi, khi nào mới xong?")
    assert scores["MobiFone"].relevant
    assert not scores["Viettel"].relevant and not scores["VinaPhone"].relevant


def test_comment_naming_only_another_brand_belongs_to_that_brand(scorer: Scorer) -> None:
    scores = on_page(scorer, "Viettel ở chỗ mình vẫn dùng bình thường")
    assert not scores["MobiFone"].relevant
    assert scores["Viettel"].relevant and scores["Viettel"].reasons == []


def test_comment_naming_page_brand_and_another_is_relevant_to_both(scorer: Scorer) -> None:
    scores = on_page(scorer, "Viettel sóng khỏe hơn mobi nhiều")
    assert scores["MobiFone"].relevant and scores["Viettel"].relevant
    assert "bình luận trên trang của MobiFone" not in scores["MobiFone"].reasons  # it names the brand itself


def test_page_of_another_brand_does_not_make_mobifone_relevant(scorer: Scorer) -> None:
    scores = on_page(scorer, "Sóng yếu quá ad ơi", page="Viettel", context="Viettel tăng cường trạm phát sóng")
    assert scores["Viettel"].relevant and not scores["MobiFone"].relevant


def test_forum_reply_in_brand_thread_is_relevant_with_reason(scorer: Scorer) -> None:
    mobi = in_thread(scorer, "Em gọi rồi, tổng đài bảo không hoàn được, bực thật sự")["MobiFone"]
    assert mobi.relevant and mobi.sentiment == "negative" and mobi.level == 1
    assert mobi.reasons[-1] == "trong chủ đề nói về MobiFone"


def test_comment_under_post_naming_brand_is_relevant(scorer: Scorer) -> None:
    scores = {s.brand: s for s in scorer.score({"id": "x", "source_type": "facebook_comment",
                                                "text": "Quá tệ, không chấp nhận được", "context": OUTAGE_POST})}
    assert scores["MobiFone"].relevant
    assert scores["MobiFone"].reasons[-1] == "bình luận dưới bài viết nói về MobiFone"


def test_reply_naming_a_brand_ignores_the_thread(scorer: Scorer) -> None:
    scores = in_thread(scorer, "Em dùng Viettel ở Trung Kính vẫn ổn")
    assert scores["Viettel"].relevant and not scores["MobiFone"].relevant


def test_unrelated_thread_gives_no_brand(scorer: Scorer) -> None:
    assert not any(s.relevant for s in in_thread(scorer, "Hàng thủ chơi quá tệ", "Bàn về trận chung kết tối qua").values())


def test_exclusions_still_apply_to_text_and_context(scorer: Scorer) -> None:
    assert not on_page(scorer, "Chơi Mobi Army hồi xưa vui thật")["MobiFone"].relevant
    assert not in_thread(scorer, "Giao chậm quá", "Viettel Post giao hàng trễ 5 ngày")["Viettel"].relevant


def test_topic_comes_from_context_only_when_text_has_none(scorer: Scorer) -> None:
    assert on_page(scorer, "Quá tệ, không chấp nhận được")["MobiFone"].topic == "network"
    assert on_page(scorer, "Bị trừ tiền oan 50k mà chưa ai hoàn")["MobiFone"].topic == "billing"
    assert in_thread(scorer, "Có bác, mình gọi lúc 11h đêm vẫn có người nghe",
                     "Tổng đài MobiFone có còn làm việc ban đêm không?")["MobiFone"].topic == "customer_service"


def test_sentiment_and_level_come_from_the_reply_not_the_context(scorer: Scorer) -> None:
    outage = "MobiFone mất sóng diện rộng, hàng nghìn thuê bao bị ảnh hưởng"
    thanks = in_thread(scorer, "Cảm ơn bác, mình hiểu rồi", outage)
    assert thanks["MobiFone"].sentiment != "negative" and thanks["MobiFone"].level == 0
    # One household's outage ("cũng mất sóng", "also", reads as the outage spreading: a crisis).
    report = in_thread(scorer, "Nhà mình ở Đống Đa mất sóng từ tối, bực ghê", outage)
    assert report["MobiFone"].relevant and report["MobiFone"].level >= 1
    assert report["MobiFone"].level < 3, "the thread's crisis terms are not the reply's"


def test_small_talk_on_the_brands_page_is_not_about_the_brand(scorer: Scorer) -> None:
    chatter = scorer.score_record({"id": "c", "text": "Giá xăng tăng mạnh trong tuần này mọi người thấy sao?",
                                   "source_type": "facebook_comment", "page_brand": "MobiFone"})
    assert not chatter["relevant"] and chatter["level"] == 0
    complaint = scorer.score_record({"id": "d", "text": "Xin lỗi suông thế thôi à? Bồi thường cho khách hàng đi",
                                     "source_type": "facebook_comment", "page_brand": "MobiFone"})
    assert complaint["relevant"] and complaint["level"] >= 1


def test_score_record_accepts_the_new_keys(scorer: Scorer) -> None:
    record = scorer.score_record({"id": "x", "text": "Khu Thanh Xuân bao giờ có sóng lại ạ?", "source_type": "facebook_comment",
                                  "page_brand": "MobiFone", "context": OUTAGE_POST})
    assert record["relevant"] and record["topic"] == "network" and record["page_brand"] == "MobiFone"
