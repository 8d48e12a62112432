"""Vietnamese text normalisation shared by scoring and training.

Rules, applied per whitespace-separated token so that hashtags, @mentions, URLs, e-mail
addresses, numbers and emoji pass through untouched (underthesea's ``text_normalize`` would
split ``#MobiFone`` into ``# MobiFone``):

- Unicode NFC (decomposed input from some phones and old web pages);
- tone-mark placement ("hoà" -> "hòa", "thuỷ" -> "thủy") with underthesea's token rules;
- elongation ("quáaaa" -> "quá", "điiii" -> "đi", "ngonnnn" -> "ngon");
- teencode ("ko" -> "không", "dc" -> "được", "ntn" -> "như thế nào").

``fold`` gives the accent-free lower-case form used for all keyword matching, so "Mobi Fône"
and "mobi fone" match the same rule. ``emoji_signals`` turns emoji and emoticons into
sentiment tokens the model understands.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from underthesea.pipeline.text_normalize import token_normalize

# Short forms seen on Facebook and forums; only whole tokens are replaced, so "k" in "50k" stays.
TEENCODE: dict[str, str] = {
    "ko": "không", "k": "không", "kg": "không", "kh": "không", "hok": "không", "hông": "không",
    "hem": "không", "khum": "không", "kô": "không", "khong": "không", "hk": "không",
    "dc": "được", "đc": "được", "dk": "được", "đk": "được", "duoc": "được",
    "j": "gì", "ji": "gì", "vs": "với", "bt": "biết", "bít": "biết", "bik": "biết",
    "ntn": "như thế nào", "mn": "mọi người", "mng": "mọi người", "r": "rồi", "rùi": "rồi",
    "cx": "cũng", "cg": "cũng", "ng": "người", "nv": "nhân viên", "nt": "nhắn tin",
    "tk": "tài khoản", "sdt": "số điện thoại", "sđt": "số điện thoại", "trc": "trước",
    "wá": "quá", "qá": "quá", "thik": "thích", "iu": "yêu", "z": "vậy", "zậy": "vậy",
    "v": "vậy", "ak": "à", "ah": "à", "uk": "ừ", "uh": "ừ", "oki": "ok", "oke": "ok",
    "okie": "ok", "cty": "công ty", "lm": "làm", "lun": "luôn", "ms": "mới", "nhìu": "nhiều",
    "bây h": "bây giờ", "h": "giờ", "t": "tôi", "m": "mày", "ae": "anh em", "sv": "sinh viên",
    "đt": "điện thoại", "dt": "điện thoại", "tg": "thời gian", "nhah": "nhanh",
}

_POSITIVE_EMOJI = "😀😁😃😄😊😍🥰😘😋😎🤩👍👏🙌💯❤♥💕💖💗💓💞🎉🥳✅🌟⭐😇"
_NEGATIVE_EMOJI = "😡😠🤬😤😒🙄😞😔😟😕🙁☹😣😖😫😩😢😭😰😱💢👎💩🤮🤢😑😐🤦🥵🙃"
# ASCII emoticons and the tokens UIT-VSFC substituted for them (so training and scoring agree).
_POSITIVE_EMOTICONS = (":)", ":))", ":)))", ":d", "=))", "<3", "^^", ":p", ":v", "colonsmile",
                       "colonsmilesmile", "colonlove", "colonhihi", "colonbigsmile",
                       "colonsmallsmile", "colonlovelove")
_NEGATIVE_EMOTICONS = (":(", ":((", ":'(", ":@", "-_-", "colonsad", "colonsadcolon",
                       "colondoublesurprise")
EMO_POS = "emo_pos"
EMO_NEG = "emo_neg"

_EMOTICON_SIGNAL = {**{e: EMO_POS for e in _POSITIVE_EMOTICONS}, **{e: EMO_NEG for e in _NEGATIVE_EMOTICONS}}
_EMOJI_SIGNAL = {**{e: EMO_POS for e in _POSITIVE_EMOJI}, **{e: EMO_NEG for e in _NEGATIVE_EMOJI}}
_EMOJI_RE = re.compile("[" + re.escape(_POSITIVE_EMOJI + _NEGATIVE_EMOJI) + "]")

# Tokens that must not be rewritten: URLs, e-mails, hashtags, @mentions, anything with a digit.
_PROTECTED = re.compile(r"^(?:https?://|www\.|#|@)|@|\d|\.(?:vn|com|net|org)\b", re.IGNORECASE)
# Leading/trailing punctuation is split off a token so "quáaaa!!" still gets normalised.
_EDGES = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_SPACES = re.compile(r"\s+")


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0x00C0, 0x1EFA):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base.isascii() and base.isalpha():
            table[code] = base.lower()
    return table


_FOLD = _fold_table()
# Cheap pre-check so only elongated words pay for the per-character pass.
_ELONGATED = re.compile(
    r"(\w)\1\1|"
    + "|".join(
        "[" + "".join(chr(c) for c, b in _FOLD.items() if b == v and chr(c).islower() and chr(c) != "đ") + "]" + v
        for v in "aeiouy"
    ),
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """Lower-case, accent-free form ("Mạng MobiFone" -> "mang mobifone") for keyword matching."""
    return text.translate(_FOLD).lower()


def _collapse_elongation(word: str) -> str:
    """Drop repeated letters: 3+ identical letters, or a vowel followed by its bare copy.

    Vietnamese never doubles a letter after a tone-marked vowel ("quáa") and never triples
    one, while English loanwords keep legitimate doubles ("google", "xoong").
    """
    out: list[str] = []
    prev_base = ""
    run = 0
    for char in word:
        base = fold(char)
        if out and base == prev_base and char.isalpha():
            run += 1
            if char.lower() == base and out[-1].lower() != base:
                continue  # "á" then "a": the plain copy is elongation
            if run >= 2:
                continue
            out.append(char)
            continue
        run = 0
        prev_base = base
        out.append(char)
    collapsed = "".join(out)
    # "ngonnn" leaves "ngonn" after the 3-run rule; a double after a triple is elongation too.
    if len(collapsed) < len(word) and len(collapsed) >= 2 and collapsed[-1].lower() == collapsed[-2].lower():
        collapsed = collapsed[:-1]
    return collapsed


def _normalize_word(word: str) -> str:
    if not word or _PROTECTED.search(word):
        return word
    if _ELONGATED.search(word):
        # Teencode is not applied to collapsed words: "kkkk" is laughter, not "không".
        return token_normalize(_collapse_elongation(word))
    return TEENCODE.get(word.lower()) or token_normalize(word)


@lru_cache(maxsize=1 << 16)  # tokens repeat heavily across mentions
def _normalize_token(token: str) -> str:
    if _PROTECTED.search(token):
        return token
    lead, core, trail = _EDGES.match(token).groups()  # type: ignore[union-attr]
    return lead + _normalize_word(core) + trail


def normalize(text: str) -> str:
    """NFC, tone marks, elongation, teencode; hashtags, URLs, numbers and emoji kept as they are.
    Runs of spaces become one space; line breaks stay (one per run), as they end a headline."""
    lines = unicodedata.normalize("NFC", text).splitlines()
    return "\n".join(" ".join(map(_normalize_token, words)) for line in lines if (words := line.split()))


def emoji_signals(text: str) -> list[str]:
    """``emo_pos`` / ``emo_neg`` once per emoji or emoticon found, in order."""
    signals = [_EMOJI_SIGNAL[e] for e in _EMOJI_RE.findall(text)]
    for token in text.lower().split():
        signal = _EMOTICON_SIGNAL.get(token)
        if signal:
            signals.append(signal)
    return signals
