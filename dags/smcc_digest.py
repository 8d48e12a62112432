"""smcc_digest: the daily digest e-mails, at 08:00 Vietnam time."""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from smcc.dag_defaults import dag_kwargs, deliver_task, every

DOC = """
### smcc_digest — bản tin hằng ngày / daily digest

At 08:00 (Asia/Ho_Chi_Minh), for the 24 hours of the data interval:
- `queue_digests`: one e-mail per department (tickets it owns) and one for leadership
  (everything): tickets by level and state, SLA compliance, mentions by topic and sentiment,
  the top stories, level-1 tickets found late by a backfill (announced here, not one by one),
  gate health, and a 7-day chart of volume and negative share (inline PNG).
- `deliver`: sends them through `smtp_default`.

A re-run for the same day queues nothing new (the Message-ID names the day and audience).
"""


@dag(
    dag_id="smcc_digest",
    schedule=every("0 8 * * *"),
    max_active_runs=1,
    **dag_kwargs(DOC, ["escalation"]),
)
def smcc_digest() -> None:
    @task
    def queue_digests() -> None:
        from smcc import airflow_tasks

        airflow_tasks.queue_digests(get_current_context())

    queue_digests() >> deliver_task()


smcc_digest()
