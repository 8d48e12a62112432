"""Hostile text through the warehouse on a real PostgreSQL: what ``store_mentions`` stores is
read back unchanged (SQL, placeholders and markup are data, never code), and a scraped post
with characters PostgreSQL cannot store (NUL, lone surrogates from a JSON API) does not break
its source's crawl."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given

from smcc import pipeline
from smcc.db import Warehouse, json_param
from smcc.models import Interval, Mention
from smcc.sources.base import CrawlResult

from .strategies import PROFILE, SQL_INJECTION, hostile_text

pytestmark = pytest.mark.integration

END = datetime(2026, 12, 1, 2, 15, tzinfo=timezone.utc)
INTERVAL = Interval(END - timedelta(minutes=15), END)
SOURCE = "dien-dan-doc-hai"
_ids = itertools.count()


def _record_source(wh: Warehouse) -> None:
    with wh.transaction() as tx:
        tx.execute("source_upsert", {"name": SOURCE, "type": "forum", "enabled": True,
                                     "config": json_param({})})


def _upsert(wh: Warehouse, text: str, title: str, author: str, raw: dict) -> int:
    _record_source(wh)
    with wh.transaction() as tx:
        stored, = pipeline.store_mentions(tx, [{
            "source": SOURCE, "external_id": f"p{next(_ids)}",
            "source_type": "forum_post", "url": "https://forum.example/t/1", "title": title,
            "author": author, "author_followers": None,
            "published_at": (END - timedelta(minutes=1)).isoformat(), "text": text,
            "quoted_text": None, "parent_external_id": None, "reactions": 0, "comments": 0,
            "shares": 0, "raw": raw}], INTERVAL, "hostile")
        return stored["id"]


@PROFILE
@given(text=hostile_text, title=hostile_text, author=hostile_text)
def test_stored_text_reads_back_verbatim(warehouse: Warehouse, text: str, title: str,
                                         author: str) -> None:
    raw = {"message": text, title: author}
    mention_id = _upsert(warehouse, text, title, author, raw)
    with warehouse.transaction() as tx:
        tx.cur.execute("SELECT text, title, author, raw FROM mention WHERE id = %(id)s",
                       {"id": mention_id})
        row = tx.cur.fetchone()
        tx.cur.execute("SELECT count(*) AS n FROM mention")
        count = tx.cur.fetchone()["n"]
    assert (row["text"], row["title"], row["author"], row["raw"]) == (text, title, author, raw)
    assert count >= 1, "the table is still there"


def test_sql_in_text_is_stored_verbatim(warehouse: Warehouse) -> None:
    mention_id = _upsert(warehouse, SQL_INJECTION, SQL_INJECTION, SQL_INJECTION,
                         {"q": SQL_INJECTION})
    with warehouse.transaction() as tx:
        tx.cur.execute("SELECT text FROM mention WHERE id = %(id)s", {"id": mention_id})
        row = tx.cur.fetchone()
    assert row["text"] == SQL_INJECTION


class _FakeSource:
    """A source whose one post carries characters PostgreSQL cannot store."""

    name = SOURCE

    def __init__(self, text: str) -> None:
        self.text = text

    def collect(self, interval: Interval) -> CrawlResult:
        mention = Mention(
            source=self.name, external_id="p1", source_type="forum_post",
            url="https://forum.example/t/1", published_at=interval.end - timedelta(minutes=2),
            text=self.text, title="Mạng MobiFone mất sóng", author="khach", author_followers=1,
            quoted_text=None, parent_external_id=None, reactions=1, comments=0, shares=0,
            raw={"message": self.text})
        return CrawlResult(mentions=[mention], pages_fetched=1)


@pytest.mark.parametrize("bad", ["\x00", "\ud83d"], ids=["nul", "lone-surrogate"])
def test_unstorable_characters_do_not_break_the_crawl(warehouse: Warehouse, bad: str,
                                                      tmp_path, monkeypatch) -> None:
    """Decision: a source drops NUL and replaces a lone surrogate (U+FFFD) before storage, so
    one odd post cannot fail its source every interval; the rest of the text is kept."""
    monkeypatch.setenv("SMCC_VAR_DIR", str(tmp_path))
    text = f"Mạng MobiFone{bad} mất sóng cả tối{bad}"
    _record_source(warehouse)
    pipeline.crawl_source(warehouse, _FakeSource(text), INTERVAL, "hostile")
    pipeline.gate_raw(warehouse, _FakeSource.name, INTERVAL, "hostile")
    with warehouse.transaction() as tx:
        tx.cur.execute("SELECT text FROM mention WHERE source = %(s)s", {"s": _FakeSource.name})
        stored = [r["text"] for r in tx.cur.fetchall()]
    assert len(stored) == 1 and bad not in stored[0]
    assert stored[0].replace("\ufffd", "") == text.replace(bad, "")
