"""Features of a text for the sentiment and topic models (``smcc.nlp.linear.LinearModel``).

The sentiment model is trained by ``scripts/train_models.py`` with "frustratingly easy" domain
adaptation: every feature also appears prefixed with its corpus (``edu|``, ``shop|``, ``soc|``,
``tel|``), so the shared weights learn general Vietnamese sentiment and the prefixed ones learn
what is specific to each corpus. Scoring uses the telecom domain.
"""

from __future__ import annotations

from functools import lru_cache

from smcc.nlp.linear import MODEL_DIR
from smcc.nlp.lexicon import lexicon_features
from smcc.nlp.text import emoji_signals, fold

LABELS = ("negative", "neutral", "positive")
TELECOM = "tel"
MODEL_FILE = MODEL_DIR / "sentiment.npz"


# Negators and the filler syllables between a negator and the word it negates, accent-folded
# ("chua" is both "chưa" and "chua", sour: rare enough in complaints to treat as a negator).
_NEGATORS = frozenset({"khong", "chang", "cha", "chua", "deo"})
_NEGATION_FILLERS = frozenset({"he", "co", "duoc", "phai", "bi", "thay", "may", "lam", "qua", "con", "ai"})


def _negated(folded: list[str]) -> list[str]:
    """``n:<syllable>`` for the first content syllable after each negator ("không ổn" -> ``n:on``),
    so "không tệ", "chả tốt" and "ko on" share features whatever the negator and the accents."""
    out = []
    for i, syllable in enumerate(folded):
        if syllable in _NEGATORS:
            following = next((s for s in folded[i + 1:i + 4] if s not in _NEGATION_FILLERS), None)
            if following is not None and following not in _NEGATORS:
                out.append(f"n:{following}")
    return out


@lru_cache(maxsize=1 << 16)  # tokens repeat heavily across mentions
def _token_parts(token: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """A token as a word feature ("sóng_yếu"), its lower-case syllables and their folded forms."""
    lower = token.lower()
    return lower.replace(" ", "_"), tuple(lower.split()), tuple(fold(lower).split())


def base_features(tokens: list[str], text: str) -> list[str]:
    """Word uni/bigrams as written, accent-folded syllable uni/bigrams (so unaccented "chan qua"
    meets what the accented corpora taught about "chán quá"), negation scope, the telecom
    lexicon's features and emoji signals of one tokenised text."""
    parts = [_token_parts(t) for t in tokens]
    words = [word for word, _, _ in parts]
    syllables = [s for _, token_syllables, _ in parts for s in token_syllables]
    folded = [s for _, _, token_folded in parts for s in token_folded]
    feats = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    feats += [f"f:{s}" for s in folded] + [f"f:{a} {b}" for a, b in zip(folded, folded[1:])]
    return feats + _negated(folded) + lexicon_features(syllables, folded, text) + emoji_signals(text)


def domain_features(feats: list[str], domain: str) -> list[str]:
    return feats + [f"{domain}|{f}" for f in feats]
