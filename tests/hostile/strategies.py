"""Hostile text for the property tests: random Unicode mixed with markup, SQL, template and
header-injection fragments, control and bidi characters, decomposed (NFD) Vietnamese, other
scripts; and very long texts. Profiles are derandomised so CI sees the same examples."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SQL_INJECTION = "'); DROP TABLE mention; --"
FRAGMENTS = (
    SQL_INJECTION, "' OR '1'='1", "%(text)s", "%s", "\\", "$$;",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
    "<a href=\"javascript:alert(1)\">bấm</a>", "{{ 7*7 }}", "{% include 'x' %}", "&amp;&lt;",
    "\r\nBcc: victim@example.com", "\x07\x1b[31m", "\u202eđảo ngược\u202c", "\u200b\ufeff",
    "Mạng MobiFone mất sóng", unicodedata.normalize("NFD", "Mạng MobiFone mất sóng cả tối"),
    "ko dc 😡😡", "quáaaaa", "#MobiFone @cskh", "مرحبا", "你好世界", "Ѕеrvісе", "z̸̢͓a̵l̷g̶o̷",
)


def _mixed_forms(parts: list[str], forms: list[str]) -> str:
    return "".join(unicodedata.normalize(form, part) for part, form in zip(parts, forms))


# Everything PostgreSQL text can hold (no NUL; no lone surrogate, which UTF-8 cannot encode).
_storable = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_chunks = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(_storable, max_size=30)),
                   max_size=10)
hostile_text = st.builds(_mixed_forms, _chunks,
                         st.lists(st.sampled_from(("NFC", "NFD")), min_size=10, max_size=10))


def _repeat_to(text: str, size: int) -> str:
    text = text or FRAGMENTS[0]
    return (text * (size // len(text) + 1))[:size]


# 20-100k characters: a long forum thread quoted whole, a pasted document.
huge_text = st.builds(_repeat_to, hostile_text, st.integers(min_value=20_000, max_value=100_000))

# Anything at all, including NUL and lone surrogates: for code that must never crash.
any_text = st.one_of(hostile_text, st.text(max_size=200))

PROFILE = settings(derandomize=True, max_examples=100, deadline=timedelta(seconds=5),
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
HUGE_PROFILE = settings(PROFILE, max_examples=8, deadline=timedelta(seconds=20))
