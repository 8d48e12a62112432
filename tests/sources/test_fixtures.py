"""Parsers on real saved pages and API responses (shared fixtures; skipped without them)."""

from __future__ import annotations

import json
import threading
import unicodedata
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from smcc.models import Interval
from smcc.sources import build_source
from smcc.sources.config import GraphConfig, Selectors
from smcc.sources.extract import extract_article
from smcc.sources.forum import parse_thread_page
from smcc.sources.news import parse_feed

pytestmark = pytest.mark.shared
VIETNAM = timezone(timedelta(hours=7))

VNEXPRESS = Selectors(
    title="h1.title-detail",
    text="p.description, article.fck_detail p",
    author="article.fck_detail p[style*='text-align:right'] strong, p.author_mail strong",
    published="meta[name=pubdate]",
    drop=["article.fck_detail p[style*='text-align:right']", "p.author_mail"],
)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_vnexpress_article_matches_the_human_gold_extraction(fixtures_web):
    gold = json.loads(read(fixtures_web / "vnexpress" / "fundus_VnExpress.gold.json"))["V1"]
    article = extract_article(read(fixtures_web / "vnexpress" / "fundus_VnExpress_2025_10_22.html"), VNEXPRESS)
    paragraphs = gold["body"]["summary"] + [p for s in gold["body"]["sections"] for p in s["paragraphs"]]
    assert article.title == gold["title"]
    assert article.text.split("\n") == [unicodedata.normalize("NFC", p) for p in paragraphs]
    assert article.author == ", ".join(gold["authors"])
    assert article.published_at == datetime.fromisoformat(gold["publishing_date"])


def test_vnexpress_generic_extraction_without_selectors_gets_title_date_and_body(fixtures_web):
    gold = json.loads(read(fixtures_web / "vnexpress" / "fundus_VnExpress.gold.json"))["V1"]
    article = extract_article(read(fixtures_web / "vnexpress" / "fundus_VnExpress_2025_10_22.html"))
    body = [p for s in gold["body"]["sections"] for p in s["paragraphs"]]
    assert article.title == gold["title"]
    assert article.published_at == datetime.fromisoformat(gold["publishing_date"])
    assert all(p in article.text for p in body)


def test_vnexpress_publication_date_matches_the_gold_date(fixtures_web):
    gold = json.loads(read(fixtures_web / "vnexpress" / "htmldate_VnExpress.net-Kinh-doanh.gold.json"))
    article = extract_article(read(fixtures_web / "vnexpress" / gold["file"]), VNEXPRESS)
    local_day = article.published_at.astimezone(VIETNAM).date()
    assert local_day.isoformat() == gold["gold_publication_date"]
    assert article.author == "Anh Minh"
    assert "Anh Minh" not in article.text.split("\n")


def test_znews_article_by_generic_extraction(fixtures_web):
    reference = json.loads(read(fixtures_web / "znews" / "znews_post1528657.extracted_by_repo.json"))
    article = extract_article(read(fixtures_web / "znews" / "znews_post1528657.html"))
    assert article.title == reference["title"]
    assert article.author == reference["author"]
    assert article.published_at == datetime.fromisoformat(reference["publishedAt"])
    assert " ".join(reference["paragraphs"][2].split())[:80] in article.text


@pytest.mark.parametrize("name", [
    "vnexpress_the-gioi_2025-02-06_1item.xml",
    "vnexpress_tin-moi-nhat_2017-11-14.from_js_literal.xml",
    "vnexpress_tin-moi-nhat_2017-04-19.from_js_literal.xml",
])
def test_real_rss_feeds_give_every_item_with_link_date_and_clean_title(fixtures_web, name):
    raw = (fixtures_web / "rss" / name).read_bytes()
    # One 2017 item is an empty placeholder (<title/>, no link, no date): nothing to read there.
    count = sum(1 for block in raw.split(b"<item>")[1:] if b"<link>" in block and b"<pubDate>" in block)
    items = parse_feed(raw, name)
    assert count >= 1 and len(items) == count
    assert len({i.url for i in items}) == count
    for item in items:
        assert item.url.startswith("http") and "\n" not in item.url
        assert item.title and item.title == item.title.strip() and "\n" not in item.title
        assert item.title == unicodedata.normalize("NFC", item.title)
        assert item.published_at.tzinfo is not None


def test_feed_item_time_keeps_the_vietnam_offset(fixtures_web):
    [item] = parse_feed((fixtures_web / "rss" / "vnexpress_the-gioi_2025-02-06_1item.xml").read_bytes())
    assert item.published_at == datetime.fromisoformat("2025-02-06T20:30:48+07:00")
    assert item.title == "Israel nối gót Mỹ rời Hội đồng Nhân quyền LHQ"


def test_xenforo_1_post_of_f319(fixtures_web):
    html = read(fixtures_web / "xenforo_f319" / "f319_thread13691_post206711_fragment.html")
    page = parse_thread_page(html, "https://f319.com/threads/x.13691/page-2", "f319")
    [post] = page.posts
    assert (post.external_id, post.author) == ("206711", "nano9")
    assert post.published_at == datetime.fromisoformat("2007-07-07T16:56:00+07:00")
    assert post.text.startswith("Phân tích kĩ thuật P.7 Double bottom (Mô hình hai đáy)")
    assert post.reactions == 5  # three named likers "và 2 người khác"
    assert "Thành viên gắn bó" not in post.text


class _GraphFixtures(BaseHTTPRequestHandler):
    """Serves saved Graph responses: the GoT page feed and one comments page for every post."""

    feed: dict
    comments: dict

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if path.endswith("/feed") and "after=" not in self.path:
            body = dict(self.feed, paging={"next": f"http://{self.headers['Host']}{path}?after=end&access_token=t"})
        elif path.endswith("/comments") and "after=" not in self.path:
            body = dict(self.comments, paging={"next": f"http://{self.headers['Host']}{path}?after=end&access_token=t"})
        else:
            body = {"data": []}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def graph_server(fixtures_graph) -> Iterator[str]:
    handler = type("H", (_GraphFixtures,), {
        "feed": json.loads(read(fixtures_graph / "restfb" / "v2_1_feed-got.json")),
        "comments": json.loads(read(fixtures_graph / "facebook4j" / "post_comments_with_summary.json")),
    })
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_graph_source_reads_real_feed_and_comment_shapes(graph_server, fixtures_graph, http):
    feed = json.loads(read(fixtures_graph / "restfb" / "v2_1_feed-got.json"))["data"]
    comments = json.loads(read(fixtures_graph / "facebook4j" / "post_comments_with_summary.json"))["data"]
    cfg = GraphConfig(name="got", type="facebook_graph", base_url=f"{graph_server}/v1.0", page_id="74133697733",
                      token_conn_id="fb", edges=["feed"], refresh_hours=0)
    interval = Interval.parse("2014-01-01T00:00:00+00:00", "2015-01-01T00:00:00+00:00")
    result = build_source(cfg, http=http, token_provider=lambda _: "t").collect(interval)
    posts = [m for m in result.mentions if m.source_type == "facebook_post"]
    found = [m for m in result.mentions if m.source_type == "facebook_comment"]
    assert sorted(m.external_id for m in posts) == sorted(p["id"] for p in feed)
    by_id = {p["id"]: p for p in feed}
    for post in posts:
        raw = by_id[post.external_id]
        assert post.shares == (raw.get("shares") or {}).get("count", 0)
        assert post.text == " ".join((raw.get("message") or raw.get("story") or "").split())
    # Each served post gets the same saved comment page; a comment id is one mention.
    assert sorted(m.external_id for m in found) == sorted(c["id"] for c in comments)
    assert {m.reactions for m in found} == {c.get("like_count", 0) for c in comments}


class _BdApiFixtures(BaseHTTPRequestHandler):
    """tinhte.vn's bdApi: a thread list made of the saved threads, and their saved post pages."""

    posts: dict[str, dict]

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        route, *pairs = urlsplit(self.path).query.split("&")
        params = dict(p.split("=", 1) for p in pairs)
        if route == "threads/" and params.get("page") == "1":
            threads = sorted((b["thread"] for b in self.posts.values()), key=lambda t: -t["thread_update_date"])
            body: dict = {"threads": threads, "threads_total": len(threads), "links": {"pages": 1, "page": 1}}
        elif route == "posts/" and params.get("thread_id") in self.posts and params.get("page") == "1":
            body = self.posts[params["thread_id"]]
        else:
            body = {"threads": [], "posts": []}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


SINGLE_PAGE_THREADS = ["3704815", "3704680", "3072651"]


@pytest.fixture
def bdapi_server(fixtures_web) -> Iterator[tuple[str, dict[str, dict]]]:
    folder = fixtures_web / "tinhte" / "api_mocks"
    posts = {tid: json.loads(read(folder / f"posts__thread_id={tid}.json")) for tid in SINGLE_PAGE_THREADS}
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_BdApiFixtures,), {"posts": posts}))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/appforo/index.php", posts
    server.shutdown()
    server.server_close()


def test_tinhte_bdapi_forum_collects_the_posts_of_the_interval(bdapi_server, http):
    from smcc.sources.config import ForumConfig

    base_url, saved = bdapi_server
    cfg = ForumConfig(name="tinhte", type="forum", flavour="bdapi", base_url=base_url, forum_ids=[36], refresh_hours=0)
    interval = Interval.parse("2023-08-15T00:00:00+00:00", "2023-08-16T00:00:00+00:00")
    result = build_source(cfg, http=http).collect(interval)
    expected = sorted(str(p["post_id"]) for body in saved.values() for p in body["posts"]
                      if interval.contains(datetime.fromtimestamp(p["post_create_date"], timezone.utc)))
    assert expected and sorted(m.external_id for m in result.mentions) == expected
    reply = next(m for m in result.mentions if m.external_id == "64800044")
    assert reply.text == "Haha cũng hợp lý nha"
    assert reply.quoted_text == "Tú thích đi xe ôm vì rẻ mà còn đc ôm :))"
    assert reply.title == "Vì sao người Việt thích đi “xe ôm”, xe ôm có từ bao giờ?"
    assert reply.url == "https://tinhte.vn/posts/64800044/"


def test_tinhte_bdapi_posts_keep_quotes_apart_on_a_long_thread_page(fixtures_web):
    from smcc.sources.bdapi import parse_posts

    body = json.loads(read(fixtures_web / "tinhte" / "api_mocks" / "posts__thread_id=3441248.json"))
    posts = parse_posts(body, "tinhte")
    assert len(posts) == len(body["posts"])
    quoting = [p for p in posts if p.quoted_text]
    assert quoting and all(p.quoted_text not in p.text for p in quoting)
    assert all(p.reactions >= 0 and p.author for p in posts)
