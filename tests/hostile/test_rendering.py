"""Ticket e-mails rendered from hostile mentions: no crash, a one-line subject (no header
injection), inert HTML, no control or bidi characters, and the text still shown."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smcc.escalation.render import MentionView, TicketEmail, render_ticket_email
from smcc.escalation.routing import Routing, load_routing

from .inert import assert_inert
from .strategies import PROFILE, any_text, hostile_text

OPENED = datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc)
INVISIBLE = set("\x00\x07\x1b\u200b\u202e\u202c\ufeff")
SCHEMES = ("javascript:alert(1)", "data:text/html,<b>x</b>", "https://forum.example/t/1",
           "http://x.example/\r\nSet-Cookie: a=b", "ftp://x.example/")


@pytest.fixture(scope="module")
def routing() -> Routing:
    return load_routing()


def _mention(text: str, title: str, author: str, url: str) -> MentionView:
    return MentionView(source=author or "nguon", source_type="forum_post", url=url,
                       title=title or None, text=text, author=author or None,
                       author_followers=10, interactions=5, growth_per_hour=None,
                       published_at=OPENED - timedelta(minutes=5))


def _ticket(mentions: list[MentionView], reasons: list[str]) -> TicketEmail:
    return TicketEmail(event="created", number="SMCC-20261201-000007", level=2, previous_level=None,
                       topic="network", owner="network_ops", coordinating=[], opened_at=OPENED,
                       deadline=OPENED + timedelta(hours=4), late=False, reasons=reasons,
                       mentions=mentions, ack_url="https://smcc.example/ack?token=a.b",
                       resolve_url="https://smcc.example/resolve?token=a.b")


@PROFILE
@given(text=any_text, title=hostile_text, author=hostile_text, url=st.sampled_from(SCHEMES),
       reasons=st.lists(any_text, max_size=4))
def test_hostile_mentions_render_inert(routing: Routing, text: str, title: str, author: str,
                                       url: str, reasons: list[str]) -> None:
    email = render_ticket_email(_ticket([_mention(text, title, author, url)], reasons), routing)
    assert "\n" not in email.subject and "\r" not in email.subject
    soup = assert_inert(email.html, allowed={"meta", "style"})
    links = {a["href"] for a in soup.find_all("a", href=True)}
    assert links <= {"https://forum.example/t/1", "https://smcc.example/ack?token=a.b",
                     "https://smcc.example/resolve?token=a.b"}
    for part in (email.subject, email.text, email.html):
        part.encode("utf-8")  # sendable: no lone surrogate survives
        assert not INVISIBLE & set(part)


@PROFILE
@given(words=st.lists(st.sampled_from(["<b>mất</b>", "sóng", "&amp;", "'); --", "Mạng",
                                       "{{ x }}", "\"q\""]), min_size=1, max_size=12))
def test_markup_in_a_title_is_shown_as_text(routing: Routing, words: list[str]) -> None:
    title = " ".join(words)
    decomposed = unicodedata.normalize("NFD", title)
    email = render_ticket_email(_ticket([_mention("nội dung", decomposed, "a", SCHEMES[2])],
                                        []), routing)
    shown = " ".join(assert_inert(email.html, allowed={"meta", "style"}).get_text().split())
    assert title in shown and title in email.text, "NFC text shown verbatim, markup as text"
