"""Loading config/sources.yaml: validation errors a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from smcc.config import ConfigError
from smcc.settings import REPO_ROOT
from smcc.sources import build_source, load_sources

from .conftest import SAMPLE_CONFIG


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_real_sources_are_valid_and_polite():
    sources = load_sources(REPO_ROOT / "config" / "sources.yaml")
    types = {s.type for s in sources if s.enabled}
    assert {"rss", "forum"} <= types
    assert all(s.http.min_delay_seconds >= 1 and s.http.respect_robots for s in sources)
    facebook = [s for s in sources if s.type == "facebook_graph"]
    assert facebook and not any(s.enabled for s in facebook)  # needs a token first


def test_default_path_follows_the_environment_variable(tmp_path, monkeypatch):
    path = write(tmp_path, "sources:\n  - {name: only-one, type: rss, feed_urls: [http://x/rss]}\n")
    monkeypatch.setenv("SMCC_SOURCES_FILE", str(path))
    assert [s.name for s in load_sources()] == ["only-one"]


def test_sample_sources_cover_every_type(monkeypatch):
    monkeypatch.setenv("SMCC_REPLAY_URL", "http://127.0.0.1:9")
    sources = load_sources(SAMPLE_CONFIG)
    assert {s.type for s in sources} == {"rss", "news_sitemap", "forum", "facebook_graph"}
    assert all(s.feed_urls[0].startswith("http://127.0.0.1:9/") for s in sources if s.type == "rss")


def test_a_source_overrides_single_http_keys(tmp_path):
    path = write(tmp_path, """
http: {min_delay_seconds: 4, max_retries: 5}
sources:
  - {name: a, type: rss, feed_urls: [http://x/rss], http: {min_delay_seconds: 1}}
  - {name: b, type: rss, feed_urls: [http://y/rss]}
""")
    a, b = load_sources(path)
    assert (a.http.min_delay_seconds, a.http.max_retries) == (1, 5)
    assert (b.http.min_delay_seconds, b.http.max_retries) == (4, 5)
    assert build_source(a).http.min_delay == 1


@pytest.mark.parametrize("entry,expected", [
    ("{name: voz-mobile, type: forum, base_url: http://v/, section_paths: [f/a.1/], max_pages: many}",
     "sources[voz-mobile].max_pages"),
    ("{name: voz-mobile, type: forum, base_url: http://v/, section_paths: [f/a.1/], sections: [x]}",
     "sources[voz-mobile].sections"),
    ("{name: voz-mobile, type: twitter}", "sources[voz-mobile]"),
    ("{name: Voz Mobile, type: rss, feed_urls: [http://x]}", "name"),
    ("{name: voz-mobile, type: rss, feed_urls: [http://x], http: {read_timeout_seconds: -1}}",
     "sources[voz-mobile].http.read_timeout_seconds"),
    ("{name: tinhte, type: forum, flavour: bdapi, base_url: http://t/}", "bdapi forum needs forum_ids"),
])
def test_errors_name_the_file_the_source_and_the_key(tmp_path, entry, expected):
    path = write(tmp_path, f"sources:\n  - {entry}\n")
    with pytest.raises(ConfigError) as failure:
        load_sources(path)
    message = str(failure.value)
    assert str(path) in message and expected in message


def test_duplicate_source_names_are_rejected(tmp_path):
    path = write(tmp_path, "sources:\n  - {name: a, type: rss, feed_urls: [http://x]}\n"
                           "  - {name: a, type: rss, feed_urls: [http://y]}\n")
    with pytest.raises(ConfigError, match=r"sources\[a\].name: duplicate"):
        load_sources(path)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_sources(tmp_path / "nope.yaml")
