from __future__ import annotations

from pathlib import Path

import pytest

from smcc.config import ConfigError
from smcc.nlp import Scorer


def relevant(scorer: Scorer, text: str) -> dict[str, bool]:
    return {s.brand: s.relevant for s in scorer.score({"id": "x", "text": text})}


@pytest.mark.parametrize("text", ["Mạng mobifone yếu", "MOBI mất sóng", "sim MBF", "mobi fone ơi", "Mobi Fône",
                                  "#MobiFone tuyệt", "gọi 9090 không ai nghe", "app My MobiFone lỗi"])
def test_mobifone_variants_are_relevant(scorer: Scorer, text: str) -> None:
    assert relevant(scorer, text)["MobiFone"]


@pytest.mark.parametrize("text", ["Chơi Mobi Army vui ghê", "bản mobile lag", "Mobile Legends", "automobile show",
                                  "Viettel sóng yếu"])
def test_lookalikes_are_not_mobifone(scorer: Scorer, text: str) -> None:
    assert not relevant(scorer, text)["MobiFone"]


def test_each_brand_scored_separately(scorer: Scorer) -> None:
    scores = {s.brand: s for s in scorer.score({"id": "x", "text": "Viettel sóng tốt lắm, hài lòng, còn mobi thì mất sóng suốt, chán quá"})}
    assert scores["MobiFone"].relevant and scores["Viettel"].relevant and not scores["VinaPhone"].relevant
    assert scores["MobiFone"].sentiment == "negative"
    assert scores["Viettel"].sentiment == "positive"


def test_exclusion_only_for_its_own_brand(scorer: Scorer) -> None:
    flags = relevant(scorer, "Viettel Post giao chậm")
    assert not flags["Viettel"]


def test_bad_brands_file_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "brands.yaml"
    bad.write_text("default_brand: MobiFone\nbrands:\n  - name: MobiFone\n    terms: [mobi]\n    hotline: ['9090']\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Scorer.load(brands_path=bad)
    assert str(bad) in str(err.value) and "brands[MobiFone].hotline" in str(err.value)


def test_unknown_default_brand_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "brands.yaml"
    bad.write_text("default_brand: Vietnamobile\nbrands:\n  - name: MobiFone\n    terms: [mobi]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Vietnamobile"):
        Scorer.load(brands_path=bad)
