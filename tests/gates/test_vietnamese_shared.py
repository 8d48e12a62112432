"""The language heuristic on real Vietnamese text from the shared corpora."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from smcc.gates.frames import looks_vietnamese
from smcc.settings import shared_dir

pytestmark = pytest.mark.shared

SENTIMENT = shared_dir() / "data" / "sentiment"


def _share(texts: list[str]) -> float:
    return sum(looks_vietnamese(text) for text in texts) / len(texts)


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared corpus {path} not found (set SMCC_SHARED_DIR to the shared data folder)")
    return path


def test_noisy_social_media_comments_are_recognised() -> None:
    # ViHSD: Facebook/YouTube comments with teencode, unaccented typing and emoji.
    with _require(SENTIMENT / "ViHSD" / "dev.csv").open(encoding="utf-8") as handle:
        texts = [row["free_text"] for row in csv.DictReader(handle)]
    assert _share(texts) >= 0.9


def test_student_feedback_sentences_are_recognised() -> None:
    texts = _require(SENTIMENT / "UIT-VSFC" / "test" / "sents.txt").read_text(encoding="utf-8").splitlines()
    assert _share(texts) >= 0.98
