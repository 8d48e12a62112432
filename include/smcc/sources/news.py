"""News sites: RSS feeds and news sitemaps, each followed by the article page.

Both list ``(url, published_at)`` candidates; membership in the interval is decided on the
listing's date (the same value every crawl sees), and the article page adds the full text,
author and title. The article page's own date is kept in ``raw`` for auditing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

import feedparser
from lxml import etree

from smcc.http import HttpClient, HttpError
from smcc.models import Interval, Mention
from smcc.sources.base import CrawlResult, ParseError, Source, parse_time
from smcc.sources.config import RssConfig, Selectors, SitemapConfig
from smcc.sources.extract import clean, extract_article, parse_html

_ARTICLE_ID = re.compile(r"(\d{5,})(?:\.[a-z]+)?/?(?:[?#].*)?$")
_FEED_END = re.compile(r"</(?:\w+:)?(?:rss|feed|RDF)>\s*$")
_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@dataclass
class Listed:
    url: str
    published_at: datetime
    title: str | None = None
    summary: str | None = None


def article_id(url: str) -> str:
    """Stable id of an article: the numeric id news CMSs put at the end of the URL, else the URL."""
    match = _ARTICLE_ID.search(url.strip())
    return match.group(1) if match else url.strip()


class _NewsSource(Source):
    selectors: Selectors
    fetch_articles = True

    def _articles(self, listed: Iterable[Listed], interval: Interval, result: CrawlResult) -> None:
        seen: set[str] = set()
        for item in sorted(listed, key=lambda i: i.published_at):
            key = article_id(item.url)
            if key in seen or not interval.contains(item.published_at):
                continue
            seen.add(key)
            mention = self._article(item, key, result)
            if mention is not None:
                result.mentions.append(mention)

    def _article(self, item: Listed, key: str, result: CrawlResult) -> Mention | None:
        title, text, author, page_time = item.title, item.summary or "", None, None
        if self.fetch_articles:
            try:
                page = self.fetch_html(item.url)
            except HttpError as exc:
                if exc.status in (404, 410):
                    # Withdrawn articles are normal on news sites; the rest of the feed is fine.
                    result.warnings.append(f"{item.url}: HTTP {exc.status}, article skipped")
                    return None
                raise
            article = extract_article(page.text, self.selectors)
            title = article.title or title
            text = article.text or text
            author = article.author
            page_time = article.published_at
        if not text:
            result.warnings.append(f"{item.url}: no text extracted")
        return Mention(
            source=self.name,
            external_id=key,
            source_type="news_article",
            url=item.url,
            published_at=item.published_at,
            text=text,
            title=title,
            author=author,
            raw={"article_published_at": page_time.isoformat() if page_time else None},
        )


class RssSource(_NewsSource):
    cfg: RssConfig

    def __init__(self, cfg: RssConfig, http: HttpClient) -> None:
        super().__init__(cfg, http)
        self.selectors = cfg.selectors
        self.fetch_articles = cfg.fetch_articles

    def _collect(self, interval: Interval, result: CrawlResult) -> None:
        listed: list[Listed] = []
        for feed_url in self.cfg.feed_urls:
            listed += self.fetch_parsed(feed_url, lambda r: parse_feed(r.text, r.url))
        if listed and min(i.published_at for i in listed) > interval.start:
            # The feed only reaches back so far; an older interval needs the sitemap source.
            result.warnings.append(
                f"feed {self.name} starts at {min(i.published_at for i in listed).isoformat()}, "
                f"after the interval start: older items may only be reachable through a sitemap"
            )
        self._articles(listed, interval, result)


def parse_feed(body: bytes | str, url: str = "") -> list[Listed]:
    """RSS/Atom items with a date; raises ParseError when the document is not a whole feed."""
    tail = body[-512:] if isinstance(body, str) else body[-512:].decode("latin-1")
    # Real feeds are often not well-formed (raw "&" in URLs) and feedparser copes; a missing
    # closing root element, though, means a cut transfer whose older entries are missing.
    if not _FEED_END.search(tail):
        raise ParseError(f"{url}: feed is truncated or not a feed (no closing </rss> or </feed>)")
    feed = feedparser.parse(body)
    if feed.bozo and not feed.entries:
        raise ParseError(f"{url}: unparseable feed: {feed.get('bozo_exception')}")
    if not feed.entries and not feed.feed:
        raise ParseError(f"{url}: not an RSS/Atom feed")
    items = []
    for entry in feed.entries:
        link = clean(entry.get("link") or entry.get("id"))
        stamp = entry.get("published") or entry.get("updated")
        moment = parse_time(stamp)
        if not link or moment is None:
            continue
        summary = parse_html(entry.get("summary", "")).get_text(" ") if entry.get("summary") else None
        items.append(Listed(link, moment, clean(entry.get("title")) or None, clean(summary) or None))
    return items


class SitemapSource(_NewsSource):
    cfg: SitemapConfig

    def __init__(self, cfg: SitemapConfig, http: HttpClient) -> None:
        super().__init__(cfg, http)
        self.selectors = cfg.selectors

    def _collect(self, interval: Interval, result: CrawlResult) -> None:
        listed: list[Listed] = []
        pending = list(self.cfg.sitemap_urls)
        visited: set[str] = set()
        while pending:
            url = pending.pop(0)
            if url in visited:
                continue
            visited.add(url)
            children, entries = self.fetch_parsed(url, lambda r: parse_sitemap(r.text, r.url))
            # A child sitemap last modified before the interval cannot hold items of it.
            pending += [c for c, mod in children if mod is None or mod >= interval.start]
            listed += entries
        self._articles(listed, interval, result)


def parse_sitemap(body: bytes | str, url: str = "") -> tuple[list[tuple[str, datetime | None]], list[Listed]]:
    """``(child sitemaps with lastmod, url entries)`` of a sitemap index or (news) urlset."""
    if isinstance(body, str):
        # Decoded by the HTTP layer (charset fixed); the XML declaration must not re-decode it.
        body = body.encode("utf-8")
    parser = etree.XMLParser(recover=False, resolve_entities=False, encoding="utf-8")
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{url}: unparseable sitemap: {exc}") from None
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        children = [
            (clean(s.findtext("sm:loc", namespaces=_NS)), parse_time(s.findtext("sm:lastmod", namespaces=_NS)))
            for s in root.findall("sm:sitemap", _NS)
        ]
        return [(loc, mod) for loc, mod in children if loc], []
    if tag != "urlset":
        raise ParseError(f"{url}: not a sitemap (root element <{tag}>)")
    entries = []
    for node in root.findall("sm:url", _NS):
        loc = clean(node.findtext("sm:loc", namespaces=_NS))
        stamp = node.findtext("news:news/news:publication_date", namespaces=_NS) or node.findtext(
            "sm:lastmod", namespaces=_NS
        )
        moment = parse_time(stamp)
        if loc and moment is not None:
            title = clean(node.findtext("news:news/news:title", namespaces=_NS)) or None
            entries.append(Listed(loc, moment, title))
    return [], entries
