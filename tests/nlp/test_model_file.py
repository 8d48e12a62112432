"""The models ship inside the ``smcc.nlp`` package, where packaging picks them up."""

from __future__ import annotations

import fnmatch
import tomllib

import pytest

from smcc.nlp import sentiment, topic
from smcc.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "include/smcc"


@pytest.mark.parametrize("model_file", [sentiment.MODEL_FILE, topic.MODEL_FILE], ids=lambda p: p.name)
def test_model_lives_in_nlp_model_and_is_packaged(model_file) -> None:
    assert model_file.parent == PACKAGE / "nlp/model" and model_file.is_file()
    patterns = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-data"]["smcc"]
    relative = model_file.relative_to(PACKAGE).as_posix()
    assert any(fnmatch.fnmatch(relative, p) for p in patterns)


def test_old_models_folder_is_gone() -> None:
    # A models/ folder beside models.py clashes with the module name smcc.models.
    assert not (PACKAGE / "models").exists()
