"""XenForo forums through the bdApi JSON API (tinhte.vn ``/appforo/index.php``).

Same walk as the HTML flavour: threads by last update, newest first, until one is older
than the interval; each active thread from its last page of posts backwards. Posts come
with HTML bodies, so quotes (``.bbCodeQuote``) are separated from the author's words.
"""

from __future__ import annotations

import math
from typing import Any

from smcc.http import HttpResponse
from smcc.models import Interval, Mention
from smcc.sources.base import CrawlResult, ParseError, Source, SourceError, parse_time
from smcc.sources.config import ForumConfig
from smcc.sources.extract import clean, element_text, parse_html
from smcc.sources.forum import ThreadRef


class BdApiForumSource(Source):
    cfg: ForumConfig

    def _collect(self, interval: Interval, result: CrawlResult) -> None:
        window = self.refresh_window(interval) or interval
        for forum_id in self.cfg.forum_ids:
            for thread, post_count in self._active_threads(forum_id, interval):
                self._read_thread(thread, post_count, interval, window, result)

    def _api(self, route: str, params: dict[str, Any]) -> dict[str, Any]:
        # bdApi routes live in the query string: index.php?threads/&forum_id=...
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return self.fetch_parsed(f"{self.cfg.base_url}?{route}&{query}", _json_object)

    def _active_threads(self, forum_id: int, interval: Interval) -> list[tuple[ThreadRef, int]]:
        active: dict[str, tuple[ThreadRef, int]] = {}
        page = 1
        while True:
            body = self._api("threads/", {"forum_id": forum_id, "order": "thread_update_date_reverse",
                                          "limit": self.cfg.page_size, "page": page})
            threads = parse_threads(body)
            regular = [(t, n) for t, n in threads if not t.sticky]
            if regular and all(t.thread_id in active for t, _ in regular):
                raise SourceError(f"source {self.name}: pagination loop in forum {forum_id} at page {page}")
            for thread, count in threads:
                if thread.last_post_at >= interval.start:
                    active.setdefault(thread.thread_id, (thread, count))
            links = body.get("links") or {}
            if not regular or regular[-1][0].last_post_at < interval.start or not links.get("next"):
                return list(active.values())
            page += 1

    def _read_thread(self, thread: ThreadRef, post_count: int, interval: Interval, window: Interval,
                     result: CrawlResult) -> None:
        page = max(1, math.ceil(post_count / self.cfg.page_size))
        seen: set[str] = set()
        while page >= 1:
            body = self._api("posts/", {"thread_id": thread.thread_id, "limit": self.cfg.page_size, "page": page})
            posts = parse_posts(body, self.name, thread)
            fresh = [p for p in posts if p.external_id not in seen]
            if posts and not fresh:
                raise SourceError(f"source {self.name}: pagination loop in thread {thread.thread_id}")
            seen.update(p.external_id for p in fresh)
            for post in fresh:
                if interval.contains(post.published_at):
                    result.mentions.append(post)
                elif window.contains(post.published_at):
                    result.refreshed.append(post)
            if not posts or min(p.published_at for p in posts) < interval.start:
                return
            page -= 1


def _json_object(response: HttpResponse) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise ParseError(f"{response.url}: bdApi response is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ParseError(f"{response.url}: bdApi response is not a JSON object")
    return body


def parse_threads(body: dict[str, Any]) -> list[tuple[ThreadRef, int]]:
    """Threads of a ``threads/`` (or ``lists/``) response with their post counts."""
    if not isinstance(body.get("threads"), list):
        raise ParseError("bdApi thread list without a 'threads' array")
    threads = []
    for item in body["threads"]:
        moment = parse_time(str(item.get("thread_update_date") or item.get("thread_create_date") or ""))
        if item.get("thread_id") is None or moment is None:
            continue
        links = item.get("links") or {}
        url = links.get("permalink") or links.get("detail") or ""
        thread = ThreadRef(thread_id=str(item["thread_id"]), title=clean(item.get("thread_title")), url=url,
                           latest_url=url, last_post_at=moment, sticky=bool(item.get("thread_is_sticky")))
        threads.append((thread, int(item.get("thread_post_count") or 1)))
    return threads


def parse_posts(body: dict[str, Any], source: str, thread: ThreadRef | None = None) -> list[Mention]:
    """Posts of a ``posts/`` response; quotes go to ``quoted_text``."""
    if not isinstance(body.get("posts"), list):
        raise ParseError("bdApi post list without a 'posts' array")
    title = (thread.title if thread else None) or clean((body.get("thread") or {}).get("thread_title")) or None
    posts = []
    for item in body["posts"]:
        moment = parse_time(str(item.get("post_create_date") or ""))
        if item.get("post_id") is None or moment is None or item.get("post_is_deleted"):
            continue
        text, quoted = _split_quotes(item)
        links = item.get("links") or {}
        posts.append(Mention(
            source=source,
            external_id=str(item["post_id"]),
            source_type="forum_post",
            url=links.get("permalink") or links.get("detail") or "",
            published_at=moment,
            text=text,
            title=title,
            author=clean(item.get("poster_username")) or None,
            quoted_text=quoted,
            reactions=int(item.get("post_reaction_total") or item.get("post_like_count") or 0),
            raw={"thread_id": str(item.get("thread_id")), "first_post": bool(item.get("post_is_first_post"))},
        ))
    return posts


def _split_quotes(item: dict[str, Any]) -> tuple[str, str | None]:
    html = item.get("post_body_html")
    if not html:
        return clean(item.get("post_body_plain_text")), None
    soup = parse_html(html)
    quotes = []
    for block in soup.select("div.bbCodeQuote, blockquote.bbCodeBlock--quote"):
        inner = block.select_one(".quote, .bbCodeBlock-expandContent") or block
        quotes.append(element_text(inner))
        block.decompose()
    for node in soup.select("script, style"):
        node.decompose()
    return element_text(soup), "\n".join(q for q in quotes if q) or None
