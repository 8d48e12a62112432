"""The ``smcc`` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone

from smcc import settings
from smcc.localrun import DEMO_INTERVAL_END


def _dsn(args: argparse.Namespace) -> str:
    dsn = args.dsn or os.environ.get("SMCC_DATABASE_URL")
    if not dsn:
        raise SystemExit("smcc: no warehouse given: pass --dsn or set SMCC_DATABASE_URL "
                         "(e.g. postgresql://user@127.0.0.1:5432/smcc)")
    return dsn


def cmd_db_migrate(args: argparse.Namespace) -> int:
    from smcc.db import migrate

    applied = migrate(_dsn(args))
    print(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else
                                                    " (already up to date)"))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from smcc.db import Warehouse
    from smcc.status import collect, render_text

    with Warehouse(_dsn(args)) as wh:
        status = collect(wh)
    print(json.dumps(status, ensure_ascii=False, indent=2) if args.json else render_text(status))
    return 0


def cmd_replay_server(args: argparse.Namespace) -> int:
    from smcc.replay import main as replay_main

    return replay_main(args.replay_args)


def cmd_score(args: argparse.Namespace) -> int:
    from smcc.nlp import score_jsonl

    with ExitStack() as stack:
        inp = stack.enter_context(open(args.input, encoding="utf-8")) if args.input else sys.stdin
        out = (stack.enter_context(open(args.output, "w", encoding="utf-8"))
               if args.output else sys.stdout)
        try:
            score_jsonl(inp, out)
        except ValueError as exc:
            print(f"smcc score: {exc}", file=sys.stderr)
            return 2
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from smcc.nlp import evaluate_jsonl

    with open(args.input, encoding="utf-8") as inp:
        try:
            evaluate_jsonl(inp, sys.stdout)
        except ValueError as exc:
            print(f"smcc eval: {exc}", file=sys.stderr)
            return 2
    return 0


def _check_token(args: argparse.Namespace, action: str) -> None:
    """A signed link's token, when given, must be valid for this ticket and action."""
    if not args.token:
        return
    from smcc.escalation.tokens import TokenError, verify_action
    from smcc.tickets import LinkSettings

    try:
        verify_action(args.token, LinkSettings.from_env().secret, datetime.now(timezone.utc),
                      ticket_number=args.number, action=action)
    except TokenError as exc:
        raise SystemExit(f"smcc ticket: token refused ({exc.reason}): {exc}") from None


def cmd_ticket(args: argparse.Namespace) -> int:
    from smcc.db import Warehouse
    from smcc.tickets import TicketActionError, acknowledge, resolve

    now = datetime.now(timezone.utc)
    with Warehouse(_dsn(args)) as wh:
        try:
            if args.ticket_command == "list":
                rows = wh.fetch_all("ticket_list", {"state": args.state, "limit": args.limit})
                for r in rows:
                    print(f"{r['number']}  mức {r['level']}  {r['state']:<14} {r['topic']:<16} "
                          f"{r['owner']:<14} hạn {r['deadline']:%Y-%m-%d %H:%M %Z}  "
                          f"{r['story_title'][:60]}")
                return 0
            if args.ticket_command == "show":
                ticket = wh.fetch_one("ticket_by_number", {"number": args.number})
                if ticket is None:
                    raise TicketActionError(f"không có phiếu {args.number} / no such ticket")
                events = wh.fetch_all("ticket_events", {"ticket_id": ticket["id"]})
                print(json.dumps({"ticket": ticket, "events": events}, ensure_ascii=False,
                                 indent=2, default=str))
                return 0
            if args.ticket_command == "ack":
                _check_token(args, "ack")
                ticket = acknowledge(wh, args.number, args.by, now)
            else:
                _check_token(args, "resolve")
                ticket = resolve(wh, args.number, args.outcome, args.by, now,
                                 false_positive=args.false_positive)
        except TicketActionError as exc:
            print(f"smcc ticket: {exc}", file=sys.stderr)
            return 1
    print(f"{ticket['number']}: {ticket['state']}")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from smcc.db import Warehouse
    from smcc.operations import backfill_command, find_gaps

    with Warehouse(_dsn(args)) as wh:
        if args.sources_command in ("pause", "resume"):
            with wh.transaction() as tx:
                found = tx.execute("source_set_paused", {
                    "name": args.name, "paused": args.sources_command == "pause"})
            if not found:
                print(f"smcc sources: unknown source {args.name!r} (run smcc_listen once to "
                      "record the configured sources)", file=sys.stderr)
                return 1
            print(f"{args.name}: {'paused' if args.sources_command == 'pause' else 'resumed'}")
            return 0
        end = datetime.fromisoformat(args.to) if args.to else datetime.now(timezone.utc)
        start = datetime.fromisoformat(args.since) if args.since else end - timedelta(days=1)
        if start.tzinfo is None or end.tzinfo is None:
            raise SystemExit("smcc sources gaps: give --since/--to with a UTC offset, "
                             "e.g. 2026-12-01T00:00:00+07:00")
        for src in find_gaps(wh, start, end):
            last = src.last_success.isoformat() if src.last_success else "never"
            paused = " (paused)" if src.paused else ""
            print(f"{src.source}{paused}: last successful interval ends {last}; "
                  f"{len(src.gaps)} gap(s)")
            for gap in src.gaps:
                print(f"  gap {gap[0].isoformat()} .. {gap[1].isoformat()}")
                print(f"    {backfill_command(gap)}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from smcc.db import Warehouse
    from smcc.localrun import run_interval, start_stack
    from smcc.status import collect, render_text

    var = settings.var_dir()
    end = datetime.fromisoformat(args.at)
    log_path = var / "demo" / "airflow.log"
    print(f"SMCC demo: data interval ending {end.isoformat()} (state under {var})")
    with ExitStack() as stack:
        local = start_stack(stack, var, end)
        print(f"  warehouse: embedded PostgreSQL in {var / 'pg'}")
        print(f"  SMTP sink: 127.0.0.1:{local.sink.port}, messages saved to {var / 'mail'}")
        print(f"  replay server of the sample sources: {local.replay_url}")
        print(f"  running smcc_listen with `airflow dags test` (log: {log_path}) ...")
        code = run_interval(local.env, end, log_path)
        with Warehouse(local.pg.dsn) as wh:
            status = collect(wh)
        print()
        print(render_text(status))
        print(f"\nE-mails received by the sink this run: {len(local.sink.messages)} "
              f"(all .eml files: {var / 'mail'})")
        print(f"Gate reports: {settings.reports_dir() / 'gates'}")
        print(f"Airflow log: {log_path}")
    if code:
        print(f"smcc demo: the DAG run failed (exit {code}); see {log_path}", file=sys.stderr)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smcc", description="SMCC: Social Media Command Center")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_dsn(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--dsn", help="warehouse DSN/URI (default: $SMCC_DATABASE_URL)")
        return p

    db = sub.add_parser("db", help="warehouse schema").add_subparsers(dest="db_command", required=True)
    with_dsn(db.add_parser("migrate", help="apply pending migrations (idempotent)")).set_defaults(
        func=cmd_db_migrate)

    status = with_dsn(sub.add_parser("status", help="counts, gates and crawls in the warehouse"))
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=cmd_status)

    replay = sub.add_parser("replay-server", help="serve the bundled sample sources over HTTP",
                            add_help=False)
    replay.add_argument("replay_args", nargs=argparse.REMAINDER)
    replay.set_defaults(func=cmd_replay_server)

    score = sub.add_parser("score", help="score JSONL mentions (stdin/stdout by default)")
    score.add_argument("--input", "-i")
    score.add_argument("--output", "-o")
    score.set_defaults(func=cmd_score)

    evaluate = sub.add_parser("eval", help="precision/recall/F1 on a labelled JSONL file")
    evaluate.add_argument("--input", "-i", required=True)
    evaluate.set_defaults(func=cmd_eval)

    ticket = sub.add_parser("ticket", help="list, show, acknowledge or resolve tickets")
    tsub = ticket.add_subparsers(dest="ticket_command", required=True)
    tlist = with_dsn(tsub.add_parser("list"))
    tlist.add_argument("--state", choices=["open", "acknowledged", "resolved", "false_positive"])
    tlist.add_argument("--limit", type=int, default=50)
    with_dsn(tsub.add_parser("show")).add_argument("number")
    for action in ("ack", "resolve"):
        tp = with_dsn(tsub.add_parser(action))
        tp.add_argument("number")
        tp.add_argument("--by", default=os.environ.get("USER", "cli"), help="who acts")
        tp.add_argument("--token", help="token of a signed e-mail link (checked when given)")
        if action == "resolve":
            tp.add_argument("--outcome", required=True, help="kết quả xử lý (required)")
            tp.add_argument("--false-positive", action="store_true")
    ticket.set_defaults(func=cmd_ticket)

    sources = sub.add_parser("sources", help="pause/resume a source, find crawl gaps")
    ssub = sources.add_subparsers(dest="sources_command", required=True)
    for action in ("pause", "resume"):
        with_dsn(ssub.add_parser(action)).add_argument("name")
    gaps = with_dsn(ssub.add_parser("gaps", help="intervals never crawled successfully, "
                                                 "with the backfill command that fills them"))
    gaps.add_argument("--since", help="start (ISO 8601 with offset; default: 24 h before --to)")
    gaps.add_argument("--to", help="end (ISO 8601 with offset; default: now)")
    sources.set_defaults(func=cmd_sources)

    demo = sub.add_parser("demo", help="run smcc_listen once on embedded services and sample sources")
    demo.add_argument("--at", default=DEMO_INTERVAL_END.isoformat(),
                      help="end of the data interval to run (ISO 8601)")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
