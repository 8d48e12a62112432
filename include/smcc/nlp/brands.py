"""Per-brand relevance rules from ``config/brands.yaml``.

A mention is relevant to a brand when one of its terms, product names or hotlines occurs on
word boundaries in the accent-folded text, after the brand's exclusions ("mobi army") have been
blanked out. "mobile" never matches "mobi" because a letter follows. How the page or thread an
item was posted in makes it relevant is decided by the scorer.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import field_validator, model_validator

from smcc.config import StrictModel, load_config
from smcc.nlp.text import fold


class BrandRule(StrictModel):
    name: str
    terms: list[str]
    products: list[str] = []
    hotlines: list[str] = []
    exclusions: list[str] = []

    @field_validator("terms")
    @classmethod
    def _not_empty(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("a brand needs at least one term")
        return value


class BrandsConfig(StrictModel):
    default_brand: str
    brands: list[BrandRule]

    @model_validator(mode="after")
    def _default_is_configured(self) -> "BrandsConfig":
        names = [b.name for b in self.brands]
        if self.default_brand not in names:
            raise ValueError(f"default_brand {self.default_brand!r} is not one of the brands {names}")
        return self


def _alternation(phrases: list[str]) -> re.Pattern[str] | None:
    folded = sorted({fold(p).strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not folded:
        return None
    # Inner spaces match any run of spaces/punctuation so "mobi-fone" and "mobi  fone" count.
    body = "|".join(r"[\s._-]*".join(re.escape(w) for w in p.split()) for p in folded)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


class BrandMatcher:
    """Compiled relevance rules of one brand."""

    def __init__(self, rule: BrandRule) -> None:
        self.name = rule.name
        self._include = _alternation(rule.terms + rule.products + rule.hotlines)
        self._exclude = _alternation(rule.exclusions)

    def spans(self, folded: str) -> list[tuple[int, int]]:
        """Character spans of brand mentions in accent-folded text (exclusions removed)."""
        if self._include is None or self._include.search(folded) is None:
            return []  # most texts name no more than one brand: skip the exclusions then
        if self._exclude is not None:
            folded = self._exclude.sub(lambda m: " " * len(m.group()), folded)
        return [m.span() for m in self._include.finditer(folded)]

    def excluded(self, folded: str) -> bool:
        """True when the text contains one of the brand's exclusions ("mobi army")."""
        return self._exclude is not None and self._exclude.search(folded) is not None


def load_brands(path: Path) -> BrandsConfig:
    return load_config(path, BrandsConfig)
