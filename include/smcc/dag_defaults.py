"""Defaults shared by the SMCC DAG files: retries, failure e-mails to the data engineers."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from smcc import settings


def engineer_emails() -> list[str]:
    raw = os.environ.get("SMCC_ENGINEER_EMAILS", "data-engineers@mobifone.example")
    return [address.strip() for address in raw.split(",") if address.strip()]


def notify_engineers(context: Any) -> None:
    """Failure callback: e-mail the engineers about this task (a fresh notifier each time:
    a notifier renders its templates in place, so a shared one would repeat the first failure)."""
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    SmtpNotifier(
        to=engineer_emails(),
        from_email=os.environ.get("SMCC_FROM_EMAIL", "smcc@localhost"),
        smtp_conn_id=settings.SMTP_CONN_ID,
        subject="[SMCC] Task thất bại / task failed: {{ ti.dag_id }}.{{ ti.task_id }} "
                "[{{ ti.rendered_map_index or ti.map_index }}] {{ run_id }}",
        html_content="<p>Task <b>{{ ti.task_id }}</b> "
                     "({{ ti.rendered_map_index or ti.map_index }}) của DAG <b>{{ ti.dag_id }}</b> "
                     "đã thất bại sau các lần thử lại (run {{ run_id }}, khoảng dữ liệu "
                     "{{ data_interval_start }} → {{ data_interval_end }}).</p>"
                     "<p>Lỗi / error: {{ exception }}</p><p>Xem log: {{ ti.log_url }}</p>",
    )(context)


def default_args() -> dict[str, Any]:
    """Task defaults: two retries (a flaky site or SMTP server gets a second chance) and a
    failure e-mail to the engineers through the SMTP connection once retries are spent."""
    return {
        "owner": "smcc",
        "retries": int(os.environ.get("SMCC_TASK_RETRIES", "2")),
        "retry_delay": timedelta(seconds=int(os.environ.get("SMCC_RETRY_DELAY_SECONDS", "60"))),
        "retry_exponential_backoff": True,
        "execution_timeout": timedelta(minutes=30),
        "on_failure_callback": notify_engineers,
    }


def dag_kwargs(doc_md: str, tags: list[str], **overrides: Any) -> dict[str, Any]:
    """What every SMCC DAG shares: start date, no catch-up, task defaults, docs and tags."""
    import pendulum

    return {
        "start_date": pendulum.datetime(2026, 1, 1, tz=settings.TIMEZONE),
        "catchup": False,
        "default_args": default_args(),
        "doc_md": doc_md,
        "tags": ["smcc", *tags],
        **overrides,
    }


def every(cron: str) -> Any:
    """A schedule with real data intervals in Vietnam time (a plain cron string has none)."""
    from airflow.timetables.interval import CronDataIntervalTimetable

    return CronDataIntervalTimetable(cron, timezone=settings.TIMEZONE)


def deliver_task() -> Any:
    """The task that sends due e-mails from the outbox (the last step of several DAGs)."""
    from airflow.sdk import task

    @task(task_id="deliver")
    def deliver() -> None:
        from smcc import airflow_tasks

        airflow_tasks.deliver()

    return deliver()


def warehouse_check_tasks() -> list[Any]:
    """One common-sql check operator per entry of ``sql/checks.yaml``."""
    from airflow.providers.common.sql.operators.sql import (
        SQLColumnCheckOperator,
        SQLTableCheckOperator,
    )

    from smcc.warehouse_checks import load_checks

    tasks = []
    for check in load_checks():
        common = {"task_id": check.name, "table": check.table,
                  "conn_id": settings.WAREHOUSE_CONN_ID, "partition_clause": check.partition}
        if check.rules:
            # As an aggregate ("no row breaks the rule") the check yields a row even on an
            # empty table, where a per-row rule would give NULL and fail.
            tasks.append(SQLTableCheckOperator(
                checks={name: {"check_statement": f"count(*) FILTER (WHERE NOT ({sql})) = 0"}
                        for name, sql in check.rules.items()},
                **common))
        else:
            tasks.append(SQLColumnCheckOperator(column_mapping=check.columns, **common))
    return tasks
