"""Source configuration (``config/sources.yaml``), validated with pydantic.

The file has an ``http:`` block of polite defaults and a ``sources:`` list; a source may
override any HTTP key in its own ``http:`` block. Example::

    http: {contact_url: "https://example.org/smcc", min_delay_seconds: 2}
    sources:
      - name: vnexpress-so-hoa
        type: rss
        feed_url: https://vnexpress.net/rss/so-hoa.rss
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, create_model, model_validator

from smcc import settings
from smcc.config import ConfigError, StrictModel, load_yaml, parse_model
from smcc.http import DEFAULT_CONTACT_URL, HttpClient

NAME_PATTERN = r"^[a-z0-9_-]+$"


class HttpSettings(StrictModel):
    """Politeness and limits of the HTTP layer (see :class:`smcc.http.HttpClient`)."""

    contact_url: str = DEFAULT_CONTACT_URL
    min_delay_seconds: float = Field(2.0, ge=0)
    connect_timeout_seconds: float = Field(5.0, gt=0)
    read_timeout_seconds: float = Field(20.0, gt=0)
    max_retries: int = Field(3, ge=0)
    backoff_seconds: float = Field(2.0, ge=0)
    max_retry_after_seconds: float = Field(120.0, ge=0)
    max_response_bytes: int = Field(5_000_000, gt=0)
    respect_robots: bool = True

    def client(self) -> HttpClient:
        return HttpClient(
            contact_url=self.contact_url,
            min_delay=self.min_delay_seconds,
            connect_timeout=self.connect_timeout_seconds,
            read_timeout=self.read_timeout_seconds,
            max_retries=self.max_retries,
            backoff=self.backoff_seconds,
            max_retry_after=self.max_retry_after_seconds,
            max_bytes=self.max_response_bytes,
            respect_robots=self.respect_robots,
        )


class Selectors(StrictModel):
    """Per-site CSS selectors for article pages; anything missing uses generic extraction."""

    title: str | None = None
    text: str | None = None
    author: str | None = None
    published: str | None = None
    drop: list[str] = Field(default_factory=list)


class SourceConfig(StrictModel):
    """Keys every source type has."""

    name: str = Field(pattern=NAME_PATTERN)
    type: str
    enabled: bool = True
    description: str | None = None
    # The brand that owns this page or group: what is posted there is about it even when the
    # text does not name it (a comment on MobiFone's fanpage).
    brand: str | None = None
    # Upper bound of pages one collect() may fetch; a pagination loop hits it and fails loudly.
    max_pages: int = Field(200, gt=0)
    refresh_hours: float = Field(48.0, ge=0)
    http: HttpSettings = Field(default_factory=HttpSettings)


class RssConfig(SourceConfig):
    type: Literal["rss"]
    feed_urls: list[str] = Field(min_length=1)
    fetch_articles: bool = True
    selectors: Selectors = Field(default_factory=Selectors)


class SitemapConfig(SourceConfig):
    type: Literal["news_sitemap"]
    sitemap_urls: list[str] = Field(min_length=1)
    selectors: Selectors = Field(default_factory=Selectors)


class ForumConfig(SourceConfig):
    """``xenforo2``: HTML pages (voz.vn), ``section_paths`` relative to ``base_url``.
    ``bdapi``: the XenForo bdApi JSON API (tinhte.vn ``/appforo/index.php``), ``forum_ids``.
    """

    type: Literal["forum"]
    flavour: Literal["xenforo2", "bdapi"] = "xenforo2"
    base_url: str
    section_paths: list[str] = Field(default_factory=list)
    forum_ids: list[int] = Field(default_factory=list)
    page_size: int = Field(20, gt=0, le=100)

    @model_validator(mode="after")
    def _sections_for_flavour(self) -> "ForumConfig":
        if self.flavour == "xenforo2" and not self.section_paths:
            raise ValueError("a xenforo2 forum needs section_paths")
        if self.flavour == "bdapi" and not self.forum_ids:
            raise ValueError("a bdapi forum needs forum_ids")
        return self


class GraphConfig(SourceConfig):
    type: Literal["facebook_graph"]
    base_url: str = "https://graph.facebook.com/v21.0"
    page_id: str
    token_conn_id: str
    edges: list[Literal["feed", "visitor_posts", "posts"]] = Field(default_factory=lambda: ["feed"])
    include_comments: bool = True
    page_size: int = Field(100, gt=0, le=100)
    # Usage-header percentage from which we slow down, and how long each slowdown sleeps.
    usage_threshold_percent: float = Field(90.0, gt=0, le=100)
    usage_pause_seconds: float = Field(60.0, ge=0)
    rate_limit_retries: int = Field(3, ge=0)
    rate_limit_pause_seconds: float = Field(60.0, ge=0)


SOURCE_TYPES: dict[str, type[SourceConfig]] = {
    "rss": RssConfig,
    "news_sitemap": SitemapConfig,
    "forum": ForumConfig,
    "facebook_graph": GraphConfig,
}


class SourcesFile(StrictModel):
    http: HttpSettings = Field(default_factory=HttpSettings)
    sources: list[dict[str, Any]] = Field(default_factory=list)


def _entry_model(model: type[SourceConfig]) -> type[StrictModel]:
    # Validating each entry inside a one-item ``sources`` list keeps error locations readable
    # (``sources[voz].max_pages``) without the union tag pydantic adds for discriminated unions.
    return create_model(f"{model.__name__}File", __base__=StrictModel, sources=(list[model], ...))  # type: ignore[valid-type]


_ENTRY_MODELS = {kind: _entry_model(model) for kind, model in SOURCE_TYPES.items()}


def _with_http(entry: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The entry with the file's ``http`` block, overridden key by key by its own."""
    own = entry.get("http") or {}
    return {**entry, "http": {**defaults, **own}} if isinstance(own, dict) else entry


def load_sources(path: Path | None = None) -> list[SourceConfig]:
    """All sources of the file (enabled or not), validated; raises ``ConfigError``."""
    path = path or settings.config_file("sources.yaml", "SMCC_SOURCES_FILE")
    data = load_yaml(path)
    parsed = parse_model(data, SourcesFile, path)
    defaults = parsed.http.model_dump()
    sources: list[SourceConfig] = []
    for index, entry in enumerate(parsed.sources):
        label = entry.get("name") or index
        kind = entry.get("type")
        if kind not in _ENTRY_MODELS:
            known = ", ".join(SOURCE_TYPES)
            raise ConfigError(f"{path}: sources[{label}].type: unknown source type {kind!r} (known: {known})")
        wrapped = parse_model({"sources": [_with_http(entry, defaults)]}, _ENTRY_MODELS[kind], path)
        source = wrapped.sources[0]  # type: ignore[attr-defined]
        if any(s.name == source.name for s in sources):
            raise ConfigError(f"{path}: sources[{source.name}].name: duplicate source name")
        sources.append(source)
    return sources
