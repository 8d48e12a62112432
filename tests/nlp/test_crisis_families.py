"""Fifth pass: negative-news families, wider boycott/outage/authority terms, viral by comments+shares."""

from __future__ import annotations

import pytest

from smcc.nlp import Scorer
from smcc.nlp.text import fold


def record(scorer: Scorer, text: str, source_type: str = "news_article", **counts: float) -> dict:
    item = {"id": "x", "source_type": source_type, "text": text, "reactions": 20, "comments": 2, "shares": 0,
            "age_hours": 24.0}
    return scorer.score_record({**item, **counts})


@pytest.mark.parametrize("text", [
    "Tòa án xét xử vụ doanh nghiệp khởi kiện MobiFone",  # legal/regulatory
    "MobiFone tính cước hai lần với hàng nghìn thuê bao",  # financial harm
    "Khách hàng MobiFone không thể nạp tiền suốt buổi sáng",  # service failure
    "Tin tặc tấn công cổng thanh toán của MobiFone",  # security
    "Người dùng phẫn nộ với quảng cáo mới của MobiFone",  # public anger
])
def test_a_headline_from_each_event_family_is_a_crisis_with_or_without_accents(scorer: Scorer, text: str) -> None:
    for written in (text, fold(text)):
        r = record(scorer, written)
        assert (r["sentiment"], r["level"]) == ("negative", 3), written


@pytest.mark.parametrize("text", [
    "Rủ nhau chuyển mạng hết khỏi MobiFone đi mọi người",
    "Cả Hải Phòng mất sóng MobiFone từ trưa",
    "Sở Thông tin và Truyền thông yêu cầu MobiFone báo cáo vụ chặn nhầm thuê bao",
])
def test_boycott_calls_citywide_outages_and_authorities_on_a_small_comment_are_crises(scorer: Scorer, text: str) -> None:
    assert record(scorer, text, "facebook_comment")["level"] == 3


def test_one_building_without_signal_is_not_a_citywide_outage(scorer: Scorer) -> None:
    r = record(scorer, "Cả khu chung cư em mất mạng MobiFone từ sáng", "facebook_comment")
    assert r["level"] < 3


@pytest.mark.parametrize(("comments", "shares", "level3"), [(300, 250, True), (120, 60, False)])
def test_a_negative_post_many_comment_on_and_share_is_viral(scorer: Scorer, comments: int, shares: int,
                                                          level3: bool) -> None:
    text = "MobiFone trừ tiền vô lý, gọi tổng đài thì không ai giải quyết"
    r = record(scorer, text, "facebook_post", reactions=100, comments=comments, shares=shares, age_hours=48.0)
    assert (r["level"] == 3) is level3


def test_praise_that_spreads_is_not_a_crisis(scorer: Scorer) -> None:
    text = "Cảm ơn MobiFone hỗ trợ bà con vùng lũ rất nhanh, quá tuyệt vời"
    assert record(scorer, text, "facebook_post", reactions=100, comments=400, shares=300, age_hours=48.0)["level"] == 0


@pytest.mark.parametrize("text", [
    "Ai còn dùng Mobifone thì bỏ luôn đi, nhà mạng coi khách như không",  # leave it, said to everyone
    "Mạng gì mà tệ thế, share cho anh em biết mà né MobiFone ra",  # spread the word to avoid it
    "Dữ liệu khách hàng MobiFone bị lộ, số điện thoại và địa chỉ bị đem bán",  # a breach without a number
    "Sở TT&TT làm việc với MobiFone về hàng loạt phản ánh tin nhắn rác",  # an authority steps in
])
def test_calls_to_leave_unnumbered_breaches_and_authorities_at_work_are_crises(scorer: Scorer, text: str) -> None:
    assert record(scorer, text, "facebook_comment")["level"] == 3


def test_sharing_a_scam_warning_is_no_call_to_leave(scorer: Scorer) -> None:
    r = record(scorer, "Share cho mọi người biết để tránh bị lừa, có số lạ xưng nhân viên MobiFone đòi mã OTP",
               "facebook_comment")
    assert r["level"] < 3


@pytest.mark.parametrize("text", [
    "bỏ mobi đi mn ơi, cả nhà e chuyển sang vina hết r",  # leave it, said to everyone
    "Mobi cắt data mà giữ nguyên giá, nhà mình chuyển hết. Mọi người cũng nên làm vậy",  # do as we did
    "Anh em công nhân dùng mobi rủ nhau ra Viettel làm sim mới hết đi",  # leave together for a rival
    "Nguyên tỉnh Quảng Bình mất sóng mobi từ tối qua tới giờ",  # a whole province
    "Cả Hà Nội mất 4G mobi hay sao mà quận nào cũng không vào được mạng",  # a whole city, its 4G
    "Cần Thơ, Vĩnh Long, Sóc Trăng: 3 tỉnh mà ai dùng mobi cũng không vào được mạng",  # several provinces
    "Tòa án đã thụ lý đơn kiện của em vụ mobi cắt sim không báo trước",  # a court at work
    "Data của mình nằm trong cái file 2 triệu thuê bao mobi bị lộ đó",  # millions in a leaked file
])
def test_eighth_pass_calls_to_leave_and_area_outages_are_crises(scorer: Scorer, text: str) -> None:
    assert record(scorer, text, "facebook_comment")["level"] == 3


def test_a_headline_event_counts_whatever_advice_its_lead_quotes(scorer: Scorer) -> None:
    """The line break ends the headline: the lead's "không ngăn chặn" is no advice either."""
    r = record(scorer, "MobiFone bị phạt 250 triệu đồng vì để lọt tin nhắn rác\nThanh tra Bộ vừa xử phạt nhà mạng "
                       "do không ngăn chặn kịp thời hàng trăm nghìn tin nhắn quảng cáo")
    assert (r["sentiment"], r["level"]) == ("negative", 3)


@pytest.mark.parametrize("text", [
    "MobiFone diễn tập ứng cứu sự cố mất liên lạc diện rộng",  # a drill
    "Thông tin MobiFone khóa toàn bộ SIM chưa có CCCD từ ngày mai là sai sự thật",  # a rumour denied
])
def test_drills_and_denied_rumours_are_no_incident(scorer: Scorer, text: str) -> None:
    assert record(scorer, text)["level"] == 0


@pytest.mark.parametrize("text", [
    "Hơn 200 người mất tiền vì chiêu 'nâng cấp SIM 5G' mạo danh MobiFone",  # the scam's pretext, not maintenance
    "Cục Viễn thông mời MobiFone lên làm việc vụ trừ tiền sai",  # an authority summons the brand
])
def test_ninth_pass_scam_news_and_summons_are_crises(scorer: Scorer, text: str) -> None:
    assert record(scorer, text)["level"] == 3


@pytest.mark.parametrize("text", [
    "Công an phường vừa xuống cửa hàng mobi đầu ngõ làm việc vụ kích hoạt sim hộ kẻ gian",  # police at work
    "Xóm tụi tui thống nhất bỏ Mobi qua nhà mạng khác từ tháng 12",  # leaving together, agreed
    "Chủ nhật này 40 người tụi mình ra cửa hàng làm chuyển mạng giữ số rời mobi một lượt",  # on one day
])
def test_ninth_pass_police_at_work_and_leaving_on_one_day_are_crises(scorer: Scorer, text: str) -> None:
    assert record(scorer, text, "facebook_comment")["level"] == 3


def test_a_planned_network_upgrade_is_still_no_incident(scorer: Scorer) -> None:
    r = record(scorer, "MobiFone nâng cấp hệ thống tính cước, dịch vụ nạp tiền tạm gián đoạn từ 1h đến 3h sáng")
    assert r["level"] == 0


def test_outages_everywhere_and_profits_down_in_long_headlines_are_crises(scorer: Scorer) -> None:
    assert record(scorer, "Mobi ở Đà Nẵng hôm nay chỗ nào cũng mất 4G, gọi lúc được lúc không",
                  "forum_post")["level"] == 3
    assert record(scorer, "Lợi nhuận quý I của MobiFone giảm 38%, doanh thu di động đi lùi")["level"] == 3
