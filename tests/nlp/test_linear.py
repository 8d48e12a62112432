"""The exported linear models and the feature index the scorer shares between them."""

from __future__ import annotations

import numpy as np
import pytest

from smcc.nlp import sentiment, topic
from smcc.nlp.linear import FeatureIndex, LinearModel
from smcc.nlp.sentiment import TELECOM, base_features
from smcc.nlp.text import normalize


def feats(text: str) -> list[str]:
    from underthesea import word_tokenize

    norm = normalize(text)
    return base_features(word_tokenize(norm), norm)


@pytest.fixture(scope="module")
def models() -> tuple[LinearModel, LinearModel]:
    return LinearModel.load(sentiment.MODEL_FILE), LinearModel.load(topic.MODEL_FILE)


@pytest.mark.parametrize("text", ["Mạng mobi lag quá, cả ngày mất sóng", "Cảm ơn tổng đài 9090 hỗ trợ nhanh",
                                  "Doanh thu MobiFone tăng trong quý III", "gói C90N đăng ký sao ad ơi ơi ơi"])
def test_one_index_for_both_models_gives_each_models_own_probabilities(
        models: tuple[LinearModel, LinearModel], text: str) -> None:
    sent, top = models
    both = FeatureIndex([(sent, TELECOM), (top, "")])
    together = both.probabilities(feats(text))
    assert together[0] == pytest.approx(sent.probabilities(feats(text), TELECOM), abs=1e-5)
    assert together[1] == pytest.approx(top.probabilities(feats(text)), abs=1e-5)
    assert all(sum(p) == pytest.approx(1.0) for p in together)


def test_a_text_of_unknown_features_gets_the_priors(tmp_path) -> None:
    path = tmp_path / "tiny.npz"
    LinearModel.save(path, ["a", "b"], ["x", "tel|y"], np.array([1.0, 2.0]), np.array([[1.0, 0.5], [-1.0, 0.0]]),
                     np.array([0.0, np.log(3.0)]))
    model = LinearModel.load(path)
    assert model.labels == ("a", "b") and model.version.startswith("tiny.npz:")
    assert model.probabilities(["unknown"], TELECOM) == pytest.approx([0.25, 0.75])
    # "tel|y" only counts in the telecom domain; "x" in every domain.
    assert model.predict(["x"]) == ("a", pytest.approx(1 / (1 + np.exp(-2) * 3)))
    assert model.probabilities(["y"]) == pytest.approx([0.25, 0.75])
    assert model.probabilities(["y"], TELECOM) != pytest.approx([0.25, 0.75])
