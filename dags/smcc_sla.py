"""smcc_sla: reminders and escalations of open tickets, every 5 minutes."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

from smcc.dag_defaults import default_args

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
    schedule=CronDataIntervalTimetable("*/5 * * * *", timezone="Asia/Ho_Chi_Minh"),
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    doc_md=DOC,
    tags=["smcc", "escalation"],
)
def smcc_sla() -> None:
    @task
    def check_sla() -> None:
        from smcc import airflow_tasks

        airflow_tasks.check_sla(get_current_context())

    @task
    def deliver() -> None:
        from smcc import airflow_tasks

        airflow_tasks.deliver()

    check_sla() >> deliver()


smcc_sla()
