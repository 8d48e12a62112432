"""The ``smcc`` command line: migrate, status, score, eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smcc import settings
from smcc.cli import main
from smcc.db import Warehouse, json_param


def test_db_migrate_reports_and_is_idempotent(warehouse_dsn: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "migrate", "--dsn", warehouse_dsn]) == 0
    assert "already up to date" in capsys.readouterr().out


def test_missing_warehouse_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMCC_DATABASE_URL", raising=False)
    with pytest.raises(SystemExit, match="SMCC_DATABASE_URL"):
        main(["status"])


def test_status_json_counts_what_the_warehouse_holds(
        warehouse: Warehouse, warehouse_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    with warehouse.transaction() as tx:
        tx.execute("source_upsert", {"name": "forum", "type": "forum", "enabled": True,
                                     "config": json_param({})})
        tx.cur.execute("INSERT INTO outbox (message_id, kind, recipients, subject, body_text, "
                       "body_html, created_at, next_attempt_at) VALUES ('<a@x>', 'digest', "
                       "'[]', 's', 't', 'h', now(), now())")
    assert main(["status", "--json", "--dsn", warehouse_dsn]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["mentions"] == 0 and status["tickets"] == 0
    assert status["outbox"] == {"pending": 1}
    assert status["tickets_by_level"] == {"1": 0, "2": 0, "3": 0}
    assert {"gates", "sources", "stories", "tickets_by_state"} <= status.keys()


def test_score_ten_thousand_lines_loads_the_model_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from smcc.nlp import Scorer

    loads = []
    original = Scorer.load.__func__

    def counting_load(cls, *args, **kwargs):
        loads.append(1)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Scorer, "load", classmethod(counting_load))
    texts = ["Mạng MobiFone mất sóng cả tối nay ở Cầu Giấy", "Gói cước này rẻ quá, cảm ơn Viettel",
             "mobi tru tien oan, ko ai giai quyet"]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": texts[i % 3], "reactions": i % 50},
                                         ensure_ascii=False) + "\n" for i in range(10_000)),
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["score", "--input", str(source), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 10_000 and len(loads) == 1
    assert rows[0]["relevant"] and rows[0]["topic"] == "network" and not rows[1]["relevant"]
    assert {"sentiment_score", "topic", "reasons"} <= rows[1].keys()


def test_score_names_the_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "ok"}\n{not json}\n', encoding="utf-8")
    assert main(["score", "--input", str(source), "--output", str(tmp_path / "o.jsonl")]) == 2
    assert "line 2" in capsys.readouterr().err


def test_eval_prints_per_label_figures(capsys: pytest.CaptureFixture[str]) -> None:
    path = settings.REPO_ROOT / "data" / "telecom" / "eval.jsonl"
    assert main(["eval", "--input", str(path)]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "level3_recall" in out
