"""The SMCC view of the Airflow UI: a FastAPI app the plugin mounts at ``/smcc``.

Pages are rendered on the server (Jinja2, autoescaped). Signed links from ticket e-mails land
on ``/tickets/{number}/{ack|resolve}?token=...``: that GET only shows a confirmation form (mail
scanners follow links), the POST acts. Routes that touch the warehouse are plain ``def`` so
FastAPI runs their blocking database calls in its thread pool.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from smcc import settings
from smcc.db import Warehouse, dsn_from_connection
from smcc.escalation.render import STATE_NAMES
from smcc.tickets import TicketActionError, acknowledge, resolve
from smcc.ui import access
from smcc.ui.access import Caller
from smcc.ui.dashboard import load_dashboard, report_file, ticket_view

TEMPLATES = Path(__file__).with_name("templates")
ACTIONS = {"ack": "Xác nhận", "resolve": "Đã xử lý"}
# A gate report is a whole HTML document of ours, but it quotes scraped text: serve it with no
# script, form or same-origin rights inside the Airflow origin.
REPORT_HEADERS = {"Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
                  "X-Content-Type-Options": "nosniff"}


def airflow_warehouse_dsn() -> str:
    """DSN of the ``smcc_warehouse`` connection, resolved in the api-server process.

    ``airflow.models.Connection`` looks in env vars, secrets backends and the metadata database,
    which the api-server (unlike a task) may read.
    """
    from airflow.models import Connection

    return dsn_from_connection(Connection.get_connection_from_secrets(settings.WAREHOUSE_CONN_ID))


@functools.cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES),
                       autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=True, lstrip_blocks=True)


@functools.cache
def _routing() -> Any:
    from smcc.escalation.routing import load_routing

    return load_routing()


def _links() -> Any:
    from smcc.tickets import LinkSettings

    return LinkSettings.from_env()


def _page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _environment().get_template(template).render(
        base=request.scope.get("root_path", "").rstrip("/"), **context)
    return HTMLResponse(html, status_code=status_code,
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


class _NotLoggedIn(Exception):
    """A browser without an Airflow session: send it to the login page."""


async def _caller(request: Request) -> Caller:
    try:
        return await access.authenticate(request)
    except HTTPException as exc:
        if request.method == "GET" and exc.status_code == status.HTTP_401_UNAUTHORIZED \
                and "text/html" in request.headers.get("accept", ""):
            raise _NotLoggedIn from exc
        raise


CallerDep = Annotated[Caller, Depends(_caller)]


def _verify_link(token: str, number: str, action: str) -> str | None:
    """None when the signed link allows ``action`` on ``number``, else the reason in Vietnamese."""
    from smcc.escalation.tokens import TokenError, verify_action

    try:
        verify_action(token, _links().secret, datetime.now(timezone.utc),
                      ticket_number=number, action=action)
    except TokenError as exc:
        return str(exc)
    return None


def create_app(dsn: Callable[[], str] = airflow_warehouse_dsn) -> FastAPI:
    """The SMCC app; ``dsn`` gives the warehouse DSN per request (tests pass their own)."""
    app = FastAPI(title="SMCC", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(_NotLoggedIn)
    async def to_login(request: Request, _: _NotLoggedIn) -> Response:
        return RedirectResponse(access.login_url(request), status.HTTP_303_SEE_OTHER)

    @app.exception_handler(StarletteHTTPException)
    async def error_page(request: Request, exc: StarletteHTTPException) -> Response:
        return _page(request, "message.html.j2", exc.status_code, title="Không thực hiện được",
                     message=str(exc.detail), ok=False)

    @app.get("/", response_class=HTMLResponse)
    def dashboard(request: Request, caller: CallerDep) -> HTMLResponse:
        access.require_view(caller)
        with Warehouse(dsn()) as wh:
            data = load_dashboard(wh, _routing(), datetime.now(timezone.utc))
        may_act = access.can_act(caller)
        csrf = {t["number"]: access.csrf_token(caller, f"{t['number']}/ack")
                for t in data.tickets} if may_act else {}
        return _page(request, "dashboard.html.j2", data=data, user=caller.name, may_act=may_act,
                     csrf=csrf)

    def _ticket_or_404(wh: Warehouse, number: str) -> dict[str, Any]:
        ticket = wh.fetch_one("ticket_by_number", {"number": number})
        if ticket is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"Không có phiếu {number}.")
        return ticket

    def _check_action(action: str) -> None:
        if action not in ACTIONS:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Thao tác không tồn tại.")

    @app.get("/tickets/{number}/{action}", response_class=HTMLResponse)
    def confirm(request: Request, number: str, action: str, caller: CallerDep,
                token: str = "") -> HTMLResponse:
        """Landing page of an e-mail link: shows the ticket and a form to confirm the action."""
        _check_action(action)
        link_error = _verify_link(token, number, action) if token else None
        allowed = (bool(token) and link_error is None) or access.can_act(caller)
        if not allowed and not access.can_view(caller):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Bạn không có quyền xem SMCC.")
        with Warehouse(dsn()) as wh:
            ticket = ticket_view(_ticket_or_404(wh, number), _routing(), datetime.now(timezone.utc))
        return _page(request, "confirm.html.j2", ticket=ticket, action=action,
                     action_label=ACTIONS[action], token=token if allowed else "",
                     allowed=allowed, link_error=link_error, user=caller.name,
                     csrf=access.csrf_token(caller, f"{number}/{action}"))

    @app.post("/tickets/{number}/{action}", response_class=HTMLResponse)
    def act(request: Request, number: str, action: str, caller: CallerDep,
            csrf: Annotated[str, Form()] = "", token: Annotated[str, Form()] = "",
            outcome: Annotated[str, Form()] = "",
            false_positive: Annotated[bool, Form()] = False) -> HTMLResponse:
        _check_action(action)
        access.check_csrf(caller, f"{number}/{action}", csrf)
        # A signed link authorises exactly its own ticket and action, for whoever is logged in.
        if not access.can_act(caller) and (not token or _verify_link(token, number, action)):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                "Bạn chỉ có quyền xem, không thể thay đổi phiếu.")
        now = datetime.now(timezone.utc)
        with Warehouse(dsn()) as wh:
            _ticket_or_404(wh, number)
            try:
                if action == "ack":
                    ticket = acknowledge(wh, number, caller.name, now)
                else:
                    ticket = resolve(wh, number, outcome, caller.name, now,
                                     false_positive=false_positive)
            except TicketActionError as exc:
                return _page(request, "message.html.j2", status.HTTP_409_CONFLICT,
                             title="Không thực hiện được", message=str(exc), ok=False)
        return _page(request, "message.html.j2", title=f"{ACTIONS[action]}: {number}",
                     message=f"Phiếu {number} đã chuyển sang trạng thái "
                             f"«{STATE_NAMES.get(ticket['state'], ticket['state'])}» bởi {caller.name}.", ok=True)

    @app.get("/gates/{gate_id}/report")
    def gate_report(gate_id: int, caller: CallerDep) -> FileResponse:
        access.require_view(caller)
        with Warehouse(dsn()) as wh:
            row = wh.fetch_one("ui_gate_report_path", {"gate_id": gate_id})
        path = report_file(row["report_path"] if row else None)
        if path is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Không tìm thấy báo cáo cổng chất lượng.")
        return FileResponse(path, media_type="text/html; charset=utf-8", headers=REPORT_HEADERS)

    return app
