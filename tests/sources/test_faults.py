"""Every fault switch of the replay server against the sources and the HTTP layer."""

from __future__ import annotations

import pytest

from smcc.sources import SourceError

from .conftest import expected_ids, last_minutes

# (source, path prefix hit by the fault) pairs covering every source type.
TARGETS = [
    ("tinnhanh-rss", "/tinnhanh/rss"),
    ("tinnhanh-rss", "/tinnhanh/"),
    ("baocongnghe-sitemap", "/baocongnghe/sitemap"),
    ("diendan-forum", "/diendan/f/"),
    ("diendan-forum", "/diendan/t/"),
    ("mobifone-facebook", "/graph/"),
]


def collected_ids(source, interval):
    return sorted(m.external_id for m in source.collect(interval).mentions)


def requests_to(replay, prefix: str) -> int:
    return sum(1 for r in replay.requests if r["path"].startswith(prefix))


@pytest.mark.parametrize("name,prefix", TARGETS)
@pytest.mark.parametrize("fault", ["500", "429"])
def test_transient_errors_are_retried_and_nothing_is_lost(replay, make_source, name, prefix, fault):
    replay.set_fault(prefix, fault, times=2, retry_after=1)
    interval = last_minutes(15)
    assert collected_ids(make_source(name), interval) == expected_ids(replay, name, interval)
    assert sum(1 for r in replay.requests if r["status"] >= 429) == 2


@pytest.mark.parametrize("name,prefix", TARGETS)
def test_persistent_server_errors_fail_the_source_after_the_retries(replay, make_source, http, name, prefix):
    replay.set_fault(prefix, "500")
    with pytest.raises(SourceError, match="HTTP 500"):
        make_source(name).collect(last_minutes(15))
    failed = [r for r in replay.requests if r["status"] == 500]
    assert len(failed) == http.max_retries + 1  # one URL, tried and retried, then the run stops


def test_retry_after_is_honoured_up_to_the_cap(replay, make_source, sleeps, http):
    replay.set_fault("/tinnhanh/rss", "429", times=1, retry_after=3600)
    make_source("tinnhanh-rss").collect(last_minutes(15))
    assert http.max_retry_after in sleeps
    assert max(sleeps) == http.max_retry_after


@pytest.mark.parametrize("name,prefix", [("diendan-forum", "/diendan/t/"), ("tinnhanh-rss", "/tinnhanh/rss"),
                                         ("mobifone-facebook", "/graph/")])
def test_slow_responses_beyond_the_read_timeout_are_retried(replay, make_source, name, prefix, http):
    replay.set_fault(prefix, "slow", delay=http.timeout[1] + 0.5, times=1)
    interval = last_minutes(15)
    assert collected_ids(make_source(name), interval) == expected_ids(replay, name, interval)


def test_responses_slower_than_the_timeout_every_time_fail_the_source(replay, make_source, http):
    replay.set_fault("/diendan/f/", "slow", delay=http.timeout[1] + 0.3)
    with pytest.raises(SourceError, match="Timeout"):
        make_source("diendan-forum").collect(last_minutes(15))


@pytest.mark.parametrize("mode", ["short_read", "cut"])
@pytest.mark.parametrize("name,prefix", [("diendan-forum", "/diendan/t/"), ("tinnhanh-rss", "/tinnhanh/"),
                                         ("baocongnghe-sitemap", "/baocongnghe/sitemap"),
                                         ("mobifone-facebook", "/graph/")])
def test_a_truncated_transfer_is_fetched_again(replay, make_source, name, prefix, mode):
    replay.set_fault(prefix, "truncated", mode=mode, times=1)
    interval = last_minutes(15)
    assert collected_ids(make_source(name), interval) == expected_ids(replay, name, interval)


@pytest.mark.parametrize("mode", ["short_read", "cut"])
def test_pages_truncated_every_time_fail_the_source(replay, make_source, mode):
    replay.set_fault("/diendan/t/", "truncated", mode=mode)
    with pytest.raises(SourceError, match="truncated|ChunkedEncodingError|IncompleteRead"):
        make_source("diendan-forum").collect(last_minutes(15))


@pytest.mark.parametrize("labelled", [True, False])
@pytest.mark.parametrize("name,prefix", [("tinnhanh-rss", "/tinnhanh/"), ("diendan-forum", "/diendan/"),
                                         ("baocongnghe-sitemap", "/baocongnghe/")])
def test_windows_1258_pages_decode_to_the_same_text(replay, make_source, name, prefix, labelled):
    interval = last_minutes(60)
    clean = make_source(name).collect(interval).mentions
    replay.set_fault(prefix, "wrong_charset", labelled=labelled)
    legacy = make_source(name).collect(interval).mentions
    assert [(m.external_id, m.title, m.text, m.author, m.quoted_text) for m in legacy] == \
        [(m.external_id, m.title, m.text, m.author, m.quoted_text) for m in clean]


@pytest.mark.parametrize("name,prefix", [("diendan-forum", "/diendan/f/"), ("diendan-forum", "/diendan/t/"),
                                         ("mobifone-facebook", "/graph/")])
def test_endless_pagination_fails_the_source_instead_of_looping(replay, make_source, name, prefix):
    replay.set_fault(prefix, "endless_pagination")
    with pytest.raises(SourceError, match="loop|page budget"):
        make_source(name).collect(last_minutes(6 * 60))
    assert len(replay.requests) < 100


@pytest.mark.parametrize("name,prefix", [("diendan-forum", "/diendan/"), ("tinnhanh-rss", "/tinnhanh/rss"),
                                         ("baocongnghe-sitemap", "/baocongnghe/")])
def test_a_maintenance_page_instead_of_content_fails_the_source(replay, make_source, name, prefix):
    replay.set_fault(prefix, "maintenance")
    with pytest.raises(SourceError):
        make_source(name).collect(last_minutes(15))


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_graph_rate_limit_errors_pause_and_retry(replay, make_source, sleeps, code):
    replay.set_fault("/graph/", "rate_limit", code=code, times=2)
    source = make_source("mobifone-facebook", rate_limit_pause_seconds=30)
    interval = last_minutes(15)
    result = source.collect(interval)
    assert sorted(m.external_id for m in result.mentions) == expected_ids(replay, "mobifone-facebook", interval)
    assert sleeps.count(30) == 1 and sleeps.count(60) == 1  # exponential pause
    assert sum("rate limited" in w for w in result.warnings) == 2


def test_graph_rate_limit_that_persists_fails_the_source(replay, make_source):
    replay.set_fault("/graph/", "rate_limit", code=17)
    with pytest.raises(SourceError, match="rate limited"):
        make_source("mobifone-facebook", rate_limit_retries=2).collect(last_minutes(15))


def test_graph_other_errors_fail_without_leaking_the_token(replay, make_source):
    source = make_source("mobifone-facebook", page_id="does-not-exist")
    with pytest.raises(SourceError) as failure:
        source.collect(last_minutes(15))
    assert "code 100" in str(failure.value) or "100" in str(failure.value)
    assert "test-token" not in str(failure.value)


def test_high_graph_usage_slows_the_crawl_down(replay, make_source, sleeps):
    replay.set_fault("/graph/", "usage", percent=97)
    result = make_source("mobifone-facebook", usage_pause_seconds=42).collect(last_minutes(15))
    assert result.mentions
    assert 42 in sleeps
    assert any("97%" in w for w in result.warnings)


def test_a_fault_is_switched_off_at_runtime(replay, make_source):
    source = make_source("diendan-forum")
    replay.set_fault("diendan", "500")
    with pytest.raises(SourceError):
        source.collect(last_minutes(15))
    replay.set_fault("diendan", None)
    assert source.collect(last_minutes(15)).mentions
