from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smcc.escalation.render import RenderedEmail, render_gate_alert, render_ticket_email
from smcc.escalation.routing import Routing

HOSTILE_TEXT = (
    "<script>alert(1)</script><img src=x onerror=alert(2)> &lt;b&gt;bold&lt;/b&gt; &amp;"
    "\x00\x07\x1b[31m\u202eđảo ngược\u202c\ud800\r\nBcc: victim@example.com\r\n"
)
MEGABYTE = "Mạng chập chờn " * 70_000


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def _assert_inert(html: str) -> None:
    soup = _soup(html)
    assert soup.find_all(["script", "iframe", "img", "object", "embed", "link", "style"]) == []
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")], element.name
        for attr in ("href", "src"):
            value = str(element.get(attr, "")).strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), value


def _no_controls(text: str) -> bool:
    return not any(ch in text for ch in "\x00\x07\x1b\u202e\u202c") and "\ud800" not in text


def test_parts_are_vietnamese_strings(routing: Routing, ticket_factory) -> None:
    email = render_ticket_email(ticket_factory(), routing)
    assert isinstance(email, RenderedEmail)
    for part in (email.subject, email.text, email.html):
        assert isinstance(part, str) and part
    for part in (email.text, email.html):
        assert "Hạn xử lý" in part
        assert "Trung tâm Điều hành mạng" in part  # owner, by its Vietnamese name
        assert "Ban Truyền thông" in part and "Ban Lãnh đạo" in part  # coordinating units
        assert "Mức 3 - Khủng hoảng" in part
        assert routing.playbook("network").splitlines()[0] in part
        assert "Tương tác tăng 300/giờ trên voz.vn" in part  # reasons
    assert "network_ops" not in email.text


def test_subject_names_level_number_and_topic(routing: Routing, ticket_factory) -> None:
    subject = render_ticket_email(ticket_factory(), routing).subject
    assert subject.startswith("[SMCC][Mức 3 - Khủng hoảng] SMCC-20261201-0007 Mạng: Mất sóng MobiFone")
    assert len(subject) < 200


def test_deadline_and_time_allowed_in_hanoi_time(routing: Routing, ticket_factory) -> None:
    opened = datetime(2026, 12, 1, 5, 30, tzinfo=timezone.utc)
    ticket = ticket_factory(level=2, opened_at=opened, deadline=opened + timedelta(hours=4))
    email = render_ticket_email(ticket, routing)
    for part in (email.text, email.html):
        assert "16:30 01/12/2026 (GMT+7)" in part  # 09:30 UTC
        assert "12:30 01/12/2026 (GMT+7)" in part  # opened
        assert "4 giờ" in part
        assert "09:30 01/12/2026" not in part


def test_deadline_given_in_another_zone_is_still_shown_in_gmt7(routing: Routing, ticket_factory) -> None:
    tokyo = timezone(timedelta(hours=9))
    opened = datetime(2026, 12, 1, 17, 30, tzinfo=tokyo)
    email = render_ticket_email(ticket_factory(opened_at=opened, deadline=opened + timedelta(hours=1)), routing)
    assert "16:30 01/12/2026 (GMT+7)" in email.text


def test_mention_details_are_shown(routing: Routing, ticket_factory, mention_factory) -> None:
    mention = mention_factory(author="Nguyễn Văn A", author_followers=12345, interactions=2345, growth_per_hour=150.0)
    email = render_ticket_email(ticket_factory(mentions=[mention]), routing)
    soup = _soup(email.html)
    assert soup.find("a", href=mention.url) is not None
    for part in (email.text, soup.get_text(" ")):
        assert "Nguyễn Văn A" in part
        assert "12.345 người theo dõi" in part
        assert "2.345" in part and "+150 tương tác/giờ" in part
        assert "voz.vn" in part and "Bài diễn đàn" in part


def test_action_buttons_link_to_ack_and_resolve(routing: Routing, ticket_factory) -> None:
    ticket = ticket_factory()
    email = render_ticket_email(ticket, routing)
    links = {a.get_text(strip=True): a["href"] for a in _soup(email.html).find_all("a")}
    assert links["Xác nhận đã tiếp nhận"] == ticket.ack_url
    assert links["Đánh dấu đã xử lý xong"] == ticket.resolve_url
    assert ticket.ack_url in email.text and ticket.resolve_url in email.text


def test_only_five_most_important_mentions(routing: Routing, ticket_factory, mention_factory) -> None:
    mentions = [mention_factory(i, interactions=interactions) for i, interactions in enumerate([5, 900, 40, 7000, 3, 60, 800, 1])]
    email = render_ticket_email(ticket_factory(mentions=mentions), routing)
    hrefs = {a["href"] for a in _soup(email.html).find_all("a")}
    top = sorted(mentions, key=lambda m: m.interactions, reverse=True)
    assert {m.url for m in top[:5]} <= hrefs
    assert not {m.url for m in top[5:]} & hrefs
    assert all(m.url not in email.text for m in top[5:])
    assert "và 3 đề cập khác" in email.text and "và 3 đề cập khác" in email.html
    assert top[0].title in email.subject


def test_late_ticket_says_so(routing: Routing, ticket_factory) -> None:
    late = render_ticket_email(ticket_factory(late=True), routing)
    on_time = render_ticket_email(ticket_factory(late=False), routing)
    for part in (late.subject, late.text, late.html):
        assert "Phát hiện muộn" in part
    assert "backfill" in late.text
    for part in (on_time.subject, on_time.text, on_time.html):
        assert "Phát hiện muộn" not in part


def test_level_raised_shows_both_levels(routing: Routing, ticket_factory) -> None:
    email = render_ticket_email(ticket_factory(event="level_raised", previous_level=2), routing)
    assert "[Nâng mức]" in email.subject
    assert "từ Mức 2 - Cao lên Mức 3 - Khủng hoảng" in email.text


@pytest.mark.parametrize("event", ["created", "level_raised", "reminder", "escalated"])
def test_every_event_renders_with_level_colour(routing: Routing, ticket_factory, event: str) -> None:
    email = render_ticket_email(ticket_factory(event=event, level=2, previous_level=1), routing)
    assert routing.level_colour(2) in email.html
    assert "Mức 2 - Cao" in email.subject
    _assert_inert(email.html)


def test_bad_ticket_fields_are_refused(routing: Routing, ticket_factory) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_ticket_email(ticket_factory(deadline=datetime(2026, 12, 1, 9, 30)), routing)
    with pytest.raises(ValueError, match="event"):
        render_ticket_email(ticket_factory(event="deleted"), routing)
    with pytest.raises(ValueError, match="level"):
        render_ticket_email(ticket_factory(level=0), routing)


def test_hostile_mention_renders_inert_and_truncated(routing: Routing, ticket_factory, mention_factory) -> None:
    mention = mention_factory(
        title="</a><script>alert(3)</script>" + HOSTILE_TEXT,
        text=HOSTILE_TEXT + MEGABYTE,
        author='"><img src=x onerror=alert(4)>',
        source="voz\r\nBcc: victim@example.com",
        url="javascript:alert(5)",
    )
    ticket = ticket_factory(
        number="SMCC-1\r\nBcc: victim@example.com",
        mentions=[mention],
        reasons=["<iframe src=//evil.example></iframe>" + MEGABYTE],
    )
    email = render_ticket_email(ticket, routing)

    _assert_inert(email.html)
    assert len(email.html) < 40_000 and len(email.text) < 20_000
    visible = _soup(email.html).get_text()
    assert "<script>alert(1)</script>" in visible  # shown as text, not executed
    assert "&lt;b&gt;" in visible  # entities in the source stay literal
    assert "alert(5)" not in email.html  # the javascript: URL is neither linked nor shown
    assert "liên kết bị ẩn" in visible
    assert "…" in email.text
    for part in (email.subject, email.text, email.html):
        assert _no_controls(part)
    assert "\r" not in email.subject and "\n" not in email.subject
    email.text.encode("utf-8")
    email.html.encode("utf-8")


def test_truncated_text_keeps_at_most_600_characters(routing: Routing, ticket_factory, mention_factory) -> None:
    body = "Sóng yếu quá trời " * 100
    email = render_ticket_email(ticket_factory(mentions=[mention_factory(text=body)]), routing)
    shown = next(line.strip() for line in email.text.splitlines() if line.strip().startswith("Sóng yếu"))
    assert shown.endswith("…")
    assert 500 <= len(shown) <= 601
    assert body.startswith(shown[:-1].rstrip())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(max_size=300), text=st.text(max_size=1000), author=st.text(max_size=50))
def test_any_text_gives_single_line_subject_and_inert_html(
    routing: Routing, ticket_factory, mention_factory, title: str, text: str, author: str
) -> None:
    mention = mention_factory(title=title or None, text=text, author=author or None)
    email = render_ticket_email(ticket_factory(mentions=[mention]), routing)
    assert "\n" not in email.subject and "\r" not in email.subject
    assert email.subject.startswith("[SMCC][Mức 3 - Khủng hoảng]")
    _assert_inert(email.html)
    email.html.encode("utf-8")


def test_gate_alert_goes_to_engineers_with_report_link(routing: Routing) -> None:
    email = render_gate_alert(
        "validate_mentions",
        "2026-12-01T08:00/2026-12-01T09:00",
        "scheduled__2026-12-01T08:00:00+00:00",
        ["expect_column_values_to_not_be_null(url): 3 dòng lỗi", "expect_column_values_to_be_unique(external_id)"],
        "https://smcc.example/reports/validate_mentions.html",
        routing,
    )
    assert "\n" not in email.subject and "validate_mentions" in email.subject
    assert "Cổng chất lượng" in email.subject
    for part in (email.text, email.html):
        assert "3 dòng lỗi" in part and "scheduled__2026-12-01T08:00:00+00:00" in part
        assert all(address in part for address in routing.engineers)
    assert _soup(email.html).find("a", href="https://smcc.example/reports/validate_mentions.html") is not None


def test_gate_alert_is_inert_for_hostile_input(routing: Routing) -> None:
    lines = [HOSTILE_TEXT + MEGABYTE] + [f"kiểm tra {i}" for i in range(100)]
    email = render_gate_alert("load\r\nBcc: x@example.com", "<b>lô</b>", "run", lines, "javascript:alert(1)", routing)
    assert "\n" not in email.subject and "\r" not in email.subject
    _assert_inert(email.html)
    assert _soup(email.html).find("a") is None
    assert "dòng khác" in email.text
    assert len(email.html) < 40_000
    assert _no_controls(email.text) and _no_controls(email.html)
