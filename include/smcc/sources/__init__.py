"""Source types behind one interface: ``build_source(cfg).collect(interval) -> CrawlResult``."""

from __future__ import annotations

from typing import Callable

from smcc.http import HttpClient
from smcc.sources.base import CrawlResult, Source, SourceError
from smcc.sources.config import ForumConfig, GraphConfig, RssConfig, SitemapConfig, SourceConfig, load_sources
from smcc.sources.bdapi import BdApiForumSource
from smcc.sources.forum import ForumSource
from smcc.sources.graph import GraphSource, token_from_env
from smcc.sources.news import RssSource, SitemapSource

__all__ = [
    "CrawlResult",
    "Source",
    "SourceConfig",
    "SourceError",
    "build_source",
    "load_sources",
]

TokenProvider = Callable[[str], str | None]


def build_source(cfg: SourceConfig, http: HttpClient | None = None,
                 token_provider: TokenProvider | None = None) -> Source:
    """The source object for a config entry.

    ``http`` defaults to a client built from the entry's ``http`` settings. For Facebook
    sources, ``token_provider(token_conn_id)`` returns the access token; the default reads
    the Airflow-style ``AIRFLOW_CONN_<ID>`` environment variable, so no Airflow is needed.
    """
    client = http or cfg.http.client()
    if isinstance(cfg, RssConfig):
        return RssSource(cfg, client)
    if isinstance(cfg, SitemapConfig):
        return SitemapSource(cfg, client)
    if isinstance(cfg, ForumConfig):
        return BdApiForumSource(cfg, client) if cfg.flavour == "bdapi" else ForumSource(cfg, client)
    if isinstance(cfg, GraphConfig):
        provider = token_provider or token_from_env
        return GraphSource(cfg, client, token=lambda: provider(cfg.token_conn_id))
    raise SourceError(f"source {cfg.name}: unknown type {cfg.type!r}")
