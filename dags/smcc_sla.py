"""smcc_sla: reminders and escalations of open tickets, every 5 minutes."""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from smcc.dag_defaults import dag_kwargs, deliver_task, every

DOC = """
### smcc_sla — nhắc hạn và leo thang / reminders and escalation

Every 5 minutes, for tickets not yet resolved:
- `check_sla`: at the reminder point (default 75 % of the level's SLA) the owning department
  gets a reminder; once the deadline passes, the escalation chain (department head, then
  leadership) is e-mailed, one step per further SLA period. Each reminder and escalation is
  recorded once as a ticket event, whatever the number of runs.
- `deliver`: sends due e-mails from the outbox through `smtp_default`.

Times come from the data interval, so a paused scheduler catches up correctly.
"""


@dag(
    dag_id="smcc_sla",
    schedule=every("*/5 * * * *"),
    max_active_runs=1,
    **dag_kwargs(DOC, ["escalation"]),
)
def smcc_sla() -> None:
    @task
    def check_sla() -> None:
        from smcc import airflow_tasks

        airflow_tasks.check_sla(get_current_context())

    check_sla() >> deliver_task()


smcc_sla()
