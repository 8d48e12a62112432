"""What the DAG tasks call: resolve Airflow connections and the data interval, run one stage,
log a one-line summary. Importing this module imports no Airflow; each function does, lazily.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timezone
from typing import Any

from smcc import settings
from smcc.db import Warehouse, dsn_from_connection
from smcc.delivery import SmtpSettings
from smcc.models import Interval

log = logging.getLogger("smcc")


def warehouse() -> Warehouse:
    """The warehouse from the ``smcc_warehouse`` Airflow connection."""
    from airflow.sdk import BaseHook

    return Warehouse(dsn_from_connection(BaseHook.get_connection(settings.WAREHOUSE_CONN_ID)))


def smtp_settings() -> SmtpSettings:
    """SMTP server from the ``smtp_default`` Airflow connection (extras as the SMTP provider's)."""
    from airflow.sdk import BaseHook

    conn = BaseHook.get_connection(settings.SMTP_CONN_ID)
    extra = conn.extra_dejson
    return SmtpSettings(
        host=conn.host or "localhost", port=int(conn.port or 25), user=conn.login or None,
        password=conn.password or None,
        from_email=extra.get("from_email") or "smcc@localhost",
        starttls=not extra.get("disable_tls", False) and bool(conn.login),
        use_ssl=not extra.get("disable_ssl", True),
        timeout=float(extra.get("timeout", 30)))


def _token(conn_id: str) -> str | None:
    from airflow.sdk import BaseHook

    return BaseHook.get_connection(conn_id).password


def interval_of(context: dict[str, Any]) -> Interval:
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is None or end is None or start == end:
        raise ValueError("this task needs a data interval: trigger the DAG with a logical date "
                         "(a scheduled or backfill run, or `airflow dags test DAG DATE`)")
    return Interval.parse(start, end)


@functools.cache
def _scorer() -> Any:
    from smcc.nlp import Scorer

    return Scorer.load()


@functools.cache
def _routing() -> Any:
    from smcc.escalation.routing import load_routing

    return load_routing()


def _alert(wh: Warehouse, run_id: str):
    """A gate's alert hook: queue the engineers' e-mail and try to send it at once."""
    from smcc.delivery import deliver_pending
    from smcc.pipeline import queue_gate_alert

    def alert(result: Any, report: Any) -> None:
        mid = queue_gate_alert(wh, result, report, run_id, _routing(), _now())
        deliver_pending(wh, smtp_settings(), _now(), message_ids=[mid])

    return alert


def _now() -> datetime:
    # Only real-time acts read the clock: sending e-mail, and noting when a run actually
    # found its mentions (late-ticket policy). Everything else uses the data interval.
    return datetime.now(timezone.utc)


def list_sources() -> list[str]:
    from smcc.pipeline import sync_sources
    from smcc.sources import load_sources

    with warehouse() as wh:
        names = sync_sources(wh, load_sources())
    log.info("[sources] %d to crawl: %s", len(names), ", ".join(names) or "(none)")
    return names


def crawl(source: str, context: dict[str, Any]) -> None:
    from smcc.pipeline import crawl_source
    from smcc.sources import build_source, load_sources

    cfg = next((c for c in load_sources() if c.name == source), None)
    if cfg is None:
        raise ValueError(f"source {source!r} is no longer in the sources file")
    with warehouse() as wh:
        summary = crawl_source(wh, build_source(cfg, token_provider=_token),
                               interval_of(context), context["run_id"])
    log.info(summary.line())


def _gate(stage: Any, *args: Any, context: dict[str, Any], interval: Interval | None = None
          ) -> None:
    """Run a gate stage; a critical failure fails the task at once (retrying cannot fix data)."""
    from airflow.sdk.exceptions import AirflowFailException

    from smcc.pipeline import GateFailed

    with warehouse() as wh:
        try:
            log.info(stage(wh, *args, interval or interval_of(context), context["run_id"],
                           alert=_alert(wh, context["run_id"])).line())
        except GateFailed as exc:
            raise AirflowFailException(f"data quality gate failed: {exc}") from None


def is_late_run(context: dict[str, Any], late_after_minutes: int) -> bool:
    """A backfill, or a scheduled run that started long after its interval ended."""
    run = context.get("dag_run")
    run_type = str(getattr(run, "run_type", "")).lower()
    if "backfill" in run_type:
        return True
    if "scheduled" not in run_type:
        return False  # manual runs (dags test, the demo) replay an interval as if live
    lag = _now() - interval_of(context).end
    return lag.total_seconds() > late_after_minutes * 60


def gate_raw(source: str, context: dict[str, Any]) -> None:
    from smcc.pipeline import gate_raw as stage

    late = is_late_run(context, _routing().late_policy.late_after_minutes)
    _gate(functools.partial(stage, late=late), source, context=context)


def score(source: str, context: dict[str, Any]) -> None:
    from smcc.pipeline import score_batch

    with warehouse() as wh:
        log.info(score_batch(wh, source, interval_of(context), context["run_id"], _scorer()).line())


def gate_scored(source: str, context: dict[str, Any]) -> None:
    from smcc.pipeline import gate_scored as stage

    _gate(stage, source, context=context)


def source_stage(stage: str, source: str) -> None:
    """Run one per-source stage from a mapped task, naming the map index after the source."""
    from airflow.sdk import get_current_context

    context = get_current_context()
    context["source_name"] = source  # rendered by the tasks' map_index_template
    {"crawl": crawl, "gate_raw": gate_raw, "score": score, "gate_scored": gate_scored}[stage](
        source, context)


def escalate(context: dict[str, Any]) -> list[int]:
    from smcc.pipeline import escalate as stage
    from smcc.tickets import LinkSettings

    with warehouse() as wh:
        summary, story_ids = stage(wh, interval_of(context), context["run_id"], _scorer(),
                                   _routing(), LinkSettings.from_env(), discovered_at=_now())
    log.info(summary.line())
    return story_ids


def gate_escalation(story_ids: list[int], context: dict[str, Any]) -> None:
    from smcc.pipeline import gate_escalation as stage

    _gate(functools.partial(stage, routing=_routing()), story_ids or [], context=context)


def deliver() -> None:
    from smcc.delivery import deliver_pending

    with warehouse() as wh:
        report = deliver_pending(wh, smtp_settings(), _now())
    log.info("[deliver] %s", report.summary())
    for error in report.errors[:10]:
        log.warning("[deliver] %s", error)


def check_sla(context: dict[str, Any]) -> None:
    from smcc.sla import check_sla as stage
    from smcc.tickets import LinkSettings

    with warehouse() as wh:
        log.info(stage(wh, interval_of(context), _routing(), LinkSettings.from_env()).line())


def queue_digests(context: dict[str, Any]) -> None:
    from smcc.digest import queue_digests as stage

    with warehouse() as wh:
        log.info(stage(wh, interval_of(context), _routing(), _scorer().default_brand).line())


def rescore_period(context: dict[str, Any]) -> list[int]:
    """Re-score the period given in the run's params; returns the mention ids re-scored."""
    from smcc.pipeline import rescore_period as stage

    with warehouse() as wh:
        summary, ids = stage(wh, period_of(context), _scorer(), _now())
    log.info(summary.line())
    return ids


def period_of(context: dict[str, Any]) -> Interval:
    params = context["params"]
    try:
        return Interval.parse(params["start"], params["end"])
    except (KeyError, ValueError) as exc:
        raise ValueError(f"params start/end must be ISO 8601 times with an offset, start "
                         f"before end (got {params.get('start')!r}, {params.get('end')!r}): {exc}"
                         ) from None


def gate_rescored(ids: list[int], context: dict[str, Any]) -> None:
    from smcc.pipeline import gate_scored as stage

    _gate(functools.partial(stage, ids=ids), "rescore", context=context,
          interval=period_of(context))


def escalate_rescored(ids: list[int], context: dict[str, Any]) -> list[int]:
    from smcc.pipeline import escalate as stage
    from smcc.tickets import LinkSettings

    period, now = period_of(context), _now()
    with warehouse() as wh:
        summary, story_ids = stage(wh, Interval(period.start, max(now, period.end)),
                                   context["run_id"], _scorer(), _routing(),
                                   LinkSettings.from_env(), discovered_at=now, mention_ids=ids)
    log.info(summary.line())
    return story_ids


def gate_escalation_rescored(story_ids: list[int], context: dict[str, Any]) -> None:
    from smcc.pipeline import gate_escalation as stage

    _gate(functools.partial(stage, routing=_routing()), story_ids or [], context=context,
          interval=period_of(context))
