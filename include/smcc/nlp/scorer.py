"""Score mentions per configured brand: relevance, sentiment, topic, crisis level."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from underthesea import word_tokenize

from smcc.nlp import crisis as crises
from smcc.nlp import topic as topics
from smcc.nlp.brands import BrandMatcher, load_brands
from smcc.nlp.levels import LevelClassifier, LevelRules, Mention, load_levels
from smcc.nlp.lexicon import GOOD_NEWS, QUESTION, complaints_outweigh, plain_question, sarcastic
from smcc.nlp.linear import FeatureIndex, LinearModel
from smcc.nlp.sentiment import MODEL_FILE, TELECOM, base_features
from smcc.nlp.text import EMO_NEG, EMO_POS, fold, normalize
from smcc.settings import config_file

# Clause boundaries for comparisons ("Viettel sóng khỏe, còn mobi thì yếu").
# Text typed without accents writes "còn"/"nhưng" as "con"/"nhung"; splitting at "con" (child) too
# is harmless, as a clause naming no brand stays with the brand named before it.
_CLAUSE_BREAK = {".", ",", "!", "?", ";", ":", "...", "nhưng", "còn", "trong khi", "mà",
                 "nhung", "con", "ma"}
COMPARATIVE = re.compile(r"(?<![a-z])(?:hon|thua|kem)(?![a-z])")
_OPPOSITE = {"negative": "positive", "positive": "negative", "neutral": "neutral"}
_SYLLABLES = re.compile(r"\w+|[^\w\s]+")
# Items scored together by ``score_jsonl`` (see ``Scorer.score_many``).
BATCH = 256
# A model reading at least this probable is not overturned by the sarcasm cue.
SURE = 0.95
# Words that address the page owner ("cảm ơn ad", "nhà mạng ơi"): such a reply is about the brand.
_ADDRESSES_PAGE = re.compile(r"(?<![a-z])(?:ad|admin|nha mang|page|fanpage|shop)(?![a-z])")


@dataclass(frozen=True)
class BrandScore:
    brand: str
    relevant: bool
    sentiment: str
    sentiment_score: float
    topic: str
    level: int
    reasons: list[str]


class _Read(NamedTuple):
    """An item read up to its words: all that scoring needs before the models."""

    item: dict[str, Any]
    norm: str
    folded: str
    context: str
    source_type: str
    relevance: dict[str, str | None]
    tokens: list[str]


@dataclass(frozen=True)
class _View:
    """The part of a text that speaks about one brand, with its sentiment."""

    folded: str
    sentiment: str
    probability: float


def _int(item: dict[str, Any], key: str) -> int:
    value = item.get(key)
    return int(value) if value is not None else 0


def _page_reason(source_type: str, brand: str) -> str:
    kind = "bình luận" if source_type == "facebook_comment" else "bài đăng"
    return f"{kind} trên trang của {brand}"


def _context_reason(source_type: str, brand: str) -> str:
    if source_type == "facebook_comment":
        return f"bình luận dưới bài viết nói về {brand}"
    return f"trong chủ đề nói về {brand}"


class Scorer:
    """Loads configuration and the model once; ``score`` is cheap apart from one tokenisation.

    Optional item keys besides the mention fields: ``context`` (the thread title of a forum post,
    the parent post's text of a Facebook comment) and ``page_brand`` (the brand owning the page or
    group the item was posted on). Replies that name no brand take their brand from these, and
    their topic from the context when their own words have none.
    """

    def __init__(self, matchers: list[BrandMatcher], default_brand: str, rules: LevelRules,
                 sentiment: LinearModel, topic: LinearModel, crisis: LinearModel) -> None:
        self._matchers = matchers
        self._levels = LevelClassifier(rules)
        self._sentiment = sentiment
        self._topic = topic
        self._crisis_column = crisis.labels.index("crisis")
        # A text's features are looked up once for all three models.
        self._models = FeatureIndex([(sentiment, TELECOM), (topic, ""), (crisis, "")])
        self.default_brand = default_brand
        self.brands = [m.name for m in matchers]
        self.model_version = f"{sentiment.version}+{topic.version}+{crisis.version}"

    @classmethod
    def load(cls, brands_path: Path | None = None, levels_path: Path | None = None) -> "Scorer":
        brands = load_brands(brands_path or config_file("brands.yaml", "SMCC_BRANDS_FILE"))
        rules = load_levels(levels_path or config_file("levels.yaml", "SMCC_LEVELS_FILE"))
        return cls([BrandMatcher(b) for b in brands.brands], brands.default_brand, rules,
                   LinearModel.load(MODEL_FILE), LinearModel.load(topics.MODEL_FILE),
                   LinearModel.load(crises.MODEL_FILE))

    def normalize(self, text: str) -> str:
        return normalize(text)

    def level_thresholds(self) -> LevelRules:
        """Level names, SLA hours and the rules ``levels.story_level`` needs."""
        return self._levels.rules

    def score(self, item: dict[str, Any]) -> list[BrandScore]:
        return self.score_many([item])[0]

    def score_many(self, items: Sequence[dict[str, Any]]) -> list[list[BrandScore]]:
        """Score several items: all are read and segmented into words first, then all go through
        the models and rules, so each phase keeps its tables in the CPU caches (about an eighth
        faster than one item at a time; ``smcc score`` and the pipeline score in batches)."""
        read = [self._read(item) for item in items]
        return [self._scores(r) for r in read]

    def _read(self, item: dict[str, Any]) -> _Read:
        raw = f"{item['title']}. {item.get('text') or ''}" if item.get("title") else str(item.get("text") or "")
        norm = normalize(raw)
        folded = fold(norm)
        context = fold(normalize(str(item["context"]))) if item.get("context") else ""
        source_type = str(item.get("source_type") or "")
        relevance = self._relevance(folded, context, str(item.get("page_brand") or ""), source_type)
        # Text about no configured brand (most crawled chatter) is read syllable by syllable: its
        # sentiment is reported but acts on nothing, so it does not pay for word segmentation.
        tokens = word_tokenize(norm, use_token_normalize=False) if relevance else _SYLLABLES.findall(norm)
        return _Read(item, norm, folded, context, source_type, relevance, tokens)

    def _scores(self, read: _Read) -> list[BrandScore]:
        item, norm, folded, context, source_type, relevance, tokens = read
        feats = base_features(tokens, norm)
        sentiment, topic_probabilities, crisis = self._models.probabilities(feats)
        views = self._views(tokens, _View(folded, *self._sentiment.best(sentiment)), feats,
                            [name for name, why in relevance.items() if why is None], news=source_type == "news_article")
        phrases = topics.rule_scores(folded)
        own_topic = topics.classify(phrases, dict(zip(self._topic.labels, topic_probabilities)))
        topic = topics.classify(topics.rule_scores(context)) if own_topic == "other" and context else own_topic
        # Small talk: no telecom phrase at all (the model's guess does not count).
        small_talk = not any(phrases.values()) and not _ADDRESSES_PAGE.search(folded)
        mention = dict(
            source_type=source_type,
            interactions=_int(item, "reactions") + _int(item, "comments") + _int(item, "shares"),
            comments_shares=_int(item, "comments") + _int(item, "shares"),
            author_followers=_int(item, "author_followers"),
            age_hours=float(item["age_hours"]) if item.get("age_hours") is not None else None,
            # Labelled files give a forum thread's replies as its comments.
            replies=max(_int(item, "replies"), _int(item, "comments")),
            is_question=bool(QUESTION.search(folded)),
            # Of the whole text: a call to leave for a competitor names that competitor too.
            crisis=crisis[self._crisis_column],
        )
        scores = []
        for name in self.brands:
            view = views.get(name, views[None])
            level, reasons = 0, []
            # Relevant through its page or thread only: small talk there ("giá xăng tăng, mọi
            # người thấy sao?") is not about the brand unless it touches telecom, complains or
            # speaks to the page owner.
            relevant = name in relevance and not (
                relevance[name] is not None and small_talk and view.sentiment != "negative")
            if relevant:
                level, reasons = self._levels.classify(
                    Mention(folded=view.folded, sentiment=view.sentiment, **mention))
                reasons += [why] if (why := relevance[name]) else []
            scores.append(BrandScore(name, relevant, view.sentiment, round(view.probability, 4),
                                     topic, level, reasons))
        return scores

    def _relevance(self, folded: str, context: str, page_brand: str, source_type: str) -> dict[str, str | None]:
        """Relevant brands, each with why when the text itself does not name it (``None`` if it does).

        A text naming any brand is about the brands it names. Otherwise the page owner and the
        brands the context names count, unless the text hits one of that brand's exclusions.
        """
        named: dict[str, str | None] = {m.name: None for m in self._matchers if m.spans(folded)}
        if named:
            return named
        page = fold(page_brand)
        found: dict[str, str | None] = {}
        for m in self._matchers:
            if m.excluded(folded):
                continue
            if page and m.spans(page):
                found[m.name] = _page_reason(source_type, m.name)
            elif context and m.spans(context):
                found[m.name] = _context_reason(source_type, m.name)
        return found

    def _views(self, tokens: list[str], whole: _View, feats: list[str], mentioned: list[str],
               news: bool) -> dict[str | None, _View]:
        """The whole text (the model's reading ``whole`` of its features ``feats``) under key
        ``None``; when several brands are compared, each brand's clauses under its name, so
        sentiment, its overrides and level terms stay with their brand."""
        out: dict[str | None, _View] = {None: self._checked(whole, feats, news)}
        if len(mentioned) < 2:
            return out
        per_brand: dict[str, list[str]] = {name: [] for name in mentioned}
        current: list[str] = []
        compared_below: set[str] = set()
        for clause in self._clauses(tokens):
            clause_folded = fold(" ".join(clause))
            named = [m.name for m in self._matchers if m.name in per_brand and m.spans(clause_folded)]
            current = named or current
            for name in current:
                per_brand[name].extend(clause)
            compared_below |= self._compared_below(clause_folded, named)
        for name, clause_tokens in per_brand.items():
            if clause_tokens:
                text = " ".join(clause_tokens)
                clause_feats = base_features(clause_tokens, text)
                reading = self._sentiment.best(self._models.probabilities(clause_feats)[0])
                view = self._checked(_View(fold(text), *reading), clause_feats, news)
                out[name] = _View(view.folded, _OPPOSITE[view.sentiment], view.probability) \
                    if name in compared_below else view
        return out

    def _compared_below(self, clause_folded: str, named: list[str]) -> set[str]:
        """Brands named after "hơn"/"thua"/"kém" in a clause that names another brand before it:
        in "Viettel sóng khỏe hơn mobi" the praise is Viettel's and the verdict on mobi the opposite."""
        comparative = COMPARATIVE.search(clause_folded)
        if len(named) < 2 or comparative is None:
            return set()
        first = {m.name: m.spans(clause_folded)[0][0] for m in self._matchers if m.name in named}
        if min(first.values()) > comparative.start():
            return set()
        return {name for name, start in first.items() if start > comparative.start()}

    def _checked(self, view: _View, feats: list[str], news: bool) -> _View:
        """The model's reading of a text corrected by the rules below."""
        folded, label, prob = view.folded, view.sentiment, view.probability
        event = self._levels.negative_news(folded) if news else None
        # A question without a complaint asks; praise words in it ("gói nào rẻ?") are not praise.
        if label == "positive" and plain_question(feats):
            label, prob = "neutral", max(1.0 - prob, 0.5)
        # Praise next to angry or eye-rolling emoji, or an ironic compliment next to a complaint
        # ("giỏi thật, vào thang máy là mất sóng") the model is not sure of, is sarcasm (sincere
        # praise of a scam warning is not); alarming terms are never good news.
        # A headline reporting an incident, a fine or complaints is bad news for the brand even in
        # the neutral wording the model reads as neutral or as good news ("lợi nhuận sụt giảm mạnh").
        # A customer's long post whose complaints clearly outnumber its praise is a complaint,
        # however plainly told (the model's length normalisation dilutes the lexicon there).
        if label != "negative" and (feats.count(EMO_NEG) > feats.count(EMO_POS)
                                    or (sarcastic(feats) and prob < SURE)
                                    or self._levels.alarming(folded, news)
                                    or event is not None
                                    or (label == "neutral" and not news and complaints_outweigh(feats, 2))):
            label, prob = "negative", max(1.0 - prob, 0.5)
        # Good news (an award, a discount, wider coverage) reported plainly is good for the brand;
        # a headline of advice or of protection reports no incident, whatever words of scams or
        # outages it warns about (unless the article also reports an event).
        elif news and event is None:
            if GOOD_NEWS.search(folded):
                label, prob = "positive", max(1.0 - prob, 0.5)
            elif label == "negative" and self._levels.advice(folded):
                label, prob = "neutral", max(1.0 - prob, 0.5)
        return _View(folded, label, prob)

    @staticmethod
    def _clauses(tokens: list[str]) -> list[list[str]]:
        clauses: list[list[str]] = [[]]
        for i, token in enumerate(tokens):
            word = token.lower()
            # The tokenizer may split "trong khi" (while) into two tokens.
            pair = f"{word} {tokens[i + 1].lower()}" if i + 1 < len(tokens) else ""
            if (word in _CLAUSE_BREAK or pair in _CLAUSE_BREAK) and clauses[-1]:
                clauses.append([])
            clauses[-1].append(token)
        return clauses

    def score_record(self, item: dict[str, Any]) -> dict[str, Any]:
        return self.score_records([item])[0]

    def score_records(self, items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each item plus the default brand's scores (the output lines of ``smcc score``)."""
        out = []
        for item, scores in zip(items, self.score_many(items)):
            best = next(s for s in scores if s.brand == self.default_brand)
            out.append({**item, "relevant": best.relevant, "sentiment": best.sentiment,
                        "sentiment_score": best.sentiment_score, "topic": best.topic, "level": best.level,
                        "reasons": list(best.reasons)})
        return out


def read_jsonl(inp: TextIO) -> list[tuple[int, dict[str, Any]]]:
    """Parse JSONL; a malformed line raises ``ValueError`` naming its line number."""
    rows = []
    for number, line in enumerate(inp, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: invalid JSON: {exc.msg}") from None
        if not isinstance(item, dict) or not isinstance(item.get("text", ""), str):
            raise ValueError(f"line {number}: expected an object with a string 'text'")
        rows.append((number, item))
    return rows


def score_jsonl(inp: TextIO, out: TextIO, scorer: Scorer | None = None) -> int:
    """Score every JSONL line of ``inp`` into ``out``; returns the number of lines written."""
    scorer = scorer or Scorer.load()
    items = [item for _, item in read_jsonl(inp)]
    for start in range(0, len(items), BATCH):
        for record in scorer.score_records(items[start:start + BATCH]):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(items)
