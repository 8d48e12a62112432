"""Every source type against the replay server: nothing lost, nothing duplicated."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest

from smcc.models import Interval
from smcc.replay import ReplayServer
from smcc.sources import SourceError

from .conftest import CLOCK, expected_ids, last_minutes

SAMPLE_SOURCES = ["tinnhanh-rss", "baocongnghe-sitemap", "diendan-forum", "mobifone-facebook"]


@pytest.mark.parametrize("name", SAMPLE_SOURCES)
def test_source_collects_exactly_the_items_published_in_the_interval(replay, make_source, name):
    interval = last_minutes(15)
    result = make_source(name).collect(interval)
    ids = [m.external_id for m in result.mentions]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == expected_ids(replay, name, interval)
    assert ids, "the sample has items of every source in the last 15 minutes"
    assert all(m.source == name and interval.contains(m.published_at) for m in result.mentions)
    assert result.pages_fetched > 0


def test_three_consecutive_intervals_are_disjoint_and_cover_the_span(replay: ReplayServer, make_source):
    sources = [make_source(name) for name in SAMPLE_SOURCES]
    collected: list[list[tuple[str, str]]] = []
    for k in (3, 2, 1):
        interval = Interval(CLOCK - timedelta(minutes=15 * k), CLOCK - timedelta(minutes=15 * (k - 1)))
        collected.append([(m.source, m.external_id) for s in sources for m in s.collect(interval).mentions])
    sets = [set(c) for c in collected]
    assert all(len(c) == len(s) for c, s in zip(collected, sets))
    assert not (sets[0] & sets[1]) and not (sets[1] & sets[2]) and not (sets[0] & sets[2])
    span = last_minutes(45)
    truth = {(i["source"], i["external_id"]) for i in replay.published_items() if span.contains(i["published_at"])}
    assert sets[0] | sets[1] | sets[2] == truth
    assert all(sets), "each 15-minute interval of the sample has data"


def test_backfill_of_past_hours_finds_every_published_item(replay: ReplayServer, make_source):
    interval = last_minutes(6 * 60)
    for name in SAMPLE_SOURCES:
        assert sorted(m.external_id for m in make_source(name).collect(interval).mentions) == \
            expected_ids(replay, name, interval)


def test_items_published_after_the_clock_appear_only_once_the_clock_passes_them(replay, make_source):
    future = Interval(CLOCK, CLOCK + timedelta(minutes=30))
    sources = [make_source(name) for name in SAMPLE_SOURCES]
    assert [m for s in sources for m in s.collect(future).mentions] == []
    replay.set_clock(CLOCK + timedelta(minutes=30))
    later = [m for s in sources for m in s.collect(future).mentions]
    assert later and sorted(m.external_id for m in later) == sorted(
        i["external_id"] for i in replay.published_items() if future.contains(i["published_at"]))


def test_news_article_has_full_text_author_and_title_from_the_article_page(make_source):
    result = make_source("tinnhanh-rss").collect(last_minutes(15))
    outage = next(m for m in result.mentions if "mất sóng" in (m.title or ""))
    assert outage.source_type == "news_article"
    assert outage.author == "Minh Châu"
    assert "tổng đài 18001090" in outage.text  # body paragraph, not only the feed summary
    assert "Minh Châu" not in outage.text  # byline dropped from the text
    assert outage.text == unicodedata.normalize("NFC", outage.text)


def test_generic_extraction_reads_pages_without_site_selectors(make_source):
    result = make_source("baocongnghe-sitemap").collect(last_minutes(15))
    [article] = result.mentions
    assert article.author == "Bảo Ngọc"
    assert "giờ cao điểm" in article.title
    assert "quá tải trạm phát sóng" in article.text
    assert "quảng cáo" not in article.text


def test_forum_posts_separate_quoted_text_from_the_authors_words(make_source):
    result = make_source("diendan-forum").collect(last_minutes(60))
    reply = next(m for m in result.mentions if m.text.startswith("Đúng rồi, tổng đài 18001090"))
    assert reply.quoted_text and reply.quoted_text.startswith("Mất sóng hoàn toàn luôn")
    assert "Mất sóng hoàn toàn" not in reply.text
    assert reply.title == "Mạng MobiFone chập chờn cả tối nay ở Cầu Giấy"
    assert reply.author == "hoangnam_cg" and reply.reactions == 21
    assert reply.url.endswith(f"post-{reply.external_id}")


def test_forum_reads_older_pages_of_a_long_thread_for_an_older_interval(replay, make_source):
    # 55..40 minutes ago sits on the first page of the outage thread, the feed starts at the last.
    interval = Interval(CLOCK - timedelta(minutes=55), CLOCK - timedelta(minutes=40))
    result = make_source("diendan-forum").collect(interval)
    assert sorted(m.external_id for m in result.mentions) == expected_ids(replay, "diendan-forum", interval)
    assert any(r["path"].endswith("/page-2") for r in replay.requests)


def test_facebook_posts_and_comments_with_engagement_counts(make_source):
    result = make_source("mobifone-facebook").collect(last_minutes(15))
    kinds = {m.source_type for m in result.mentions}
    assert kinds == {"facebook_post", "facebook_comment"}
    apology = next(m for m in result.mentions if m.source_type == "facebook_post")
    assert (apology.reactions, apology.shares) == (412, 37)
    assert apology.comments == 4
    comments = [m for m in result.mentions if m.source_type == "facebook_comment"]
    assert all(c.parent_external_id == apology.external_id for c in comments if "sóng" in c.text)


def test_refreshed_items_are_the_48_hours_before_the_interval_with_fresh_counts(replay, make_source):
    interval = last_minutes(15)
    result = make_source("mobifone-facebook").collect(interval)
    assert result.refreshed
    assert all(interval.start - timedelta(hours=48) <= m.published_at < interval.start for m in result.refreshed)
    assert not {m.external_id for m in result.refreshed} & {m.external_id for m in result.mentions}
    promo = next(m for m in result.refreshed if m.source_type == "facebook_post" and "iPhone" in m.text)
    assert promo.reactions == 1500


def test_visitor_posts_edge_and_feed_together_give_each_post_once(replay, make_source):
    interval = last_minutes(6 * 60)
    result = make_source("mobifone-facebook", edges=["feed", "visitor_posts"]).collect(interval)
    posts = [m.external_id for m in result.mentions if m.source_type == "facebook_post"]
    assert len(posts) == len(set(posts))
    only_visitors = make_source("mobifone-facebook", edges=["visitor_posts"], include_comments=False).collect(interval)
    assert [m.author for m in only_visitors.mentions] == ["Đặng Thị Hồng"]


def test_facebook_without_a_token_fails_naming_the_connection(sample_configs, http):
    from smcc.sources import build_source

    source = build_source(sample_configs["mobifone-facebook"], http=http, token_provider=lambda conn_id: None)
    with pytest.raises(SourceError, match="smcc_facebook_sample"):
        source.collect(last_minutes(15))


def test_facebook_token_is_read_from_the_airflow_connection_variable(sample_configs, http, monkeypatch):
    from smcc.sources import build_source

    monkeypatch.setenv("AIRFLOW_CONN_SMCC_FACEBOOK_SAMPLE", '{"conn_type": "generic", "password": "s3cret"}')
    result = build_source(sample_configs["mobifone-facebook"], http=http).collect(last_minutes(15))
    assert result.mentions


def test_robots_txt_disallowed_section_fails_the_source(make_source, replay):
    source = make_source("diendan-forum", section_paths=["search/"])
    with pytest.raises(SourceError, match="robots.txt"):
        source.collect(last_minutes(15))
    assert not any(r["path"].startswith("/diendan/search") for r in replay.requests)


def test_page_budget_stops_a_run_with_a_clear_error(make_source):
    with pytest.raises(SourceError, match="page budget of 3 pages"):
        make_source("diendan-forum", max_pages=3).collect(last_minutes(60))


def test_sitemap_backfills_an_interval_the_rss_feed_has_moved_past(replay, make_source, monkeypatch):
    from smcc.replay import pages

    monkeypatch.setattr(pages, "FEED_SIZE", 3)  # the feed only lists the three newest articles
    interval = Interval(CLOCK - timedelta(hours=4), CLOCK - timedelta(hours=1))
    truth = sorted(i["external_id"] for i in replay.published_items()
                   if i["site"] == "tinnhanh" and interval.contains(i["published_at"]))
    rss = make_source("tinnhanh-rss").collect(interval)
    assert len(rss.mentions) < len(truth)
    assert any("sitemap" in w for w in rss.warnings)
    sitemap = make_source("baocongnghe-sitemap", sitemap_urls=[f"{replay.url}/tinnhanh/sitemap.xml"])
    assert sorted(m.external_id for m in sitemap.collect(interval).mentions) == truth
