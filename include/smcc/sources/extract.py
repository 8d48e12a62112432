"""Article extraction: per-site CSS selectors first, generic fallbacks for the rest.

Generic order: JSON-LD (``NewsArticle``), OpenGraph / ``article:`` meta tags, ``<article>``
paragraphs, then the element holding the most paragraph text ("largest text block").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

from bs4 import BeautifulSoup, Tag

from smcc.http import nfc
from smcc.sources.base import parse_time
from smcc.sources.config import Selectors

_SPACES = re.compile(r"\s+")
_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle"}
_DATE_META = (
    ("property", "article:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("property", "og:published_time"),
)


@dataclass
class Article:
    title: str | None
    text: str
    author: str | None
    published_at: datetime | None


def clean(text: str | None) -> str:
    """Collapse whitespace and normalise to NFC."""
    return nfc(_SPACES.sub(" ", text or "").strip())


def element_text(node: Tag) -> str:
    # Joining with "" keeps words whole across inline tags (<em>, <a>); <br> and blocks add spaces.
    for br in node.find_all("br"):
        br.replace_with(" ")
    return clean(node.get_text(""))


def parse_html(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def extract_article(html: str | BeautifulSoup, selectors: Selectors | None = None) -> Article:
    soup = parse_html(html) if isinstance(html, str) else html
    selectors = selectors or Selectors()
    ld = _json_ld_article(soup)
    title = _by_selector(soup, selectors.title) or _title(soup, ld)
    author = _by_selector(soup, selectors.author) or _author(soup, ld)
    published = _published(soup, selectors.published, ld)
    # Dropped nodes (bylines, captions, ads) only leave the text; the byline may be the author.
    for css in [*selectors.drop, "script", "style", "noscript", "template"]:
        for node in soup.select(css):
            node.decompose()
    return Article(title=title, text=_text(soup, selectors.text, ld), author=author, published_at=published)


def _by_selector(soup: BeautifulSoup, css: str | None) -> str | None:
    if not css:
        return None
    node = soup.select_one(css)
    return (element_text(node) or None) if node else None


def _json_ld_article(soup: BeautifulSoup) -> dict[str, Any]:
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "", strict=False)
        except ValueError:
            continue
        for node in _walk_ld(data):
            kind = node.get("@type")
            kinds = set(kind) if isinstance(kind, list) else {kind}
            if kinds & _ARTICLE_TYPES:
                return node
    return {}


def _walk_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item)
    elif isinstance(data, dict):
        yield data
        yield from _walk_ld(data.get("@graph", []))


def _meta(soup: BeautifulSoup, attr: str, value: str) -> str | None:
    node = soup.find("meta", attrs={attr: value})
    content = node.get("content") if node else None
    if not isinstance(content, str):
        return None
    return clean(content) or None


def _title(soup: BeautifulSoup, ld: dict[str, Any]) -> str | None:
    if isinstance(ld.get("headline"), str) and ld["headline"].strip():
        return clean(ld["headline"])
    og = _meta(soup, "property", "og:title")
    if og:
        return og
    for tag in ("h1", "title"):
        node = soup.find(tag)
        if node and element_text(node):
            return element_text(node)
    return None


def _author(soup: BeautifulSoup, ld: dict[str, Any]) -> str | None:
    raw = ld.get("author")
    people = raw if isinstance(raw, list) else [raw]
    names = [clean(p.get("name")) if isinstance(p, dict) else clean(p) for p in people if p]
    names = [n for n in names if n]
    if names:
        return ", ".join(names)
    return _meta(soup, "property", "article:author") or _meta(soup, "name", "author")


def _published(soup: BeautifulSoup, css: str | None, ld: dict[str, Any]) -> datetime | None:
    candidates: list[str | None] = []
    if css:
        node = soup.select_one(css)
        if node is not None:
            candidates += [node.get("datetime"), node.get("content"), element_text(node)]  # type: ignore[list-item]
    candidates.append(ld.get("datePublished"))
    candidates += [_meta(soup, attr, value) for attr, value in _DATE_META]
    time_tag = soup.find("time", attrs={"datetime": True})
    candidates.append(time_tag.get("datetime") if time_tag else None)  # type: ignore[arg-type]
    for value in candidates:
        moment = parse_time(value) if isinstance(value, str) else None
        if moment is not None:
            return moment
    return None


def _paragraphs(nodes: list[Tag]) -> str:
    return "\n".join(t for t in (element_text(n) for n in nodes) if t)


def _text(soup: BeautifulSoup, css: str | None, ld: dict[str, Any]) -> str:
    if css:
        text = _paragraphs(soup.select(css))
        if text:
            return text
    body = ld.get("articleBody")
    if isinstance(body, str) and body.strip():
        return clean(body)
    article = soup.find("article")
    if article is not None:
        text = _paragraphs(article.find_all("p")) or element_text(article)
        if text:
            return text
    return _largest_block(soup)


def _largest_block(soup: BeautifulSoup) -> str:
    """The container whose direct ``<p>`` children hold the most text (boilerplate is short)."""
    best, best_len = "", 0
    for container in {p.parent for p in soup.find_all("p") if p.parent is not None}:
        text = _paragraphs(container.find_all("p", recursive=False))
        if len(text) > best_len:
            best, best_len = text, len(text)
    if best:
        return best
    body = soup.body or soup
    return element_text(body)
