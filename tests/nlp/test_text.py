from __future__ import annotations

import unicodedata

import pytest

from smcc.nlp.text import EMO_NEG, EMO_POS, emoji_signals, fold, normalize


def test_nfc_and_tone_mark_placement() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoà thuỷ khoẻ")
    assert normalize(decomposed) == "Hòa thủy khỏe"


@pytest.mark.parametrize("raw, expected", [
    ("ko dc", "không được"), ("mạng lag quáaaa", "mạng lag quá"), ("ngonnnn", "ngon"),
    ("điiii", "đi"), ("QUÁAAA", "QUÁ"), ("ntn??", "như thế nào??"),
])
def test_teencode_and_elongation(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize("token", ["#MobiFone", "@mobifone.vn", "https://mobifone.vn/a?b=1", "1.250", "50k", "😡😡"])
def test_special_tokens_survive(token: str) -> None:
    assert normalize(f"mạng ko ổn {token} quáaa") == f"mạng không ổn {token} quá"


def test_legitimate_doubles_and_laughter_are_not_teencode() -> None:
    assert normalize("google xoong kkkk") == "google xoong k"


def test_fold_removes_accents_and_case() -> None:
    assert fold("Mạng MobiFone ĐỈNH") == "mang mobifone dinh"


def test_emoji_and_emoticons_are_signals() -> None:
    assert emoji_signals("tệ 😡 :( nhưng nv dễ thương 👍") == [EMO_NEG, EMO_POS, EMO_NEG]


def test_runs_of_spaces_collapse_and_line_breaks_stay() -> None:
    assert normalize("Tiêu đề  bài   báo\n\n  Nội dung\r\ncâu hai  ") == "Tiêu đề bài báo\nNội dung\ncâu hai"
