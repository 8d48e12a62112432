"""The shared HTTP client: politeness, limits, retries, decoding."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smcc import __version__
from smcc.http import HttpClient, HttpError, ResponseTooLarge, RobotsDisallowed, decode_body, parse_retry_after
from smcc.replay import encode_cp1258

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
vietnamese_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " .,!?0123456789", min_size=1, max_size=200)


def test_user_agent_names_the_product_and_the_contact_url(replay, sleeps):
    client = HttpClient(contact_url="https://example.org/smcc-contact", min_delay=0, sleep=sleeps)
    client.get(f"{replay.url}/diendan/f/bong-da.33/")
    agents = {r["user_agent"] for r in replay.requests}
    assert agents == {f"SMCC/{__version__} (+https://example.org/smcc-contact)"}


def test_robots_txt_is_read_once_per_host_and_honoured(replay, http):
    for path in ("/diendan/f/bong-da.33/", "/tinnhanh/rss/so-hoa.rss", "/baocongnghe/sitemap.xml"):
        http.get(replay.url + path)
    with pytest.raises(RobotsDisallowed):
        http.get(replay.url + "/private/report.html")
    assert [r["path"] for r in replay.requests].count("/robots.txt") == 1
    assert not any(r["path"].startswith("/private") for r in replay.requests)


def test_client_errors_are_not_retried(replay, http):
    with pytest.raises(HttpError) as failure:
        http.get(replay.url + "/tinnhanh/khong-ton-tai-123456.html")
    assert failure.value.status == 404
    assert sum(1 for r in replay.requests if r["status"] == 404) == 1


def test_server_errors_are_retried_with_growing_backoff(replay, sleeps):
    client = HttpClient(min_delay=0, max_retries=3, backoff=1.0, max_retry_after=100, sleep=sleeps)
    replay.set_fault("/tinnhanh/rss", "500", times=3)
    assert client.get(replay.url + "/tinnhanh/rss/so-hoa.rss").status == 200
    assert sleeps == [1.0, 2.0, 4.0]


def test_per_host_minimum_delay_spaces_requests_to_one_host(replay, sleeps):
    client = HttpClient(min_delay=10, respect_robots=False, sleep=sleeps)
    client.get(replay.url + "/tinnhanh/rss/so-hoa.rss")
    client.get(replay.url + "/tinnhanh/rss/so-hoa.rss")
    assert len(sleeps) == 1 and 9.5 <= sleeps[0] <= 10
    other_host = replay.url.replace("127.0.0.1", "localhost")
    client.get(other_host + "/tinnhanh/rss/so-hoa.rss")
    assert len(sleeps) == 1  # another host does not wait for this one


def test_response_larger_than_the_limit_is_aborted(replay, sleeps):
    client = HttpClient(min_delay=0, max_bytes=2000, sleep=sleeps)
    with pytest.raises(ResponseTooLarge):
        client.get(replay.url + "/diendan/t/mang-mobifone-chap-chon-ca-toi-nay-o-cau-giay.905512/")


def test_unchanged_page_is_served_from_the_conditional_get_cache(replay, http):
    url = replay.url + "/tinnhanh/gia-vang-hom-nay-tang-manh-4870001.html"
    first = http.get(url)
    second = http.get(url)
    assert [r["status"] for r in replay.requests if "gia-vang" in r["path"]] == [200, 304]
    assert second.text == first.text and "Giá vàng" in second.text


def test_retry_after_accepts_seconds_and_http_dates():
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Tue, 01 Dec 2026 02:00:30 GMT", now=1796090400.0) == 30
    assert parse_retry_after("soon") is None


@settings(max_examples=60, deadline=None)
@given(vietnamese_text)
def test_windows_1258_bytes_decode_to_nfc_whatever_the_label(text):
    nfc = unicodedata.normalize("NFC", text)
    legacy = encode_cp1258(text)
    for content_type in ("text/html; charset=utf-8", "text/html", "text/html; charset=windows-1258"):
        assert decode_body(legacy, content_type)[0] == nfc


@settings(max_examples=60, deadline=None)
@given(vietnamese_text)
def test_utf8_pages_decode_even_under_a_western_default_label(text):
    nfc = unicodedata.normalize("NFC", text)
    body = unicodedata.normalize("NFD", text).encode("utf-8")  # decomposed input is normalised too
    for content_type in ("text/html; charset=utf-8", "text/html; charset=ISO-8859-1", None):
        assert decode_body(body, content_type)[0] == nfc


def test_meta_charset_is_used_when_the_header_has_none():
    page = '<html><head><meta charset="windows-1258"></head><body>Điện thoại</body></html>'
    text, encoding = decode_body(encode_cp1258(page), "text/html")
    assert encoding == "cp1258" and "Điện thoại" in text
