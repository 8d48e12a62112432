"""The SMCC view's access rules over HTTP, against a real ``airflow api-server`` with the plugin:
who may see it, who may change tickets, what a signed e-mail link allows, CSRF on forms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests

from .conftest import UiServer

pytestmark = [pytest.mark.integration]
HTML = {"Accept": "text/html"}


def bearer(server: UiServer, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token(user)}"}


def cookie_session(server: UiServer, user: str) -> requests.Session:
    """A browser-like session: the JWT in Airflow's ``_token`` cookie."""
    session = requests.Session()
    session.cookies.set("_token", server.token(user), domain="127.0.0.1", path="/")
    return session


def untouched(server: UiServer) -> str:
    """The level-2 ticket, which no test is allowed to change."""
    return server.tickets[1]


def test_anonymous_requests_are_refused(ui_server: UiServer) -> None:
    page = requests.get(f"{ui_server.url}/smcc/", headers=HTML, allow_redirects=False, timeout=30)
    assert page.status_code == 303 and "/auth/login" in page.headers["location"]
    assert requests.get(f"{ui_server.url}/smcc/", timeout=30).status_code == 401
    number = untouched(ui_server)
    post = requests.post(f"{ui_server.url}/smcc/tickets/{number}/ack", timeout=30)
    assert post.status_code == 401
    report = requests.get(f"{ui_server.url}/smcc/gates/1/report", timeout=30)
    assert report.status_code == 401
    assert ui_server.ticket_state(number) == "open"


def test_a_forged_session_is_refused(ui_server: UiServer) -> None:
    forged = ui_server.token("viewer")[:-4] + "AAAA"
    page = requests.get(f"{ui_server.url}/smcc/", headers={"Authorization": f"Bearer {forged}"},
                        timeout=30)
    assert page.status_code in (401, 403)
    assert untouched(ui_server) not in page.text


def test_viewer_sees_tickets_but_cannot_change_them(ui_server: UiServer) -> None:
    number = untouched(ui_server)
    page = requests.get(f"{ui_server.url}/smcc/", headers=bearer(ui_server, "viewer"), timeout=30)
    assert page.status_code == 200
    assert all(n in page.text for n in ui_server.tickets)
    assert f"/tickets/{number}/ack" not in page.text  # no action forms for a viewer
    for action, form in (("ack", {}), ("resolve", {"outcome": "đã xử lý"})):
        refused = requests.post(f"{ui_server.url}/smcc/tickets/{number}/{action}", data=form,
                                headers=bearer(ui_server, "viewer"), timeout=30)
        assert refused.status_code == 403
    assert ui_server.ticket_state(number) == "open"


def test_cookie_forms_need_their_csrf_token(ui_server: UiServer) -> None:
    number = untouched(ui_server)
    admin = cookie_session(ui_server, "admin")
    page = admin.get(f"{ui_server.url}/smcc/", timeout=30)
    ack_token = re.search(rf'/tickets/{number}/ack">\s*<input type="hidden" name="csrf" '
                          r'value="([0-9a-f]+)"', page.text).group(1)
    for csrf in ("", "0" * 64):
        refused = admin.post(f"{ui_server.url}/smcc/tickets/{number}/ack", data={"csrf": csrf},
                             timeout=30)
        assert refused.status_code == 403
    # Another form's token does not fit this one.
    other = admin.post(f"{ui_server.url}/smcc/tickets/{ui_server.tickets[0]}/resolve",
                       data={"csrf": ack_token, "outcome": "x"}, timeout=30)
    assert other.status_code == 403
    assert ui_server.ticket_state(number) == "open"


def test_signed_link_lets_a_viewer_do_exactly_that_action(ui_server: UiServer) -> None:
    from datetime import datetime, timezone

    number = ui_server.tickets[2]
    deadline = datetime.now(timezone.utc) + timedelta(hours=1)
    link = ui_server.links.action_url(number, "ack", deadline)
    viewer = cookie_session(ui_server, "viewer")
    landing = viewer.get(link, timeout=30)
    assert landing.status_code == 200 and "Xác nhận" in landing.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', landing.text).group(1)
    token = link.split("token=")[1]
    # The token is for "ack" on this ticket only.
    wrong_action = viewer.post(f"{ui_server.url}/smcc/tickets/{number}/resolve",
                               data={"csrf": csrf, "token": token, "outcome": "x"}, timeout=30)
    wrong_ticket = viewer.post(f"{ui_server.url}/smcc/tickets/{untouched(ui_server)}/ack",
                               data={"csrf": csrf, "token": token}, timeout=30)
    assert wrong_action.status_code == 403 and wrong_ticket.status_code == 403
    done = viewer.post(f"{ui_server.url}/smcc/tickets/{number}/ack",
                       data={"csrf": csrf, "token": token}, timeout=30)
    assert done.status_code == 200, done.text
    assert ui_server.ticket_state(number) == "acknowledged"
    assert ui_server.ticket_actor(number, "acknowledged") == "viewer"
    assert ui_server.ticket_state(untouched(ui_server)) == "open"


def test_gate_reports_are_served_sandboxed(ui_server: UiServer) -> None:
    page = requests.get(f"{ui_server.url}/smcc/", headers=bearer(ui_server, "viewer"), timeout=30)
    report_links = re.findall(r'href="(/smcc/gates/\d+/report)"', page.text)
    assert len(report_links) == 2
    report = requests.get(ui_server.url + report_links[0], headers=bearer(ui_server, "viewer"),
                          timeout=30)
    assert report.status_code == 200 and "smcc_raw" in report.text
    assert report.headers["content-security-policy"].startswith("sandbox")
    missing = requests.get(f"{ui_server.url}/smcc/gates/999999/report",
                           headers=bearer(ui_server, "viewer"), timeout=30)
    assert missing.status_code == 404
