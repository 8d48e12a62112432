"""smcc_listen: the main SMCC pipeline, one run per 15-minute data interval."""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task, task_group
from airflow.sdk import TriggerRule

from smcc.dag_defaults import dag_kwargs, deliver_task, every, warehouse_check_tasks

DOC = """
### smcc_listen — lắng nghe mạng xã hội / listen to every source

Each run covers one **data interval** `[start, end)` of 15 minutes (Asia/Ho_Chi_Minh).
Backfill with `airflow backfill create --dag-id smcc_listen --from-date A --to-date B`.

| task | what it does | when it turns red |
|---|---|---|
| `list_sources` | records `config/sources.yaml` in the warehouse, returns enabled, unpaused sources | config invalid, warehouse down |
| `per_source.crawl` (one per source, named after it) | collects items published in the interval into staging | the source is broken after retries (others go on) |
| `per_source.gate_raw` | great-expectations gate on the raw batch; loads passing batches into `mention` | a critical check failed: rows quarantined, engineers e-mailed |
| `per_source.score` | Vietnamese NLP: relevance, sentiment, topic, level per brand | model/config error |
| `per_source.gate_scored` | gate on the scores | invalid scores: mentions quarantined |
| `escalate` | groups mentions into stories, opens/raises tickets, writes e-mails to the outbox | warehouse error |
| `gate_escalation` | one ticket per level ≥ 1 story, deadlines = SLA, an e-mail per ticket | a critical check failed: e-mails held in the outbox |
| `deliver` | sends due outbox e-mails through `smtp_default` | never for SMTP trouble: messages stay queued |
| `check_mentions`, `check_tickets`, `check_stories` | plain SQL checks of the warehouse (`sql/checks.yaml`, common-sql check operators): counts non-negative, deadlines after opening, closed tickets have an outcome, one ticket per escalated story | a rule is broken somewhere in the warehouse |
| `watcher` | runs only when another task failed, and fails the run so it shows red | a source, gate or stage failed |

Gate reports: `var/reports/gates/<stage>/<source>/`; results in table `gate_result`.
"""


@dag(
    dag_id="smcc_listen",
    schedule=every("*/15 * * * *"),
    max_active_runs=4,
    **dag_kwargs(DOC, ["listen"]),
)
def smcc_listen() -> None:
    @task
    def list_sources() -> list[str]:
        from smcc import airflow_tasks

        return airflow_tasks.list_sources()

    @task_group
    def per_source(source: str) -> None:
        @task(map_index_template="{{ source_name }}")
        def crawl(source: str) -> None:
            from smcc.airflow_tasks import source_stage

            source_stage("crawl", source)

        @task(map_index_template="{{ source_name }}")
        def gate_raw(source: str) -> None:
            from smcc.airflow_tasks import source_stage

            source_stage("gate_raw", source)

        @task(map_index_template="{{ source_name }}")
        def score(source: str) -> None:
            from smcc.airflow_tasks import source_stage

            source_stage("score", source)

        @task(map_index_template="{{ source_name }}")
        def gate_scored(source: str) -> None:
            from smcc.airflow_tasks import source_stage

            source_stage("gate_scored", source)

        crawl(source) >> gate_raw(source) >> score(source) >> gate_scored(source)

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def escalate() -> list[int]:
        from smcc import airflow_tasks

        return airflow_tasks.escalate(get_current_context())

    @task
    def gate_escalation(story_ids: list[int]) -> None:
        from smcc import airflow_tasks

        airflow_tasks.gate_escalation(story_ids, get_current_context())

    @task(trigger_rule=TriggerRule.ONE_FAILED, retries=0)
    def watcher() -> None:
        raise RuntimeError("one or more tasks of this run failed: see the red tasks above")

    sources = list_sources()
    groups = per_source.expand(source=sources)
    story_ids = escalate()
    groups >> story_ids
    delivered = deliver_task()
    gate_escalation(story_ids) >> delivered
    checks = warehouse_check_tasks()
    story_ids >> checks
    # Escalation goes on when one source breaks; the watcher still turns the run red.
    [sources, groups, story_ids, delivered, *checks] >> watcher()


smcc_listen()
