"""Facebook Pages through the Graph API: page posts, their comments and engagement counts.

Posts are read with ``since``/``until`` over the refresh window plus the interval (so the
counts of the last 48 h are re-read in the same calls) and cursor pagination
(``paging.next``). Comments are read newest first and stop at the window start. Rate-limit
errors (codes 4, 17, 32, 613) are retried after a pause; usage headers above the threshold
slow the crawl down before Facebook blocks it.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Mapping
from urllib.parse import unquote, urlsplit

from smcc.http import HttpClient, HttpError, HttpResponse
from smcc.models import Interval, Mention
from smcc.sources.base import CrawlResult, ParseError, Source, SourceError, parse_time
from smcc.sources.config import GraphConfig
from smcc.sources.extract import clean

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613})
POST_FIELDS = (
    "id,message,story,created_time,permalink_url,from{id,name},shares,"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)
COMMENT_FIELDS = "id,message,created_time,from{id,name},like_count,comment_count,permalink_url"
USAGE_HEADERS = ("X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage")


def token_from_env(conn_id: str) -> str | None:
    """The token of an Airflow connection given as ``AIRFLOW_CONN_<ID>`` (JSON or URI form)."""
    value = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}")
    if not value:
        return None
    if value.lstrip().startswith("{"):
        data = json.loads(value)
        extra = data.get("extra") or {}
        if isinstance(extra, str):
            extra = json.loads(extra)
        return data.get("password") or extra.get("token") or extra.get("access_token")
    password = urlsplit(value).password
    return unquote(password) if password else None


def usage_percent(headers: Mapping[str, str]) -> float:
    """Highest percentage in the Graph usage headers (0 when absent or unreadable)."""
    highest = 0.0
    for name in USAGE_HEADERS:
        try:
            data = json.loads(headers.get(name) or "{}")
        except ValueError:
            continue
        for block in _usage_blocks(data):
            for key in ("call_count", "total_time", "total_cputime"):
                value = block.get(key)
                if isinstance(value, (int, float)):
                    highest = max(highest, float(value))
    return highest


def _usage_blocks(data: Any) -> list[dict[str, Any]]:
    # X-App-Usage is one object; X-Business-Use-Case-Usage maps business ids to lists of them.
    if isinstance(data, dict) and any(k in data for k in ("call_count", "total_time", "total_cputime")):
        return [data]
    if isinstance(data, dict):
        return [b for v in data.values() if isinstance(v, list) for b in v if isinstance(b, dict)]
    return []


def _count(node: Any, *path: str) -> int:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return int(node) if isinstance(node, (int, float)) else 0


class GraphSource(Source):
    cfg: GraphConfig

    def __init__(self, cfg: GraphConfig, http: HttpClient, token: str | Callable[[], str | None] | None) -> None:
        super().__init__(cfg, http)
        self._token = token

    def token(self) -> str:
        value = self._token() if callable(self._token) else self._token
        if not value:
            raise SourceError(f"source {self.name}: no access token for connection {self.cfg.token_conn_id!r}")
        return value

    def _collect(self, interval: Interval, result: CrawlResult) -> None:
        window = self.refresh_window(interval) or interval
        span = Interval(window.start, interval.end)
        token = self.token()
        posts: dict[str, Mention] = {}
        for edge in self.cfg.edges:
            params = {
                "fields": POST_FIELDS,
                "since": int(span.start.timestamp()),
                "until": int(span.end.timestamp()),
                "limit": self.cfg.page_size,
                "access_token": token,
            }
            for item in self._pages_of(f"{self.cfg.base_url}/{self.cfg.page_id}/{edge}", params, result):
                post = self._post(item)
                if post is not None:
                    posts.setdefault(post.external_id, post)
        for post in posts.values():
            (result.mentions if interval.contains(post.published_at) else result.refreshed).append(post)
            if self.cfg.include_comments:
                self._comments(post, span, interval, token, result)

    def _comments(self, post: Mention, span: Interval, interval: Interval, token: str, result: CrawlResult) -> None:
        params = {
            "fields": COMMENT_FIELDS,
            "filter": "stream",
            "order": "reverse_chronological",
            "limit": self.cfg.page_size,
            "access_token": token,
        }
        for item in self._pages_of(f"{self.cfg.base_url}/{post.external_id}/comments", params, result,
                                   stop_before=span):
            comment = self._comment(item, post)
            if comment is None:
                continue
            if interval.contains(comment.published_at):
                result.mentions.append(comment)
            elif span.contains(comment.published_at):
                result.refreshed.append(comment)

    def _pages_of(self, url: str, params: dict[str, Any] | None, result: CrawlResult,
                  stop_before: Interval | None = None) -> list[dict[str, Any]]:
        """All items of a paged edge; with ``stop_before``, stop at the first older item."""
        items: list[dict[str, Any]] = []
        visited: set[str] = set()
        next_url: str | None = url
        while next_url:
            key = next_url + json.dumps(params, sort_keys=True)
            if key in visited:
                raise SourceError(f"source {self.name}: paging loop at {url}")
            visited.add(key)
            body = self._get(next_url, params, result)
            data = body.get("data")
            if not isinstance(data, list):
                raise SourceError(f"source {self.name}: unexpected Graph response (no data list) from {url}")
            items += data
            if not data:
                break
            if stop_before is not None:
                oldest = parse_time(data[-1].get("created_time"))
                if oldest is not None and oldest < stop_before.start:
                    break
            next_url, params = (body.get("paging") or {}).get("next"), None
        return items

    def _get(self, url: str, params: dict[str, Any] | None, result: CrawlResult) -> dict[str, Any]:
        attempt = 0
        while True:
            try:
                response, body = self.fetch_parsed(url, _json_object, params=params)
                break
            except HttpError as exc:
                code, message = _graph_error(exc.body)
                if code not in RATE_LIMIT_CODES:
                    raise SourceError(f"source {self.name}: Graph API error {code}: {message or exc}") from exc
                if attempt == self.cfg.rate_limit_retries:
                    raise SourceError(f"source {self.name}: still rate limited (code {code}) after "
                                      f"{attempt + 1} attempts: {message}") from exc
                result.warnings.append(f"rate limited (code {code}), pausing")
                self.http.sleep(self.cfg.rate_limit_pause_seconds * (2 ** attempt))
                attempt += 1
        usage = usage_percent(response.headers)
        if usage >= self.cfg.usage_threshold_percent:
            result.warnings.append(f"Graph usage at {usage:.0f}%, pausing {self.cfg.usage_pause_seconds:g} s")
            self.http.sleep(self.cfg.usage_pause_seconds)
        return body

    def _post(self, item: dict[str, Any]) -> Mention | None:
        return self._mention(
            item, "facebook_post",
            url=item.get("permalink_url") or f"https://www.facebook.com/{item.get('id')}",
            text=item.get("message") or item.get("story"),
            reactions=_count(item, "reactions", "summary", "total_count")
            or _count(item, "likes", "summary", "total_count"),
            comments=_count(item, "comments", "summary", "total_count"),
            shares=_count(item, "shares", "count"))

    def _comment(self, item: dict[str, Any], post: Mention) -> Mention | None:
        return self._mention(
            item, "facebook_comment",
            url=item.get("permalink_url") or f"{post.url}?comment_id={item.get('id')}",
            text=item.get("message"), title=post.title, parent_external_id=post.external_id,
            reactions=_count(item, "like_count"), comments=_count(item, "comment_count"))

    def _mention(self, item: dict[str, Any], source_type: str, *, url: str, text: Any,
                 **fields: Any) -> Mention | None:
        """A post or comment; None when the item has no id or no creation time."""
        moment = parse_time(item.get("created_time"))
        if not item.get("id") or moment is None:
            return None
        author = item.get("from") or {}
        return Mention(
            source=self.name, external_id=str(item["id"]), source_type=source_type, url=url,
            published_at=moment, text=clean(text), author=clean(author.get("name")) or None,
            raw={"from_id": author.get("id"), "page_id": self.cfg.page_id}, **fields)


def _json_object(response: HttpResponse) -> tuple[HttpResponse, dict[str, Any]]:
    try:
        body = response.json()
    except ValueError as exc:
        raise ParseError(f"Graph response from {response.url} is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ParseError(f"Graph response from {response.url} is not a JSON object")
    return response, body


def _graph_error(body: bytes) -> tuple[int | None, str | None]:
    try:
        error = json.loads(body.decode("utf-8")).get("error") or {}
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None, None
    code = error.get("code")
    return (int(code) if isinstance(code, int) else None), error.get("message")
