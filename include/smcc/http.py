"""The one HTTP client of the product: polite, bounded and charset-correct.

Every fetch of every source goes through :class:`HttpClient`, so robots.txt, the
User-Agent, per-host delays, retries, size limits and decoding live in one place.
"""

from __future__ import annotations

import codecs
import email.utils
import json
import re
import threading
import time
import unicodedata
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

import requests

from smcc import __version__

DEFAULT_CONTACT_URL = "https://github.com/smcc-project/smcc"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
_WEAK_LABELS = frozenset({"ascii", "iso8859-1", "cp1252"})
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)


class HttpError(Exception):
    """A request failed for good (after retries where retrying makes sense)."""

    def __init__(self, message: str, url: str, status: int | None = None, body: bytes = b"",
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


class RobotsDisallowed(HttpError):
    """robots.txt of the host forbids our User-Agent to fetch this URL."""


class ResponseTooLarge(HttpError):
    """The body grew beyond the configured maximum; the download was aborted."""


def nfc(text: str) -> str:
    """Unicode NFC: Vietnamese comes both precomposed and with combining marks (windows-1258)."""
    return unicodedata.normalize("NFC", text)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page to NFC text; returns ``(text, encoding used)``.

    Order: HTTP header charset, then ``<meta charset>`` / XML declaration, then detection.
    A label is only trusted if the bytes decode under it: Vietnamese sites still send
    windows-1258 bytes labelled utf-8 (or unlabelled), which would otherwise become mojibake.
    Valid UTF-8 with non-ASCII bytes is practically never another encoding, so it wins
    detection; everything else falls back to windows-1258, the Vietnamese legacy code page.
    """
    header = _HEADER_CHARSET.search(content_type or "")
    head = body[:4096]
    meta = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    labels = [_codec(header.group(1) if header else None),
              _codec(meta.group(1).decode("ascii") if meta else None)]
    # Western labels cannot encode Vietnamese at all: they are server defaults, not facts.
    labels = [label for label in labels if label not in _WEAK_LABELS]
    candidates = [*labels, "utf-8", "cp1258"]
    for encoding in dict.fromkeys(c for c in candidates if c):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return nfc(text.lstrip("\ufeff")), encoding
    return nfc(body.decode("cp1258", errors="replace")), "cp1258"


@dataclass
class HttpResponse:
    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text, _ = decode_body(self.content, self.headers.get("Content-Type"))
        return self._text

    def json(self) -> Any:
        return json.loads(self.content.decode("utf-8"))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    current = now if now is not None else time.time()
    return max(0.0, moment.timestamp() - current)


class HttpClient:
    """Shared polite HTTP client (thread-safe for concurrent sources).

    All limits are constructor arguments so tests can make them tiny.
    """

    VALIDATOR_CACHE_SIZE = 1024  # responses kept for conditional GET (ETag / Last-Modified)

    def __init__(
        self,
        *,
        contact_url: str = DEFAULT_CONTACT_URL,
        min_delay: float = 1.0,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        max_retries: int = 3,
        backoff: float = 1.0,
        max_retry_after: float = 60.0,
        max_bytes: int = 5_000_000,
        respect_robots: bool = True,
        conditional: bool = True,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = f"SMCC/{__version__} (+{contact_url})"
        self.min_delay = min_delay
        self.timeout = (connect_timeout, read_timeout)
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.respect_robots = respect_robots
        self.conditional = conditional
        self.sleep = sleep
        self.requests_made = 0
        self._session = session or requests.Session()
        self._session.headers["User-Agent"] = self.user_agent
        self._lock = threading.Lock()
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._validators: dict[str, HttpResponse] = {}

    # -- public API -----------------------------------------------------------------------

    def get(self, url: str, *, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> HttpResponse:
        """GET with robots check, per-host delay, retries and the size limit.

        Raises :class:`HttpError` for 4xx, for 429/5xx/network errors that persist after
        ``max_retries`` retries, :class:`RobotsDisallowed` and :class:`ResponseTooLarge`.
        """
        if self.respect_robots and not self.allowed(url):
            raise RobotsDisallowed(f"robots.txt disallows {url}", url)
        return self._fetch(url, params=params, headers=headers)

    def get_text(self, url: str, **kwargs: Any) -> str:
        return self.get(url, **kwargs).text

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            parser = self._robots.get(origin)
        if parser is None:
            parser = self._load_robots(origin)
            with self._lock:
                self._robots[origin] = parser
        return parser.can_fetch(self.user_agent, url)

    # -- internals ------------------------------------------------------------------------

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        try:
            response = self._fetch(f"{origin}/robots.txt", cache=False)
        except HttpError as exc:
            # RFC 9309: a missing robots.txt (4xx) means no restriction; an unreachable one
            # (5xx after retries) means "assume everything is disallowed" until it recovers.
            if exc.status is not None and 400 <= exc.status < 500:
                parser.parse([])
                return parser
            raise HttpError(f"robots.txt of {origin} unavailable: {exc}", exc.url, exc.status) from exc
        parser.parse(response.text.splitlines())
        return parser

    def _wait_turn(self, host: str) -> None:
        """Sleep so that two requests to one host are at least ``min_delay`` apart."""
        with self._lock:
            now = time.monotonic()
            ready = self._last_request.get(host, 0.0) + self.min_delay
            slot = max(now, ready)
            self._last_request[host] = slot
        if slot > now:
            self.sleep(slot - now)

    def _fetch(self, url: str, *, params: Mapping[str, Any] | None = None,
               headers: Mapping[str, str] | None = None, cache: bool = True) -> HttpResponse:
        host = urlsplit(url).netloc
        cache_key = requests.Request("GET", url, params=params).prepare().url or url
        request_headers = dict(headers or {})
        cached = self._validators.get(cache_key) if (cache and self.conditional) else None
        if cached is not None:
            if "ETag" in cached.headers:
                request_headers["If-None-Match"] = cached.headers["ETag"]
            if "Last-Modified" in cached.headers:
                request_headers["If-Modified-Since"] = cached.headers["Last-Modified"]
        attempt = 0
        while True:
            self._wait_turn(host)
            try:
                response = self._once(url, params, request_headers)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                failure: HttpError = HttpError(f"GET {url} failed: {type(exc).__name__}: {exc}", url)
                wait = None
            else:
                if response.status == 304 and cached is not None:
                    return cached
                if response.status < 400:
                    if cache and self.conditional and ({"ETag", "Last-Modified"} & set(response.headers)):
                        self._remember(cache_key, response)
                    return response
                failure = HttpError(f"GET {url} returned HTTP {response.status}", url,
                                    response.status, response.content, response.headers)
                if response.status not in RETRY_STATUSES:
                    raise failure
                wait = parse_retry_after(response.headers.get("Retry-After"))
            if attempt >= self.max_retries:
                raise HttpError(f"{failure} (gave up after {attempt + 1} attempts)", url,
                                failure.status, failure.body, failure.headers)
            backoff = self.backoff * (2 ** attempt)
            self.sleep(min(self.max_retry_after, wait if wait is not None else backoff))
            attempt += 1

    def _remember(self, key: str, response: HttpResponse) -> None:
        with self._lock:
            self._validators.pop(key, None)
            self._validators[key] = response
            while len(self._validators) > self.VALIDATOR_CACHE_SIZE:
                self._validators.pop(next(iter(self._validators)))  # oldest first (insertion order)

    def _once(self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str]) -> HttpResponse:
        with self._lock:
            self.requests_made += 1
        with self._session.get(url, params=params, headers=headers, timeout=self.timeout,
                               stream=True) as raw:
            declared = raw.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise ResponseTooLarge(f"{url}: Content-Length {declared} exceeds {self.max_bytes} bytes",
                                       url, raw.status_code)
            chunks: list[bytes] = []
            size = 0
            for chunk in raw.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise ResponseTooLarge(f"{url}: body exceeds {self.max_bytes} bytes", url, raw.status_code)
                chunks.append(chunk)
            return HttpResponse(url=raw.url, status=raw.status_code, headers=raw.headers,
                                content=b"".join(chunks))

