"""Hand-written Vietnamese telecom sentiment lexicon, turned into model features.

Entries are written with accents; each is matched with its accents when the text has them and
through its accent-free form when the text is typed without them ("chán" and "chan"), so
accented homographs stay apart ("chặn số" is not "chán"). One left-to-right pass over the
syllables, longest phrase first, yields:

- ``lex:neg`` / ``lex:pos`` per complaint or praise hit, plus ``lex:neg!`` / ``lex:pos!`` when an
  intensifier ("quá", "lắm", "vl", "rất") stands next to it;
- ``lex:nneg`` / ``lex:npos`` for a hit inside a negation's scope ("không tệ", "chẳng tốt",
  "gọi không được"), kept apart so the model learns that a negated complaint is mild praise;
- ``lex:q_plain`` / ``lex:q_neg`` for a question without / with a complaint in it;
- ``lex:mixed`` when praise and complaint meet, ``lex:sarcasm`` when an intensified ironic
  compliment ("giỏi thật", "quá đỉnh") or a laughing / upside-down face meets a complaint;
- ``lex:last_neg`` / ``lex:last_pos``: the polarity of the last hit ("rẻ nhưng dở").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smcc.nlp.text import fold

NEG, POS = "neg", "pos"

# Complaints, problems, anger, disappointment.
_NEGATIVE = """
tệ, dở, kém, kém xa, chê, chê bai, chán, chán nản, bực, bực mình, bực bội, ức chế, thất vọng, tồi, tồi tệ, lởm, dởm,
cùi, cùi bắp, như hạch, như shit, như cục gạch, cục gạch, rác, thùng rác, lừa đảo, lừa, vô lý, vô cớ,
oan, trừ oan, yếu, yếu xìu, chậm, chậm rì, chậm như rùa, rùa bò, lag, giật, giật lag, đơ, chập chờn,
rớt, rớt mạng, mất sóng, mất mạng, mất kết nối, mất liên lạc, đứng hình, quay vòng, nghẽn, nghẽn mạng,
rè, sập, sập mạng, lỗi, báo lỗi, trục trặc, gián đoạn, trừ tiền, tự trừ, lén trừ, trừ lung tung,
tự gia hạn, tự đăng ký, đắt, đắt đỏ, chát, cắt cổ, móc túi, ăn cướp, lằng nhằng, rườm rà, lòng vòng,
phiền, làm phiền, khó chịu, cọc lóc, lồi lõm, thô lỗ, hách dịch, vô trách nhiệm, vô dụng, tắc trách,
bó tay, chịu không nổi, hết chịu nổi, không chấp nhận được, bức xúc, phàn nàn, than phiền, tẩy chay,
bỏ mạng, cạch, cạch mặt, hết muốn, khổ, khổ sở, mệt mỏi, mệt, nản, ngán, ghét, điên, điên tiết, tức,
tức điên, cáu, chửi, bóp băng thông, bóp, hút máu, ăn tiền, ăn chặn, lố, quá đáng, tào lao, vớ vẩn,
nhảm, tụt, tụt dốc, đi xuống, xuống cấp, thua, hỏng, hư, hẹn lên hẹn xuống, đùn đẩy, lơ, phớt lờ,
ngâm, ngâm đơn, không cứu được, chặt chém, rác rưởi, mất dạy, đểu, láo, bố láo, đkm, vãi cả, hãm,
"""
# Praise, thanks, satisfaction.
_POSITIVE = """
tốt, tốt hơn, ổn, ổn định, ổn áp, khỏe, mạnh, nhanh, nhanh gọn, mượt, mượt mà, ngon, ngon lành,
tuyệt, tuyệt vời, đỉnh, đỉnh cao, xịn, xịn xò, chất, chất lượng, hài lòng, ưng, ưng ý, thích, yêu,
cảm ơn, cám ơn, thanks, thank, tận tình, nhiệt tình, chu đáo, chuyên nghiệp, lịch sự, dễ thương,
thân thiện, rẻ, hời, hợp lý, đáng tiền, tiện, tiện lợi, yên tâm, khen, bá cháy, phê, sướng, suôn sẻ,
êm, êm ru, rõ nét, cải thiện, chơi đẹp, uy tín, giỏi, xuất sắc, hay, recommend, tin tưởng, ủng hộ,
trung thành, vui, hài hước, may mà, nhiệt huyết, tâm lý, chịu khó, nhanh chóng, mạnh mẽ, vượt trội,
ấn tượng, đáng khen, đáng đồng tiền, xứng đáng, hoàn hảo, ok, hỗ trợ tốt, rõ ràng, minh bạch, ngon bổ rẻ,
quá đã, đã quá, đã thật, hiện đại, đẹp, tiện ích, chung thủy, căng đét, full vạch,
"""
# Words that are positive only once negated: "không có sóng", "gọi không được", "chưa ai trả lời".
_NEGATABLE = """
được, có sóng, sóng, tín hiệu, vạch, mạng, nghe máy, bắt máy, trả lời, phản hồi, giải quyết, xử lý,
liên lạc, hoạt động, cộng, hoàn, đáng, như quảng cáo, ai nghe,
"""
# Phrases that contain a lexicon word but mean nothing for sentiment; matched first, they block it.
_NEUTRAL = """
quốc tế, thực tế, kinh tế, y tế, chặn số, chặn cuộc gọi, chặn tin nhắn, hay không, hay là, có hay,
tốt nghiệp, mạnh khỏe, chúc mừng, giá tốt nhất, lừa đảo qua, cảnh giác, phòng tránh, chống lừa đảo,
"""
# Compliments that are often ironic when a complaint is near.
_IRONIC = frozenset(fold(w) for w in (
    "giỏi", "đỉnh", "đỉnh cao", "tuyệt vời", "tuyệt", "hay", "chu đáo", "xuất sắc", "nhanh", "xịn",
    "xịn xò", "khen", "đẳng cấp"))
_INTENSIFIERS = frozenset(fold(w) for w in (
    "quá", "lắm", "rất", "cực", "siêu", "vãi", "vl", "vcl", "vkl", "kinh", "khủng khiếp", "ghê", "hết sức",
    "vô cùng", "thật", "thật sự", "dã man", "kinh khủng", "hẳn", "cực kỳ", "nhất", "phết", "xỉu"))
# Negators as typed with accents, and their accent-free forms for text typed without accents.
_NEGATORS = frozenset({"không", "chẳng", "chả", "chưa", "đéo", "đếch", "hổng", "khỏi"})
_NEGATORS_FOLDED = frozenset({"khong", "chang", "cha", "chua", "deo", "dech"})
# Syllables between a negator and the word it negates that do not end its scope.
_FILLERS = frozenset({"he", "co", "phai", "bi", "thay", "may", "lam", "qua", "con", "ai", "gi", "ti",
                      "nao", "bao", "gio", "minh", "toi", "em", "thi", "la", "cung", "dang", "nen",
                      "ca", "den", "noi", "tung", "chut", "duoc", "thu"})
_SCOPE = 3  # content syllables a negation reaches
_BREAKS = frozenset({".", ",", "!", "?", ";", ":", "...", "nhưng", "nhung", "mà", "ma", "còn", "con"})
_LAUGH = re.compile("[😂🤣😆😏🙃]|(?<![\\w=:])(?:=\\)\\)+|:\\)\\)+|kaka|haha|hihi)")
QUESTION = re.compile(
    r"\?|(?<![a-z])(?:cho (?:minh|em|toi|hoi) hoi|lam sao|the nao|(?<!chua )(?<!khong )bao gio|bao lau|bao nhieu|o dau"
    r"|so (?:nao|may)|goi nao|co ai|ai biet|duoc khong|(?:khong|chua) (?:a|ak|mn|moi nguoi|vay|ta)(?![a-z])"
    r"|phai khong|gi vay|sao vay|cach nao|cho (?:em|minh|toi) xin|kieu gi|ra sao|khong (?:mn|ae|ad|ta)"
    r"|co .{1,40} khong(?: a| vay| nhi| nhe)?$|^(?:tai )?sao(?![a-z]))"
)

# Good news about the brand in a headline or lead (awards, growth, gifts and discounts for
# customers, wider coverage, help for disaster areas, blocked scam calls), on the folded text:
# the model reads such plain reporting as neutral.
GOOD_NEWS = re.compile(
    r"(?<![a-z])(?:giai thuong|(?:dat|doat|nhan) (?:\w+ )?giai|vinh danh|bieu duong|khen thuong|bang khen"
    r"|ghi nhan (?:\w+ ){0,2}dong gop|top \d+|dan dau|ky luc|tang truong|xuat sac"
    r"|(?:doanh thu|loi nhuan|thi phan|so thue bao|toc do) (?:\w+ ){0,3}tang|mien phi|tang (?:\d+ ?gb|qua|data|dien thoai|sim)"
    r"|giam (?:\d+ ?%|gia|cuoc|phi)|ho tro (?:\w+ ){0,4}(?:vung|ba con|dong bao|ho ngheo|nguoi ngheo)|ung ho"
    r"|phu song|mo rong (?:vung phu|phu song|mang|ha tang)|hoc bong"
    r"|chan (?:\w+ ){0,3}(?:cuoc goi|tin nhan|sim) (?:rac|lua dao|mao danh))(?![a-z])"
)


def _entries(block: str) -> list[str]:
    return [e.strip().lower() for e in block.replace("\n", " ").split(",") if e.strip()]


@dataclass(frozen=True)
class _Entry:
    polarity: str  # NEG, POS or "" (neutral blocker)
    negatable_only: bool = False
    ironic: bool = False


def _compile() -> tuple[dict[str, _Entry], dict[str, _Entry], dict[str, int]]:
    """Accented and accent-free phrase tables (neutral blockers first, so they win ties), and the
    longest phrase length per first syllable, accented or not, so most syllables cost one lookup."""
    accented: dict[str, _Entry] = {}
    folded: dict[str, _Entry] = {}
    first: dict[str, int] = {}
    groups = [(_NEUTRAL, ""), (_NEGATIVE, NEG), (_POSITIVE, POS), (_NEGATABLE, POS)]
    for block, polarity in groups:
        for phrase in _entries(block):
            entry = _Entry(polarity, negatable_only=block is _NEGATABLE, ironic=fold(phrase) in _IRONIC)
            accented.setdefault(phrase, entry)
            folded.setdefault(fold(phrase), entry)
            for head in {phrase.split()[0], fold(phrase).split()[0]}:
                first[head] = max(first.get(head, 0), len(phrase.split()))
    return accented, folded, first


_ACCENTED, _FOLDED, _FIRST = _compile()


@dataclass
class _Hit:
    polarity: str
    negated: bool
    intense: bool
    ironic: bool


def _is_negator(word: str, plain: str) -> bool:
    return word in _NEGATORS or (word == plain and plain in _NEGATORS_FOLDED)


def _match(words: list[str], folded: list[str], i: int) -> tuple[_Entry | None, int]:
    """The longest lexicon phrase starting at syllable ``i``, accented form first."""
    for n in range(min(_FIRST.get(words[i], 0), len(words) - i), 0, -1):
        key = " ".join(words[i:i + n])
        entry = _ACCENTED.get(key)
        if entry is None:
            plain = " ".join(folded[i:i + n])
            if plain == key:  # typed without accents: only then may the folded form match
                entry = _FOLDED.get(plain)
        if entry is not None:
            return entry, n
    return None, 1


def _hits(words: list[str], folded: list[str]) -> list[_Hit]:
    hits: list[_Hit] = []
    scope = 0  # content syllables left in the current negation's reach
    i = 0
    while i < len(words):
        word, plain = words[i], folded[i]
        if word in _BREAKS:
            scope, i = 0, i + 1
            continue
        if _is_negator(word, plain):
            scope, i = _SCOPE, i + 1
            continue
        entry, n = _match(words, folded, i) if word in _FIRST else (None, 1)
        if entry is not None and entry.polarity and (scope or not entry.negatable_only):
            near = folded[max(0, i - 2):i] + folded[i + n:i + n + 2]
            hits.append(_Hit(entry.polarity, bool(scope), any(s in _INTENSIFIERS for s in near), entry.ironic))
            scope = 0
        elif plain not in _FILLERS:
            scope = max(0, scope - 1)
        i += n
    return hits


def lexicon_features(words: list[str], folded: list[str], text: str) -> list[str]:
    """Lexicon features of one text: ``words`` its lower-case syllables (punctuation tokens
    included), ``folded`` the same syllables without accents, ``text`` the raw text (emoji)."""
    hits = _hits(words, folded)
    feats: list[str] = []
    complaint = praise = ironic = False
    for hit in hits:
        if hit.negated:
            feats.append(f"lex:n{hit.polarity}")
            # A negated compliment ("không ổn") is a complaint; a negated complaint is weak praise.
            complaint |= hit.polarity == POS
            continue
        feats.append(f"lex:{hit.polarity}")
        if hit.intense:
            feats.append(f"lex:{hit.polarity}!")
        complaint |= hit.polarity == NEG
        praise |= hit.polarity == POS
        ironic |= hit.ironic and hit.intense
    if QUESTION.search(" ".join(folded)):
        feats.append("lex:q_neg" if complaint else "lex:q_plain")
    if complaint and praise:
        feats.append("lex:mixed")
    if complaint and (ironic or _LAUGH.search(text) is not None):
        feats.append("lex:sarcasm")
    if hits:
        last = hits[-1]
        feats.append(f"lex:last_{NEG if (last.polarity == NEG) != last.negated else POS}")
    return feats


def sarcastic(feats: list[str]) -> bool:
    return "lex:sarcasm" in feats


def complaints_outweigh(feats: list[str], margin: int) -> bool:
    """At least ``margin`` more complaint hits (a negated compliment counts) than praise hits."""
    complaints = feats.count(f"lex:{NEG}") + feats.count(f"lex:n{POS}")
    return complaints - feats.count(f"lex:{POS}") >= margin


def plain_question(feats: list[str]) -> bool:
    return "lex:q_plain" in feats
