"""Sentiment model: TF-IDF over words and syllables + multinomial logistic regression.

Trained by ``scripts/train_sentiment.py`` with scikit-learn and exported to a plain ``.npz``
(vocabulary, idf, coefficients), so scoring needs no pickle and no scikit-learn objects. Training
uses "frustratingly easy" domain adaptation: every feature also appears prefixed with its
corpus (``edu|``, ``shop|``, ``soc|``, ``tel|``), so the shared weights learn general Vietnamese
sentiment and the prefixed ones learn what is specific to each corpus. Scoring uses the
telecom domain.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from pathlib import Path

import numpy as np

from smcc.nlp.lexicon import lexicon_features
from smcc.nlp.text import emoji_signals, fold

LABELS = ("negative", "neutral", "positive")
TELECOM = "tel"
MODEL_DIR = Path(__file__).resolve().parent / "model"
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


def base_features(tokens: list[str], text: str) -> list[str]:
    """Word uni/bigrams as written, accent-folded syllable uni/bigrams (so unaccented "chan qua"
    meets what the accented corpora taught about "chán quá"), negation scope, the telecom
    lexicon's features and emoji signals of one tokenised text."""
    words = [t.lower().replace(" ", "_") for t in tokens]
    syllables = [s for t in tokens for s in t.lower().split()]
    folded = fold(" ".join(syllables)).split()  # one translate call; folding keeps the spaces
    feats = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    feats += [f"f:{s}" for s in folded] + [f"f:{a} {b}" for a, b in zip(folded, folded[1:])]
    return feats + _negated(folded) + lexicon_features(syllables, folded, text) + emoji_signals(text)


def domain_features(feats: list[str], domain: str) -> list[str]:
    return feats + [f"{domain}|{f}" for f in feats]


class SentimentModel:
    """The exported model; ``predict`` returns (label, probability)."""

    def __init__(self, vocab: list[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
                 version: str) -> None:
        self._vocab = {f: i for i, f in enumerate(vocab)}
        self._idf = idf
        self._coef = coef
        self._intercept = [float(x) for x in intercept]
        self._by_domain: dict[str, dict[str, tuple[float, float, float, float]]] = {}
        self.version = version

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "SentimentModel":
        with np.load(path, allow_pickle=False) as data:
            vocab = str(data["vocab"]).split("\n")
            version = f"{path.name}:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
            return cls(vocab, data["idf"].astype(np.float64), data["coef"].astype(np.float64),
                       data["intercept"].astype(np.float64), version)

    def _index(self, domain: str) -> dict[str, tuple[float, float, float, float]]:
        """Base feature -> (squared idf, idf-weighted coefficient per label) over its shared and
        domain columns, so scoring a text is one dictionary lookup per distinct feature."""
        if domain not in self._by_domain:
            prefix = f"{domain}|"
            columns: dict[str, list[int]] = {}
            for f, i in self._vocab.items():
                if f.startswith(prefix) or "|" not in f.split(" ")[0]:
                    columns.setdefault(f.removeprefix(prefix), []).append(i)
            index = {}
            for f, cols in columns.items():
                idf = self._idf[cols]
                weighted = self._coef[:, cols] @ idf
                index[f] = (float(idf @ idf), float(weighted[0]), float(weighted[1]), float(weighted[2]))
            self._by_domain[domain] = index
        return self._by_domain[domain]

    def probabilities(self, feats: list[str], domain: str = TELECOM) -> list[float]:
        """Softmax of the logistic regression over sublinear-tf, l2-normalised tf-idf features."""
        get = self._index(domain).get
        norm_sq, l0, l1, l2 = 0.0, 0.0, 0.0, 0.0
        for f, count in Counter(feats).items():
            entry = get(f)
            if entry is None:
                continue
            idf_sq, w0, w1, w2 = entry
            if count > 1:
                tf = 1.0 + math.log(count)
                idf_sq, w0, w1, w2 = tf * tf * idf_sq, tf * w0, tf * w1, tf * w2
            norm_sq += idf_sq
            l0 += w0
            l1 += w1
            l2 += w2
        scale = 1.0 / math.sqrt(norm_sq) if norm_sq else 0.0
        logits = [b + scale * v for b, v in zip(self._intercept, (l0, l1, l2))]
        top = max(logits)
        exp = [math.exp(x - top) for x in logits]
        total = sum(exp)
        return [e / total for e in exp]

    def predict(self, feats: list[str], domain: str = TELECOM) -> tuple[str, float]:
        probs = self.probabilities(feats, domain)
        best = max(range(len(LABELS)), key=probs.__getitem__)
        return LABELS[best], probs[best]
