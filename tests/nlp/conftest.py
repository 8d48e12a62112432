from __future__ import annotations

import pytest

from smcc.nlp import Scorer


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    return Scorer.load()
