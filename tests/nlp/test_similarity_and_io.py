from __future__ import annotations

import io
import json

import pytest

from smcc.nlp import Scorer, evaluate_jsonl, score_jsonl
from smcc.nlp.similarity import hamming, signature
from smcc.settings import REPO_ROOT

BASE = "Mạng MobiFone mất sóng diện rộng tại Hà Nội từ 8 giờ sáng, khách hàng không gọi được"


def test_near_duplicates_are_close_and_unrelated_far() -> None:
    near = signature(BASE + " !!")
    retold = signature("mang mobifone mat song dien rong tai ha noi tu 8 gio sang, khach hang khong goi duoc nhe")
    other = signature("Gói cước 5G mới của Viettel giá 150.000 đồng có 4GB mỗi ngày cho sinh viên")
    assert hamming(signature(BASE), near) <= 3
    assert hamming(signature(BASE), retold) <= 12
    assert hamming(signature(BASE), other) >= 20


def test_signature_fits_bigint() -> None:
    for text in (BASE, "a", "", "x y z w"):
        assert -(2**63) <= signature(text) < 2**63


def test_score_jsonl_round_trip(scorer: Scorer) -> None:
    lines = [{"id": "1", "text": "mobi mất sóng", "reactions": 2}, {"id": "2", "text": "trời đẹp"}]
    out = io.StringIO()
    assert score_jsonl(io.StringIO("\n".join(json.dumps(x) for x in lines) + "\n"), out, scorer) == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["relevant"] and not rows[1]["relevant"]
    assert {"sentiment", "sentiment_score", "topic", "level", "reasons"} <= rows[0].keys()


def test_malformed_line_names_its_number(scorer: Scorer) -> None:
    with pytest.raises(ValueError, match="line 2"):
        score_jsonl(io.StringIO('{"id": "1", "text": "ok"}\n{"id": 2, "text": \n'), io.StringIO(), scorer)


def test_evaluate_reports_metrics(scorer: Scorer) -> None:
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"id": "1", "text": "mobi mất sóng", "relevant": True, "level": 1},
        {"id": "2", "text": "trời đẹp", "relevant": False, "level": 0}])
    out = io.StringIO()
    metrics = evaluate_jsonl(io.StringIO(data), out, scorer)
    assert metrics["relevant_f1"] == 1.0 and metrics["level"]["accuracy"] == 1.0
    assert "confusion" in out.getvalue()


def test_scoring_in_a_batch_gives_what_scoring_one_by_one_gives(scorer: Scorer) -> None:
    with open(REPO_ROOT / "data/telecom/eval.jsonl", encoding="utf-8") as f:
        items = [json.loads(line) for line in f][:60]
    assert scorer.score_many(items) == [scorer.score(item) for item in items]
