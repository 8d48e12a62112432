"""The interface every source type implements, and the pieces they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Mapping, TypeVar

from smcc.http import HttpClient, HttpError, HttpResponse
from smcc.models import Interval, Mention
from smcc.sources.config import SourceConfig

VIETNAM = timezone(timedelta(hours=7))
T = TypeVar("T")
_SECRET_PARAM = re.compile(r"((?:access_token|token|key|secret)=)[^&\s'\"]+", re.I)


def redact(text: str) -> str:
    """Hide secrets that travel in query strings (Graph paging URLs carry the token)."""
    return _SECRET_PARAM.sub(r"\1REDACTED", text)


class SourceError(Exception):
    """The source is broken for this run (persistent HTTP errors, unparseable data, a loop)."""


class ParseError(SourceError):
    """A fetched document is not what it should be (cut, maintenance page, changed markup)."""


@dataclass
class CrawlResult:
    mentions: list[Mention] = field(default_factory=list)
    refreshed: list[Mention] = field(default_factory=list)
    pages_fetched: int = 0
    warnings: list[str] = field(default_factory=list)


class Source:
    """One configured source; ``collect`` returns what was published in an interval."""

    def __init__(self, cfg: SourceConfig, http: HttpClient) -> None:
        self.cfg = cfg
        self.http = http
        self._pages = 0

    @property
    def name(self) -> str:
        return self.cfg.name

    def collect(self, interval: Interval) -> CrawlResult:
        self._pages = 0
        result = CrawlResult()
        try:
            self._collect(interval, result)
        except HttpError as exc:
            # No chaining: the cause's URL may carry an access token.
            raise SourceError(redact(f"source {self.name}: {exc}")) from None
        except SourceError as exc:
            raise SourceError(redact(str(exc))) from None
        result.pages_fetched = self._pages
        result.warnings = [redact(w) for w in result.warnings]
        return _deduplicated(result, interval, self.refresh_window(interval))

    def _collect(self, interval: Interval, result: CrawlResult) -> None:
        raise NotImplementedError

    def refresh_window(self, interval: Interval) -> Interval | None:
        if self.cfg.refresh_hours <= 0:
            return None
        return Interval(interval.start - timedelta(hours=self.cfg.refresh_hours), interval.start)

    def fetch(self, url: str, *, params: Mapping[str, Any] | None = None) -> HttpResponse:
        """One page through the shared client, counted against ``max_pages``."""
        if self._pages >= self.cfg.max_pages:
            raise SourceError(
                f"source {self.name}: page budget of {self.cfg.max_pages} pages exceeded "
                f"(next: {url}); a pagination loop or an unexpectedly large backlog"
            )
        self._pages += 1
        return self.http.get(url, params=params)

    def fetch_parsed(self, url: str, parse: Callable[[HttpResponse], T], *,
                     params: Mapping[str, Any] | None = None) -> T:
        """Fetch and parse; a document that does not parse (often a cut transfer) is fetched again."""
        failure: ParseError | None = None
        for _ in range(self.http.max_retries + 1):
            response = self.fetch(url, params=params)
            try:
                return parse(response)
            except ParseError as exc:
                failure = exc
        raise SourceError(f"source {self.name}: {failure} ({self.http.max_retries + 1} attempts)")

    def fetch_html(self, url: str) -> HttpResponse:
        return self.fetch_parsed(url, complete_html)


def complete_html(response: HttpResponse) -> HttpResponse:
    """The response, if its HTML arrived whole."""
    # </html> is optional in HTML5, but every CMS we read emits it; its absence means a cut transfer.
    tail = response.text[-2048:].lower()
    if "</html>" not in tail and "</body>" not in tail:
        raise ParseError(f"{response.url} arrived truncated (no closing </html>)")
    return response


def _deduplicated(result: CrawlResult, interval: Interval, window: Interval | None) -> CrawlResult:
    """Keep each item once, new ones only inside the interval, refreshed ones only in the window."""
    def unique(items: list[Mention], span: Interval | None) -> list[Mention]:
        seen: dict[str, Mention] = {}
        for item in items:
            if span is not None and span.contains(item.published_at):
                seen.setdefault(item.external_id, item)
        return list(seen.values())

    result.mentions = unique(result.mentions, interval)
    fresh = {m.external_id for m in result.mentions}
    result.refreshed = [m for m in unique(result.refreshed, window) if m.external_id not in fresh]
    return result


def parse_time(value: str | None) -> datetime | None:
    """Parse ISO 8601, RFC 822 or unix-seconds timestamps to aware UTC; naive means Vietnam time."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    moment: datetime | None = None
    if re.fullmatch(r"\d{9,11}", value):
        return datetime.fromtimestamp(int(value), tz=timezone.utc)
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value.replace("Z", "+00:00"))
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            moment = _vietnamese_date(value)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(timezone.utc)


def _vietnamese_date(value: str) -> datetime | None:
    """Dates as Vietnamese pages print them: ``22/10/2025, 19:25 (GMT+7)``."""
    match = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\D+(\d{1,2}):(\d{2}))?", value)
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), tzinfo=VIETNAM)
    except ValueError:
        return None
