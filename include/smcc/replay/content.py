"""Bundled sample content of the replay server, dated relative to its clock.

Items are stored with ``minutes_ago`` (before the clock); ``published(clock)`` turns that
into an aware datetime, so one sample set serves any demo date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"

# Names of the sources in config/sources.sample.yaml that read each sample site.
SAMPLE_SOURCES = {
    "tinnhanh": "tinnhanh-rss",
    "baocongnghe": "baocongnghe-sitemap",
    "diendan": "diendan-forum",
    "facebook": "mobifone-facebook",
}


@dataclass
class Dated:
    minutes_ago: float

    def published(self, clock: datetime) -> datetime:
        return clock - timedelta(minutes=self.minutes_ago)

    def visible(self, clock: datetime) -> bool:
        return self.minutes_ago >= 0


@dataclass
class NewsSite:
    key: str
    name: str
    markup: str
    feeds: list[str]


@dataclass
class Article(Dated):
    site: str
    id: int
    slug: str
    title: str
    author: str
    summary: str
    paragraphs: list[str]
    feeds: list[str]

    @property
    def path(self) -> str:
        return f"/{self.site}/{self.slug}-{self.id}.html"


@dataclass
class ForumPost(Dated):
    id: int
    author: str
    text: str
    reactions: int
    quote: int | None


@dataclass
class ForumThread:
    id: int
    section: int
    slug: str
    title: str
    posts: list[ForumPost]

    @property
    def path(self) -> str:
        return f"/diendan/t/{self.slug}.{self.id}/"

    def visible_posts(self, clock: datetime) -> list[ForumPost]:
        return [p for p in self.posts if p.visible(clock)]


@dataclass
class ForumSection:
    id: int
    slug: str
    title: str

    @property
    def path(self) -> str:
        return f"/diendan/f/{self.slug}.{self.id}/"


@dataclass
class FbComment(Dated):
    id: str
    author: str
    message: str
    likes: int


@dataclass
class FbPost(Dated):
    id: str
    message: str
    reactions: int
    shares: int
    author: str
    visitor: bool
    comments: list[FbComment] = field(default_factory=list)


@dataclass
class SampleContent:
    sites: dict[str, NewsSite]
    articles: list[Article]
    forum_name: str
    posts_per_page: int
    sections: list[ForumSection]
    threads: list[ForumThread]
    page_id: str
    page_name: str
    fb_posts: list[FbPost]

    def published_items(self, clock: datetime) -> list[dict[str, Any]]:
        """Ground truth: every item visible at ``clock``, keyed like the sources key them."""
        items: list[dict[str, Any]] = []

        def add(site: str, external_id: str, kind: str, item: Dated, **extra: Any) -> None:
            if item.visible(clock):
                items.append({"site": site, "source": SAMPLE_SOURCES.get(site, site), "kind": kind,
                              "external_id": external_id, "published_at": item.published(clock), **extra})

        for article in self.articles:
            add(article.site, str(article.id), "news_article", article, feeds=list(article.feeds))
        for thread in self.threads:
            for post in thread.posts:
                add("diendan", str(post.id), "forum_post", post, thread_id=str(thread.id), section=thread.section)
        for post in self.fb_posts:
            add("facebook", post.id, "facebook_post", post, visitor=post.visitor)
            for comment in post.comments:
                if post.visible(clock):
                    add("facebook", comment.id, "facebook_comment", comment, parent=post.id)
        return sorted(items, key=lambda i: i["published_at"])


def load_sample(folder: Path = SAMPLE_DIR) -> SampleContent:
    news = yaml.safe_load((folder / "news.yaml").read_text(encoding="utf-8"))
    forum = yaml.safe_load((folder / "forum.yaml").read_text(encoding="utf-8"))
    facebook = yaml.safe_load((folder / "facebook.yaml").read_text(encoding="utf-8"))
    sites = {key: NewsSite(key, s["name"], s["markup"], list(s["feeds"])) for key, s in news["sites"].items()}
    articles = [
        Article(minutes_ago=a["minutes_ago"], site=a["site"], id=a["id"], slug=a["slug"], title=a["title"],
                author=a["author"], summary=a["summary"], paragraphs=list(a["paragraphs"]),
                feeds=list(a.get("feeds") or sites[a["site"]].feeds))
        for a in news["articles"]
    ]
    page_id = str(facebook["page"]["id"])
    return SampleContent(
        sites=sites,
        articles=articles,
        forum_name=forum["name"],
        posts_per_page=int(forum["posts_per_page"]),
        sections=[ForumSection(s["id"], s["slug"], s["title"]) for s in forum["sections"]],
        threads=_threads(forum["threads"]),
        page_id=page_id,
        page_name=facebook["page"]["name"],
        fb_posts=_fb_posts(facebook["posts"], page_id, facebook["page"]["name"]),
    )


def _threads(raw: list[dict[str, Any]]) -> list[ForumThread]:
    # XenForo post ids grow with time across the whole forum: number posts by publication order.
    everything = [(p["minutes_ago"], ti, pi) for ti, t in enumerate(raw) for pi, p in enumerate(t["posts"])]
    ids = {(ti, pi): 3_150_000 + rank for rank, (_, ti, pi) in enumerate(sorted(everything, key=lambda e: -e[0]))}
    threads = []
    for ti, t in enumerate(raw):
        posts = [ForumPost(minutes_ago=p["minutes_ago"], id=ids[(ti, pi)], author=p["author"], text=p["text"],
                           reactions=int(p.get("reactions", 0)), quote=p.get("quote"))
                 for pi, p in enumerate(t["posts"])]
        threads.append(ForumThread(t["id"], t["section"], t["slug"], t["title"], posts))
    return threads


def _fb_posts(raw: list[dict[str, Any]], page_id: str, page_name: str) -> list[FbPost]:
    posts = []
    for n, p in enumerate(raw, start=1):
        object_id = f"{7_000_000_000 + n}"
        comments = [FbComment(minutes_ago=c["minutes_ago"], id=f"{object_id}_{900_000 + n * 100 + m}",
                              author=c["author"], message=c["message"], likes=int(c.get("likes", 0)))
                    for m, c in enumerate(p.get("comments") or [], start=1)]
        posts.append(FbPost(minutes_ago=p["minutes_ago"], id=f"{page_id}_{object_id}", message=p["message"].strip(),
                            reactions=int(p.get("reactions", 0)), shares=int(p.get("shares", 0)),
                            author=p.get("author", page_name), visitor=bool(p.get("visitor", False)),
                            comments=comments))
    return posts
