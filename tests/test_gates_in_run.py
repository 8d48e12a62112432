"""Quality gates inside real smcc_listen runs (``dag.test()``): a bad batch stops only itself,
its rows are quarantined (not lost), the result is stored, the engineers are e-mailed, and a
re-run after the fix processes the quarantined rows exactly once."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from smcc.db import Warehouse, json_param
from smcc.services import MailSink
from listen import END, START, run_listen

pytestmark = pytest.mark.integration


def rows(wh: Warehouse, sql: str) -> list[dict]:
    with wh.transaction() as tx:
        tx.cur.execute(sql)
        return [dict(r) for r in tx.cur.fetchall()]


def task_states(run) -> dict[tuple[str, int], str]:
    return {(ti.task_id, ti.map_index): str(ti.state) for ti in run.get_task_instances()}


def failed_tasks(run) -> set[str]:
    return {task for (task, _), state in task_states(run).items()
            if state.rsplit(".", 1)[-1].lower() == "failed"}


def gate_alerts(sink: MailSink) -> list:
    return [m for m in sink.messages if m["X-SMCC-Kind"] == "gate_alert"]


@pytest.fixture
def broken_forum(monkeypatch: pytest.MonkeyPatch):
    """A forum parser bug: the batch comes back with a duplicate, an item outside the
    interval and an empty post."""
    from smcc.sources.forum import ForumSource

    original = ForumSource.collect

    def buggy(self, interval):
        result = original(self, interval)
        first = result.mentions[0]
        result.mentions += [
            dataclasses.replace(first),
            dataclasses.replace(first, external_id="stale-1",
                                published_at=interval.start - timedelta(hours=3)),
            dataclasses.replace(first, external_id="empty-1", text=""),
        ]
        return result

    monkeypatch.setattr(ForumSource, "collect", buggy)
    return lambda: monkeypatch.setattr(ForumSource, "collect", original)


def test_bad_raw_batch_stops_only_its_source_and_recovers(
        listen_env, warehouse: Warehouse, mail_sink: MailSink, replay, broken_forum) -> None:
    run = run_listen(END)
    assert str(run.state).endswith("failed"), "the run shows red"
    assert {"per_source.gate_raw", "watcher"} <= failed_tasks(run)
    stopped = [k for k, s in task_states(run).items()
               if k[0] == "per_source.score" and s.endswith("upstream_failed")]
    assert len(stopped) == 1, "only the forum's scoring stopped"

    stored = {r["source"] for r in rows(warehouse, "SELECT DISTINCT source FROM mention")}
    assert "diendan-forum" not in stored and {"tinnhanh-rss", "mobifone-facebook"} <= stored
    quarantined = rows(warehouse, "SELECT row_key, reasons FROM quarantine WHERE released_at IS NULL")
    reasons = " ".join(str(q["reasons"]) for q in quarantined)
    keys = {q["row_key"] for q in quarantined}
    assert {"diendan-forum:stale-1", "diendan-forum:empty-1"} <= keys
    assert "unique" in reasons and "interval" in reasons and "text" in reasons
    result = rows(warehouse, "SELECT passed, failing_row_count FROM gate_result "
                             "WHERE stage = 'raw' AND batch = 'diendan-forum'")
    assert result == [{"passed": False, "failing_row_count": len(keys)}]
    alerts = gate_alerts(mail_sink)
    assert len(alerts) == 1 and "diendan-forum" in str(alerts[0]["Subject"])

    broken_forum()  # the parser is fixed
    rerun = run_listen(END)
    assert str(rerun.state).endswith("success"), failed_tasks(rerun)
    forum = rows(warehouse, "SELECT external_id, count(*) AS n FROM mention "
                            "WHERE source = 'diendan-forum' GROUP BY external_id")
    expected = {i["external_id"] for i in replay.published_items()
                if i["source"] == "diendan-forum" and START <= i["published_at"] < END}
    assert {r["external_id"] for r in forum} == expected and all(r["n"] == 1 for r in forum)
    assert rows(warehouse, "SELECT count(*) AS n FROM quarantine WHERE released_at IS NULL") == [{"n": 0}]


def test_scoring_bug_quarantines_mentions_and_rescoring_releases_them_once(
        listen_env, warehouse: Warehouse, mail_sink: MailSink, monkeypatch) -> None:
    from smcc.nlp import Scorer

    original = Scorer.score_many  # what the pipeline calls

    def buggy(self, items):
        return [[dataclasses.replace(s, level=7) for s in scores] if "chập chờn" in (item.get("context") or "")
                else scores for item, scores in zip(items, original(self, items))]

    monkeypatch.setattr(Scorer, "score_many", buggy)
    run = run_listen(END)
    assert "per_source.gate_scored" in failed_tasks(run)
    bad = rows(warehouse, "SELECT m.source, m.state FROM mention m WHERE m.state = 'quarantined'")
    assert bad and {b["source"] for b in bad} == {"diendan-forum"}
    assert rows(warehouse, "SELECT count(*) AS n FROM score WHERE level > 3") != [{"n": 0}]
    assert gate_alerts(mail_sink)

    monkeypatch.setattr(Scorer, "score_many", original)
    rerun = run_listen(END)
    assert str(rerun.state).endswith("success"), failed_tasks(rerun)
    assert rows(warehouse, "SELECT count(*) AS n FROM mention WHERE state <> 'scored'") == [{"n": 0}]
    assert rows(warehouse, "SELECT count(*) AS n FROM score WHERE level > 3") == [{"n": 0}]
    per_story = rows(warehouse, "SELECT story_id, count(*) AS n FROM ticket GROUP BY story_id")
    assert per_story and all(r["n"] == 1 for r in per_story)


def test_missing_ticket_holds_emails_until_the_rerun_opens_it(
        listen_env, warehouse: Warehouse, mail_sink: MailSink, monkeypatch) -> None:
    import smcc.tickets

    original = smcc.tickets.sync_ticket
    monkeypatch.setattr(smcc.tickets, "sync_ticket", lambda *a, **k: None)
    run = run_listen(END)
    assert "gate_escalation" in failed_tasks(run)
    assert "check_stories" in failed_tasks(run), "the plain SQL check sees it too"
    assert task_states(run)[("deliver", -1)].endswith("upstream_failed")
    assert rows(warehouse, "SELECT count(*) AS n FROM ticket") == [{"n": 0}]
    assert [m for m in mail_sink.messages if m["X-SMCC-Kind"] == "created"] == []

    monkeypatch.setattr(smcc.tickets, "sync_ticket", original)
    rerun = run_listen(END)
    assert str(rerun.state).endswith("success"), failed_tasks(rerun)
    stories = rows(warehouse, "SELECT s.id, count(t.id) AS n FROM story s LEFT JOIN ticket t "
                              "ON t.story_id = s.id WHERE s.level >= 1 GROUP BY s.id")
    assert stories and all(s["n"] == 1 for s in stories)
    created = [m for m in mail_sink.messages if m["X-SMCC-Kind"] == "created"]
    assert len(created) == len(stories)


def test_healthy_source_going_silent_is_a_warning_not_a_stop(
        listen_env, warehouse: Warehouse) -> None:
    # The RSS source usually yields ~20 items an interval; this interval it yields none.
    with warehouse.transaction() as tx:
        tx.execute("source_upsert", {"name": "tinnhanh-rss", "type": "rss", "enabled": True,
                                     "config": json_param({})})
        for k in range(1, 7):
            start = START + timedelta(minutes=15) - k * timedelta(minutes=15) - timedelta(hours=6)
            window = {"source": "tinnhanh-rss", "start": start, "end": start + timedelta(minutes=15)}
            tx.execute("crawl_run_start", {**window, "run_id": f"history{k}"})
            tx.execute("crawl_run_finish", {**window, "state": "success", "items_found": 20,
                                            "items_new": 20, "items_refreshed": 0,
                                            "pages_fetched": 3, "warnings": json_param([]),
                                            "error": None})
    silent_end = END + timedelta(minutes=15)
    from airflow.dag_processing.dagbag import DagBag
    from smcc import settings

    run = DagBag(str(settings.REPO_ROOT / "dags")).dags["smcc_listen"].test(logical_date=silent_end)
    assert str(run.state).endswith("success")
    gate = rows(warehouse, "SELECT passed, warnings FROM gate_result "
                           "WHERE stage = 'raw' AND batch = 'tinnhanh-rss'")
    assert len(gate) == 1 and gate[0]["passed"]
    assert any("volume" in str(w).lower() or "silent" in str(w).lower() for w in gate[0]["warnings"])
