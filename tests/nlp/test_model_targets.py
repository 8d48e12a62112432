from __future__ import annotations

import io

import pytest

from smcc.nlp import Scorer, evaluate_jsonl
from smcc.nlp.linear import LinearModel
from smcc.nlp.sentiment import MODEL_FILE, base_features
from smcc.nlp.text import normalize
from smcc.settings import REPO_ROOT, shared_dir


def test_committed_model_meets_targets_on_telecom_eval(scorer: Scorer) -> None:
    with open(REPO_ROOT / "data/telecom/eval.jsonl", encoding="utf-8") as f:
        m = evaluate_jsonl(f, io.StringIO(), scorer)
    assert m["relevant_f1"] >= 0.95
    assert m["sentiment"]["macro_f1"] >= 0.85
    assert m["topic"]["macro_f1"] >= 0.85
    assert m["level"]["accuracy"] >= 0.80
    assert m["level3_recall"] >= 0.95


def test_model_version_names_files_and_hashes(scorer: Scorer) -> None:
    versions = [v.split(":") for v in scorer.model_version.split("+")]
    assert [name for name, _ in versions] == ["sentiment.npz", "topic.npz", "crisis.npz"]
    assert all(len(digest) == 12 for _, digest in versions)


@pytest.mark.shared
def test_vsfc_test_accuracy_above_090() -> None:
    folder = shared_dir() / "data/sentiment/UIT-VSFC/test"
    if not folder.is_dir():
        pytest.skip(f"UIT-VSFC not found under {shared_dir()} (set SMCC_SHARED_DIR)")
    from underthesea import word_tokenize

    model = LinearModel.load(MODEL_FILE)
    sents = (folder / "sents.txt").read_text(encoding="utf-8").splitlines()[:800]
    gold = (folder / "sentiments.txt").read_text(encoding="utf-8").splitlines()[:800]
    labels = ("negative", "neutral", "positive")
    hits = sum(model.predict(base_features(word_tokenize(normalize(s)), normalize(s)), "edu")[0] == labels[int(g)]
               for s, g in zip(sents, gold))
    assert hits / len(gold) >= 0.88
