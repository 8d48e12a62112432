"""Re-scoring a stored period with new rules (smcc_rescore through ``dag.test()``): tickets are
raised where levels rise and the fall is recorded, never applied silently."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from smcc import settings
from smcc.db import Warehouse
from smcc.services import MailSink
from listen import END, START, run_listen

pytestmark = pytest.mark.integration


def tickets(wh: Warehouse) -> dict[int, dict]:
    with wh.transaction() as tx:
        tx.cur.execute("SELECT t.id, t.level, t.story_id, array_agg(e.kind ORDER BY e.id) AS events "
                       "FROM ticket t JOIN ticket_event e ON e.ticket_id = t.id GROUP BY t.id")
        return {r["id"]: dict(r) for r in tx.cur.fetchall()}


def test_rescore_raises_rising_tickets_and_records_falling_ones(
        listen_env, warehouse: Warehouse, mail_sink: MailSink, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow.dag_processing.dagbag import DagBag

    from smcc import airflow_tasks

    run_listen(END)
    before = tickets(warehouse)
    assert {t["level"] for t in before.values()} >= {1, 3}

    rules = yaml.safe_load((settings.config_dir() / "levels.yaml").read_text(encoding="utf-8"))
    rules["level2"]["min_interactions"] = 5          # small complaints now need a 4 h answer
    rules["level3"]["negative_news_article"] = False  # news alone is no longer a crisis
    stricter = tmp_path / "levels.yaml"
    stricter.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SMCC_LEVELS_FILE", str(stricter))
    airflow_tasks._scorer.cache_clear()
    mails_before = len(mail_sink.messages)

    dag = DagBag(str(settings.REPO_ROOT / "dags")).dags["smcc_rescore"]
    run = dag.test(run_conf={"start": START.isoformat(), "end": END.isoformat()})
    assert str(run.state).endswith("success")

    after = tickets(warehouse)
    assert after.keys() == before.keys(), "no ticket opened twice or lost"
    raised = [t for i, t in after.items() if t["level"] > before[i]["level"]]
    assert raised and all("level_raised" in t["events"] for t in raised)
    news_tickets = [t for i, t in after.items() if before[i]["level"] == 3]
    assert all(t["level"] == 3 for t in news_tickets), "a falling level is not applied"
    assert any("level_lowered" in t["events"] for t in news_tickets), "but it is recorded"
    new_mails = mail_sink.messages[mails_before:]
    assert {m["X-SMCC-Kind"] for m in new_mails} == {"level_raised"}
    assert len(new_mails) == len(raised)


def test_rescore_period_must_be_valid() -> None:
    from smcc.airflow_tasks import period_of

    with pytest.raises(ValueError, match="ISO 8601"):
        period_of({"params": {"start": "yesterday", "end": END.isoformat()}})
    with pytest.raises(ValueError, match="start before end"):
        period_of({"params": {"start": END.isoformat(), "end": START.isoformat()}})
