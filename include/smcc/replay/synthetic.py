"""Synthetic replay content at any scale, for the benchmarks.

One :class:`SyntheticSource` is one source of one type (``rss``, ``news_sitemap``, ``forum``,
``facebook_graph``) with ``items`` items published inside the 15 minutes before the replay
clock, served by its own :class:`~smcc.replay.ReplayServer` (the server hosts one forum and
one Facebook page, so several sources of a type need several servers). A share
``relevant_share`` of the texts are the labelled Vietnamese telecom mentions under
``data/telecom/`` (real wording, mostly complaints about the brand); the rest is everyday
chatter about other things, as most of what a news site or forum publishes is. Each text is
made unique with a place and a time so stories group like real traffic rather than collapsing
into exact duplicates.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from smcc.replay.content import (Article, FbComment, FbPost, ForumPost, ForumSection, ForumThread, NewsSite,
                                 SampleContent)
from smcc.settings import REPO_ROOT

KINDS = ("rss", "news_sitemap", "forum", "facebook_graph")
INTERVAL_MINUTES = 15.0
# The replay server lists at most 8 items per feed (pages.FEED_SIZE): 7 new ones and one from
# before the interval, so every feed reaches back past the interval start as a real one does.
NEW_PER_FEED = 7
POSTS_PER_THREAD = 20
COMMENTS_PER_FB_POST = 9
_PLACES = ("Cầu Giấy", "Đống Đa", "Thanh Xuân", "Hà Đông", "Quận 7", "Thủ Đức", "Bình Thạnh", "Hải Châu",
           "Ninh Kiều", "Biên Hòa", "Long Biên", "Gò Vấp", "Tân Bình", "Hoàng Mai", "Sơn Trà")
# Everyday chatter: subject x what happened x closing, none about a telecom brand.
_CHATTER = (
    ("Đội tuyển Việt Nam", "Giá xăng", "Thời tiết Hà Nội", "Chiếc điện thoại gập mới", "Giá vàng",
     "Kỳ thi tốt nghiệp", "Đường vành đai 3", "Quán phở đầu ngõ", "Bộ phim chiếu Tết", "Giải chạy marathon",
     "Chợ hoa xuân", "Tuyến metro số 1"),
    ("tăng mạnh trong tuần này", "được nhiều người quan tâm", "khiến dư luận bàn tán", "gây tắc đường giờ cao điểm",
     "có nhiều thay đổi so với năm ngoái", "nhận được đánh giá tích cực", "vẫn chưa có thông tin chính thức",
     "thu hút hàng nghìn người tham gia"),
    ("theo ghi nhận của phóng viên.", "mọi người thấy sao?", "anh em vào bàn luận nhé.",
     "dự kiến kéo dài đến cuối tháng.", "nhiều gia đình đã lên kế hoạch từ sớm."),
)
_RSS_SELECTORS = {
    "title": "h1.title-detail",
    "text": "p.description, article.fck_detail p",
    "author": "article.fck_detail p[style*='text-align:right'] strong",
    "published": "meta[name=pubdate]",
    "drop": ["article.fck_detail p[style*='text-align:right']"],
}


@cache
def _corpus() -> tuple[str, ...]:
    texts = []
    for name in ("train.jsonl", "eval.jsonl", "holdout.jsonl"):
        for line in (REPO_ROOT / "data" / "telecom" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"].strip())
    return tuple(texts)


class _Writer:
    """Deterministic texts, authors and times for one source."""

    def __init__(self, seed: int, relevant_share: float) -> None:
        self.rng = random.Random(seed)
        self.relevant_share = relevant_share
        self.serial = 0

    def _sentence(self) -> str:
        if self.rng.random() < self.relevant_share:
            return self.rng.choice(_corpus())
        return " ".join(self.rng.choice(part) for part in _CHATTER)

    def text(self) -> str:
        self.serial += 1
        place = self.rng.choice(_PLACES)
        return f"{self._sentence()} (khu {place}, lúc {self.rng.randint(0, 23)}h{self.serial % 60:02d})"

    def title(self) -> str:
        words = self._sentence().split()
        return " ".join(words[:14]).rstrip(",.;:?")

    def author(self) -> str:
        return f"thanhvien_{self.rng.randint(1000, 99999)}"

    def minutes_ago(self) -> float:
        """A moment inside the interval that ends at the clock (published_at in [start, end))."""
        return round(self.rng.uniform(0.05, INTERVAL_MINUTES - 0.05), 3)


@dataclass
class SyntheticSource:
    """Content for one replay server and the ``sources.yaml`` entry that reads it."""

    name: str
    kind: str
    items: int
    content: SampleContent

    def config(self, base_url: str) -> dict[str, Any]:
        """The source entry, for a replay server of ``content`` listening at ``base_url``."""
        # Every item costs a page or two; the default budget (200) is for ordinary intervals.
        common: dict[str, Any] = {"name": self.name, "type": self.kind, "max_pages": 3 * self.items + 50}
        if self.kind == "rss":
            site = next(iter(self.content.sites.values()))
            return {**common, "feed_urls": [f"{base_url}/{site.key}/rss/{f}.rss" for f in site.feeds],
                    "selectors": _RSS_SELECTORS}
        if self.kind == "news_sitemap":
            site = next(iter(self.content.sites.values()))
            return {**common, "sitemap_urls": [f"{base_url}/{site.key}/sitemap.xml"]}
        if self.kind == "forum":
            return {**common, "base_url": f"{base_url}/diendan/",
                    "section_paths": [s.path.removeprefix("/diendan/") for s in self.content.sections]}
        return {**common, "brand": "MobiFone", "base_url": f"{base_url}/graph/v21.0",
                "page_id": self.content.page_id, "token_conn_id": "smcc_facebook_sample",
                "usage_pause_seconds": 1, "rate_limit_pause_seconds": 1}


def synthetic_source(kind: str, index: int, items: int, seed: int = 0,
                     relevant_share: float = 0.2) -> SyntheticSource:
    """Source number ``index`` of type ``kind`` with ``items`` new items in the interval, a share
    ``relevant_share`` of whose texts (titles included) come from the telecom corpus."""
    if kind not in KINDS:
        raise ValueError(f"unknown source type {kind!r}; known: {', '.join(KINDS)}")
    if items < 1:
        raise ValueError("a synthetic source needs at least one item")
    if not 0 <= relevant_share <= 1:
        raise ValueError("relevant_share is a share between 0 and 1")
    writer = _Writer(seed * 1_000_003 + index, relevant_share)
    name = f"bench-{kind.replace('_', '-')}-{index:02d}"
    build = {"rss": _news, "news_sitemap": _news, "forum": _forum, "facebook_graph": _facebook}[kind]
    return SyntheticSource(name, kind, items, build(kind, index, items, writer))


def _empty(**parts: Any) -> SampleContent:
    base: dict[str, Any] = {"sites": {}, "articles": [], "forum_name": "Diễn đàn tổng hợp", "posts_per_page": 20,
                            "sections": [], "threads": [], "page_id": "0", "page_name": "", "fb_posts": []}
    return SampleContent(**{**base, **parts})


def _article(site: str, article_id: int, minutes_ago: float, feeds: list[str], writer: _Writer) -> Article:
    title = writer.title()
    return Article(minutes_ago=minutes_ago, site=site, id=article_id, slug=f"bai-viet-{article_id}",
                   title=title, author=writer.author(), summary=writer.text(),
                   paragraphs=[writer.text() for _ in range(3)], feeds=feeds)


def _news(kind: str, index: int, items: int, writer: _Writer) -> SampleContent:
    key = f"bao{index:02d}"
    first_id = 5_000_000 + index * 100_000
    if kind == "news_sitemap":
        site = NewsSite(key, f"Báo Tổng Hợp {index}", "generic", ["tin-moi-nhat"])
        articles = [_article(key, first_id + n, writer.minutes_ago(), ["tin-moi-nhat"], writer)
                    for n in range(items)]
        return _empty(sites={key: site}, articles=articles)
    feeds = [f"muc-{n:02d}" for n in range(-(-items // NEW_PER_FEED))]
    site = NewsSite(key, f"Tin Nhanh {index}", "vnexpress_like", feeds)
    articles = [_article(key, first_id + n, writer.minutes_ago(), [feeds[n // NEW_PER_FEED]], writer)
                for n in range(items)]
    # One older article per feed: the feed reaches back before the interval.
    articles += [_article(key, first_id + items + n, INTERVAL_MINUTES + 5 + n, [feed], writer)
                 for n, feed in enumerate(feeds)]
    return _empty(sites={key: site}, articles=articles)


def _forum(kind: str, index: int, items: int, writer: _Writer) -> SampleContent:
    sections = [ForumSection(100 + index * 10 + n, f"chuyen-muc-{index}-{n}", f"Chuyên mục {index}.{n}")
                for n in range(2)]
    threads, next_post = [], 4_000_000 + index * 100_000
    for t, start in enumerate(range(0, items, POSTS_PER_THREAD)):
        count = min(POSTS_PER_THREAD, items - start)
        # The thread opened before the interval; its new replies are in time order.
        times = [60.0 + t] + sorted((writer.minutes_ago() for _ in range(count)), reverse=True)
        posts = []
        for n, minutes_ago in enumerate(times):
            quote = writer.rng.randrange(n) if n and writer.rng.random() < 0.2 else None
            posts.append(ForumPost(minutes_ago=minutes_ago, id=next_post, author=writer.author(),
                                   text=writer.text(), reactions=writer.rng.randint(0, 30), quote=quote))
            next_post += 1
        thread_id = 900_000 + index * 1_000 + t
        threads.append(ForumThread(thread_id, sections[t % 2].id, f"chu-de-{thread_id}", writer.title(), posts))
    return _empty(sections=sections, threads=threads, posts_per_page=POSTS_PER_THREAD)


def _facebook(kind: str, index: int, items: int, writer: _Writer) -> SampleContent:
    page_id = f"1048576{index:08d}"
    posts = []
    for p, start in enumerate(range(0, items, COMMENTS_PER_FB_POST + 1)):
        count = min(COMMENTS_PER_FB_POST + 1, items - start)
        times = sorted((writer.minutes_ago() for _ in range(count)), reverse=True)
        object_id = f"{7_100_000_000 + index * 10_000 + p}"
        comments = [FbComment(minutes_ago=m, id=f"{object_id}_{n + 1}", author=writer.author(),
                              message=writer.text(), likes=writer.rng.randint(0, 50))
                    for n, m in enumerate(times[1:])]
        visitor = writer.rng.random() < 0.3
        posts.append(FbPost(minutes_ago=times[0], id=f"{page_id}_{object_id}", message=writer.text(),
                            reactions=writer.rng.randint(0, 500), shares=writer.rng.randint(0, 40),
                            author=writer.author() if visitor else "MobiFone", visitor=visitor,
                            comments=comments))
    return _empty(page_id=page_id, page_name="MobiFone", fb_posts=posts)
