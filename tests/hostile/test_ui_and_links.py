"""Hostile mentions taken through the real stages (crawl, gate, score, escalate) into a real
warehouse, then shown by the SMCC view: the dashboard stays inert and shows the text as text.
Signed links from ticket e-mails: forged, expired, or replayed after the ticket was resolved,
each is refused cleanly and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from smcc import pipeline
from smcc.cli import main as smcc
from smcc.db import Warehouse, json_param
from smcc.escalation.routing import load_routing
from smcc.escalation.tokens import sign_action
from smcc.models import Interval, Mention
from smcc.nlp import Scorer
from smcc.sources.base import CrawlResult
from smcc.tickets import LinkSettings
from smcc.ui import access
from smcc.ui import app as ui_app
from smcc.ui.access import Caller

from .inert import assert_inert
from .strategies import SQL_INJECTION

pytestmark = pytest.mark.integration

END = datetime(2026, 12, 1, 2, 15, tzinfo=timezone.utc)
INTERVAL = Interval(END - timedelta(minutes=15), END)
SOURCE = "dien-dan-doc-hai"
SECRET = "hostile-link-secret-0123456789"
SCRIPT = "<script>alert('x')</script>"
HOSTILE_POSTS = (
    f"{SCRIPT} Mạng MobiFone mất sóng cả tối, gọi tổng đài không được, quá bức xúc!",
    f'<img src=x onerror=alert(1)> MobiFone mất sóng diện rộng {SQL_INJECTION}',
    '"><svg onload=alert(1)> Sóng MobiFone chập chờn mất liên lạc cả ngày {{ 7*7 }}',
)


class _HostileForum:
    name = SOURCE

    def collect(self, interval: Interval) -> CrawlResult:
        return CrawlResult(pages_fetched=1, mentions=[Mention(
            source=SOURCE, external_id=f"p{n}", source_type="forum_post",
            url=f'https://forum.example/t/1?q="><script>alert({n})</script>#post-{n}',
            published_at=interval.end - timedelta(minutes=3 + n), text=text,
            title=f"{SCRIPT} Mất sóng MobiFone", author=f"<b>thanhvien{n}</b>",
            author_followers=500, reactions=300, comments=80, shares=40) for n, text in
            enumerate(HOSTILE_POSTS)])


class _User:
    def get_name(self) -> str:
        return "nguoi-xem"


@pytest.fixture
def hostile_warehouse(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch,
                      tmp_path: Path) -> Warehouse:
    """The hostile posts crawled, gated, scored and escalated by the product's own stages."""
    monkeypatch.setenv("SMCC_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SMCC_LINK_SECRET", SECRET)
    with warehouse.transaction() as tx:
        tx.execute("source_upsert", {"name": SOURCE, "type": "forum", "enabled": True,
                                     "config": json_param({})})
    scorer = Scorer.load()
    pipeline.crawl_source(warehouse, _HostileForum(), INTERVAL, "hostile")
    pipeline.gate_raw(warehouse, SOURCE, INTERVAL, "hostile")
    pipeline.score_batch(warehouse, SOURCE, INTERVAL, "hostile", scorer)
    pipeline.escalate(warehouse, INTERVAL, "hostile", scorer, load_routing(),
                      LinkSettings.from_env())
    return warehouse


@pytest.fixture
def viewer(warehouse_dsn: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The SMCC view for a logged-in viewer: may look, may act only through a signed link."""
    app = ui_app.create_app(dsn=lambda: warehouse_dsn)
    app.dependency_overrides[ui_app._caller] = lambda: Caller(_User(), "bearer-token", False)
    monkeypatch.setattr(access, "can_view", lambda caller: True)
    monkeypatch.setattr(access, "can_act", lambda caller: False)
    return TestClient(app)


def _ticket(wh: Warehouse) -> dict:
    tickets = wh.fetch_all("ticket_list", {"state": None, "limit": 10})
    assert tickets, "the hostile complaints opened a ticket"
    return wh.fetch_one("ticket_by_number", {"number": tickets[0]["number"]})


def test_dashboard_shows_hostile_text_as_text(hostile_warehouse: Warehouse,
                                              viewer: TestClient) -> None:
    page = viewer.get("/")
    assert page.status_code == 200
    soup = assert_inert(page.text, allowed={"meta", "style"})
    shown = soup.get_text()
    assert SCRIPT in shown, "the post's markup is displayed, escaped"
    assert SQL_INJECTION in shown or "DROP TABLE" in shown
    assert "<b>" not in str(soup.find_all("b")), "no markup from a post becomes an element"
    number = _ticket(hostile_warehouse)["number"]
    confirm = viewer.get(f"/tickets/{number}/ack")
    assert confirm.status_code == 200
    assert_inert(confirm.text, allowed={"meta", "style"})


def _events(wh: Warehouse, ticket_id: int, kind: str) -> int:
    return sum(e["kind"] == kind for e in wh.fetch_all("ticket_events", {"ticket_id": ticket_id}))


def test_forged_expired_and_replayed_links_are_refused(hostile_warehouse: Warehouse,
                                                        viewer: TestClient,
                                                        warehouse_dsn: str, capsys) -> None:
    ticket = _ticket(hostile_warehouse)
    number, now = ticket["number"], datetime.now(timezone.utc)
    forged = sign_action(number, "resolve", b"guessed-secret-0123456789", now + timedelta(days=1))
    expired = sign_action(number, "resolve", SECRET.encode(), now - timedelta(minutes=1))
    valid = sign_action(number, "resolve", SECRET.encode(), now + timedelta(days=1))

    for token, reason in ((forged, "chữ ký sai"), (expired, "hết hạn")):
        assert reason in viewer.get(f"/tickets/{number}/resolve", params={"token": token}).text
        refused = viewer.post(f"/tickets/{number}/resolve",
                              data={"token": token, "outcome": "giả mạo"})
        assert refused.status_code == 403
    assert hostile_warehouse.fetch_one("ticket_by_number", {"number": number})["state"] == "open"

    done = viewer.post(f"/tickets/{number}/resolve", data={"token": valid, "outcome": "Đã gọi lại"})
    assert done.status_code == 200
    replayed = viewer.post(f"/tickets/{number}/resolve", data={"token": valid, "outcome": "lần 2"})
    assert replayed.status_code == 409, "a replayed link is refused cleanly"
    code = smcc(["ticket", "resolve", number, "--dsn", warehouse_dsn, "--token", valid,
                 "--outcome", "lần 3", "--by", "cli"])
    assert code == 1, "the command line refuses the replay too"
    after = hostile_warehouse.fetch_one("ticket_by_number", {"number": number})
    assert (after["state"], after["outcome"]) == ("resolved", "Đã gọi lại"), "nothing changed"
    assert _events(hostile_warehouse, ticket["id"], "resolved") == 1
    refusal = " ".join(assert_inert(replayed.text, allowed={"meta", "style"}).get_text().split())
    assert "Đã xử lý" in refusal and "resolved" not in refusal, \
        "the refusal names the ticket's state in Vietnamese"
