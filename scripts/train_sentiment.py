"""Train the sentiment model committed as include/smcc/nlp/model/sentiment.npz.

Data: UIT-VSFC train+val, UIT-ViSFD Train (stars 1-2 negative, 3 neutral, 4-5 positive), ViHSD
train OFFENSIVE/HATE comments as negative, and data/telecom/train.jsonl + train2.jsonl (weighted
up, each line also without accents, as many people type). Held-out figures: UIT-VSFC test, UIT-ViSFD Test,
data/telecom/eval.jsonl and data/telecom/holdout.jsonl. Deterministic (lbfgs, no shuffling).
Run: PYTHONPATH=include .venv/bin/python scripts/train_sentiment.py
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from underthesea import word_tokenize

from smcc.nlp.sentiment import LABELS, MODEL_FILE, TELECOM, base_features, domain_features
from smcc.nlp.text import fold, normalize
from smcc.settings import REPO_ROOT, shared_dir

STARS = {1: "negative", 2: "negative", 3: "neutral", 4: "positive", 5: "positive"}
TELECOM_WEIGHT = 3.0
C = 10.0
# Only these domain copies are ever used when scoring or reporting; the others are dropped.
KEPT_DOMAINS = ("edu|", f"{TELECOM}|")

Example = tuple[str, str]


def vsfc(split: str) -> list[Example]:
    folder = shared_dir() / "data/sentiment/UIT-VSFC" / split
    sents = (folder / "sents.txt").read_text(encoding="utf-8").splitlines()
    labels = (folder / "sentiments.txt").read_text(encoding="utf-8").splitlines()
    return [(s, LABELS[int(y)]) for s, y in zip(sents, labels, strict=True)]


def visfd(split: str) -> list[Example]:
    with open(shared_dir() / "data/sentiment/UIT-ViSFD" / f"{split}.csv", encoding="utf-8") as f:
        return [(r["comment"], STARS[int(r["n_star"])]) for r in csv.DictReader(f)]


def vihsd_negative(split: str) -> list[Example]:
    with open(shared_dir() / "data/sentiment/ViHSD" / f"{split}.csv", encoding="utf-8") as f:
        return [(r["free_text"], "negative") for r in csv.DictReader(f) if r["label_id"] != "0"]


def telecom(name: str) -> list[Example]:
    path = REPO_ROOT / "data/telecom" / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["text"], r["sentiment"]) for r in rows if "sentiment" in r]


TELECOM_TRAIN = ("train.jsonl", "train2.jsonl")


def with_unaccented(examples: list[Example]) -> list[Example]:
    """Each example as written plus its accent-free copy ("chán quá" and "chan qua")."""
    return examples + [(fold(text), label) for text, label in examples if fold(text) != text.lower()]


def featurise(examples: list[Example]) -> list[list[str]]:
    return [base_features(word_tokenize(norm), norm) for norm in (normalize(t) for t, _ in examples)]


def report(name: str, gold: list[str], pred: list[str]) -> None:
    print(f"{name:<28} n={len(gold):>5}  accuracy={accuracy_score(gold, pred):.4f}  "
          f"macro-F1={f1_score(gold, pred, average='macro'):.4f}")


def export(vec: TfidfVectorizer, clf: LogisticRegression, path: Path) -> None:
    vocab = vec.get_feature_names_out()
    keep = np.array([("|" not in f.split(" ")[0]) or f.startswith(KEPT_DOMAINS) for f in vocab])
    order = [list(clf.classes_).index(label) for label in LABELS]
    np.savez_compressed(
        path,
        vocab=np.array("\n".join(vocab[keep])),
        idf=vec.idf_[keep].astype(np.float32),
        coef=clf.coef_[order][:, keep].astype(np.float32),
        intercept=clf.intercept_[order].astype(np.float64),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)
    if not (shared_dir() / "data/sentiment").is_dir():
        print(f"missing {shared_dir() / 'data/sentiment'} (set SMCC_SHARED_DIR)", file=sys.stderr)
        return 2
    sets = [(vsfc("train") + vsfc("val"), "edu", 1.0), (visfd("Train"), "shop", 1.0),
            (vihsd_negative("train"), "soc", 1.0), (with_unaccented([e for name in TELECOM_TRAIN for e in telecom(name)]), TELECOM, TELECOM_WEIGHT)]
    X, y, w = [], [], []
    for examples, domain, weight in sets:
        X += [domain_features(f, domain) for f in featurise(examples)]
        y += [label for _, label in examples]
        w += [weight] * len(examples)
    vec = TfidfVectorizer(analyzer=lambda feats: feats, sublinear_tf=True, min_df=2, dtype=np.float32)
    clf = LogisticRegression(C=C, max_iter=3000)
    clf.fit(vec.fit_transform(X), y, sample_weight=np.array(w))
    print(f"trained on {len(y)} examples, {len(vec.vocabulary_)} features")
    export(vec, clf, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    # Held-out figures come from the exported file, i.e. exactly what is committed.
    from smcc.nlp.sentiment import SentimentModel

    model = SentimentModel.load(args.out)
    for name, examples, domain in [("UIT-VSFC test", vsfc("test"), "edu"),
                                   ("UIT-ViSFD Test (stars)", visfd("Test"), TELECOM),
                                   ("telecom eval", telecom("eval.jsonl"), TELECOM),
                                   ("telecom holdout", telecom("holdout.jsonl"), TELECOM)]:
        pred = [model.predict(f, domain)[0] for f in featurise(examples)]
        report(name, [label for _, label in examples], pred)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
