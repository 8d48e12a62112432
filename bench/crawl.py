"""Parse throughput of each source type, next to a bare lxml/json parse of the same pages.

Pages come from the replay server (and the real saved pages under shared/fixtures/web when
present). Everything runs in one thread, so the figures are per core.

    PYTHONPATH=include .venv/bin/python bench/crawl.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import requests
from lxml import etree, html

from smcc.replay import ReplayServer
from smcc.settings import shared_dir
from smcc.sources.config import GraphConfig
from smcc.sources.extract import extract_article
from smcc.sources.forum import parse_section, parse_thread_page
from smcc.sources.graph import GraphSource
from smcc.sources.news import parse_feed, parse_sitemap

CLOCK = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=7)))


def rate(work: Callable[[Any], Any], pages: list[Any], seconds: float) -> float:
    """Pages per second, looping over ``pages`` for at least ``seconds``."""
    done, started = 0, time.perf_counter()
    while True:
        for page in pages:
            work(page)
        done += len(pages)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / elapsed


def replay_pages() -> dict[str, list[tuple[str, str]]]:
    """``(url, body)`` of every page a crawl of the sample reads, grouped by parser."""
    with ReplayServer(CLOCK) as server:
        items = server.published_items()
        base = server.url

        def get(path: str) -> tuple[str, str]:
            response = requests.get(base + path, timeout=5)
            response.raise_for_status()
            return response.url, response.content.decode("utf-8")

        articles = [get(a.path) for a in server.content.articles if a.visible(CLOCK)]
        sections = [get(s.path) for s in server.content.sections]
        threads = [get(t.path) for t in server.content.threads if t.visible_posts(CLOCK)]
        sitemaps = [get(f"/{site}/sitemap.xml") for site in server.content.sites]
        days = {i["published_at"].astimezone(CLOCK.tzinfo).date().isoformat() for i in items}
        sitemaps += [get(f"/baocongnghe/sitemaps/{day}.xml") for day in sorted(days)]
        feeds = [get(f"/{key}/rss/{feed}.rss") for key, site in server.content.sites.items() for feed in site.feeds]
        page_id = server.content.page_id
        graph = [get(f"/graph/v21.0/{page_id}/feed?access_token=t&limit=100")]
        graph += [get(f"/graph/v21.0/{p.id}/comments?access_token=t&limit=100")
                  for p in server.content.fb_posts if p.visible(CLOCK)]
    return {"articles": articles, "sections": sections, "threads": threads, "sitemaps": sitemaps,
            "feeds": feeds, "graph": graph}


def real_pages() -> dict[str, list[tuple[str, str]]]:
    folder = shared_dir() / "fixtures" / "web"
    if not folder.is_dir():
        return {}
    articles = [folder / "vnexpress" / "fundus_VnExpress_2025_10_22.html",
                folder / "vnexpress" / "htmldate_VnExpress.net-Kinh-doanh.html",
                folder / "znews" / "znews_post1528657.html",
                folder / "bongdaplus" / "bongdaplus_4261892403.html"]
    return {
        "articles": [(p.name, p.read_text(encoding="utf-8")) for p in articles if p.exists()],
        "feeds": [(p.name, p.read_text(encoding="utf-8")) for p in sorted((folder / "rss").glob("*.xml"))],
        "threads": [(p.name, p.read_text(encoding="utf-8")) for p in (folder / "xenforo_f319").glob("*.html")],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args(argv)

    graph = GraphSource(GraphConfig(name="bench", type="facebook_graph", page_id="p", token_conn_id="x"),
                        http=None, token="t")  # type: ignore[arg-type]

    def graph_items(page: tuple[str, str]) -> None:
        for item in json.loads(page[1])["data"]:
            graph._post(item)

    def xml_bare(page: tuple[str, str]) -> None:
        etree.fromstring(page[1].encode("utf-8"), parser=etree.XMLParser(recover=True))

    cases: list[tuple[str, str, Callable[[Any], Any], Callable[[Any], Any]]] = [
        ("rss feed", "feeds", lambda p: parse_feed(p[1], p[0]), xml_bare),
        ("article page (rss, news_sitemap)", "articles", lambda p: extract_article(p[1]),
         lambda p: html.fromstring(p[1])),
        ("news_sitemap", "sitemaps", lambda p: parse_sitemap(p[1], p[0]), xml_bare),
        ("forum section page", "sections", lambda p: parse_section(p[1], p[0]), lambda p: html.fromstring(p[1])),
        ("forum thread page", "threads", lambda p: parse_thread_page(p[1], p[0], "bench"),
         lambda p: html.fromstring(p[1])),
        ("facebook_graph JSON", "graph", graph_items, lambda p: json.loads(p[1])),
    ]
    corpora = {"replay": replay_pages(), "real": real_pages()}
    print(f"{'source type':42} {'pages':>6} {'KiB/page':>9} {'smcc p/s':>10} {'bare p/s':>10} {'bare/smcc':>9}")
    ratios = []
    for origin, pages_by_kind in corpora.items():
        for label, kind, work, bare in cases:
            pages = pages_by_kind.get(kind) or []
            if not pages:
                continue
            size = sum(len(p[1].encode("utf-8")) for p in pages) / len(pages) / 1024
            ours, theirs = rate(work, pages, args.seconds), rate(bare, pages, args.seconds)
            ratios.append(theirs / ours)
            print(f"{label + ' [' + origin + ']':42} {len(pages):>6} {size:>9.1f} {ours:>10.0f} {theirs:>10.0f} "
                  f"{theirs / ours:>8.1f}x")
    ordered = sorted(ratios)
    print(f"summary: SMCC parsing is {ordered[0]:.1f}x to {ordered[-1]:.1f}x slower than a bare parse "
          f"(median {ordered[len(ordered) // 2]:.1f}x) on one core")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
