"""The sentiment model ships inside the ``smcc.nlp`` package, where packaging picks it up."""

from __future__ import annotations

import fnmatch
import tomllib

from smcc.nlp.sentiment import MODEL_FILE
from smcc.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "include/smcc"


def test_model_lives_in_nlp_model_and_is_packaged() -> None:
    assert MODEL_FILE == PACKAGE / "nlp/model/sentiment.npz" and MODEL_FILE.is_file()
    patterns = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-data"]["smcc"]
    relative = MODEL_FILE.relative_to(PACKAGE).as_posix()
    assert any(fnmatch.fnmatch(relative, p) for p in patterns)


def test_old_models_folder_is_gone() -> None:
    # A models/ folder beside models.py clashes with the module name smcc.models.
    assert not (PACKAGE / "models").exists()
