"""Crisis by content: a customer's negative post that is a crisis whatever its reach.

Calls to leave the brand together, outages across a whole area, authorities at work and breaches
of many customers are told in endless wordings; the term lists of ``config/levels.yaml`` catch
the common ones and this model (``smcc.nlp.linear.LinearModel``, trained by
``scripts/train_models.py``) the rest. It reads negative posts and comments, never news (a
negative news article is a crisis anyway), and answers ``crisis`` or ``none``.
"""

from __future__ import annotations

from typing import Any

from smcc.nlp.levels import Level3Rules, viral_reasons
from smcc.nlp.linear import MODEL_DIR

LABELS = ("none", "crisis")
MODEL_FILE = MODEL_DIR / "crisis.npz"


def training_label(record: dict[str, Any], rules: Level3Rules) -> str | None:
    """The label a labelled telecom line teaches: ``crisis`` for a level-3 post that is not a
    news article and not viral by its reach (so its words made it a crisis), ``none`` for a
    negative post of level 1 or 2; ``None`` for lines the model never reads or that teach nothing
    about content (news, positive and neutral lines, level-3 lines that are viral anyway)."""
    if record.get("source_type") == "news_article" or record.get("sentiment") != "negative":
        return None
    if record.get("level") in (1, 2):
        return "none"
    if record.get("level") != 3:
        return None
    comments_shares = int(record.get("comments") or 0) + int(record.get("shares") or 0)
    interactions = int(record.get("reactions") or 0) + comments_shares
    viral = viral_reasons(interactions, comments_shares, float(record.get("age_hours") or 0), rules)
    return None if viral else "crisis"
