"""XenForo 2 forums (voz.vn and similar): section lists, then threads newest page first.

A section lists threads by last-post time, newest first, so the walk stops at the first
(non-sticky) thread whose last post is older than the interval. Each active thread is read
from its ``latest`` page backwards (``pageNav-jump--prev``) until a page starts before the
interval. Every post is its own mention; quoted blocks go to ``quoted_text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from smcc.models import Interval, Mention
from smcc.sources.base import CrawlResult, ParseError, Source, SourceError, complete_html, parse_time
from smcc.sources.config import ForumConfig
from smcc.sources.extract import clean, element_text, parse_html

_POST_ID = re.compile(r"post-(\d+)")
_THREAD_ID = re.compile(r"\.(\d+)/?")
_OTHERS = re.compile(r"(?:and|và)\s+(\d[\d.,]*)\s+(?:others?|người khác)", re.I)


@dataclass
class ThreadRef:
    thread_id: str
    title: str
    url: str
    latest_url: str
    last_post_at: datetime
    sticky: bool


@dataclass
class ThreadPage:
    title: str | None
    posts: list[Mention] = field(default_factory=list)
    prev_url: str | None = None


class ForumSource(Source):
    cfg: ForumConfig

    def _collect(self, interval: Interval, result: CrawlResult) -> None:
        window = self.refresh_window(interval) or interval
        for section in self.cfg.section_paths:
            for thread in self._active_threads(urljoin(self.cfg.base_url, section), interval):
                self._read_thread(thread, interval, window, result)

    def _active_threads(self, section_url: str, interval: Interval) -> list[ThreadRef]:
        active: dict[str, ThreadRef] = {}
        url: str | None = section_url
        visited: set[str] = set()
        while url:
            if url in visited:
                raise SourceError(f"source {self.name}: pagination loop at {url}")
            visited.add(url)
            threads, next_url = self.fetch_parsed(url, lambda r: parse_section(complete_html(r).text, r.url))
            if threads and all(t.thread_id in active for t in threads if not t.sticky):
                raise SourceError(f"source {self.name}: pagination loop at {url} (page repeats earlier threads)")
            for thread in threads:
                if thread.last_post_at >= interval.start:
                    active.setdefault(thread.thread_id, thread)
            regular = [t for t in threads if not t.sticky]
            if not regular or regular[-1].last_post_at < interval.start:
                break
            url = next_url
        return list(active.values())

    def _read_thread(self, thread: ThreadRef, interval: Interval, window: Interval, result: CrawlResult) -> None:
        url: str | None = thread.latest_url
        visited: set[str] = set()
        while url:
            if url in visited:
                raise SourceError(f"source {self.name}: pagination loop in thread {thread.url}")
            visited.add(url)
            page = self.fetch_parsed(
                url, lambda r: parse_thread_page(complete_html(r).text, r.url, self.name, thread.thread_id))
            for post in page.posts:
                post.title = post.title or page.title or thread.title
                if interval.contains(post.published_at):
                    result.mentions.append(post)
                elif window.contains(post.published_at):
                    result.refreshed.append(post)
            if not page.posts or min(p.published_at for p in page.posts) < interval.start:
                break
            url = page.prev_url


def parse_section(html: str, url: str) -> tuple[list[ThreadRef], str | None]:
    """Threads of one section page (with last-post time) and the next page's URL."""
    soup = parse_html(html)
    if soup.select_one(".structItemContainer, .js-threadList, ol.discussionListItems") is None:
        raise ParseError(f"{url}: no thread list on the page (maintenance page or changed markup?)")
    threads = []
    for item in soup.select("div.structItem--thread"):
        link = item.select_one(".structItem-title a[data-tp-primary]") or _last(item.select(".structItem-title a"))
        stamp = item.select_one("time.structItem-latestDate") or _last(item.select("time[datetime]"))
        moment = parse_time(stamp.get("datetime")) if stamp else None  # type: ignore[arg-type]
        if link is None or moment is None:
            continue
        href = urljoin(url, str(link.get("href")))
        match = _THREAD_ID.search(href.rsplit("/threads/", 1)[-1].rsplit("/t/", 1)[-1])
        latest = item.select_one(".structItem-cell--latest a[href]")
        sticky = "structItem--sticky" in (item.get("class") or []) or bool(
            item.find_parent(class_="structItemContainer-group--sticky")
        )
        threads.append(ThreadRef(
            thread_id=match.group(1) if match else href,
            title=element_text(link),
            url=href,
            latest_url=urljoin(url, str(latest.get("href"))) if latest else href,
            last_post_at=moment,
            sticky=sticky,
        ))
    return threads, _nav(soup, "next", url)


def parse_thread_page(html: str, url: str, source: str, thread_id: str | None = None) -> ThreadPage:
    """Posts of one thread page (XenForo 2 ``article.message--post`` markup)."""
    soup = parse_html(html)
    base = soup.find("base", href=True)
    url = urljoin(url, str(base["href"])) if base else url
    title_node = soup.select_one("h1.p-title-value")
    page = ThreadPage(title=element_text(title_node) if title_node else None, prev_url=_nav(soup, "prev", url))
    for node in soup.select("article.message--post, article.message[data-content^=post-], li.message[id^=post-]"):
        post = _post(node, url, source, thread_id)
        if post is not None:
            page.posts.append(post)
    if not page.posts:
        raise ParseError(f"{url}: no posts on a thread page (maintenance page or changed markup?)")
    return page


def _post(node: Tag, page_url: str, source: str, thread_id: str | None) -> Mention | None:
    match = _POST_ID.search(str(node.get("data-content") or node.get("id") or ""))
    moment = _post_time(node)
    body = node.select_one(".message-content .bbWrapper, .bbWrapper, blockquote.messageText")
    if match is None or moment is None or body is None:
        return None
    post_id = match.group(1)
    quotes = []
    # XenForo 2 quotes are blockquote.bbCodeBlock--quote, XenForo 1 ones div.bbCodeQuote.
    for quote in body.select("blockquote.bbCodeBlock--quote, blockquote.bbCodeBlock, div.bbCodeQuote"):
        inner = quote.select_one(".bbCodeBlock-expandContent, .bbCodeBlock-content, .quote") or quote
        quotes.append(element_text(inner))
        quote.decompose()
    permalink = node.select_one(f'.message-attribution a[href*="post-{post_id}"], a.datePermalink[href*="post-{post_id}"]')
    author = node.get("data-author") or (element_text(a) if (a := node.select_one(".message-name")) else None)
    return Mention(
        source=source,
        external_id=post_id,
        source_type="forum_post",
        url=urljoin(page_url, str(permalink.get("href"))) if permalink else f"{page_url.split('#')[0]}#post-{post_id}",
        published_at=moment,
        text=element_text(body),
        author=clean(str(author)) or None if author else None,
        quoted_text="\n".join(q for q in quotes if q) or None,
        reactions=_reaction_count(node),
        raw={"thread_id": thread_id, "page_url": page_url},
    )


def _post_time(node: Tag) -> datetime | None:
    """XenForo 2: ``<time datetime>``; XenForo 1: ``abbr.DateTime[data-time]`` or the permalink text."""
    stamp = node.select_one(".message-attribution time[datetime], time[datetime]")
    if stamp is not None:
        return parse_time(str(stamp.get("datetime")))
    legacy = node.select_one("abbr.DateTime[data-time]")
    if legacy is not None:
        return parse_time(str(legacy.get("data-time")))
    titled = node.select_one("span.DateTime[title]")
    if titled is not None:
        return parse_time(str(titled.get("title")))
    permalink = node.select_one("a.datePermalink")
    return parse_time(element_text(permalink)) if permalink is not None else None


def _reaction_count(node: Tag) -> int:
    """XenForo prints "A, B and 5 others" (vi: "A, B và 5 người khác") under a post."""
    bar = node.select_one(".reactionsBar-link, .likesSummary .LikeText")
    if bar is None:
        return 0
    named = len(bar.select("bdi, a.username"))
    others = _OTHERS.search(bar.get_text(" "))
    return named + (int(re.sub(r"\D", "", others.group(1))) if others else 0)


def _nav(soup: BeautifulSoup, direction: str, url: str) -> str | None:
    link = soup.select_one(f"a.pageNav-jump--{direction}[href]")
    return urljoin(url, str(link.get("href"))) if link else None


def _last(nodes: list[Tag]) -> Tag | None:
    return nodes[-1] if nodes else None
