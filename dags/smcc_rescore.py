"""smcc_rescore: re-score the stored mentions of a period with the current model and rules."""

from __future__ import annotations

from airflow.sdk import Param, dag, get_current_context, task

from smcc.dag_defaults import dag_kwargs, deliver_task

DOC = """
### smcc_rescore — chấm điểm lại / re-score a period

Trigger manually with the period to re-score (ISO 8601 with offset), e.g.
`airflow dags trigger smcc_rescore --conf '{"start": "2026-12-01T00:00:00+07:00", "end": "2026-12-02T00:00:00+07:00"}'`.

| task | what it does |
|---|---|
| `rescore` | scores every stored mention published in the period again, with the current model and `config/brands.yaml` / `levels.yaml` |
| `gate_rescored` | the scored-stage quality gate over the new scores (invalid ones are quarantined) |
| `escalate` | new relevant mentions join stories; stories whose level rose raise their ticket (and e-mail); a lower level is recorded on the ticket as an event, never applied silently |
| `gate_escalation` | one ticket per level ≥ 1 story, deadlines = SLA, e-mails queued |
| `deliver` | sends the e-mails |
"""


@dag(
    dag_id="smcc_rescore",
    schedule=None,
    max_active_runs=1,
    params={
        "start": Param("2026-12-01T00:00:00+07:00", type="string", format="date-time",
                       description="start of the period (published at or after)"),
        "end": Param("2026-12-02T00:00:00+07:00", type="string", format="date-time",
                     description="end of the period (published before)"),
    },
    **dag_kwargs(DOC, ["operations"]),
)
def smcc_rescore() -> None:
    @task
    def rescore() -> list[int]:
        from smcc import airflow_tasks

        return airflow_tasks.rescore_period(get_current_context())

    @task
    def gate_rescored(ids: list[int]) -> None:
        from smcc import airflow_tasks

        airflow_tasks.gate_rescored(ids, get_current_context())

    @task
    def escalate(ids: list[int]) -> list[int]:
        from smcc import airflow_tasks

        return airflow_tasks.escalate_rescored(ids, get_current_context())

    @task
    def gate_escalation(story_ids: list[int]) -> None:
        from smcc import airflow_tasks

        airflow_tasks.gate_escalation_rescored(story_ids, get_current_context())

    ids = rescore()
    story_ids = escalate(ids)
    gate_rescored(ids) >> story_ids
    gate_escalation(story_ids) >> deliver_task()


smcc_rescore()
