"""A text classifier exported from scikit-learn: TF-IDF weights + multinomial logistic regression.

``scripts/train_models.py`` trains with scikit-learn and writes a plain ``.npz`` (labels,
vocabulary, idf, coefficients), so scoring needs no pickle and no scikit-learn objects. Features
may carry a corpus prefix (``tel|f:song``, "frustratingly easy" domain adaptation): predicting
for a domain uses the shared columns plus that domain's.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from itertools import repeat
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent / "model"


class LinearModel:
    """One exported model; ``predict`` returns (label, probability)."""

    def __init__(self, labels: tuple[str, ...], vocab: list[str], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, version: str) -> None:
        self.labels = labels
        self._vocab = {f: i for i, f in enumerate(vocab)}
        self._idf = idf
        self._coef = coef
        self.intercept = intercept
        self._alone: dict[str, FeatureIndex] = {}
        self.version = version

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        with np.load(path, allow_pickle=False) as data:
            version = f"{path.name}:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
            return cls(tuple(str(data["labels"]).split("\n")), str(data["vocab"]).split("\n"),
                       data["idf"].astype(np.float64), data["coef"].astype(np.float64),
                       data["intercept"].astype(np.float64), version)

    @staticmethod
    def save(path: Path, labels: list[str], vocab: list[str], idf: np.ndarray, coef: np.ndarray,
             intercept: np.ndarray) -> None:
        np.savez_compressed(path, labels=np.array("\n".join(labels)), vocab=np.array("\n".join(vocab)),
                            idf=idf.astype(np.float32), coef=coef.astype(np.float32),
                            intercept=intercept.astype(np.float64))

    def rows(self, domain: str) -> tuple[list[str], np.ndarray]:
        """Each base feature with, in one row, its squared idf and its idf-weighted coefficient
        per label, summed over its shared and domain columns: what ``FeatureIndex`` sums."""
        prefix = f"{domain}|"
        names: dict[str, int] = {}
        columns, targets = [], []
        for f, i in self._vocab.items():
            if f.startswith(prefix) or "|" not in f.partition(" ")[0]:
                targets.append(names.setdefault(f.removeprefix(prefix), len(names)))
                columns.append(i)
        idf = self._idf[columns]
        rows = np.zeros((len(names), 1 + len(self.labels)))
        at = np.array(targets)
        np.add.at(rows, (at, 0), idf * idf)
        np.add.at(rows, (at[:, None], np.arange(1, rows.shape[1])[None, :]), (self._coef[:, columns] * idf).T)
        return list(names), rows

    def probabilities(self, feats: list[str], domain: str = "") -> list[float]:
        """Softmax of the logistic regression over sublinear-tf, l2-normalised tf-idf features."""
        return self.index(domain).probabilities(feats)[0]

    def index(self, domain: str = "") -> "FeatureIndex":
        """This model alone for ``domain``, built on first use."""
        if domain not in self._alone:
            self._alone[domain] = FeatureIndex([(self, domain)])
        return self._alone[domain]

    def predict(self, feats: list[str], domain: str = "") -> tuple[str, float]:
        return self.best(self.probabilities(feats, domain))

    def best(self, probabilities: list[float]) -> tuple[str, float]:
        top = max(range(len(self.labels)), key=probabilities.__getitem__)
        return self.labels[top], probabilities[top]


class FeatureIndex:
    """Several models (each with its domain) behind one dictionary: a text's features are counted
    and looked up once, and each model's logits come out of one sum of rows."""

    def __init__(self, models: list[tuple[LinearModel, str]]) -> None:
        indexes = [model.rows(domain) for model, domain in models]
        features = list(dict.fromkeys(f for names, _ in indexes for f in names))
        self._rows = {f: r for r, f in enumerate(features)}
        # Per model: its squared-idf column, then one column per label; the last row stays zero,
        # the row of every feature no model knows.
        self._matrix = np.zeros((len(features) + 1, sum(m.shape[1] for _, m in indexes)), dtype=np.float32)
        self._models: list[tuple[LinearModel, int]] = []
        start = 0
        for (model, _), (names, matrix) in zip(models, indexes):
            rows = np.array([self._rows[f] for f in names], dtype=np.int64)
            self._matrix[rows, start:start + matrix.shape[1]] = matrix
            self._models.append((model, start))
            start += matrix.shape[1]
        self._norm_columns = [s for _, s in self._models]
        self._intercepts = [model.intercept.tolist() for model, _ in self._models]

    def probabilities(self, feats: list[str]) -> list[list[float]]:
        """Each model's label probabilities, in the order the models were given."""
        counts = Counter(feats)
        # map() with a default row does the lookups without a Python-level loop.
        selected = self._matrix[list(map(self._rows.get, counts, repeat(len(self._rows))))]
        if max(counts.values(), default=1) > 1:
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
            totals_array = tf @ selected
            totals_array[self._norm_columns] = (tf * tf) @ selected[:, self._norm_columns]
        else:
            totals_array = selected.sum(axis=0, dtype=np.float64)
        # A handful of labels per model: plain floats beat NumPy's per-call cost from here on.
        totals = totals_array.tolist()
        out = []
        for (model, start), intercept in zip(self._models, self._intercepts):
            norm_sq = totals[start]
            scale = 1.0 / math.sqrt(norm_sq) if norm_sq else 0.0
            logits = [b + t * scale for b, t in zip(intercept, totals[start + 1:start + 1 + len(intercept)])]
            top = max(logits)
            exp = [math.exp(x - top) for x in logits]
            total = sum(exp)
            out.append([e / total for e in exp])
        return out
