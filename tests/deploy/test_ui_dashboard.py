"""What the SMCC view shows, read from a real warehouse (no Airflow needed)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from smcc.db import Warehouse
from smcc.escalation.routing import load_routing
from smcc.models import Interval
from smcc.tickets import LinkSettings, acknowledge, resolve
from smcc.ui.dashboard import load_dashboard, report_file, time_left

from .seed import SOURCE, STORIES, seed_tickets

END = datetime(2026, 12, 1, 2, 15, tzinfo=timezone.utc)
INTERVAL = Interval(END - timedelta(minutes=15), END)
LINKS = LinkSettings(base_url="http://smcc.test/smcc", secret=b"0123456789abcdef0123")


def test_time_left_counts_down_then_reports_how_late() -> None:
    deadline = END + timedelta(hours=1)
    before = time_left(deadline, END + timedelta(minutes=15))
    after = time_left(deadline, deadline + timedelta(hours=2, minutes=5))
    assert (before.text, before.overdue) == ("45 phút", False)
    assert (after.text, after.overdue) == ("Quá hạn 2 giờ 5 phút", True)


def test_open_tickets_most_urgent_first_and_closed_ones_leave(warehouse: Warehouse) -> None:
    routing = load_routing()
    numbers = seed_tickets(warehouse, routing, LINKS, INTERVAL)
    now = END + timedelta(minutes=30)
    board = load_dashboard(warehouse, routing, now)
    assert [t["number"] for t in board.tickets] == numbers
    assert [t["level"] for t in board.tickets] == sorted((s.level for s in STORIES), reverse=True)
    assert board.open_by_level == {3: 1, 2: 1, 1: 1}
    crisis = board.tickets[0]
    assert crisis["overdue"] == (now >= END + routing.sla(3))
    assert crisis["owner"] == routing.department(routing.route("network", 3).owner).name

    acknowledge(warehouse, numbers[0], "noc", now)
    resolve(warehouse, numbers[1], "Đã gọi lại cho khách hàng", "cskh", now)
    board = load_dashboard(warehouse, routing, now)
    assert [(t["number"], t["state_label"], t["can_acknowledge"]) for t in board.tickets] == [
        (numbers[0], "Đã tiếp nhận", False), (numbers[2], "Đang mở", True)]


def test_stories_come_with_their_mentions_and_sources_with_their_crawl(
        warehouse: Warehouse) -> None:
    routing = load_routing()
    seed_tickets(warehouse, routing, LINKS, INTERVAL)
    board = load_dashboard(warehouse, routing, END)
    by_title = {s["title"]: s for s in board.stories}
    assert set(by_title) == {s.title for s in STORIES}
    for seeded in STORIES:
        story = by_title[seeded.title]
        assert [m["text"] for m in story["mentions"]] == [seeded.mention_text]
        assert story["ticket_number"]
    (source,) = board.sources
    assert (source["name"], source["crawl_state"], source["items_found"]) == (SOURCE, "Thành công", 7)
    assert source["gate"] == "Chưa kiểm tra" and board.gates == []


def test_only_report_files_under_the_reports_folder_are_served(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reports = tmp_path / "reports"
    inside = reports / "gates" / "raw" / "src" / "r.html"
    inside.parent.mkdir(parents=True)
    inside.write_text("<html></html>")
    outside = tmp_path / "secret.html"
    outside.write_text("no")
    monkeypatch.setenv("SMCC_REPORTS_DIR", str(reports))
    assert report_file(str(inside)) == inside.resolve()
    assert report_file(str(reports / "gates" / ".." / ".." / "secret.html")) is None
    assert report_file(str(outside)) is None
    assert report_file(str(reports / "gates" / "missing.html")) is None
    assert report_file(None) is None
