from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from smcc.http import HttpClient
from smcc.models import Interval
from smcc.replay import ReplayServer
from smcc.settings import REPO_ROOT, shared_dir
from smcc.sources import Source, SourceConfig, build_source, load_sources

CLOCK = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=7)))
SAMPLE_CONFIG = REPO_ROOT / "config" / "sources.sample.yaml"


class SleepLog(list):
    """Fake ``sleep`` for the HTTP client: records waits instead of spending them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def last_minutes(minutes: int, end: datetime = CLOCK) -> Interval:
    return Interval.parse(end - timedelta(minutes=minutes), end)


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer(CLOCK) as server:
        yield server


@pytest.fixture
def sleeps() -> SleepLog:
    return SleepLog()


@pytest.fixture
def http(sleeps: SleepLog) -> HttpClient:
    return HttpClient(min_delay=0, connect_timeout=2, read_timeout=1, max_retries=2, backoff=0.01,
                      max_retry_after=0.05, sleep=sleeps)


@pytest.fixture
def sample_configs(replay: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, SourceConfig]:
    monkeypatch.setenv("SMCC_REPLAY_URL", replay.url)
    return {cfg.name: cfg for cfg in load_sources(SAMPLE_CONFIG)}


@pytest.fixture
def make_source(sample_configs: dict[str, SourceConfig], http: HttpClient):
    def make(name: str, **changes: object) -> Source:
        cfg = sample_configs[name].model_copy(update=changes)
        return build_source(cfg, http=http, token_provider=lambda conn_id: "test-token")

    return make


def expected_ids(replay: ReplayServer, source: str, interval: Interval) -> list[str]:
    return sorted(i["external_id"] for i in replay.published_items()
                  if i["source"] == source and interval.contains(i["published_at"]))


@pytest.fixture
def fixtures_web() -> Path:
    folder = shared_dir() / "fixtures" / "web"
    if not folder.is_dir():
        pytest.skip(f"shared fixtures not available at {folder} (set SMCC_SHARED_DIR)")
    return folder


@pytest.fixture
def fixtures_graph() -> Path:
    folder = shared_dir() / "fixtures" / "graph"
    if not folder.is_dir():
        pytest.skip(f"shared Graph fixtures not available at {folder} (set SMCC_SHARED_DIR)")
    return folder
