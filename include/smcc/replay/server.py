"""Local HTTP server replaying the sample sites, with switchable faults.

One server hosts every sample site under its own path prefix: ``/tinnhanh`` and
``/baocongnghe`` (news: RSS, article pages, news sitemaps), ``/diendan`` (XenForo 2 forum)
and ``/graph/<version>`` (Facebook Graph API), plus ``/robots.txt``. Content is dated
relative to ``clock``; items published after the clock are not served.

Faults (``set_fault(target, fault, **params)``; ``target`` is a site name or a path prefix;
``times=N`` limits a fault to the next N matching requests):

- ``"500"``: HTTP 500.  ``"429"``: HTTP 429 with ``Retry-After`` (``retry_after``, seconds).
- ``"slow"``: wait ``delay`` seconds before answering.
- ``"truncated"``: ``mode="short_read"`` (default) sends half the promised bytes and closes;
  ``mode="cut"`` sends half the page with a matching Content-Length.
- ``"wrong_charset"``: windows-1258 bytes, labelled utf-8 (``labelled=True``) or unlabelled.
- ``"endless_pagination"``: list pages always offer a next page (repeating the first one),
  thread pages loop back, Graph cursors wrap around.
- ``"maintenance"``: HTTP 200 with a maintenance notice instead of the content.
- ``"rate_limit"`` (Graph): error JSON with ``code`` (default 4), HTTP ``status`` (default 400).
- ``"usage"`` (Graph): usage headers at ``percent`` (default 95) without an error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from smcc.replay import pages
from smcc.replay.content import SampleContent, load_sample

ROBOTS_TXT = "User-agent: *\nDisallow: /private/\nDisallow: /diendan/search/\n"
FAULTS = ("500", "429", "slow", "truncated", "wrong_charset", "endless_pagination", "maintenance",
          "rate_limit", "usage")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 bytes the way Vietnamese legacy sites wrote them: base letter + tone mark."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        marks = "".join(c for c in parts if c in _TONE_MARKS)
        out.append((base + marks).encode("cp1258", errors="replace"))
    return b"".join(out)


@dataclass
class Fault:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    remaining: int | None = None


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, text: str, content_type: str, **headers: str) -> Reply:
    return Reply(status, text.encode("utf-8"), f"{content_type}; charset=utf-8", dict(headers))


def _json(status: int, data: Any, **headers: str) -> Reply:
    return Reply(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=UTF-8",
                 dict(headers))


NOT_FOUND = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head><body><h1>Không tìm thấy trang</h1></body></html>"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up early (timeouts, size limits) are part of the tests, not errors.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class ReplayServer:
    """Threaded local server; use as a context manager or call ``start()``/``stop()``."""

    def __init__(self, clock: datetime, host: str = "127.0.0.1", port: int = 0,
                 faults: dict[str, str | dict[str, Any]] | None = None, content: SampleContent | None = None) -> None:
        self.clock = clock if clock.tzinfo else clock.replace(tzinfo=pages.VIETNAM)
        self.host = host
        self.port = port
        self.content = content or load_sample()
        self.requests: list[dict[str, Any]] = []  # path, status, user_agent of every request
        self._faults: dict[str, Fault] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        for target, spec in (faults or {}).items():
            if isinstance(spec, str):
                self.set_fault(target, spec)
            else:
                self.set_fault(target, **spec)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> "ReplayServer":
        handler = type("Handler", (_Handler,), {"replay": self})
        self._httpd = _QuietServer((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="smcc-replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "ReplayServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- control --------------------------------------------------------------------------

    def set_fault(self, path_prefix_or_site: str, fault: str | None, **params: Any) -> None:
        """Switch a fault on (or off with ``fault=None``) for a site or path prefix."""
        prefix = path_prefix_or_site if path_prefix_or_site.startswith("/") else f"/{path_prefix_or_site}"
        with self._lock:
            if fault is None:
                self._faults.pop(prefix, None)
                return
            if fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
            times = params.pop("times", None)
            self._faults[prefix] = Fault(fault, params, int(times) if times is not None else None)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_clock(self, clock: datetime) -> None:
        self.clock = clock if clock.tzinfo else clock.replace(tzinfo=pages.VIETNAM)

    def published_items(self) -> list[dict[str, Any]]:
        return self.content.published_items(self.clock)

    def take_fault(self, path: str) -> Fault | None:
        """The fault for ``path`` (longest prefix), consuming one of its ``times``."""
        with self._lock:
            matches = [p for p in self._faults if path.startswith(p)]
            if not matches:
                return None
            prefix = max(matches, key=len)
            fault = self._faults[prefix]
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[prefix]
            return fault

    # -- routing --------------------------------------------------------------------------

    def route(self, path: str, query: dict[str, str], fault: Fault | None) -> Reply:
        endless = fault is not None and fault.kind == "endless_pagination"
        if path == "/robots.txt":
            return _text(200, ROBOTS_TXT, "text/plain")
        parts = [p for p in path.split("/") if p]
        if parts and parts[0] in self.content.sites:
            return self._news(parts, query)
        if parts and parts[0] == "diendan":
            return self._forum(path, endless)
        if len(parts) >= 3 and parts[0] == "graph":
            return self._graph(parts[2:], query, path, endless, fault)
        return _text(404, NOT_FOUND, "text/html")

    def _news(self, parts: list[str], query: dict[str, str]) -> Reply:
        site = self.content.sites[parts[0]]
        rest = "/".join(parts[1:])
        articles = self.content.articles
        if (m := re.fullmatch(r"rss/([a-z0-9-]+)\.rss", rest)) and m.group(1) in site.feeds:
            return _text(200, pages.rss(site, m.group(1), articles, self.clock, self.url), "application/rss+xml")
        if rest == "sitemap.xml":
            return _text(200, pages.sitemap_index(site, articles, self.clock, self.url), "application/xml")
        if m := re.fullmatch(r"sitemaps/(\d{4}-\d{2}-\d{2})\.xml", rest):
            body = pages.sitemap_day(site, articles, self.clock, self.url, m.group(1))
            if body is not None:
                return _text(200, body, "application/xml")
        if m := re.fullmatch(r"[a-z0-9-]+-(\d+)\.html", rest):
            for article in articles:
                if article.site == site.key and article.id == int(m.group(1)) and article.visible(self.clock):
                    last_modified = format_datetime(article.published(self.clock).astimezone(timezone.utc),
                                                          usegmt=True)
                    return _text(200, pages.article_page(site, article, self.clock, self.url), "text/html",
                                 **{"Last-Modified": last_modified})
        return _text(404, NOT_FOUND, "text/html")

    def _forum(self, path: str, endless: bool) -> Reply:
        if m := re.fullmatch(r"/diendan/f/[a-z0-9-]+\.(\d+)/(?:page-(\d+))?", path):
            for section in self.content.sections:
                if section.id == int(m.group(1)):
                    body = pages.section_page(self.content, section, int(m.group(2) or 1), self.clock, endless)
                    if body is not None:
                        return _text(200, body, "text/html")
        if m := re.fullmatch(r"/diendan/t/[a-z0-9-]+\.(\d+)/(page-(\d+)|latest)?", path):
            for thread in self.content.threads:
                if thread.id != int(m.group(1)):
                    continue
                if m.group(2) == "latest":
                    last = pages.thread_last_page(self.content, thread, self.clock)
                    target = thread.path if last == 1 else f"{thread.path}page-{last}"
                    return Reply(303, b"", "text/html; charset=utf-8", {"Location": target})
                body = pages.thread_page(self.content, thread, int(m.group(3) or 1), self.clock, endless)
                if body is not None:
                    return _text(200, body, "text/html")
        return _text(404, NOT_FOUND, "text/html")

    def _graph(self, parts: list[str], query: dict[str, str], path: str, endless: bool,
               fault: Fault | None) -> Reply:
        usage = float(fault.params.get("percent", 95)) if fault and fault.kind == "usage" else 3.0
        headers = {"X-App-Usage": json.dumps({"call_count": usage, "total_cputime": 1, "total_time": 1})}
        if not query.get("access_token"):
            return _json(400, {"error": {"message": "An access token is required to request this resource.",
                                         "type": "OAuthException", "code": 104, "fbtrace_id": "AReplay"}}, **headers)
        content = self.content
        posts = [p for p in content.fb_posts if p.visible(self.clock)]
        node, edge = parts[0], (parts[1] if len(parts) > 1 else None)
        limit = max(1, min(100, int(query.get("limit", "25"))))
        offset = pages.cursor_offset(query.get("after"))
        base = f"{self.url}{path}"
        if node == content.page_id and edge in ("feed", "posts", "visitor_posts"):
            since = _unix(query.get("since"))
            until = _unix(query.get("until"))
            chosen = [p for p in posts
                      if (edge == "feed" or p.visitor == (edge == "visitor_posts"))
                      and (since is None or p.published(self.clock).timestamp() >= since)
                      and (until is None or p.published(self.clock).timestamp() < until)]
            chosen.sort(key=lambda p: p.published(self.clock), reverse=True)
            data = [pages.graph_post(p, content.page_id, self.clock) for p in chosen]
            return _json(200, pages.graph_page(data, offset, limit, base, query, endless), **headers)
        if node == content.page_id and edge is None:
            return _json(200, {"id": content.page_id, "name": content.page_name}, **headers)
        for post in posts:
            if post.id != node:
                continue
            if edge is None:
                return _json(200, pages.graph_post(post, content.page_id, self.clock), **headers)
            if edge == "comments":
                comments = [c for c in post.comments if c.visible(self.clock)]
                comments.sort(key=lambda c: c.published(self.clock),
                              reverse=query.get("order") == "reverse_chronological")
                data = [pages.graph_comment(c, post, self.clock) for c in comments]
                return _json(200, pages.graph_page(data, offset, limit, base, query, endless), **headers)
        return _json(400, {"error": {"message": f"Unsupported get request. Object with ID '{node}' does not exist",
                                     "type": "GraphMethodException", "code": 100, "fbtrace_id": "AReplay"}}, **headers)


def _unix(value: str | None) -> float | None:
    return float(value) if value and re.fullmatch(r"\d+(\.\d+)?", value) else None


class _Handler(BaseHTTPRequestHandler):
    replay: ReplayServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write: separate small writes meet delayed ACKs (40 ms each).
    wbufsize = 1 << 16
    server_version = "SMCCReplay/0.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the request log lives in ``ReplayServer.requests``."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        fault = self.replay.take_fault(split.path)
        reply = self._faulted(fault) if fault else None
        if reply is None:
            if fault is not None and fault.kind == "slow":
                time.sleep(float(fault.params.get("delay", 2.0)))
            reply = self.replay.route(split.path, query, fault)
            if fault is not None:
                reply = _transform(reply, fault)
        modified = reply.headers.get("Last-Modified")
        if reply.status == 200 and modified and self.headers.get("If-Modified-Since") == modified:
            reply = Reply(304, b"", reply.content_type, {"Last-Modified": modified})
        self.replay.requests.append({"path": self.path, "status": reply.status,
                                     "user_agent": self.headers.get("User-Agent", "")})
        self._send(reply, fault)

    def _faulted(self, fault: Fault) -> Reply | None:
        if fault.kind == "500":
            return _text(500, "<html><body><h1>500 Internal Server Error</h1></body></html>", "text/html")
        if fault.kind == "429":
            return _text(429, "Too Many Requests", "text/plain", **{"Retry-After": str(fault.params.get("retry_after", 1))})
        if fault.kind == "maintenance":
            return _text(200, '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bảo trì</title></head>'
                              "<body><p>Hệ thống đang bảo trì, vui lòng quay lại sau.</p></body></html>", "text/html")
        if fault.kind == "rate_limit":
            code = int(fault.params.get("code", 4))
            return _json(int(fault.params.get("status", 400)), {"error": {
                "message": "(#4) Application request limit reached", "type": "OAuthException",
                "is_transient": True, "code": code, "fbtrace_id": "AReplay"}})
        return None

    def _send(self, reply: Reply, fault: Fault | None) -> None:
        body = reply.body
        short_read = fault is not None and fault.kind == "truncated" and fault.params.get("mode", "short_read") == "short_read"
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if short_read:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if short_read else body)


def _transform(reply: Reply, fault: Fault) -> Reply:
    """Body-level faults applied to a normal reply."""
    textual = reply.content_type.startswith(("text/html", "application/xml", "application/rss+xml"))
    if fault.kind == "wrong_charset" and textual:
        text = reply.body.decode("utf-8")
        ctype = reply.content_type.split(";")[0]
        if fault.params.get("labelled", True):
            return Reply(reply.status, encode_cp1258(text), f"{ctype}; charset=utf-8", reply.headers)
        text = re.sub(r'<meta (charset="utf-8"|http-equiv="Content-Type"[^>]*)>', "", text)
        return Reply(reply.status, encode_cp1258(text), ctype, reply.headers)
    if fault.kind == "truncated" and fault.params.get("mode") == "cut":
        return Reply(reply.status, reply.body[: len(reply.body) // 2], reply.content_type, reply.headers)
    return reply


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="smcc replay-server", description="Serve the bundled sample sites.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--clock", help="replay clock, ISO 8601 (default: now)")
    args = parser.parse_args(argv)
    clock = datetime.fromisoformat(args.clock) if args.clock else datetime.now(timezone.utc)
    server = ReplayServer(clock, host=args.host, port=args.port).start()
    print(f"SMCC replay server at {server.url} (clock {server.clock.isoformat()}, "
          f"{len(server.published_items())} items); export SMCC_REPLAY_URL={server.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
