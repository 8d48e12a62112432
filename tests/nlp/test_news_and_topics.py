"""Negative-news detection, topic keywords of the fourth pass and clause splits without accents."""

from __future__ import annotations

import pytest

from smcc.nlp import Scorer
from smcc.nlp.topic import classify, rule_scores
from smcc.nlp.text import fold


def news(scorer: Scorer, text: str, title: str | None = None) -> dict:
    item = {"id": "n", "source_type": "news_article", "text": text, "reactions": 40}
    return scorer.score_record({**item, "title": title} if title else item)


@pytest.mark.parametrize("text", [
    "Lợi nhuận MobiFone sụt giảm mạnh trong quý III",
    "Sự cố cáp quang, thuê bao MobiFone ở Huế không vào được mạng",
    "MobiFone bị phạt 150 triệu đồng",
    "Khách hàng phản ánh MobiFone thu tien sai",
    "mang mobifone sap ca buoi sang",
])
def test_headline_reporting_a_negative_event_is_a_level_3_crisis(scorer: Scorer, text: str) -> None:
    r = news(scorer, text)
    assert (r["sentiment"], r["level"]) == ("negative", 3)
    assert any(reason.startswith("bài báo tiêu cực về thương hiệu: “") for reason in r["reasons"])


def test_the_lead_under_a_neutral_title_counts(scorer: Scorer) -> None:
    r = news(scorer, "Nhiều người dùng bức xúc vì bị trừ tiền oan.", title="MobiFone và câu chuyện dịch vụ")
    assert r["level"] == 3


@pytest.mark.parametrize("text", [
    "MobiFone tạm gián đoạn dịch vụ nạp thẻ từ 1h đến 3h để bảo trì hệ thống",
    "MobiFone cam kết không có sự cố nào trong dịp Tết",
    "MobiFone hướng dẫn khách hàng nhận diện tin nhắn lừa đảo",
])
def test_planned_work_negated_events_and_advice_are_not_crises(scorer: Scorer, text: str) -> None:
    assert news(scorer, text)["level"] == 0


def test_event_words_on_social_posts_keep_the_ordinary_rules(scorer: Scorer) -> None:
    r = scorer.score_record({"id": "x", "source_type": "facebook_comment", "text": "Nghe nói lợi nhuận MobiFone sụt giảm hả mọi người?"})
    assert r["level"] < 3


@pytest.mark.parametrize(("text", "topic"), [
    ("Đăng ký gói này kiểu gì ad?", "promotion"),
    ("Đăng ký thêm sim cho con cần giấy tờ gì", "subscription"),
    ("Gọi 9090 bấm phím mãi chưa gặp được người thật", "customer_service"),
    ("Bị trừ tiền gói data mà không dùng, đề nghị trả lại tiền", "billing"),
    ("Số lạ gọi xưng nhân viên nhà mạng bảo sắp khóa sim", "fraud"),
    ("Tài khoản bị ai đó đổi mật khẩu, số dư mất hết", "fraud"),
    ("Sim hết hạn sử dụng thì bao lâu bị thu hồi số", "subscription"),
    ("Muốn chuyển từ trả trước sang trả sau thì làm sao", "subscription"),
    ("Gọi về quê toàn nghe tiếng được tiếng mất", "network"),
    ("Chưa thấy nhà mạng nào tệ như vậy", "other"),
])
def test_topic_keywords(text: str, topic: str) -> None:
    assert classify(rule_scores(fold(text))) == topic


def test_reply_thanking_the_page_owner_is_about_the_brand(scorer: Scorer) -> None:
    item = {"id": "x", "source_type": "facebook_comment", "page_brand": "MobiFone", "context": "Chúc mừng năm mới"}
    assert scorer.score_record({**item, "text": "Cảm ơn ad nhiều nhé"})["relevant"] is True
    assert scorer.score_record({**item, "text": "Hôm nay trời đẹp quá"})["relevant"] is False


@pytest.mark.parametrize("text", [
    "viettel song khoe con mobi thi yeu",
    "viettel song on nhung mobi thi chap chon",
    "Sóng mobi yếu trong khi viettel vẫn full vạch",
])
def test_comparisons_split_without_accents_and_at_trong_khi(scorer: Scorer, text: str) -> None:
    scores = {s.brand: s.sentiment for s in scorer.score({"id": "x", "source_type": "facebook_comment", "text": text})}
    assert scores["MobiFone"] == "negative" and scores["Viettel"] == "positive"


@pytest.mark.parametrize("text", [
    "MobiFone cảnh báo chiêu giả danh tổng đài để chiếm đoạt tiền của khách hàng",
    "MobiFone khuyến cáo không bấm đường link lạ. Gần đây kẻ gian gửi tin nhắn lừa đảo trúng thưởng.",
    "MobiFone bảo dưỡng hệ thống rạng sáng thứ Bảy, dịch vụ nạp tiền có thể gián đoạn 1 giờ",
])
def test_advice_and_notices_in_the_news_are_neutral_and_need_nothing(scorer: Scorer, text: str) -> None:
    r = news(scorer, text)
    assert (r["sentiment"], r["level"]) == ("neutral", 0), r["reasons"]


@pytest.mark.parametrize("text", [
    "MobiFone được vinh danh doanh nghiệp số xuất sắc năm nay",
    "MobiFone miễn phí 5GB data cho thuê bao vùng lũ miền Trung",
    "MobiFone chặn hơn 3 triệu cuộc gọi rác trong quý III",
])
def test_good_news_reads_positive_and_is_no_crisis(scorer: Scorer, text: str) -> None:
    r = news(scorer, text)
    assert (r["sentiment"], r["level"]) == ("positive", 0), r["reasons"]


def test_a_customer_warning_after_being_cheated_keeps_its_serious_terms(scorer: Scorer) -> None:
    r = scorer.score_record({"id": "x", "source_type": "facebook_post", "reactions": 12,
                             "text": "Cảnh giác nha mọi người, mình bị lừa mất 3 triệu vì cuộc gọi xưng MobiFone"})
    assert r["sentiment"] == "negative" and r["level"] >= 2


@pytest.mark.parametrize("text", ["MobiFone ký kết hợp tác chiến lược với một ngân hàng lớn",
                                  "Lợi nhuận trước thuế của MobiFone năm nay ước đạt 5.000 tỷ đồng"])
def test_corporate_news_goes_to_other_with_the_topic_model(scorer: Scorer, text: str) -> None:
    assert news(scorer, text)["topic"] == "other"
