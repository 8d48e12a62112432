"""Broken sources inside real smcc_listen runs (``dag.test()``) against the replay server: a
source that stays broken fails only its own mapped task after its retries, is recorded in
``crawl_run`` with its error and reported to the engineers, while the other sources are stored;
passing faults are absorbed by retries; a re-run after the fault recovers everything."""

from __future__ import annotations

import re

import pytest

from smcc.dag_defaults import engineer_emails
from smcc.db import Warehouse
from smcc.services import MailSink
from listen import END, run_listen

from .conftest import READ_TIMEOUT_SECONDS
from .invariants import (assert_recovered, failed, failure_notices, published, rows, states,
                         succeeded, task_instances)

pytestmark = [pytest.mark.integration, pytest.mark.faults]

RETRIES = 2  # default_args: SMCC_TASK_RETRIES unset
HEALTHY = "mobifone-facebook"
# source -> (path prefix, fault, params): each stays broken for the whole first run.
BROKEN = {
    "tinnhanh-rss": ("/tinnhanh", "500", {}),
    "baocongnghe-sitemap": ("/baocongnghe", "slow", {"delay": READ_TIMEOUT_SECONDS + 2}),
    "diendan-forum": ("/diendan", "endless_pagination", {}),
}
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def test_broken_sources_fail_alone_are_reported_and_a_rerun_recovers(
        fault_env, warehouse: Warehouse, mail_sink: MailSink, replay) -> None:
    for prefix, fault, params in BROKEN.values():
        replay.set_fault(prefix, fault, **params)
    run = run_listen(END)

    assert not succeeded(run), "the run shows red"
    assert failed(run) == {("per_source.crawl", s) for s in BROKEN} | {("watcher", "")}
    tis = task_instances(run)
    assert all(tis[("per_source.crawl", s)].try_number == RETRIES + 1 for s in BROKEN), \
        "each broken source was retried before giving up"
    assert states(run)[("per_source.gate_scored", HEALTHY)] == "success"
    assert states(run)[("deliver", "")] == "success", "escalation goes on without the broken sources"

    crawls = {r["source"]: r for r in rows(warehouse, "SELECT source, state, error FROM crawl_run")}
    assert crawls[HEALTHY]["state"] == "success"
    for source in BROKEN:
        assert crawls[source]["state"] == "failed" and crawls[source]["error"], crawls[source]
    stored = {(r["source"], r["external_id"]) for r in rows(
        warehouse, "SELECT source, external_id FROM mention")}
    assert stored == {key for key in published(replay) if key[0] == HEALTHY}

    replay.clear_faults()
    rerun = run_listen(END)
    assert succeeded(rerun), failed(rerun)
    assert {r["state"] for r in rows(warehouse, "SELECT state FROM crawl_run")} == {"success"}
    assert_recovered(warehouse, replay, mail_sink)

    # Checked last, so the recovery above is proven even while these fail.
    notices = failure_notices(mail_sink)
    assert all({a.addr_spec for a in m["To"].addresses} == set(engineer_emails()) for m in notices)
    subjects = [str(m["Subject"]) for m in notices]
    assert sum("watcher" in s for s in subjects) == 1, \
        f"each failure e-mail describes its own failed task: {subjects}"
    crawl_notices = [m for m in notices if "per_source.crawl" in str(m["Subject"])]
    assert len(crawl_notices) == len(BROKEN), "one e-mail per broken source, after its retries"
    named = {source for source in BROKEN for m in crawl_notices
             if source in str(m["Subject"]) + m.get_body(("html", "plain")).get_content()}
    assert named == set(BROKEN), "each failure e-mail names its broken source"


def test_passing_faults_are_absorbed_by_retries(
        fault_env, warehouse: Warehouse, mail_sink: MailSink, replay) -> None:
    # More 429s than the HTTP client retries: the first task attempt fails, its retry succeeds.
    replay.set_fault("/tinnhanh", "429", retry_after=1, times=3)
    replay.set_fault("/diendan", "truncated", times=2)
    replay.set_fault("/graph", "slow", delay=READ_TIMEOUT_SECONDS + 1, times=1)
    replay.set_fault("/baocongnghe", "wrong_charset", labelled=True)  # for the whole run
    run = run_listen(END)

    assert succeeded(run), failed(run)
    assert task_instances(run)[("per_source.crawl", "tinnhanh-rss")].try_number == 2
    assert failure_notices(mail_sink) == [], "a fault cured by a retry is no engineer's business"
    assert_recovered(warehouse, replay, mail_sink)
    legacy = rows(warehouse, "SELECT title, text FROM mention WHERE source = 'baocongnghe-sitemap'")
    assert legacy and all(VIETNAMESE.search(r["title"] + r["text"]) for r in legacy)
    assert not any("\ufffd" in r["title"] + r["text"] for r in legacy), "windows-1258 decoded"
