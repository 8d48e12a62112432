"""Crisis levels 0-3 from ``config/levels.yaml``, with reasons in Vietnamese.

0 nothing to do; 1 one customer's complaint or question with small reach (answer in 24 h);
2 negative with moderate reach, an influential author, serious terms (money lost, account
taken over, data leak, threats to go to the authorities or press) or a busy negative forum
thread (answer in 4 h); 3 negative and viral, a negative news article, boycott calls,
widespread outages, authorities involved, a breach affecting many customers.
Term lists are regular expressions matched on word boundaries of the accent-folded text; a
customer's negative post the terms miss can still be a crisis by content (``smcc.nlp.crisis``).
A news article is negative when its headline or lead reports a negative event of one of the
``negative_news_families`` (legal/regulatory, financial harm, service failure, security, public
anger) that is not negated ("không có sự cố") and not in a sentence about
planned work or advice (``news_exceptions``: "tạm gián đoạn để bảo trì", "cảnh giác lừa đảo").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator

from smcc.config import StrictModel, load_config


class Level2Rules(StrictModel):
    min_interactions: int = Field(100, ge=1)
    min_author_followers: int = Field(10_000, ge=1)
    forum_min_replies: int = Field(20, ge=1)
    serious_terms: list[str] = []


class Level3Rules(StrictModel):
    min_interactions: int = Field(1000, ge=1)
    min_interactions_per_hour: float = Field(300, gt=0)
    min_comments_shares: int = Field(500, ge=1)
    negative_news_article: bool = True
    negative_news_families: dict[str, list[str]] = {}
    news_exceptions: list[str] = []
    boycott_terms: list[str] = []
    outage_terms: list[str] = []
    authority_terms: list[str] = []
    breach_terms: list[str] = []
    # A negative post (not news) the crisis-by-content model (``smcc.nlp.crisis``) gives at least
    # this probability is a crisis whatever its reach; null turns the model off.
    min_crisis_probability: float | None = Field(0.7, gt=0, le=1)
    # ... on a post of at least this many words: the model never learnt a crisis told in fewer,
    # and on "mobi mất sóng" alone it would read one.
    min_crisis_words: int = Field(8, ge=1)


class StoryRules(StrictModel):
    min_interactions_level2: int = Field(100, ge=1)
    min_interactions_level3: int = Field(1000, ge=1)
    min_interactions_per_hour: float = Field(300, gt=0)
    volume_spike_ratio: float = Field(3.0, gt=1)


class LevelRules(StrictModel):
    names: dict[int, str]
    sla_hours: dict[int, float]
    level2: Level2Rules = Level2Rules()
    level3: Level3Rules = Level3Rules()
    story: StoryRules = StoryRules()

    @field_validator("level2", "level3")
    @classmethod
    def _terms_compile(cls, value: StrictModel) -> StrictModel:
        for key, terms in value.model_dump().items():
            for term in _patterns(terms):
                try:
                    re.compile(term)
                except re.error as exc:
                    raise ValueError(f"{key}: invalid pattern {term!r}: {exc}") from None
        return value


def _patterns(value: object) -> list[str]:
    """Term lists of a rules section: a list, or the lists of a dict of families."""
    if isinstance(value, dict):
        return [term for terms in value.values() for term in terms]
    return value if isinstance(value, list) else []


def load_levels(path: Path) -> LevelRules:
    return load_config(path, LevelRules)


def fmt(number: float) -> str:
    """Vietnamese thousands separator: 1250 -> "1.250"."""
    return f"{round(number):,}".replace(",", ".")


def _terms(terms: list[str]) -> re.Pattern[str] | None:
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(f'(?:{t})' for t in terms)})(?![a-z0-9])") if terms else None


# A negator up to one word before a news term: "không (có) sự cố", "chưa ghi nhận gián đoạn".
_NEGATED_BEFORE = re.compile(r"(?<![a-z])(?:khong|chua|chang|khong he|chua he)(?: [a-z]+)? $")
# A line break ends a sentence too: a headline is often followed by its lead on the next line.
_SENTENCE_END = re.compile(r"[.!?;\n]")


@dataclass(frozen=True)
class Mention:
    """What level rules look at, for one mention and one brand."""

    folded: str
    sentiment: str
    source_type: str
    interactions: int
    comments_shares: int
    author_followers: int
    age_hours: float | None
    replies: int
    is_question: bool
    # Probability that the words alone make it a crisis (``smcc.nlp.crisis``).
    crisis: float = 0.0


def viral_reasons(interactions: int, comments_shares: int, age_hours: float | None, r3: Level3Rules) -> list[str]:
    """Why a negative mention's reach alone makes it level 3 (empty when it does not): total
    interactions, comments and shares, or interactions per hour."""
    reasons = []
    if interactions >= r3.min_interactions:
        reasons.append(f"tiêu cực; {fmt(interactions)} tương tác ≥ {fmt(r3.min_interactions)}")
    if comments_shares >= r3.min_comments_shares:
        reasons.append(f"tiêu cực; {fmt(comments_shares)} bình luận và chia sẻ ≥ {fmt(r3.min_comments_shares)}")
    rate = interactions / age_hours if age_hours else 0.0
    if rate >= r3.min_interactions_per_hour:
        reasons.append(f"tiêu cực; {fmt(rate)} tương tác/giờ ≥ {fmt(r3.min_interactions_per_hour)}")
    return reasons


def _sentence(folded: str, pos: int) -> str:
    """The sentence of ``folded`` around position ``pos``."""
    starts = [m.end() for m in _SENTENCE_END.finditer(folded, 0, pos)]
    end = _SENTENCE_END.search(folded, pos)
    return folded[starts[-1] if starts else 0:end.start() if end else len(folded)]


_SENTIMENT_VI = {"negative": "tiêu cực", "neutral": "trung lập", "positive": "tích cực"}


class LevelClassifier:
    def __init__(self, rules: LevelRules) -> None:
        self.rules = rules
        self._serious = _terms(rules.level2.serious_terms)
        self._level3_terms = [
            (_terms(rules.level3.boycott_terms), "kêu gọi tẩy chay"),
            (_terms(rules.level3.outage_terms), "sự cố mạng diện rộng"),
            (_terms(rules.level3.authority_terms), "cơ quan chức năng vào cuộc"),
            (_terms(rules.level3.breach_terms), "lộ lọt dữ liệu ảnh hưởng nhiều khách hàng"),
        ]
        # One alternation of every serious and crisis term, as ``alarming`` runs on most mentions.
        r3 = rules.level3
        self._alarming = _terms(rules.level2.serious_terms + r3.boycott_terms + r3.outage_terms
                                + r3.authority_terms + r3.breach_terms)
        # One pattern per family keeps each alternation small; the first hit in text order wins.
        self._news = [rx for terms in rules.level3.negative_news_families.values() if (rx := _terms(terms))]
        self._news_exceptions = _terms(rules.level3.news_exceptions)

    def _in_advice(self, folded: str, match: re.Match[str]) -> bool:
        """A news term in a sentence about planned work or advice ("cảnh báo thủ đoạn chiếm đoạt")."""
        return self._news_exceptions is not None and self._news_exceptions.search(
            _sentence(folded, match.start())) is not None

    def _first_event(self, rx: re.Pattern[str] | None, folded: str, news: bool) -> re.Match[str] | None:
        """The first match of ``rx``; in news, none under a headline of advice (its lead then tells
        the scam) and none in a sentence of advice (a customer's "cảnh giác nha, mình bị lừa"
        still counts)."""
        if rx is None:
            return None
        if not news:
            return rx.search(folded)
        if self.advice(folded):
            return None
        return next((m for m in rx.finditer(folded) if not self._in_advice(folded, m)), None)

    def advice(self, folded: str) -> bool:
        """A headline of advice, a notice of planned work or protection ("MobiFone cảnh báo ...")."""
        return self._news_exceptions is not None and self._news_exceptions.search(_sentence(folded, 0)) is not None

    def alarming(self, folded: str, news: bool = False) -> bool:
        """Serious or crisis terms: such a mention is negative for the brand whatever its tone."""
        return self._first_event(self._alarming, folded, news) is not None

    def negative_news(self, folded: str) -> str | None:
        """The first negative-event term of a headline or lead that is neither negated nor in a
        sentence about planned work or advice; ``None`` when the news reports no such event."""
        if self.advice(folded):
            return None
        matches = sorted((m for rx in self._news for m in rx.finditer(folded)), key=lambda m: m.start())
        for match in matches:
            if _NEGATED_BEFORE.search(folded, max(0, match.start() - 20), match.start()):
                continue
            if self._in_advice(folded, match):
                continue
            return match.group()
        return None

    def classify(self, m: Mention) -> tuple[int, list[str]]:
        for level, check in ((3, self._level3), (2, self._level2), (1, self._level1)):
            reasons = check(m)
            if reasons:
                return level, reasons
        return 0, []

    def _level3(self, m: Mention) -> list[str]:
        r3 = self.rules.level3
        news = m.source_type == "news_article"
        reasons = [f"{label}: “{match.group()}”" for rx, label in self._level3_terms
                   if (match := self._first_event(rx, m.folded, news))]
        if m.sentiment != "negative":
            return reasons
        if not reasons and not news and r3.min_crisis_probability is not None \
                and m.crisis >= r3.min_crisis_probability and len(m.folded.split()) >= r3.min_crisis_words:
            reasons.append("nội dung khủng hoảng (tẩy chay, mất sóng diện rộng, cơ quan chức năng, lộ dữ liệu): "
                           f"mô hình {fmt(m.crisis * 100)}% ≥ {fmt(r3.min_crisis_probability * 100)}%")
        reasons += viral_reasons(m.interactions, m.comments_shares, m.age_hours, r3)
        if r3.negative_news_article and m.source_type == "news_article":
            event = self.negative_news(m.folded)
            reasons.append(f"bài báo tiêu cực về thương hiệu: “{event}”" if event else "bài báo tiêu cực về thương hiệu")
        return reasons

    def _level2(self, m: Mention) -> list[str]:
        r2 = self.rules.level2
        reasons = []
        if match := self._first_event(self._serious, m.folded, m.source_type == "news_article"):
            reasons.append(f"nội dung nghiêm trọng: “{match.group()}”")
        if m.sentiment != "negative":
            return reasons
        if m.interactions >= r2.min_interactions:
            reasons.append(f"tiêu cực; {fmt(m.interactions)} tương tác ≥ {fmt(r2.min_interactions)}")
        if m.author_followers >= r2.min_author_followers:
            reasons.append(f"tiêu cực; tác giả có {fmt(m.author_followers)} người theo dõi "
                           f"≥ {fmt(r2.min_author_followers)}")
        if m.source_type == "forum_post" and m.replies >= r2.forum_min_replies:
            reasons.append(f"chủ đề diễn đàn tiêu cực; {fmt(m.replies)} trả lời ≥ {fmt(r2.forum_min_replies)}")
        return reasons

    def _level1(self, m: Mention) -> list[str]:
        reach = f"{fmt(m.interactions)} tương tác"
        if m.interactions < self.rules.level2.min_interactions:  # a question may reach more
            reach += f" < {fmt(self.rules.level2.min_interactions)}"
        if m.sentiment == "negative":
            return [f"khiếu nại của khách hàng (tiêu cực); {reach}"]
        if m.is_question:
            return [f"câu hỏi của khách hàng ({_SENTIMENT_VI[m.sentiment]}); {reach}"]
        return []


def story_level(mention_levels: Iterable[int], total_interactions: int, interactions_per_hour: float,
                volume_ratio: float, rules: LevelRules) -> tuple[int, list[str]]:
    """A story's level from its mentions and its growth; never below its highest mention level.

    Growth only upgrades stories that already need an answer (a mention at level >= 1): a viral
    story of praise is not a crisis.
    """
    base = max(mention_levels, default=0)
    reasons = [f"mức cao nhất của các đề cập: {base}"] if base else []
    if base == 0:
        return 0, reasons
    s = rules.story
    level = base
    checks = [
        (3, total_interactions >= s.min_interactions_level3,
         f"tổng {fmt(total_interactions)} tương tác ≥ {fmt(s.min_interactions_level3)}"),
        (3, interactions_per_hour >= s.min_interactions_per_hour,
         f"{fmt(interactions_per_hour)} tương tác/giờ ≥ {fmt(s.min_interactions_per_hour)}"),
        (2, total_interactions >= s.min_interactions_level2,
         f"tổng {fmt(total_interactions)} tương tác ≥ {fmt(s.min_interactions_level2)}"),
        (2, volume_ratio >= s.volume_spike_ratio,
         f"số đề cập tăng {volume_ratio:.1f} lần so với mức nền (≥ {s.volume_spike_ratio:.1f})".replace(".", ",")),
    ]
    for target, hit, reason in checks:
        if hit and target > base:
            level = max(level, target)
            reasons.append(reason)
    return level, reasons
